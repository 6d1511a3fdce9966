"""Compile rule trees into one polars lazy plan.

Every rule becomes a boolean expression over the contacts frame, never null. Event conditions
are joins and aggregations, not row filters: all the event conditions of all the segments being
evaluated share one pass over the events, one ``group_by(contact_id)`` computing every measure,
and one join back to the contacts. Identical predicates and measures are computed once.

Dispatch is one table keyed by node type (``_RULES``); a node type it does not cover fails
loudly.
"""

from __future__ import annotations

import datetime as _dt
import functools
import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from segkit.data.dataset import Dataset
from segkit.errors import SegmentError
from segkit.spec.io import MEASURE_KIND
from segkit.spec.nodes import (
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
)
from segkit.spec.operators import ALIASES, Kind, parse_iso

MEASURE_PREFIX = "__segkit_m"
PRED_PREFIX = "__segkit_p"
FIELD_PREFIX = "__segkit_f"
COND_PREFIX = "__segkit_c"
BITS_PREFIX = "__segkit_b"
US = pl.Datetime("us")


# -- kinds --------------------------------------------------------------------------------------


def kind_of(dtype: pl.DataType) -> Kind:
    """How the segment format sees a polars column type."""
    if dtype.is_integer():
        return Kind.INT
    if dtype.is_float() or isinstance(dtype, pl.Decimal):
        return Kind.FLOAT
    if isinstance(dtype, pl.String | pl.Categorical | pl.Enum):
        return Kind.STRING
    if isinstance(dtype, pl.Boolean):
        return Kind.BOOL
    if isinstance(dtype, pl.Datetime):
        return Kind.DATETIME
    if isinstance(dtype, pl.Date):
        return Kind.DATE
    if isinstance(dtype, pl.List) and isinstance(
        dtype.inner, pl.String | pl.Categorical | pl.Enum | pl.Null
    ):
        return Kind.LIST
    return Kind.OTHER


def kinds_of(schema: Mapping[str, pl.DataType]) -> dict[str, Kind]:
    return {name: kind_of(dtype) for name, dtype in schema.items()}


# -- as_of --------------------------------------------------------------------------------------


def resolve_as_of(as_of: Any = None) -> _dt.datetime:
    """The evaluation instant as a naive UTC datetime.

    None is now (UTC); naive datetimes are UTC; aware ones are converted; a date is its midnight;
    a string is parsed as ISO-8601.
    """
    if as_of is None:
        return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)
    if isinstance(as_of, str):
        parsed = parse_iso(as_of)
        if parsed is None:
            raise ValueError(f"as_of={as_of!r} is not an ISO date or datetime")
        as_of = parsed
    if isinstance(as_of, _dt.datetime):
        if as_of.tzinfo is not None:
            as_of = as_of.astimezone(_dt.UTC).replace(tzinfo=None)
        return as_of
    if isinstance(as_of, _dt.date):
        return _dt.datetime.combine(as_of, _dt.time())
    raise TypeError(f"as_of must be a datetime, date or ISO string, found {type(as_of).__name__}")


def _instant(value: str) -> _dt.date | _dt.datetime:
    """An ISO value as a date (date-only) or a naive UTC datetime."""
    parsed = parse_iso(value)
    assert parsed is not None, value  # checked when the document was parsed
    if isinstance(parsed, _dt.datetime) and parsed.tzinfo is not None:
        parsed = parsed.astimezone(_dt.UTC).replace(tzinfo=None)
    return parsed


def _is_date_only(v: _dt.date | _dt.datetime) -> bool:
    return not isinstance(v, _dt.datetime)


# -- columns ------------------------------------------------------------------------------------


def column(name: str, dtype: pl.DataType) -> pl.Expr:
    """A column as the compiler compares it: categoricals as strings, datetimes as naive UTC."""
    col = pl.col(name)
    if isinstance(dtype, pl.Categorical | pl.Enum):
        return col.cast(pl.String)
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Categorical | pl.Enum):
        return col.cast(pl.List(pl.String))
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        return col.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return col


# The format lower-cases with Unicode *simple* case mapping. polars' to_lowercase (Rust's) uses
# the full mapping, which differs in exactly two places: U+0130 (İ) becomes "i" plus a combining
# dot, and a word-final capital sigma becomes "ς". Mapping those two first gives simple casing.
_FULL_ONLY = ["\u0130", "\u03a3"]
_SIMPLE = ["i", "\u03c3"]


def lower(expr: pl.Expr) -> pl.Expr:
    """Unicode simple lower-casing of a string expression."""
    return expr.str.replace_many(_FULL_ONLY, _SIMPLE).str.to_lowercase()


