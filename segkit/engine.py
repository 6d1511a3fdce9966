"""Evaluate segments on a Dataset: masks, members, counts, many at once, explain, attrition.

``as_of`` is an explicit argument everywhere (None means now, in UTC). Every function checks the
segments against the data's schema first and raises one :class:`SegmentError` before any query
runs.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from segkit.compile.polars import (
    Compiler,
    fields_only,
    is_existence,
    kinds_of,
    needs_events,
    resolve_as_of,
)
from segkit.data.dataset import Dataset
from segkit.errors import SegmentError
from segkit.spec.describe import describe
from segkit.spec.nodes import All, AnyOf, Event, Field, Not, Rule, SegmentRef, walk
from segkit.spec.validate import Validation, check

if TYPE_CHECKING:
    from segkit.segment import Segment

Catalog = Mapping[str, Any]


def _catalog(catalog: Any) -> Catalog | None:
    """Accept a mapping, or anything with a ``segments`` mapping (a workspace)."""
    if catalog is None or isinstance(catalog, Mapping):
        return catalog
    segments = getattr(catalog, "catalog", None) or getattr(catalog, "segments", None)
    if callable(segments):
        segments = segments()
    if not isinstance(segments, Mapping):
        raise TypeError("catalog must be a mapping of name -> Segment, or a Workspace")
    return segments


def _dataset(data: Any) -> Dataset:
    if isinstance(data, Dataset):
        return data
    if isinstance(data, pl.DataFrame | pl.LazyFrame):
        return Dataset(data)
    to_ds = getattr(data, "dataset", None)
    if callable(to_ds):  # a Workspace
        return to_ds()
    raise TypeError(f"expected a Dataset, found {type(data).__name__}")


def validate(
    seg: Segment, data: Dataset, catalog: Catalog | None = None, *, event_types: bool = True
) -> Validation:
    """Check a segment (and the segments it refers to) against the data's schema."""
    ck = kinds_of(data.contacts_schema)
    ek = kinds_of(data.events_schema) if data.events_schema is not None else None
    types = set(data.event_types()) if event_types and data.has_events else None
    names = list(catalog) if catalog is not None else None
    result = check(seg.rule, ck, ek, types, names)
    errors, warnings = list(result.errors), list(result.warnings)
    # follow references: each referenced segment must be valid too, and no cycles
    stack = [(seg.name or "this segment", seg.rule, [seg.name] if seg.name else [])]
    seen: set[str] = set()
    while stack and catalog is not None:
        _, rule, chain = stack.pop()
        for path, node in walk(rule):
            if not isinstance(node, SegmentRef) or node.name not in catalog:
                continue
            if node.name in chain:
                errors.append(SegmentError(
                    f"{path}.segment",
                    "segment references form a cycle: " + " -> ".join([*chain, node.name]),
                    expected="references without cycles",
                ))  # fmt: skip
                continue
            target = catalog[node.name]
            if node.name in seen or getattr(target, "rule", None) is None:
                continue
            seen.add(node.name)
            sub = check(target.rule, ck, ek, types, names)
            errors.extend(
                SegmentError(f"segment {node.name!r}: {e.path}", e.problem, expected=e.expected,
                             suggestions=e.suggestions)  # fmt: skip
                for e in sub.errors
            )
            stack.append((node.name, target.rule, [*chain, node.name]))
    return Validation(errors, warnings)


def _prepare(segments: Iterable[Segment], data: Dataset, catalog: Catalog | None) -> None:
    for seg in segments:
        validate(seg, data, catalog, event_types=False).raise_first()


# -- evaluation ---------------------------------------------------------------------------------


def _names(segments: Iterable[Segment] | Mapping[str, Segment]) -> list[tuple[str, Segment]]:
    if isinstance(segments, Mapping):
        pairs = list(segments.items())
    else:
        pairs = [(s.name or f"segment_{i + 1}", s) for i, s in enumerate(segments)]
    seen: set[str] = set()
    for name, _ in pairs:
        if name in seen:
            raise ValueError(f"two segments are named {name!r}: give each a distinct name")
        seen.add(name)
    return pairs


