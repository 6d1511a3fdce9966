"""Rules in plain English, for marketers.

>>> from segkit.spec.io import parse_rule
>>> describe(parse_rule({"all": [
...     {"field": "lifecycle_stage", "op": "in", "value": ["lead", "marketing_qualified_lead"]},
...     {"event": "page_view", "where": {"field": "page", "op": "eq", "value": "pricing"},
...      "within": {"last_days": 30}, "op": "ge", "value": 2}]}, "rule"))
'lifecycle stage is lead or marketing qualified lead, and viewed the pricing page at least twice in the last 30 days'
"""

from __future__ import annotations

from typing import Any

from segkit.spec.nodes import (
    MISSING,
    All,
    AnyOf,
    Between,
    Event,
    Field,
    LastDays,
    Not,
    Rule,
    SegmentRef,
)

# How an event type reads as a verb phrase ("{verb} {times}") and as a noun ("{noun}s").
EVENT_WORDS: dict[str, tuple[str, str]] = {
    "page_view": ("viewed a page", "page view"),
    "email_send": ("was sent an email", "email sent"),
    "email_open": ("opened an email", "email open"),
    "email_click": ("clicked an email", "email click"),
    "form_submit": ("submitted a form", "form submission"),
    "content_download": ("downloaded content", "content download"),
    "purchase": ("purchased", "purchase"),
    "unsubscribe": ("unsubscribed", "unsubscribe"),
    "*": ("did anything", "event"),
}
_TIMES = {1: "once", 2: "twice", 3: "three times"}


def label(name: str) -> str:
    """A column name as words: ``lifecycle_stage`` -> ``lifecycle stage``."""
    return name.replace("_", " ").strip()


