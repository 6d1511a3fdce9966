"""Documents <-> rule trees: structural checks with JSON paths, and the exact way back.

``parse_document`` checks everything that can be checked without data (shapes, keys, operator
names, value shapes) and raises one :class:`SegmentError` naming the JSON path of the problem.
``dump_rule`` writes a tree back so that ``dump(parse(doc)) == doc``.
"""

from __future__ import annotations

import difflib
from typing import Any

from segkit.errors import SegmentError
from segkit.spec.nodes import (
    MISSING,
    All,
    AnyOf,
    Between,
    Event,
    Field,
    LastDays,
    Measure,
    Not,
    Rule,
    SegmentRef,
    Window,
)
from segkit.spec.operators import (
    ALL_OPS,
    NO_VALUE_OPS,
    NUMERIC,
    Kind,
    is_iso,
    ops_for,
    value_fits_kind,
    value_fits_shape,
    value_shape,
)

FORMAT_VERSION = 1
DOC_KEYS = ("version", "name", "description", "rule")
FIELD_KEYS = ("field", "op", "value")
EVENT_KEYS = ("event", "where", "within", "measure", "op", "value")
SHAPE_KEYS = ("all", "any", "not", "field", "event", "segment")
AGGREGATES = ("sum", "avg", "min", "max")
MEASURE_KIND = {"count": Kind.INT, "sum": Kind.FLOAT, "avg": Kind.FLOAT, "min": Kind.FLOAT,
                "max": Kind.FLOAT, "first_at": Kind.DATETIME, "last_at": Kind.DATETIME}  # fmt: skip

# Migrations from older format versions: {from_version: function(doc) -> doc of version+1}.
# Version 1 is the first; a future version 2 registers its migration from 1 here.
MIGRATIONS: dict[int, Any] = {}


def _close(name: str, options) -> list[str]:
    return difflib.get_close_matches(name, list(options), n=3, cutoff=0.6)


