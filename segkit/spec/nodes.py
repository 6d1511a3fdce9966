"""The rule tree: immutable, hashable nodes, one per shape of the segment format.

Pure data: no polars, no widgets. Values are kept exactly as the document wrote them (lists
become tuples so nodes hash), so ``to_dict`` reproduces the document byte for byte. ``MISSING``
marks an optional key the document left out (which is not the same as a default value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class _Missing:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


def _unwrap(rule: Any) -> Any:
    """Builder wrappers (``sk.did(...)``) carry their node in ``.node``."""
    return getattr(rule, "node", rule)


class RuleOps:
    """``&``, ``|`` and ``~`` on rules build ``all``, ``any`` and ``not`` nodes (flattening)."""

    def __and__(self, other: Rule) -> All:
        other = _unwrap(other)
        left = self.children if isinstance(self, All) else (self,)
        right = other.children if isinstance(other, All) else (other,)
        return All(tuple(left) + tuple(right))  # type: ignore[arg-type]

    def __or__(self, other: Rule) -> AnyOf:
        other = _unwrap(other)
        left = self.children if isinstance(self, AnyOf) else (self,)
        right = other.children if isinstance(other, AnyOf) else (other,)
        return AnyOf(tuple(left) + tuple(right))  # type: ignore[arg-type]

    def __invert__(self) -> Not:
        return Not(self)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class All(RuleOps):
    """True when every child is true; ``all: []`` is true for everyone."""

    children: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class AnyOf(RuleOps):
    """True when at least one child is true; ``any: []`` is true for no one."""

    children: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Not(RuleOps):
    """True when the child is false (so it includes contacts whose field is null)."""

    child: Rule


@dataclass(frozen=True, slots=True)
class Field(RuleOps):
    """``{"field": F, "op": OP, "value": V}``; ``value`` is MISSING for is_empty/is_not_empty."""

    field: str
    op: str
    value: Any = MISSING


@dataclass(frozen=True, slots=True)
class LastDays:
    """``{"last_days": N}``: as_of - N days < timestamp <= as_of."""

    days: int


@dataclass(frozen=True, slots=True)
class Between:
    """``{"from": ISO, "to": ISO}``, either bound alone allowed; both inclusive."""

    start: str | None = None
    end: str | None = None


Window = LastDays | Between


@dataclass(frozen=True, slots=True)
class Measure:
    """What is measured over a contact's matching events.

    ``kind`` is one of count, sum, avg, min, max, first_at, last_at; ``column`` is set for the
    aggregates over an event property.
    """

    kind: str = "count"
    column: str | None = None


COUNT = Measure("count")


@dataclass(frozen=True, slots=True)
class Event(RuleOps):
    """An event condition. Unwritten optional keys stay MISSING so documents round-trip."""

    event: str | tuple[str, ...]
    where: Rule | None = None
    within: Window | None = None
    measure: Measure | Any = MISSING  # MISSING means "count", as written
    op: str | Any = MISSING
    value: Any = MISSING

    @property
    def effective_measure(self) -> Measure:
        return COUNT if self.measure is MISSING else self.measure

    @property
    def effective_op(self) -> str:
        return "ge" if self.op is MISSING else self.op

    @property
    def effective_value(self) -> Any:
        if self.op is MISSING and self.value is MISSING:
            return 1
        return self.value

    @property
    def types(self) -> tuple[str, ...] | None:
        """The event types matched, or None for ``"*"`` (every event)."""
        if self.event == "*":
            return None
        return self.event if isinstance(self.event, tuple) else (self.event,)


@dataclass(frozen=True, slots=True)
class SegmentRef(RuleOps):
    """``{"segment": NAME}``: membership of a saved segment of the same catalog."""

    name: str


Rule = All | AnyOf | Not | Field | Event | SegmentRef
RULE_TYPES = (All, AnyOf, Not, Field, Event, SegmentRef)


def walk(rule: Rule, path: str = "rule"):
    """Yield ``(path, node)`` for every node of the tree, depth first, parents first.

    ``where`` sub-rules of event conditions are included, with their paths.
    """
    yield path, rule
    if isinstance(rule, All):
        for i, child in enumerate(rule.children):
            yield from walk(child, f"{path}.all[{i}]")
    elif isinstance(rule, AnyOf):
        for i, child in enumerate(rule.children):
            yield from walk(child, f"{path}.any[{i}]")
    elif isinstance(rule, Not):
        yield from walk(rule.child, f"{path}.not")
    elif isinstance(rule, Event) and rule.where is not None:
        yield from walk(rule.where, f"{path}.where")
