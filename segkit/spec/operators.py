"""The closed set of operators, which field kinds accept them, and the shape of their values."""

from __future__ import annotations

import datetime as _dt
import math
from enum import StrEnum


class Kind(StrEnum):
    """The kinds of field a rule can test (the columns' types, as the format sees them)."""

    INT = "int"
    FLOAT = "float"
    STRING = "string"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    LIST = "list of strings"
    OTHER = "other"


NUMERIC = {Kind.INT, Kind.FLOAT}
TEMPORAL = {Kind.DATE, Kind.DATETIME}
SCALAR = {Kind.INT, Kind.FLOAT, Kind.STRING, Kind.BOOL, Kind.DATE, Kind.DATETIME}

SCALAR_OPS = ("eq", "ne", "in", "not_in", "is_empty", "is_not_empty")
NUMBER_OPS = ("lt", "le", "gt", "ge", "between")
STRING_OPS = ("contains", "not_contains", "starts_with", "ends_with")
DATE_OPS = ("lt", "before", "gt", "after", "le", "ge", "between", "within_last_days",
            "not_within_last_days")  # fmt: skip
LIST_OPS = ("has_any", "has_all", "has_none", "is_empty", "is_not_empty")

ALL_OPS: tuple[str, ...] = tuple(
    dict.fromkeys(SCALAR_OPS + NUMBER_OPS + STRING_OPS + DATE_OPS + LIST_OPS)
)
NO_VALUE_OPS = frozenset({"is_empty", "is_not_empty"})
# before/after are the date spellings of lt/gt
ALIASES = {"before": "lt", "after": "gt"}


def ops_for(kind: Kind) -> tuple[str, ...]:
    """The operators a field of this kind accepts, in the order a picker should offer them."""
    if kind in NUMERIC:
        return SCALAR_OPS[:2] + NUMBER_OPS + SCALAR_OPS[2:]
    if kind == Kind.STRING:
        return SCALAR_OPS[:4] + STRING_OPS + SCALAR_OPS[4:]
    if kind in TEMPORAL:
        return SCALAR_OPS[:2] + DATE_OPS + SCALAR_OPS[2:]
    if kind == Kind.BOOL:
        return SCALAR_OPS
    if kind == Kind.LIST:
        return LIST_OPS
    return ()


# -- value shapes (checked without data) -------------------------------------------------------


def is_number(v: object) -> bool:
    """A JSON number segkit accepts: not a bool, finite, and (for ints) within 64 bits."""
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return -(2**63) <= v < 2**63
    return isinstance(v, float) and math.isfinite(v)


def is_scalar(v: object) -> bool:
    return isinstance(v, str | bool) or is_number(v)


def parse_iso(value: str) -> _dt.date | _dt.datetime | None:
    """A date for ``YYYY-MM-DD``, a datetime for an ISO datetime, None when it is neither."""
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 10:
            return _dt.date.fromisoformat(value)
        if len(value) < 11 or value[10] not in "Tt ":
            return None
        return _dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def is_iso(v: object) -> bool:
    return parse_iso(v) is not None  # type: ignore[arg-type]


def is_ordered(v: object) -> bool:
    """A value ``lt``/``gt``/``between`` can take: a number or an ISO date/datetime."""
    return is_number(v) or is_iso(v)


def value_shape(op: str) -> str:
    """What the value of ``op`` must look like, in words (for error messages)."""
    return {
        "eq": "a string, number or true/false",
        "ne": "a string, number or true/false",
        "in": "a list of strings, numbers or true/false",
        "not_in": "a list of strings, numbers or true/false",
        "contains": "a string",
        "not_contains": "a string",
        "starts_with": "a string",
        "ends_with": "a string",
        "lt": "a number or an ISO date",
        "le": "a number or an ISO date",
        "gt": "a number or an ISO date",
        "ge": "a number or an ISO date",
        "before": "an ISO date or datetime",
        "after": "an ISO date or datetime",
        "between": "a list [lo, hi] of two numbers or two ISO dates",
        "within_last_days": "a whole number of days, 0 or more",
        "not_within_last_days": "a whole number of days, 0 or more",
        "has_any": "a list of strings",
        "has_all": "a list of strings",
        "has_none": "a list of strings",
    }[op]


def value_fits_shape(op: str, v: object) -> bool:
    """Whether ``v`` has the shape ``op`` needs, whatever the field's type."""
    if op in ("eq", "ne"):
        return is_scalar(v)
    if op in ("in", "not_in"):
        return isinstance(v, list) and all(is_scalar(x) for x in v)
    if op in STRING_OPS:
        return isinstance(v, str)
    if op in ("lt", "le", "gt", "ge"):
        return is_ordered(v)
    if op in ("before", "after"):
        return is_iso(v)
    if op == "between":
        return (
            isinstance(v, list)
            and len(v) == 2
            and (all(is_number(x) for x in v) or all(is_iso(x) for x in v))
        )
    if op in ("within_last_days", "not_within_last_days"):
        return isinstance(v, int) and not isinstance(v, bool) and v >= 0
    if op in ("has_any", "has_all", "has_none"):
        return isinstance(v, list) and all(isinstance(x, str) for x in v)
    return False


def value_fits_kind(op: str, v: object, kind: Kind) -> bool:
    """Whether a (shape-checked) value fits a field of this kind."""
    if op in NO_VALUE_OPS or op in ("within_last_days", "not_within_last_days"):
        return True
    items = v if isinstance(v, list) else [v]
    if op in ("has_any", "has_all", "has_none"):
        return True
    if kind in NUMERIC:
        return all(is_number(x) for x in items)
    if kind == Kind.STRING:
        return all(isinstance(x, str) for x in items)
    if kind == Kind.BOOL:
        return all(isinstance(x, bool) for x in items)
    if kind in TEMPORAL:
        return all(is_iso(x) for x in items)
    return False


def kind_words(kind: Kind) -> str:
    return {
        Kind.INT: "an integer field",
        Kind.FLOAT: "a number field",
        Kind.STRING: "a string field",
        Kind.BOOL: "a true/false field",
        Kind.DATE: "a date field",
        Kind.DATETIME: "a datetime field",
        Kind.LIST: "a list-of-strings field",
        Kind.OTHER: "a field of an unsupported type",
    }[kind]
