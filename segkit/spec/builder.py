"""A short Python way to write rules; it builds exactly the nodes a document parses into.

>>> import segkit as sk
>>> rule = (sk.field("age").between(25, 34)
...         & sk.did("purchase", within_days=90).at_least(2)
...         & ~sk.field("tags").has_any(["unsubscribed"]))
>>> sk.Segment(rule).to_dict()["rule"]["all"][1]
{'event': 'purchase', 'within': {'last_days': 90}, 'op': 'ge', 'value': 2}
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

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
)


def _v(value: Any) -> Any:
    return tuple(value) if isinstance(value, list | tuple | set | frozenset) else value


class FieldRef:
    """``sk.field(name)``: methods (and comparison operators) build field conditions."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def _c(self, op: str, value: Any = MISSING) -> Field:
        return Field(self.name, op, _v(value) if value is not MISSING else MISSING)

    def eq(self, value: Any) -> Field: return self._c("eq", value)  # noqa: E704
    def ne(self, value: Any) -> Field: return self._c("ne", value)  # noqa: E704
    def is_in(self, values) -> Field: return self._c("in", list(values))  # noqa: E704
    def not_in(self, values) -> Field: return self._c("not_in", list(values))  # noqa: E704
    def lt(self, value: Any) -> Field: return self._c("lt", value)  # noqa: E704
    def le(self, value: Any) -> Field: return self._c("le", value)  # noqa: E704
    def gt(self, value: Any) -> Field: return self._c("gt", value)  # noqa: E704
    def ge(self, value: Any) -> Field: return self._c("ge", value)  # noqa: E704
    def before(self, value: str) -> Field: return self._c("before", value)  # noqa: E704
    def after(self, value: str) -> Field: return self._c("after", value)  # noqa: E704
    def between(self, lo: Any, hi: Any) -> Field: return self._c("between", [lo, hi])  # noqa: E704
    def contains(self, s: str) -> Field: return self._c("contains", s)  # noqa: E704
    def not_contains(self, s: str) -> Field: return self._c("not_contains", s)  # noqa: E704
    def starts_with(self, s: str) -> Field: return self._c("starts_with", s)  # noqa: E704
    def ends_with(self, s: str) -> Field: return self._c("ends_with", s)  # noqa: E704
    def within_last_days(self, n: int) -> Field: return self._c("within_last_days", n)  # noqa: E704
    def not_within_last_days(self, n: int) -> Field:  # noqa: E704
        return self._c("not_within_last_days", n)
    def has_any(self, values) -> Field: return self._c("has_any", list(values))  # noqa: E704
    def has_all(self, values) -> Field: return self._c("has_all", list(values))  # noqa: E704
    def has_none(self, values) -> Field: return self._c("has_none", list(values))  # noqa: E704
    def is_empty(self) -> Field: return self._c("is_empty")  # noqa: E704
    def is_not_empty(self) -> Field: return self._c("is_not_empty")  # noqa: E704

    __eq__ = eq  # type: ignore[assignment]
    __ne__ = ne  # type: ignore[assignment]
    __lt__ = lt
    __le__ = le
    __gt__ = gt
    __ge__ = ge
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"field({self.name!r})"


def field(name: str) -> FieldRef:
    """Start a field condition: ``sk.field("country").is_in(["US", "CA"])``."""
    return FieldRef(name)


def did(
    event: str | list[str] = "*",
    *,
    where: Rule | None = None,
    within_days: int | None = None,
    start: str | None = None,
    end: str | None = None,
) -> EventRef:
    """Start an event condition; on its own it means "did it at least once".

    ``within_days`` is a ``last_days`` window; ``start``/``end`` an inclusive ``from``/``to``.
    """
    if within_days is not None and (start or end):
        raise ValueError("give within_days or start/end, not both")
    window = (
        LastDays(within_days) if within_days is not None
        else Between(start, end) if (start or end) else None
    )  # fmt: skip
    etype = tuple(event) if isinstance(event, list | tuple) else event
    return EventRef(Event(etype, where, window))