def plan_many(
    segments: Iterable[Segment] | Mapping[str, Segment],
    data: Dataset,
    as_of: Any = None,
    catalog: Any = None,
    *,
    ordered: bool = True,
) -> pl.LazyFrame:
    """One lazy plan: ``contact_id`` plus one boolean column per segment, sharing every event
    aggregation between them (in the contacts' order unless ``ordered=False``)."""
    data = _dataset(data)
    catalog = _catalog(catalog)
    pairs = _names(segments)
    _prepare([s for _, s in pairs], data, catalog)
    comp = Compiler(data, resolve_as_of(as_of), catalog)
    exprs = [comp.rule(seg.rule).alias(name) for name, seg in pairs]
    return comp.frame(ordered=ordered).select(pl.col("contact_id"), *exprs)


def evaluate_many(
    segments: Iterable[Segment] | Mapping[str, Segment],
    data: Dataset,
    as_of: Any = None,
    catalog: Any = None,
) -> pl.DataFrame:
    """``contact_id`` plus one boolean column per segment (named by ``seg.name``, or the
    mapping's keys), computed in one plan that shares the event aggregations."""
    return plan_many(segments, data, as_of, catalog).collect()


def count_many(
    segments: Iterable[Segment] | Mapping[str, Segment],
    data: Dataset,
    as_of: Any = None,
    catalog: Any = None,
) -> dict[str, int]:
    """The size of each segment, in one plan."""
    plan = plan_many(segments, data, as_of, catalog, ordered=False)
    counts = plan.select(pl.exclude("contact_id").sum())  # columns: constants broadcast
    row = counts.collect().row(0, named=True)
    return {k: int(v) for k, v in row.items()}


def _total(rule: pl.Expr) -> pl.Expr:
    """How many rows a compiled rule is true for. A rule that reads no column (``all: []``, a
    constant) is one value, not one per row: it counts every row or none."""
    if not rule.meta.root_names():
        return rule.fill_null(False).cast(pl.Int64) * pl.len()
    return rule.sum()


def mask(seg: Segment, data: Any, as_of: Any = None, catalog: Any = None) -> pl.DataFrame:
    frame = plan_many({"member": seg}, _dataset(data), as_of, catalog)
    return frame.collect()


def count(seg: Segment, data: Any, as_of: Any = None, catalog: Any = None) -> int:
    data = _dataset(data)
    catalog = _catalog(catalog)
    _prepare([seg], data, catalog)
    rule, never = _split_never(seg.rule) if data.has_events else (seg.rule, [])
    own, rule = _split_fields(rule)
    comp = Compiler(data, resolve_as_of(as_of), catalog)
    expr = comp.rule(rule)
    # the conditions on the contacts' own fields filter them first, as one predicate a Parquet
    # scan evaluates itself; contacts without a matching event cannot be members of a rule that
    # needs_events: skip them
    frame = comp.frame(ordered=False, inner=needs_events(rule) and data.has_events,
                       where=None if own is None else comp.direct(own))  # fmt: skip
    for node in never:  # "never did X": drop whoever did, no aggregation needed
        frame = frame.join(comp.contacts_with(node), on="contact_id", how="anti")
    return int(frame.filter(expr).select(pl.len()).collect().item())


def _split_never(rule: Rule) -> tuple[Rule, list[Event]]:
    """A top-level ``all`` without its "never did X" children, and those X."""
    never, rest = _take(rule, lambda c: isinstance(c, Not) and isinstance(c.child, Event)
                        and is_existence(c.child))  # fmt: skip
    return rest, [c.child for c in never]


