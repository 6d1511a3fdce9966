"""A row-by-row reference evaluator for segment documents, transcribed from
/work/shared/spec/segment-format.md alone (not from the compiler).

It is meant to be obviously correct, not fast: plain Python over ``to_dicts()``.
It assumes the document is valid (the engine's job is to reject invalid ones);
it only raises for an unknown or cyclic ``{"segment": NAME}``.

    reference_mask(doc, contacts, events, as_of, catalog=None) -> list[bool]
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl

UTC = dt.UTC
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# -- values -------------------------------------------------------------------------------------


def utc_naive(x: Any) -> Any:
    """Naive datetimes are UTC; zone-aware ones are converted to UTC (then made naive)."""
    if isinstance(x, dt.datetime) and x.tzinfo is not None:
        return x.astimezone(UTC).replace(tzinfo=None)
    return x


def parse_as_of(as_of: dt.datetime | str) -> dt.datetime:
    if isinstance(as_of, str):
        as_of = dt.datetime.fromisoformat(as_of)
    return utc_naive(as_of)


def parse_temporal(s: str) -> dt.date | dt.datetime:
    """A date-only ISO value -> date (a calendar day); otherwise -> UTC-naive datetime (an instant)."""
    if _DATE_ONLY.match(s):
        return dt.date.fromisoformat(s)
    return utc_naive(dt.datetime.fromisoformat(s))


def lower(s: str) -> str:
    """Unicode *simple* lower-casing, char by char (no final-sigma rule, no 'İ' -> 'i̇')."""
    return "".join(c.lower()[0] for c in s)


def kind_of(dtype: pl.DataType) -> str:
    if dtype == pl.Boolean:
        return "bool"
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "float"
    if dtype == pl.String:
        return "str"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if isinstance(dtype, pl.List):
        return "list"
    raise TypeError(f"reference: unsupported dtype {dtype}")


def _is_empty(x: Any) -> bool:
    return x is None or x == "" or x == []


def _pair(x: Any, v: Any, kind: str) -> tuple[Any, Any]:
    """Both sides of one comparison, normalised as the spec says."""
    if kind == "str":
        return lower(x), lower(v)
    if kind in ("date", "datetime"):
        v = parse_temporal(v)
        if not isinstance(v, dt.datetime):  # date-only value: compare calendar days
            return (x.date() if isinstance(x, dt.datetime) else x), v
        # datetime value: compare instants; a date stands for its midnight
        return (x if isinstance(x, dt.datetime) else dt.datetime.combine(x, dt.time())), v
    return x, v  # numbers (int/float mix numerically) and bools


def _days_before(now, n: int):
    """``now - n days``, or None when that is before year 1 (any N >= 0 is valid)."""
    try:
        return now - dt.timedelta(days=n)
    except OverflowError:
        return None


_CMP = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "before": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "after": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


def satisfies(op: str, x: Any, value: Any, kind: str, as_of: dt.datetime) -> bool:
    """Does the (UTC-normalised) value ``x`` of a field of type ``kind`` satisfy ``op value``?"""
    if op == "is_empty":
        return _is_empty(x)
    if op == "is_not_empty":
        return not _is_empty(x)
    if kind == "list":  # a null list is the empty list
        tags = {lower(t) for t in (x or []) if t is not None}
        wanted = {lower(v) for v in value}
        return {
            "has_any": bool(tags & wanted),
            "has_all": wanted <= tags,
            "has_none": not (tags & wanted),
        }[op]
    if x is None:  # a null scalar satisfies is_empty and nothing else
        return False
    if op in ("within_last_days", "not_within_last_days"):
        now = as_of if kind == "datetime" else as_of.date()
        start = _days_before(now, value)
        if op == "within_last_days":
            return (start is None or start < x) and x <= now
        return start is not None and x <= start
    if op in ("contains", "not_contains", "starts_with", "ends_with"):
        s, v = lower(x), lower(value)
        return {
            "contains": v in s,
            "not_contains": v not in s,
            "starts_with": s.startswith(v),
            "ends_with": s.endswith(v),
        }[op]
    if op == "in":
        return any(_CMP["eq"](*_pair(x, v, kind)) for v in value)
    if op == "not_in":
        return not any(_CMP["eq"](*_pair(x, v, kind)) for v in value)
    if op == "between":
        lo, hi = value
        return _CMP["ge"](*_pair(x, lo, kind)) and _CMP["le"](*_pair(x, hi, kind))
    return _CMP[op](*_pair(x, value, kind))


# -- rules --------------------------------------------------------------------------------------


class _Ctx:
    def __init__(self, contacts, events, as_of, catalog):
        self.contacts = contacts
        self.rows = [{k: utc_naive(v) for k, v in r.items()} for r in contacts.to_dicts()]
        self.kinds = {c: kind_of(t) for c, t in contacts.schema.items()}
        self.as_of = as_of
        self.catalog = catalog or {}
        self.events: dict[Any, list[dict]] = {}
        self.event_kinds: dict[str, str] = {}
        if events is not None:
            self.event_kinds = {c: kind_of(t) for c, t in events.schema.items()}
            for e in events.to_dicts():
                e = {k: utc_naive(v) for k, v in e.items()}
                self.events.setdefault(e["contact_id"], []).append(e)
        self.segment_cache: dict[str, list[bool]] = {}
        self.stack: list[str] = []


def eval_rule(rule: dict, row: dict, kinds: dict, ctx: _Ctx, i: int | None) -> bool:
    """``row`` is a contact (``i`` its index) or, inside ``where``, an event (``i`` None)."""
    if "all" in rule:
        return all(eval_rule(r, row, kinds, ctx, i) for r in rule["all"])
    if "any" in rule:
        return any(eval_rule(r, row, kinds, ctx, i) for r in rule["any"])
    if "not" in rule:
        return not eval_rule(rule["not"], row, kinds, ctx, i)
    if "field" in rule:
        return satisfies(rule["op"], row[rule["field"]], rule.get("value"), kinds[rule["field"]], ctx.as_of)
    if "event" in rule:
        return eval_event(rule, row, ctx)
    if "segment" in rule:
        return segment_mask(rule["segment"], ctx)[i]
    raise ValueError(f"reference: unknown rule shape {rule!r}")


def segment_mask(name: str, ctx: _Ctx) -> list[bool]:
    if name in ctx.segment_cache:
        return ctx.segment_cache[name]
    if name not in ctx.catalog:
        raise ValueError(f"reference: unknown segment {name!r}")
    if name in ctx.stack:
        raise ValueError(f"reference: segment cycle {ctx.stack + [name]}")
    ctx.stack.append(name)
    doc = ctx.catalog[name]
    out = [eval_rule(doc["rule"], row, ctx.kinds, ctx, i) for i, row in enumerate(ctx.rows)]
    ctx.stack.pop()
    ctx.segment_cache[name] = out
    return out


def _in_window(ts: dt.datetime, within: dict | None, as_of: dt.datetime) -> bool:
    if within is None:
        return True
    if "last_days" in within:
        start = _days_before(as_of, within["last_days"])
        return start is None or start < ts
    ok = True
    if "from" in within:
        ok = ok and _CMP["ge"](*_pair(ts, within["from"], "datetime"))
    if "to" in within:
        ok = ok and _CMP["le"](*_pair(ts, within["to"], "datetime"))
    return ok


def eval_event(rule: dict, contact: dict, ctx: _Ctx) -> bool:
    etype = rule["event"]
    types = None if etype == "*" else ({etype} if isinstance(etype, str) else set(etype))
    matching = [
        e
        for e in ctx.events.get(contact["contact_id"], [])
        if e["timestamp"] is not None
        and e["timestamp"] <= ctx.as_of
        and (types is None or e["event"] in types)
        and _in_window(e["timestamp"], rule.get("within"), ctx.as_of)
        and ("where" not in rule or eval_rule(rule["where"], e, ctx.event_kinds, ctx, None))
    ]
    measure = rule.get("measure", "count")
    if measure == "count":
        m, kind = len(matching), "int"
    elif measure in ("first_at", "last_at"):
        stamps = [e["timestamp"] for e in matching]
        m = (min if measure == "first_at" else max)(stamps) if stamps else None
        kind = "datetime"
    else:
        (agg, col), = measure.items()
        vals = [e[col] for e in matching if e[col] is not None]
        kind = "float" if agg == "avg" else ctx.event_kinds.get(col, "float")  # no events table
        if agg == "sum":
            m = sum(vals)
        elif not vals:
            m = None
        else:
            m = {"avg": lambda v: sum(v) / len(v), "min": min, "max": max}[agg](vals)
    if measure == "count" and "op" not in rule and "value" not in rule:
        op, value = "ge", 1
    else:
        op, value = rule["op"], rule.get("value")
    return satisfies(op, m, value, kind, ctx.as_of)


# -- entry point --------------------------------------------------------------------------------


def reference_mask(
    doc: dict,
    contacts: pl.DataFrame,
    events: pl.DataFrame | None,
    as_of: dt.datetime | str,
    catalog: dict[str, dict] | None = None,
) -> list[bool]:
    """For each contact row, in order: is it a member of the segment ``doc``?"""
    ctx = _Ctx(contacts, events, parse_as_of(as_of), catalog)
    return [eval_rule(doc["rule"], row, ctx.kinds, ctx, i) for i, row in enumerate(ctx.rows)]


def reference_ids(doc, contacts, events, as_of, catalog=None) -> list:
    """The contact_ids of the members, in contacts' row order."""
    mask = reference_mask(doc, contacts, events, as_of, catalog)
    return [r for r, m in zip(contacts["contact_id"].to_list(), mask, strict=True) if m]