def _lower(values: list[str]) -> list[str]:
    """Lower-case literals with the same function the compiler applies to columns (on ASCII
    text that is Python's ``str.lower``, without a query per literal)."""
    if all(v.isascii() for v in values):
        return [v.lower() for v in values]
    return pl.select(lower(pl.lit(pl.Series(values, dtype=pl.String)))).to_series().to_list()


# The characters whose simple lower-case is an ASCII letter are that letter, its capital, and
# two more: U+0130 (İ) -> i and the Kelvin sign U+212A -> k. Every other ASCII character is the
# lower-case of itself alone.
_ALSO = {"i": "\u0130", "k": "\u212a"}


def _ascii_regex(values: list[str], *, start: bool = True, end: bool = True) -> str:
    """A regex matching text whose simple lower-case equals (anchored) or contains one of
    ``values``, lower-cased ASCII literals. Simple lower-casing maps each character to one
    character, so a class per letter (``[sS]``, ``[iIİ]``) is exact on any text, and it needs
    no lower-cased copy of the column (which costs several times more)."""

    def one(v: str) -> str:
        return "".join(f"[{ch}{ch.upper()}{_ALSO.get(ch, '')}]" if "a" <= ch <= "z"
                       else pl.escape_regex(ch) for ch in v)  # fmt: skip

    body = "|".join(one(v) for v in values)
    if len(values) > 1:
        body = f"(?:{body})"
    return (r"\A" if start else "") + body + (r"\z" if end else "")


# Up to this many spellings in all, equality with literals is one hashed is_in over them.
_SPELLINGS_MAX = 8192


@functools.lru_cache(maxsize=32)  # compiling a dashboard's segments again: a few MB at most
def _spelled(values: tuple[str, ...], limit: int) -> tuple[pl.Series | None, tuple[str, ...]]:
    """``(spellings, rest)``: every text whose simple lower-case is one of ``values``
    (lower-cased ASCII literals), for as many of them as fit in ``limit`` spellings together
    (None when none do), as the one-element list ``is_in`` takes, and the literals left over.
    The spellings of a literal are finite because each character's preimage is (see
    ``_ALSO``): "hot" has 8, "unsubscribed" 6,144."""
    spellings: list[str] = []
    rest = []
    for v in values:
        options = [ch + ch.upper() + _ALSO.get(ch, "") if "a" <= ch <= "z" else ch for ch in v]
        if len(spellings) + math.prod(map(len, options)) > limit:
            rest.append(v)
        else:
            spellings.extend("".join(p) for p in itertools.product(*options))
    found = pl.Series(spellings, dtype=pl.String).implode() if spellings else None
    return found, tuple(rest)


def _spellings(values: list[str]) -> tuple[pl.Series | None, tuple[str, ...]]:
    return _spelled(tuple(values), _SPELLINGS_MAX)


def _equals_any(col: pl.Expr, values: list[str]) -> pl.Expr:
    """True where the text's simple lower-case equals one of ``values`` (lower-cased ASCII
    literals), null where the text is null; the same as an anchored :func:`_ascii_regex`.

    A regex walks every character of every text that matches (and of many that nearly do),
    so two cheaper exact tests do the work: literals with few spellings are one hashed
    ``is_in`` over all of them (2-3x cheaper than the regex); a longer one (say
    "marketing_qualified_lead", 2^18 * 3^4 spellings) is first compared exactly, and only the
    texts left whose length in bytes could still spell it go through the regex (İ and the
    Kelvin sign are longer in UTF-8 than the letters they stand for)."""
    small, large = _spellings(values)
    terms = []
    if small is not None:
        terms.append(col.is_in(small))
    if large:
        exact = col.is_in(pl.Series(large, dtype=pl.String).implode())
        n = col.str.len_bytes()
        possible = pl.any_horizontal(
            n.is_between(len(v), len(v) + v.count("i") + 2 * v.count("k")) for v in large)
        rest = pl.when(possible & ~exact).then(col).str.contains(_ascii_regex(list(large)))
        terms.append(exact | rest.fill_null(False))  # null where the text is
    return terms[0] if len(terms) == 1 else pl.any_horizontal(terms)


# -- field conditions ---------------------------------------------------------------------------


def field_condition(node: Field, col: pl.Expr, kind: Kind, as_of: _dt.datetime) -> pl.Expr:
    """The boolean expression of one field condition, never null."""
    op = ALIASES.get(node.op, node.op)
    value = list(node.value) if isinstance(node.value, tuple) else node.value
    if op == "is_empty":
        return _is_empty(col, kind)
    if op == "is_not_empty":
        return ~_is_empty(col, kind)
    try:
        build = _BY_KIND[kind]
    except KeyError:  # pragma: no cover - validation rejects these first
        raise SegmentError("rule", f"{node.field!r} has a type no operator supports") from None
    return build(op, value, col, as_of).fill_null(False)