def _split_fields(rule: Rule) -> tuple[Rule | None, Rule]:
    """``(own, rest)``: the part of ``rule`` that reads the contacts' own fields only (None when
    there is none) and the rest, whose conjunction is ``rule``."""
    if fields_only(rule):
        return rule, All(())
    own, rest = _take(rule, fields_only)
    return (All(tuple(own)) if own else None), rest


def _take(rule: Rule, pick: Callable[[Rule], bool]) -> tuple[list[Rule], Rule]:
    """The children of a top-level ``all`` that ``pick`` accepts, and the ``all`` of the
    others (``rule`` itself when there are none, or it is not an ``all``)."""
    if not isinstance(rule, All):
        return [], rule
    taken = [c for c in rule.children if pick(c)]
    if not taken:
        return [], rule
    return taken, All(tuple(c for c in rule.children if not pick(c)))


def members(seg: Segment, data: Any, as_of: Any = None, catalog: Any = None) -> pl.DataFrame:
    data = _dataset(data)
    catalog = _catalog(catalog)
    _prepare([seg], data, catalog)
    comp = Compiler(data, resolve_as_of(as_of), catalog)
    expr = comp.rule(seg.rule)
    return comp.frame().filter(expr).select(data.contacts_schema.names()).collect()


# -- attrition ----------------------------------------------------------------------------------


def attrition(seg: Segment, data: Any, as_of: Any = None, catalog: Any = None) -> pl.DataFrame:
    """How many contacts are left after each top-level condition of an ``all``, in order."""
    data = _dataset(data)
    catalog = _catalog(catalog)
    _prepare([seg], data, catalog)
    rule = seg.rule
    steps: list[Rule] = list(rule.children) if isinstance(rule, All) else [rule]
    comp = Compiler(data, resolve_as_of(as_of), catalog)
    exprs = [pl.len().alias("__total")]
    cumulative: pl.Expr | None = None
    for i, step in enumerate(steps):
        e = comp.rule(step)
        cumulative = e if cumulative is None else cumulative & e
        exprs.append(_total(cumulative).alias(f"__s{i}"))
    row = comp.frame(ordered=False).select(exprs).collect().row(0)
    total = int(row[0])
    remaining = [total] + [int(x) for x in row[1:]]
    return pl.DataFrame(
        {
            "step": list(range(len(steps) + 1)),
            "condition": ["all contacts"] + [describe(s) for s in steps],
            "remaining": remaining,
            "dropped": [0] + [remaining[i] - remaining[i + 1] for i in range(len(steps))],
            "share": [r / total if total else 0.0 for r in remaining],
        },
        schema={"step": pl.Int64, "condition": pl.String, "remaining": pl.Int64,
                "dropped": pl.Int64, "share": pl.Float64},  # fmt: skip
    )


# -- explain ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExplainLine:
    """One rule of the tree evaluated for one contact."""

    path: str
    depth: int
    text: str
    result: bool
    value: Any = None  # the contact's field value, or the event measure
    measured: str | None = None  # what the value is ("count", "sum of amount", "country")