class EventRef:
    """A chainable wrapper that always holds a plain :class:`Event` node (``.node``)."""

    __slots__ = ("node",)

    def __init__(self, node: Event) -> None:
        self.node = node

    # measures
    def _measure(self, kind: str, column: str | None = None) -> EventRef:
        return EventRef(replace(self.node, measure=Measure(kind, column)))

    def count(self) -> EventRef: return self._measure("count")  # noqa: E704
    def sum(self, prop: str) -> EventRef: return self._measure("sum", prop)  # noqa: E704
    def avg(self, prop: str) -> EventRef: return self._measure("avg", prop)  # noqa: E704
    def min(self, prop: str) -> EventRef: return self._measure("min", prop)  # noqa: E704
    def max(self, prop: str) -> EventRef: return self._measure("max", prop)  # noqa: E704
    def first_at(self) -> EventRef: return self._measure("first_at")  # noqa: E704
    def last_at(self) -> EventRef: return self._measure("last_at")  # noqa: E704

    # comparisons (each returns the finished Event node)
    def compare(self, op: str, value: Any = MISSING) -> Event:
        return replace(self.node, op=op, value=_v(value) if value is not MISSING else MISSING)

    def at_least(self, n: float) -> Event: return self.compare("ge", n)  # noqa: E704
    def at_most(self, n: float) -> Event: return self.compare("le", n)  # noqa: E704
    def more_than(self, n: float) -> Event: return self.compare("gt", n)  # noqa: E704
    def fewer_than(self, n: float) -> Event: return self.compare("lt", n)  # noqa: E704
    def exactly(self, n: float) -> Event: return self.compare("eq", n)  # noqa: E704
    def between(self, lo: Any, hi: Any) -> Event: return self.compare("between", [lo, hi])  # noqa: E704
    def before(self, when: str) -> Event: return self.compare("before", when)  # noqa: E704
    def after(self, when: str) -> Event: return self.compare("after", when)  # noqa: E704
    def within_last_days(self, n: int) -> Event: return self.compare("within_last_days", n)  # noqa: E704
    def never(self) -> Not:
        """No matching event at all (``{"not": {"event": ...}}``)."""
        return Not(self.node)

    # an EventRef is a rule on its own: "did it at least once"
    def __and__(self, other: Rule) -> All: return self.node & _node(other)  # noqa: E704
    def __rand__(self, other: Rule) -> All: return _node(other) & self.node  # noqa: E704
    def __or__(self, other: Rule) -> AnyOf: return self.node | _node(other)  # noqa: E704
    def __ror__(self, other: Rule) -> AnyOf: return _node(other) | self.node  # noqa: E704
    def __invert__(self) -> Not: return ~self.node  # noqa: E704

    def __repr__(self) -> str:
        return f"EventRef({self.node!r})"


def _node(rule: Any) -> Rule:
    return rule.node if isinstance(rule, EventRef) else rule


def as_rule(rule: Any) -> Rule:
    """A rule node from a node, a builder wrapper, or a document's rule dict."""
    if isinstance(rule, EventRef):
        return rule.node
    if isinstance(rule, dict):
        from segkit.spec.io import parse_rule

        return parse_rule(rule, "rule")
    return rule


def all_of(*rules: Rule) -> All:
    """``{"all": [...]}``; with no rules it is true for everyone."""
    return All(tuple(_node(r) for r in rules))


def any_of(*rules: Rule) -> AnyOf:
    """``{"any": [...]}``; with no rules it is true for no one."""
    return AnyOf(tuple(_node(r) for r in rules))


def not_(rule: Rule) -> Not:
    return Not(_node(rule))


def in_segment(name: str) -> SegmentRef:
    """``{"segment": name}``: membership of a saved segment of the catalog."""
    return SegmentRef(name)