def _is_empty(col: pl.Expr, kind: Kind) -> pl.Expr:
    if kind == Kind.STRING:
        return col.is_null() | (col == "").fill_null(True)
    if kind == Kind.LIST:
        return col.is_null() | (col.list.len() == 0).fill_null(True)
    return col.is_null()


def _in(col: pl.Expr, values: list, eq: Callable[[pl.Expr, Any], pl.Expr]) -> pl.Expr:
    if not values:
        return pl.lit(False)
    return pl.any_horizontal([eq(col, v) for v in values])


def _string(op: str, value: Any, col: pl.Expr, as_of: _dt.datetime) -> pl.Expr:
    values = _lower(value if isinstance(value, list) else [value])
    if op in ("in", "not_in") and not values:
        return pl.lit(False) if op == "in" else col.is_not_null()
    if all(v.isascii() for v in values):
        return _string_regex(op, values, col)
    return _string_lower(op, values, col)


def _string_lower(op: str, values: list[str], col: pl.Expr) -> pl.Expr:
    """String operators on a lower-cased copy of the column (for non-ASCII literals)."""
    lc = lower(col)
    if op in ("in", "not_in"):
        hit = lc.is_in(pl.Series(values, dtype=pl.String).implode())
        return hit if op == "in" else col.is_not_null() & ~hit
    (v,) = values
    if op == "eq":
        return lc == v
    if op == "ne":
        return lc != v
    if op == "contains":
        return lc.str.contains(v, literal=True)
    if op == "not_contains":
        return ~lc.str.contains(v, literal=True)
    if op == "starts_with":
        return lc.str.starts_with(v)
    if op == "ends_with":
        return lc.str.ends_with(v)
    raise _uncovered(op, Kind.STRING)


# where each operator anchors its regex: (at the start, at the end)
_ANCHORS = {"eq": (True, True), "ne": (True, True), "in": (True, True), "not_in": (True, True),
            "contains": (False, False), "not_contains": (False, False),
            "starts_with": (True, False), "ends_with": (False, True)}  # fmt: skip


def _string_regex(op: str, values: list[str], col: pl.Expr) -> pl.Expr:
    """String operators with ASCII literals: equality as :func:`_equals_any`, the others as one
    regex each (see :func:`_ascii_regex`)."""
    if op not in _ANCHORS:
        raise _uncovered(op, Kind.STRING)
    start, end = _ANCHORS[op]
    if start and end:
        hit = _equals_any(col, values)
    else:
        hit = col.str.contains(_ascii_regex(values, start=start, end=end))
    if op == "not_in":
        return col.is_not_null() & ~hit
    return ~hit if op in ("ne", "not_contains") else hit


_CMP: dict[str, Callable[[pl.Expr, Any], pl.Expr]] = {
    "eq": lambda c, v: c == v,
    "ne": lambda c, v: c != v,
    "lt": lambda c, v: c < v,
    "le": lambda c, v: c <= v,
    "gt": lambda c, v: c > v,
    "ge": lambda c, v: c >= v,
}


def _number(op: str, value: Any, col: pl.Expr, as_of: _dt.datetime) -> pl.Expr:
    if op in _CMP:
        return _CMP[op](col, pl.lit(value))
    if op == "between":
        lo, hi = value
        return (col >= pl.lit(lo)) & (col <= pl.lit(hi))
    if op in ("in", "not_in"):
        hit = _in(col, value, lambda c, v: c == pl.lit(v))
        return hit if op == "in" else col.is_not_null() & ~hit
    raise _uncovered(op, Kind.FLOAT)


def _boolean(op: str, value: Any, col: pl.Expr, as_of: _dt.datetime) -> pl.Expr:
    if op in ("eq", "ne"):
        return _CMP[op](col, pl.lit(value))
    if op in ("in", "not_in"):
        hit = _in(col, value, lambda c, v: c == pl.lit(v))
        return hit if op == "in" else col.is_not_null() & ~hit
    raise _uncovered(op, Kind.BOOL)


def _temporal_cmp(op: str, col: pl.Expr, col_is_date: bool, value: str) -> pl.Expr:
    """Compare a date or (naive UTC) datetime column with one ISO value.

    A date-only value against a datetime compares calendar days; a datetime value against a
    date compares instants, the date standing for its midnight.
    """
    v = _instant(value)
    if col_is_date and _is_date_only(v):
        return _CMP[op](col, pl.lit(v, dtype=pl.Date))
    if col_is_date:
        return _CMP[op](col.cast(US), pl.lit(v, dtype=US))
    if _is_date_only(v):
        return _CMP[op](col.dt.date(), pl.lit(v, dtype=pl.Date))
    return _CMP[op](col, pl.lit(v, dtype=US))