@dataclass(frozen=True)
class Explanation:
    """Why one contact is (not) in a segment: every rule with its result and measured value."""

    contact_id: Any
    as_of: _dt.datetime
    member: bool
    lines: tuple[ExplainLine, ...]

    def __str__(self) -> str:
        head = f"contact {self.contact_id!r} is {'' if self.member else 'NOT '}a member " \
               f"(as of {self.as_of:%Y-%m-%d %H:%M} UTC)"  # fmt: skip
        out = [head]
        for line in self.lines:
            mark = "✓" if line.result else "✗"
            measured = f"  [{line.measured} = {_fmt(line.value)}]" if line.measured else ""
            out.append(f"{'  ' * line.depth}{mark} {line.text}{measured}")
        return "\n".join(out)

    def to_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "path": [x.path for x in self.lines],
                "depth": [x.depth for x in self.lines],
                "rule": [x.text for x in self.lines],
                "result": [x.result for x in self.lines],
                "measured": [x.measured for x in self.lines],
                "value": [_fmt(x.value) if x.measured else None for x in self.lines],
            },
            schema={"path": pl.String, "depth": pl.Int64, "rule": pl.String,
                    "result": pl.Boolean, "measured": pl.String, "value": pl.String},  # fmt: skip
        )

    def _repr_html_(self) -> str:
        import html

        rows = []
        for x in self.lines:
            color = "#1a7f37" if x.result else "#b42318"
            measured = f" <small>({html.escape(x.measured)} = {html.escape(_fmt(x.value))})" \
                       "</small>" if x.measured else ""  # fmt: skip
            rows.append(
                f"<div style='margin-left:{1.4 * x.depth}em'><b style='color:{color}'>"
                f"{'✓' if x.result else '✗'}</b> {html.escape(x.text)}{measured}</div>"
            )
        status = "is a member" if self.member else "is not a member"
        return f"<div><b>contact {html.escape(str(self.contact_id))}</b> {status}" \
               f"{''.join(rows)}</div>"  # fmt: skip

    def __repr__(self) -> str:
        return str(self)


def _fmt(v: Any) -> str:
    if v is None:
        return "none"
    if isinstance(v, float):
        return f"{v:,.2f}".rstrip("0").rstrip(".")
    if isinstance(v, _dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, list):
        return "[" + ", ".join(map(str, v)) + "]"
    return str(v)


def _measured(node: Event) -> str:
    m = node.effective_measure
    return m.kind if m.column is None else f"{m.kind} of {m.column}"


def explain(seg: Segment, data: Any, contact_id: Any, as_of: Any = None,
            catalog: Any = None) -> Explanation:  # fmt: skip
    """Evaluate every rule of the tree for one contact, with the value each one measured."""
    data = _dataset(data)
    catalog = _catalog(catalog)
    _prepare([seg], data, catalog)
    when = resolve_as_of(as_of)
    one = data.restrict(contact_id)
    if one.n_contacts == 0:
        raise KeyError(f"no contact with contact_id {contact_id!r}")
    comp = Compiler(one, when, catalog)
    nodes: list[tuple[str, Rule]] = []
    skip: list[str] = []
    for path, node in walk(seg.rule):
        if any(path.startswith(s) for s in skip):
            continue
        if isinstance(node, Event):
            skip.append(f"{path}.where")
        nodes.append((path, node))
    exprs: list[pl.Expr] = []
    for i, (_path, node) in enumerate(nodes):
        exprs.append(comp.rule(node).alias(f"__r{i}"))
        if isinstance(node, Event):
            exprs.append(pl.col(comp.measure_column(node)).alias(f"__v{i}"))
        elif isinstance(node, Field):
            exprs.append(pl.col(node.field).alias(f"__v{i}"))
    row = comp.frame(ordered=False, measures=True).select(exprs).collect().row(0, named=True)
    lines = []
    for i, (path, node) in enumerate(nodes):
        depth = path.count(".")
        measured = None
        if isinstance(node, Event):
            measured = _measured(node)
        elif isinstance(node, Field):
            measured = node.field
        text = describe(node) if not isinstance(node, All | AnyOf | Not) else {
            All: "all of:", AnyOf: "any of:", Not: "not:"}[type(node)]  # fmt: skip
        if isinstance(node, All | AnyOf) and not node.children:
            text = describe(node)
        lines.append(ExplainLine(path, depth, text, bool(row[f"__r{i}"]),
                                 row.get(f"__v{i}"), measured))  # fmt: skip
    return Explanation(contact_id, when, lines[0].result, tuple(lines))


__all__ = ["ExplainLine", "Explanation", "attrition", "count", "count_many", "evaluate_many",
           "explain", "mask", "members", "plan_many", "validate"]  # fmt: skip