def _val(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return label(v) if v and v.replace("_", "").isalnum() else repr(v)
    if isinstance(v, float) and v.is_integer():
        return f"{v:g}"
    return str(v)


def _list(values: Any, joiner: str = "or") -> str:
    items = [_val(v) for v in values]
    if not items:
        return "nothing"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {joiner} " + items[-1]


_FIELD_OPS = {
    "eq": "is {v}",
    "ne": "is not {v}",
    "lt": "is less than {v}",
    "le": "is at most {v}",
    "gt": "is more than {v}",
    "ge": "is at least {v}",
    "contains": "contains {q}",
    "not_contains": "does not contain {q}",
    "starts_with": "starts with {q}",
    "ends_with": "ends with {q}",
    "within_last_days": "is within the last {v} days",
    "not_within_last_days": "is more than {v} days ago",
    "is_empty": "is empty",
    "is_not_empty": "is set",
}
_DATE_OPS = {"lt": "is before {v}", "before": "is before {v}", "gt": "is after {v}",
             "after": "is after {v}", "le": "is on or before {v}", "ge": "is on or after {v}"}  # fmt: skip


def _condition(op: str, value: Any, temporal: bool = False) -> str:
    if op == "in":
        return f"is {_list(value)}"
    if op == "not_in":
        return f"is neither {_list(value, 'nor')}" if len(value) > 1 else f"is not {_list(value)}"
    if op == "between":
        lo, hi = value
        return f"is between {_val(lo)} and {_val(hi)}"
    if op == "has_any":
        return f"includes {_list(value)}"
    if op == "has_all":
        return f"includes all of {_list(value, 'and')}"
    if op == "has_none":
        return f"includes none of {_list(value)}"
    template = (_DATE_OPS.get(op) if temporal or op in ("before", "after") else None) or \
        _FIELD_OPS[op]  # fmt: skip
    is_date = isinstance(value, str) and len(value) >= 10 and value[4:5] == "-"
    if is_date and op in _DATE_OPS:
        template = _DATE_OPS[op]
    return template.format(v=_val(value), q=repr(value))


def _window(node: Event) -> str:
    w = node.within
    if w is None:
        return ""
    if isinstance(w, LastDays):
        return " today" if w.days == 0 else (
            " in the last day" if w.days == 1 else f" in the last {w.days} days"
        )  # fmt: skip
    assert isinstance(w, Between)
    if w.start and w.end:
        return f" between {w.start} and {w.end}"
    return f" since {w.start}" if w.start else f" until {w.end}"


def _times(n: Any) -> str:
    return _TIMES.get(n, f"{_val(n)} times") if isinstance(n, int) else f"{_val(n)} times"


def _count_phrase(op: str, value: Any) -> str:
    if op == "ge":
        return f"at least {_times(value)}"
    if op == "gt":
        return f"more than {_times(value)}"
    if op == "le":
        return f"at most {_times(value)}"
    if op == "lt":
        return f"fewer than {_times(value)}"
    if op == "eq":
        return "never" if value == 0 else f"exactly {_times(value)}"
    if op == "ne":
        return f"other than {_times(value)}"
    if op == "between":
        return f"between {_val(value[0])} and {_times(value[1])}"
    return _condition(op, value)


def _event_subject(node: Event) -> tuple[str, str]:
    """(verb phrase, noun) for the event condition, folding a simple page ``where`` in."""
    types = node.types
    if types is None:
        verb, noun = EVENT_WORDS["*"]
    elif len(types) == 1:
        verb, noun = EVENT_WORDS.get(types[0], (f"did {label(types[0])}", label(types[0])))
    else:
        verb, noun = f"did {_list(types)}", f"{_list(types)} event"
    where = node.where
    if (
        types == ("page_view",) and isinstance(where, Field) and where.field == "page"
        and where.op == "eq" and isinstance(where.value, str)
    ):
        return f"viewed the {where.value} page", f"{where.value} page view"
    if where is not None:
        w = describe(where, events=True)
        return f"{verb} where {w}", f"{noun} where {w}"
    return verb, noun


def _never(verb: str) -> str:
    return f"was never {verb[4:]}" if verb.startswith("was ") else f"never {verb}"


def _event(node: Event) -> str:
    verb, noun = _event_subject(node)
    window = _window(node)
    m = node.effective_measure
    op, value = node.effective_op, node.effective_value
    if m.kind == "count":
        if op == "eq" and value == 0:
            return f"{_never(verb)}{window}"
        if op == "ge" and value == 1:
            return f"{verb}{window}"
        return f"{verb} {_count_phrase(op, value)}{window}"
    if m.kind in ("first_at", "last_at"):
        which = "first" if m.kind == "first_at" else "last"
        cond = _condition(op, value if value is not MISSING else None, temporal=True)
        return f"the {which} {noun}{window} {cond}"
    what = {"sum": "total", "avg": "average", "min": "smallest", "max": "largest"}[m.kind]
    cond = _condition(op, value if value is not MISSING else None)
    return f"the {what} {label(m.column or '')} of {noun}s{window} {cond}"


def describe(rule: Rule, *, events: bool = False, _nested: bool = False) -> str:
    """The rule in plain English."""
    if isinstance(rule, All):
        if not rule.children:
            return "everyone"
        parts = [describe(c, events=events, _nested=True) for c in rule.children]
        text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + ", and " + parts[-1]
        return f"({text})" if _nested and len(parts) > 1 else text
    if isinstance(rule, AnyOf):
        if not rule.children:
            return "no one"
        parts = [describe(c, events=events, _nested=True) for c in rule.children]
        text = " or ".join(parts)
        return f"({text})" if _nested and len(parts) > 1 else text
    if isinstance(rule, Not):
        child = rule.child
        if isinstance(child, Event) and child.effective_measure.kind == "count" \
                and child.effective_op == "ge" and child.effective_value == 1:
            verb, _ = _event_subject(child)
            return f"{_never(verb)}{_window(child)}"
        if isinstance(child, SegmentRef):
            return f"is not in segment {child.name!r}"
        if isinstance(child, Field) and child.op == "has_any":
            return f"{label(child.field)} does not include {_list(child.value)}"
        return f"not {describe(child, events=events, _nested=True)}"
    if isinstance(rule, SegmentRef):
        return f"is in segment {rule.name!r}"
    if isinstance(rule, Field):
        value = None if rule.value is MISSING else rule.value
        return f"{label(rule.field)} {_condition(rule.op, value)}"
    if isinstance(rule, Event):
        return _event(rule)
    raise TypeError(f"not a rule node: {rule!r}")