def _days_before(as_of: _dt.datetime, days: int) -> _dt.datetime | None:
    """``as_of - days``, or None when that is before the first representable day."""
    try:
        return as_of - _dt.timedelta(days=days)
    except OverflowError:
        return None


def _temporal(kind: Kind) -> Callable[[str, Any, pl.Expr, _dt.datetime], pl.Expr]:
    is_date = kind == Kind.DATE

    def build(op: str, value: Any, col: pl.Expr, as_of: _dt.datetime) -> pl.Expr:
        if op in _CMP and op != "ne":
            return _temporal_cmp(op, col, is_date, value)
        if op == "ne":
            return col.is_not_null() & ~_temporal_cmp("eq", col, is_date, value)
        if op == "between":
            lo, hi = value
            return _temporal_cmp("ge", col, is_date, lo) & _temporal_cmp("le", col, is_date, hi)
        if op in ("in", "not_in"):
            hit = _in(col, value, lambda c, v: _temporal_cmp("eq", c, is_date, v).fill_null(False))
            return hit if op == "in" else col.is_not_null() & ~hit
        if op in ("within_last_days", "not_within_last_days"):
            end = pl.lit(as_of.date(), dtype=pl.Date) if is_date else pl.lit(as_of, dtype=US)
            since = _days_before(as_of, value)
            if since is None:  # N days reach past year 1: every earlier value is within
                return col <= end if op == "within_last_days" else pl.lit(False)
            start = pl.lit(since.date(), dtype=pl.Date) if is_date else pl.lit(since, dtype=US)
            if op == "within_last_days":
                return (col > start) & (col <= end)
            return col <= start
        raise _uncovered(op, kind)

    return build


def _list(op: str, value: Any, col: pl.Expr, as_of: _dt.datetime) -> pl.Expr:
    values = _lower(value)
    if op not in ("has_any", "has_all", "has_none"):
        raise _uncovered(op, Kind.LIST)
    if not values:
        return pl.lit(op != "has_any")
    if all(v.isascii() for v in values):

        def has(vs: list[str]) -> pl.Expr:
            # inside a list, only the hashed test pays (the exact-then-regex one is slower
            # there than the regex alone)
            spellings, rest = _spellings(vs)
            if rest or spellings is None:
                hit = pl.element().str.contains(_ascii_regex(vs))
            else:
                hit = pl.element().is_in(spellings)
            return col.list.eval(hit).list.any().fill_null(False)
    else:
        lowered = col.list.eval(lower(pl.element()))

        def has(vs: list[str]) -> pl.Expr:
            return pl.any_horizontal(lowered.list.contains(v).fill_null(False) for v in vs)

    if op == "has_all":
        return pl.all_horizontal(has([v]) for v in values)
    return has(values) if op == "has_any" else ~has(values)


_BY_KIND: dict[Kind, Callable[[str, Any, pl.Expr, _dt.datetime], pl.Expr]] = {
    Kind.STRING: _string,
    Kind.INT: _number,
    Kind.FLOAT: _number,
    Kind.BOOL: _boolean,
    Kind.DATE: _temporal(Kind.DATE),
    Kind.DATETIME: _temporal(Kind.DATETIME),
    Kind.LIST: _list,
}


def _uncovered(op: str, kind: Kind) -> NotImplementedError:
    return NotImplementedError(f"the polars compiler has no implementation of {op!r} on {kind}")


# -- the compiler -------------------------------------------------------------------------------

Catalog = Mapping[str, Any]  # name -> Segment (dynamic) or a collection of ids (static)