def _type_name(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return {dict: "an object", list: "a list", str: "a string", int: "a number",
            float: "a number"}.get(type(v), type(v).__name__)  # fmt: skip


def _check_keys(d: dict, allowed: tuple[str, ...], path: str) -> None:
    for key in d:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            raise SegmentError(
                where,
                f"unknown key {key!r}",
                expected=f"one of {', '.join(allowed)}",
                suggestions=_close(str(key), allowed),
            )


# -- documents ----------------------------------------------------------------------------------


def parse_document(doc: Any) -> tuple[int, str | None, str | None, Rule]:
    """Check a whole document and return ``(version, name, description, rule)``."""
    if not isinstance(doc, dict):
        raise SegmentError("document", f"found {_type_name(doc)}", expected="a JSON object")
    _check_keys(doc, DOC_KEYS, "")
    if "version" not in doc:
        raise SegmentError("version", "missing", expected=f"\"version\": {FORMAT_VERSION}")
    version = doc["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SegmentError("version", f"found {version!r}", expected=f"{FORMAT_VERSION}")
    if version > FORMAT_VERSION:
        raise SegmentError(
            "version",
            f"version {version} is newer than this segkit understands",
            expected=f"version {FORMAT_VERSION} or older (upgrade segkit to read it)",
        )
    while version < FORMAT_VERSION:  # pragma: no cover - no older version exists yet
        doc = MIGRATIONS[version](doc)
        version += 1
    name = doc.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise SegmentError("name", f"found {_type_name(name)}", expected="a non-empty string")
    if "name" in doc and name is None:
        raise SegmentError("name", "found null", expected="a non-empty string")
    description = doc.get("description")
    if "description" in doc and not isinstance(description, str):
        raise SegmentError("description", f"found {_type_name(description)}",
                           expected="a string")  # fmt: skip
    if "rule" not in doc:
        raise SegmentError("rule", "missing", expected="a rule, e.g. {\"all\": [...]}")
    return version, name, description, parse_rule(doc["rule"], "rule")


def dump_document(version: int, name: str | None, description: str | None, rule: Rule) -> dict:
    out: dict[str, Any] = {"version": version}
    if name is not None:
        out["name"] = name
    if description is not None:
        out["description"] = description
    out["rule"] = dump_rule(rule)
    return out


# -- rules --------------------------------------------------------------------------------------


def parse_rule(d: Any, path: str, *, in_where: bool = False) -> Rule:
    if not isinstance(d, dict):
        raise SegmentError(path, f"found {_type_name(d)}", expected="a rule object")
    shapes = [k for k in SHAPE_KEYS if k in d]
    if in_where:
        shapes = [k for k in shapes if k not in ("event", "segment")]
        for k in ("event", "segment"):
            if k in d:
                raise SegmentError(
                    f"{path}.{k}",
                    f"a {k!r} rule cannot stand inside 'where'",
                    expected="field conditions and all/any/not only",
                )
    if not shapes:
        allowed = ("all", "any", "not", "field") if in_where else SHAPE_KEYS
        unknown = next(iter(d), None)
        raise SegmentError(
            f"{path}.{unknown}" if unknown is not None else path,
            "not a rule" if unknown is None else f"unknown key {unknown!r}",
            expected=f"exactly one of {', '.join(allowed)}",
            suggestions=_close(str(unknown), allowed) if unknown is not None else None,
        )
    if len(shapes) > 1:
        raise SegmentError(
            f"{path}.{shapes[1]}",
            f"a rule has one shape, found both {shapes[0]!r} and {shapes[1]!r}",
            expected="exactly one of all, any, not, field, event, segment",
        )
    shape = shapes[0]
    if shape in ("all", "any"):
        _check_keys(d, (shape,), path)
        children = d[shape]
        if not isinstance(children, list):
            raise SegmentError(f"{path}.{shape}", f"found {_type_name(children)}",
                               expected="a list of rules")  # fmt: skip
        parsed = tuple(
            parse_rule(c, f"{path}.{shape}[{i}]", in_where=in_where) for i, c in enumerate(children)
        )
        return All(parsed) if shape == "all" else AnyOf(parsed)
    if shape == "not":
        _check_keys(d, ("not",), path)
        return Not(parse_rule(d["not"], f"{path}.not", in_where=in_where))
    if shape == "segment":
        _check_keys(d, ("segment",), path)
        name = d["segment"]
        if not isinstance(name, str) or not name.strip():
            raise SegmentError(f"{path}.segment", f"found {_type_name(name)}",
                               expected="the name of a saved segment")  # fmt: skip
        return SegmentRef(name)
    if shape == "field":
        return _parse_field(d, path)
    return _parse_event(d, path)


def _parse_field(d: dict, path: str) -> Field:
    _check_keys(d, FIELD_KEYS, path)
    name = d["field"]
    if not isinstance(name, str) or not name:
        raise SegmentError(f"{path}.field", f"found {_type_name(name)}",
                           expected="a field name")  # fmt: skip
    op = _parse_op(d, path, ALL_OPS)
    value = _parse_value(d, path, op)
    return Field(name, op, value)


def _parse_op(d: dict, path: str, allowed: tuple[str, ...]) -> str:
    if "op" not in d:
        raise SegmentError(f"{path}.op", "missing", expected=f"one of {', '.join(allowed)}")
    op = d["op"]
    if not isinstance(op, str) or op not in allowed:
        raise SegmentError(
            f"{path}.op",
            f"unknown operator {op!r}" if isinstance(op, str) else f"found {_type_name(op)}",
            expected=f"one of {', '.join(allowed)}",
            suggestions=_close(op, allowed) if isinstance(op, str) else None,
        )
    return op


def _parse_value(d: dict, path: str, op: str) -> Any:
    if op in NO_VALUE_OPS:
        if "value" in d:
            raise SegmentError(f"{path}.value", f"{op} takes no value", expected="no 'value' key")
        return MISSING
    if "value" not in d:
        raise SegmentError(f"{path}.value", "missing", expected=value_shape(op))
    value = d["value"]
    if value is None:
        raise SegmentError(
            f"{path}.value", "null is never a valid value (to test for no value, use is_empty)",
            expected=value_shape(op),
        )  # fmt: skip
    if not value_fits_shape(op, value):
        raise SegmentError(f"{path}.value", f"found {value!r}", expected=value_shape(op))
    return tuple(value) if isinstance(value, list) else value


def _parse_event(d: dict, path: str) -> Event:
    _check_keys(d, EVENT_KEYS, path)
    etype = d["event"]
    if isinstance(etype, str) and etype:
        event: str | tuple[str, ...] = etype
    elif (
        isinstance(etype, list)
        and etype
        and all(isinstance(e, str) and e and e != "*" for e in etype)
    ):
        event = tuple(etype)
    else:
        raise SegmentError(f"{path}.event", f"found {etype!r}",
                           expected="an event type, a non-empty list of types, or \"*\"")  # fmt: skip
    where = None
    if "where" in d:
        where = parse_rule(d["where"], f"{path}.where", in_where=True)
    within = _parse_within(d["within"], f"{path}.within") if "within" in d else None
    measure: Measure | Any = MISSING
    if "measure" in d:
        measure = _parse_measure(d["measure"], f"{path}.measure")
    kind_name = (measure or Measure()).kind
    if "op" not in d and "value" not in d:
        if kind_name != "count":
            raise SegmentError(f"{path}.op", f"missing (measure {kind_name!r} has no default)",
                               expected="an op and a value to compare the measure with")  # fmt: skip
        return Event(event, where, within, measure)
    if "op" not in d:
        raise SegmentError(f"{path}.op", "missing ('value' is given without 'op')",
                           expected="an operator")  # fmt: skip
    kind = MEASURE_KIND[kind_name]
    op = _parse_op(d, path, ops_for(kind))
    value = _parse_value(d, path, op)
    if value is not MISSING and not value_fits_kind(op, list(value) if isinstance(value, tuple)
                                                    else value, kind):
        expected = "a number" if kind in NUMERIC else "an ISO date or datetime"
        raise SegmentError(f"{path}.value", f"found {_value_json(value)!r} for measure "
                           f"{kind_name!r}", expected=expected)  # fmt: skip
    return Event(event, where, within, measure, op, value)


def _parse_within(w: Any, path: str) -> Window:
    if not isinstance(w, dict) or not w:
        raise SegmentError(path, f"found {_type_name(w)}",
                           expected='{"last_days": N} or {"from": ISO, "to": ISO}')  # fmt: skip
    if "last_days" in w:
        if "from" in w or "to" in w:
            key = "from" if "from" in w else "to"
            raise SegmentError(f"{path}.{key}", "'last_days' cannot be combined with "
                               "'from'/'to'", expected='{"last_days": N} or {"from": ISO, '
                               '"to": ISO}')  # fmt: skip
        _check_keys(w, ("last_days",), path)
        n = w["last_days"]
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise SegmentError(f"{path}.last_days", f"found {n!r}",
                               expected="a whole number of days, 0 or more")  # fmt: skip
        return LastDays(n)
    _check_keys(w, ("from", "to"), path)
    bounds = {}
    for key in ("from", "to"):
        if key in w:
            if not is_iso(w[key]):
                raise SegmentError(f"{path}.{key}", f"found {w[key]!r}",
                                   expected="an ISO date or datetime (\"2026-03-01\")")  # fmt: skip
            bounds[key] = w[key]
    return Between(bounds.get("from"), bounds.get("to"))


def _parse_measure(m: Any, path: str) -> Measure:
    if m in ("count", "first_at", "last_at"):
        return Measure(m)
    if isinstance(m, dict) and len(m) == 1:
        (kind, col), = m.items()
        if kind in AGGREGATES:
            if not isinstance(col, str) or not col:
                raise SegmentError(f"{path}.{kind}", f"found {_type_name(col)}",
                                   expected="the name of a numeric event property")  # fmt: skip
            return Measure(kind, col)
        raise SegmentError(f"{path}.{kind}", f"unknown measure {kind!r}",
                           expected=f"one of {', '.join(AGGREGATES)}",
                           suggestions=_close(str(kind), AGGREGATES))  # fmt: skip
    raise SegmentError(path, f"found {m!r}", expected='"count", "first_at", "last_at", '
                       'or {"sum"|"avg"|"min"|"max": PROPERTY}')  # fmt: skip


# -- back to data -------------------------------------------------------------------------------


def _value_json(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


def dump_rule(rule: Rule) -> dict:
    if isinstance(rule, All):
        return {"all": [dump_rule(c) for c in rule.children]}
    if isinstance(rule, AnyOf):
        return {"any": [dump_rule(c) for c in rule.children]}
    if isinstance(rule, Not):
        return {"not": dump_rule(rule.child)}
    if isinstance(rule, SegmentRef):
        return {"segment": rule.name}
    if isinstance(rule, Field):
        out: dict[str, Any] = {"field": rule.field, "op": rule.op}
        if rule.value is not MISSING:
            out["value"] = _value_json(rule.value)
        return out
    if isinstance(rule, Event):
        out = {"event": list(rule.event) if isinstance(rule.event, tuple) else rule.event}
        if rule.where is not None:
            out["where"] = dump_rule(rule.where)
        if rule.within is not None:
            out["within"] = dump_window(rule.within)
        if rule.measure is not MISSING:
            m = rule.measure
            out["measure"] = m.kind if m.column is None else {m.kind: m.column}
        if rule.op is not MISSING:
            out["op"] = rule.op
        if rule.value is not MISSING:
            out["value"] = _value_json(rule.value)
        return out
    raise TypeError(f"not a rule node: {rule!r}")


def dump_window(w: Window) -> dict:
    if isinstance(w, LastDays):
        return {"last_days": w.days}
    out = {}
    if w.start is not None:
        out["from"] = w.start
    if w.end is not None:
        out["to"] = w.end
    return out