@dataclass
class Compiler:
    """Compiles rules of one evaluation (one Dataset, one as_of) into expressions over a
    shared contacts frame; call :meth:`frame` once every rule is compiled."""

    data: Dataset
    as_of: _dt.datetime
    catalog: Catalog | None = None
    _contact_schema: pl.Schema = field(init=False)
    _event_schema: pl.Schema | None = field(init=False)
    # (types, where, within) -> column name: the event predicates compiled so far
    _preds: dict[tuple, str] = field(default_factory=dict, init=False)
    _measures: dict[tuple, str] = field(default_factory=dict, init=False)
    _measure_specs: list[tuple[str, Measure, str]] = field(default_factory=list, init=False)
    _measure_fill: dict[str, tuple[Any, pl.DataType]] = field(default_factory=dict, init=False)
    _stack: list[str] = field(default_factory=list, init=False)
    _refs: dict[str, pl.Expr] = field(default_factory=dict, init=False)
    _fields: dict[Field, str] = field(default_factory=dict, init=False)
    # (measure column, op, repr(value)) -> the event condition's column (the repr keeps 1 and
    # True apart); and per condition, its expression over the measure and its value for a
    # contact without matching events
    _conds: dict[tuple[str, str, str], str] = field(default_factory=dict, init=False)
    _cond_specs: list[tuple[str, pl.Expr, bool]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._contact_schema = self.data.contacts_schema
        schema = self.data.events_schema
        if schema is not None:
            # frame() turns the timestamp into naive UTC before anything compares it
            schema = pl.Schema({**schema, "timestamp": US})
        self._event_schema = schema

    # rules -> expressions

    def rule(self, node: Rule) -> pl.Expr:
        try:
            build = _RULES[type(node)]
        except KeyError:
            raise NotImplementedError(
                f"the polars compiler has no implementation of {type(node).__name__}"
            ) from None
        return build(self, node)

    def _all(self, node: All) -> pl.Expr:
        if not node.children:
            return pl.lit(True)
        return pl.all_horizontal([self.rule(c) for c in node.children])

    def _any(self, node: AnyOf) -> pl.Expr:
        if not node.children:
            return pl.lit(False)
        return pl.any_horizontal([self.rule(c) for c in node.children])

    def _not(self, node: Not) -> pl.Expr:
        return ~self.rule(node.child)

    def _field(self, node: Field) -> pl.Expr:
        # computed on the contacts before the events join (see frame()), so only a boolean
        # crosses it
        if node not in self._fields:
            self._fields[node] = f"{FIELD_PREFIX}{len(self._fields)}"
        return pl.col(self._fields[node])

    def _field_columns(self) -> list[pl.Expr]:
        """The field conditions as named boolean columns of the contacts frame."""
        return [self.direct(n).alias(name) for n, name in self._fields.items()]

    def _segment(self, node: SegmentRef) -> pl.Expr:
        if node.name in self._refs:
            return self._refs[node.name]
        if self.catalog is None or node.name not in self.catalog:
            raise SegmentError("rule", f"unknown segment {node.name!r}",
                               expected="the name of a segment in the catalog")  # fmt: skip
        if node.name in self._stack:
            chain = " -> ".join([*self._stack, node.name])
            raise SegmentError("rule", f"segment references form a cycle: {chain}",
                               expected="references without cycles")  # fmt: skip
        target = self.catalog[node.name]
        rule = getattr(target, "rule", None)
        if rule is None:  # a static segment: its frozen member ids
            ids = list(target)
            dtype = self._contact_schema["contact_id"]
            expr = (pl.col("contact_id").is_in(pl.Series(ids, dtype=dtype).implode()) if ids
                    else pl.lit(False))  # fmt: skip
        else:
            self._stack.append(node.name)
            try:
                expr = self.rule(rule)
            finally:
                self._stack.pop()
        self._refs[node.name] = expr
        return expr

    def _event(self, node: Event) -> pl.Expr:
        measure = node.effective_measure
        op, value = node.effective_op, node.effective_value
        empty, _ = _EMPTY[measure.kind]
        if empty is not None and op in ("is_empty", "is_not_empty"):
            return pl.lit(op == "is_not_empty")  # a count or sum is never empty (0 at least)
        name = self.measure_column(node)
        without = _holds(op, value, empty)  # for a contact without matching events
        if self._event_schema is None:
            return pl.lit(without)
        # the comparison is computed on the aggregate, one row per contact with matching
        # events, and crosses the join back to the contacts as one bit (see frame())
        key = (name, op, repr(value))
        if key not in self._conds:
            cond = Field(name, op, value)
            expr = field_condition(cond, pl.col(name), MEASURE_KIND[measure.kind], self.as_of)
            self._conds[key] = f"{COND_PREFIX}{len(self._conds)}"
            self._cond_specs.append((self._conds[key], expr, without))
        return pl.col(self._conds[key])

    # events -> one aggregation

    def measure_column(self, node: Event) -> str:
        """The name of the column that will hold this event condition's measure per contact."""
        measure = node.effective_measure
        key = (node.types, node.where, node.within, measure)
        if key in self._measures:
            return self._measures[key]
        name = f"{MEASURE_PREFIX}{len(self._measures)}"
        self._measures[key] = name
        if self._event_schema is None:
            self._measure_fill[name] = _EMPTY[measure.kind]
            return name
        self._measure_specs.append((name, measure, self._predicate(node)))
        if measure.kind in ("count", "sum"):
            self._measure_fill[name] = _EMPTY[measure.kind]
        return name

    def _aggregation(self, measure: Measure, pred: pl.Expr | None) -> pl.Expr:
        """One measure over a contact's events; ``pred`` selects the matching ones (None: all
        rows of the group already match)."""
        assert self._event_schema is not None

        def pick(e: pl.Expr) -> pl.Expr:
            return e if pred is None else e.filter(pred)

        if measure.kind == "count":
            return (pl.len() if pred is None else pred.sum()).cast(pl.Int64)
        if measure.kind in ("first_at", "last_at"):
            ts = pick(pl.col("timestamp"))
            return (ts.min() if measure.kind == "first_at" else ts.max()).cast(US)
        assert measure.column is not None
        values = pick(column(measure.column, self._event_schema[measure.column]))
        return {"sum": values.sum(), "avg": values.mean(), "min": values.min(),
                "max": values.max()}[measure.kind].cast(pl.Float64)  # fmt: skip

    def _predicate(self, node: Event) -> str:
        key = (node.types, node.where, node.within)
        if key in self._preds:
            return self._preds[key]
        name = f"{PRED_PREFIX}{len(self._preds)}"
        self._preds[key] = name
        return name

    def _coarse_filter(self) -> pl.Expr:
        """The events any compiled predicate may match, by type and window only: per event type,
        the loosest of its windows (one test per type, not one per predicate)."""
        by_type: dict[str | None, list[LastDays | Between | None]] = {}
        for types, _where, within in self._preds:
            for t in types if types is not None else (None,):
                by_type.setdefault(t, []).append(within)
        terms = []
        for t, windows in by_type.items():
            parts = [] if t is None else [pl.col("event") == t]
            if all(w is not None for w in windows):
                last = [w.days for w in windows if isinstance(w, LastDays)]
                spans = [self._window(LastDays(max(last)))] if last else []
                spans += [self._window(w) for w in dict.fromkeys(windows)
                          if isinstance(w, Between)]  # fmt: skip
                parts.append(spans[0] if len(spans) == 1 else pl.any_horizontal(spans))
            terms.append(pl.all_horizontal(parts) if parts else pl.lit(True))
        return pl.any_horizontal(terms)  # null (no event type) is dropped by the filter

    def _predicate_exprs(self, types: tuple[str, ...] | None, where: Rule | None,
                         within: LastDays | Between | None) -> tuple[pl.Expr, pl.Expr | None]:
        """``(cheap, where)``: the type and window tests, and the costlier ``where`` test (None
        when there is none); the predicate is both. Filter by the cheap part *before* computing
        the ``where`` part (see :meth:`_matching`): polars would otherwise merge both into one
        filter and, say, lower-case every event's page."""
        cheap: list[pl.Expr] = []
        if types is not None:
            # a few equality tests are several times cheaper than one hashed is_in
            cheap.append(pl.any_horizontal(pl.col("event") == t for t in types)
                         if len(types) <= 8 else pl.col("event").is_in(pl.Series(list(types)).implode()))  # fmt: skip
        if within is not None:
            cheap.append(self._window(within))
        # no fill_null: a filter drops nulls anyway, and a plain conjunction of comparisons is
        # what a Parquet scan can use to skip row groups and decode the other columns late
        coarse = pl.all_horizontal(cheap) if cheap else pl.lit(True)
        return coarse, None if where is None else self._where(where).fill_null(False)

    def _matching(self, events: pl.LazyFrame, cheap: pl.Expr,
                  where: pl.Expr | None) -> pl.LazyFrame:  # fmt: skip
        """``events`` filtered by ``cheap`` and ``where``. In memory, ``where`` is computed on
        the rows ``cheap`` left only; a scan of Parquet files gets both as one predicate, which
        it evaluates itself while decoding, row group by row group (for a text test, several
        times cheaper than the same test on decoded rows)."""
        if where is None:
            return events.filter(cheap)
        if not self.data.events_in_memory:
            return events.filter(cheap & where)
        events = events.filter(cheap)
        flag = f"{PRED_PREFIX}where"
        return events.with_columns(where.alias(flag)).filter(pl.col(flag)).drop(flag)

    def _events(self) -> pl.LazyFrame:
        """The events that exist at ``as_of``, timestamps as naive UTC."""
        events = self.data.lazy_events()
        assert events is not None and self.data.events_schema is not None
        ts_dtype = self.data.events_schema["timestamp"]  # as stored (maybe zone-aware)
        return events.with_columns(column("timestamp", ts_dtype).alias("timestamp")).filter(
            pl.col("timestamp") <= pl.lit(self.as_of, dtype=US))

    def contacts_with(self, node: Event) -> pl.LazyFrame:
        """The ``contact_id`` of each event matching ``node``'s type, window and ``where``,
        repeated per event (for anti-joins, which do not mind: "never did X")."""
        parts = self._predicate_exprs(node.types, node.where, node.within)
        return self._matching(self._events(), *parts).select("contact_id")

    def _window(self, w: LastDays | Between) -> pl.Expr:
        ts = pl.col("timestamp")
        if isinstance(w, LastDays):
            since = _days_before(self.as_of, w.days)
            return pl.lit(True) if since is None else ts > pl.lit(since, dtype=US)
        parts = []
        if w.start is not None:
            parts.append(_temporal_cmp("ge", ts, False, w.start))
        if w.end is not None:
            parts.append(_temporal_cmp("le", ts, False, w.end))
        return pl.all_horizontal(parts)

    def _where(self, node: Rule) -> pl.Expr:
        assert self._event_schema is not None
        return self._direct(node, self._event_schema)

    def direct(self, node: Rule) -> pl.Expr:
        """A rule of field conditions only (see :func:`fields_only`) as one expression over the
        contacts' own columns, not the per-condition columns :meth:`frame` adds: what a filter
        on the contacts wants, since a Parquet scan evaluates such a predicate itself while
        decoding (on 1M contacts, two text conditions: 3.5 ms, against 20 ms computed as
        columns)."""
        return self._direct(node, self._contact_schema)

    def _direct(self, node: Rule, schema: Mapping[str, pl.DataType]) -> pl.Expr:
        if isinstance(node, All):
            return pl.all_horizontal([self._direct(c, schema) for c in node.children]) \
                if node.children else pl.lit(True)  # fmt: skip
        if isinstance(node, AnyOf):
            return pl.any_horizontal([self._direct(c, schema) for c in node.children]) \
                if node.children else pl.lit(False)  # fmt: skip
        if isinstance(node, Not):
            return ~self._direct(node.child, schema)
        if isinstance(node, Field):
            dtype = schema[node.field]
            return field_condition(node, column(node.field, dtype), kind_of(dtype), self.as_of)
        raise NotImplementedError(f"{type(node).__name__} is not a field condition")

    # the plan

    def frame(self, *, ordered: bool = True, inner: bool = False, measures: bool = False,
              where: pl.Expr | None = None) -> pl.LazyFrame:  # fmt: skip
        """The contacts frame with one boolean column per condition compiled so far, in the
        contacts' order unless ``ordered=False`` (cheaper, for counts). ``inner`` keeps only
        contacts with at least one matching event: right for counting a rule that
        :func:`needs_events` says is false without them (in no particular order, and no
        measure needs filling in: every contact joined has events). ``measures=True`` adds the
        event measures, with those of contacts without matching events filled in (a count or
        sum of 0), for showing them. ``where`` keeps only the contacts it is true for (from
        :meth:`direct`), before anything else is computed."""
        contacts = self.contacts(where=where)
        if not self._measures:
            return contacts
        if self._event_schema is None:
            return contacts.with_columns(
                pl.lit(v, dtype=t).alias(k) for k, (v, t) in self._measure_fill.items()
            )
        agg = self._aggregate()
        keep = [pl.col(name) for name, _, _ in self._measure_specs] if measures else []
        if inner:
            # every contact joined has matching events: the conditions are computed on the
            # aggregate, where a filter on them alone runs before the join
            conds = [expr.alias(name) for name, expr, _ in self._cond_specs]
            return contacts.join(agg.select("contact_id", *conds, *keep), on="contact_id",
                                 how="inner", build_side="prefer_right")  # fmt: skip
        # every event condition crosses the join as one bit of a packed integer: each column a
        # left join fills in costs about as much as the whole join of one column, and with so
        # few columns, keeping the contacts' order costs little
        packed = agg.select("contact_id", *self._packed(), *keep)
        joined = contacts.join(packed, on="contact_id", how="left",
                               maintain_order="left" if ordered else "none",
                               build_side="prefer_right")  # the aggregate is smaller
        fills = [pl.col(k).fill_null(v) for k, (v, _) in self._measure_fill.items()] \
            if measures else []  # fmt: skip
        return joined.with_columns(*self._unpacked(), *fills)

    def _aggregate(self) -> pl.LazyFrame:
        """Every event measure compiled so far, one row per contact with matching events: one
        pass over the events, one group-by."""
        parts = {name: self._predicate_exprs(*key) for key, name in self._preds.items()}
        single = len(parts) == 1
        if single:  # one predicate (the common case): filter by it, then plain aggregations
            matched = self._matching(self._events(), *next(iter(parts.values())))
        else:
            flags = [(cheap if where is None else cheap & where).fill_null(False).alias(name)
                     for name, (cheap, where) in parts.items()]  # fmt: skip
            matched = self._events().filter(self._coarse_filter()).with_columns(flags).filter(
                pl.any_horizontal([pl.col(n) for n in parts])
            )
        aggs = [self._aggregation(m, None if single else pl.col(p)).alias(name)
                for name, m, p in self._measure_specs]  # fmt: skip
        return matched.group_by("contact_id").agg(aggs)

    def _words(self) -> list[tuple[str, list[tuple[str, pl.Expr, bool]]]]:
        """The event conditions 64 to a packed UInt64 column: (its name, its conditions, the
        j-th being bit j)."""
        specs = self._cond_specs
        return [(f"{BITS_PREFIX}{start // 64}", specs[start:start + 64])
                for start in range(0, len(specs), 64)]  # fmt: skip

    def _packed(self) -> list[pl.Expr]:
        """The event conditions, computed on the aggregate, as bits of UInt64 columns."""
        return [pl.sum_horizontal(expr.cast(pl.UInt64) * pl.lit(1 << j, dtype=pl.UInt64)
                                  for j, (_, expr, _) in enumerate(chunk)).alias(word)
                for word, chunk in self._words()]  # fmt: skip

    def _unpacked(self) -> list[pl.Expr]:
        """The event condition columns from the packed bits. A contact without matching events
        has no bits (null): it gets the bits of the values such a contact has, one fill per
        packed column."""
        out = []
        for word, chunk in self._words():
            without = sum(1 << j for j, (_, _, w) in enumerate(chunk) if w)
            bits = pl.col(word).fill_null(pl.lit(without, dtype=pl.UInt64))
            out += [((bits & pl.lit(1 << j, dtype=pl.UInt64)) != 0).alias(name)
                    for j, (name, _, _) in enumerate(chunk)]  # fmt: skip
        return out

    def contacts(self, *, where: pl.Expr | None = None) -> pl.LazyFrame:
        """The contacts (those ``where`` keeps) with one boolean column per field condition
        compiled so far: :meth:`frame` without the events."""
        contacts = self.data.lazy_contacts()
        if where is not None:
            contacts = contacts.filter(where)
        return contacts.with_columns(self._field_columns()) if self._fields else contacts


# A contact with no matching events: count 0 and sum 0, every other measure null.
_EMPTY: dict[str, tuple[Any, pl.DataType]] = {
    "count": (0, pl.Int64), "sum": (0.0, pl.Float64), "avg": (None, pl.Float64),
    "min": (None, pl.Float64), "max": (None, pl.Float64), "first_at": (None, US),
    "last_at": (None, US),
}  # fmt: skip


def is_existence(node: Event) -> bool:
    """True for "did it at least once" (a count compared with >= 1 or > 0)."""
    if node.effective_measure.kind != "count":
        return False
    op, value = node.effective_op, node.effective_value
    return (op == "ge" and value == 1) or (op == "gt" and value == 0)


def fields_only(rule: Rule) -> bool:
    """True when ``rule`` reads the contacts' own fields only (no events, no other segment)."""
    if isinstance(rule, All | AnyOf):
        return all(fields_only(c) for c in rule.children)
    if isinstance(rule, Not):
        return fields_only(rule.child)
    return isinstance(rule, Field)


def needs_events(rule: Rule) -> bool:
    """True when ``rule`` is false for every contact with no matching events at all (for each
    of its event conditions' predicates), so a count may skip those contacts."""
    if isinstance(rule, All):
        return any(needs_events(c) for c in rule.children)
    if isinstance(rule, AnyOf):
        return bool(rule.children) and all(needs_events(c) for c in rule.children)
    if isinstance(rule, Event):
        empty, _ = _EMPTY[rule.effective_measure.kind]
        return not _holds(rule.effective_op, rule.effective_value, empty)
    return False


def _holds(op: str, value: Any, measured: Any) -> bool:
    """Whether a comparison is true for the measure of a contact without events (0 or null)."""
    op = ALIASES.get(op, op)
    if op == "is_empty":
        return measured is None
    if op == "is_not_empty":
        return measured is not None
    if measured is None:
        return False  # every comparison on a null measure is false
    v = list(value) if isinstance(value, tuple) else value
    if op == "between":
        return v[0] <= measured <= v[1]
    if op in ("in", "not_in"):
        return (measured in v) == (op == "in")
    return {"eq": measured == v, "ne": measured != v, "lt": measured < v, "le": measured <= v,
            "gt": measured > v, "ge": measured >= v}.get(op, True)  # fmt: skip


_RULES: dict[type, Callable[[Compiler, Any], pl.Expr]] = {
    All: Compiler._all,
    AnyOf: Compiler._any,
    Not: Compiler._not,
    Field: Compiler._field,
    Event: Compiler._event,
    SegmentRef: Compiler._segment,
}

__all__ = ["Compiler", "column", "field_condition", "fields_only", "is_existence", "kind_of",
           "kinds_of", "lower", "needs_events", "resolve_as_of"]  # fmt: skip
