"""Checks that need the data's column kinds: unknown fields, operators and values that do not fit.

Pure: the caller passes the kinds of the contacts' fields and of the events' properties (see
``segkit.compile.polars.kinds_of``), the known event types and the catalog's names.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from segkit.errors import SegmentError
from segkit.spec.nodes import MISSING, Event, Field, Rule, SegmentRef, walk
from segkit.spec.operators import (
    NUMERIC,
    Kind,
    kind_words,
    ops_for,
    value_fits_kind,
)

EVENT_RESERVED = ("contact_id", "event")


@dataclass(frozen=True)
class Validation:
    """The outcome of checking a segment against a Dataset's schema."""

    errors: list[SegmentError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_first(self) -> None:
        if self.errors:
            raise self.errors[0]

    def __str__(self) -> str:
        lines = [f"error: {e}" for e in self.errors] + [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines) or "valid"

    def _repr_html_(self) -> str:
        if self.ok and not self.warnings:
            return "<p>✓ valid</p>"
        items = "".join(f"<li style='color:#b00'>{e}</li>" for e in self.errors)
        items += "".join(f"<li style='color:#a60'>{w}</li>" for w in self.warnings)
        return f"<ul>{items}</ul>"


def _suggest(name: str, options: Collection[str]) -> list[str]:
    return difflib.get_close_matches(name, list(options), n=3, cutoff=0.5)


def check_field(node: Field, path: str, kinds: Mapping[str, Kind], what: str) -> SegmentError | None:
    """Check one field condition against the kinds of ``what`` ("contacts" or "events")."""
    if node.field not in kinds:
        return SegmentError(
            f"{path}.field",
            f"unknown field {node.field!r} in {what}",
            expected="a column of the " + what,
            suggestions=_suggest(node.field, kinds),
        )
    kind = kinds[node.field]
    allowed = ops_for(kind)
    if node.op not in allowed:
        return SegmentError(
            f"{path}.op",
            f"{node.op!r} does not apply to {node.field!r}, {kind_words(kind)}",
            expected=f"one of {', '.join(allowed)}" if allowed else "a field of a supported type",
        )
    if node.value is not MISSING:
        value = list(node.value) if isinstance(node.value, tuple) else node.value
        if not value_fits_kind(node.op, value, kind):
            expected = {Kind.INT: "numbers", Kind.FLOAT: "numbers", Kind.STRING: "strings",
                        Kind.BOOL: "true or false", Kind.DATE: "ISO dates (\"2026-03-01\")",
                        Kind.DATETIME: "ISO dates or datetimes"}.get(kind, "a fitting value")  # fmt: skip
            return SegmentError(
                f"{path}.value",
                f"{value!r} does not fit {node.field!r}, {kind_words(kind)}",
                expected=expected,
            )
    return None


def check(
    rule: Rule,
    contact_kinds: Mapping[str, Kind],
    event_kinds: Mapping[str, Kind] | None,
    event_types: Collection[str] | None,
    catalog_names: Collection[str] | None = None,
) -> Validation:
    """Every problem of ``rule`` against the data's schema (errors) and softer ones (warnings)."""
    errors: list[SegmentError] = []
    warnings: list[str] = []
    where_paths: set[str] = set()
    for path, node in walk(rule):
        if any(path.startswith(w) for w in where_paths):
            continue  # checked with the event's properties below
        if isinstance(node, Field):
            err = check_field(node, path, contact_kinds, "contacts")
            if err:
                errors.append(err)
        elif isinstance(node, SegmentRef):
            if catalog_names is None:
                errors.append(SegmentError(f"{path}.segment",
                              f"refers to segment {node.name!r} but no catalog was given",
                              expected="a catalog (a workspace, or catalog={name: Segment})"))  # fmt: skip
            elif node.name not in catalog_names:
                errors.append(SegmentError(f"{path}.segment", f"unknown segment {node.name!r}",
                              expected="the name of a saved segment",
                              suggestions=_suggest(node.name, catalog_names)))  # fmt: skip
        elif isinstance(node, Event):
            where_paths.add(f"{path}.where")
            errors.extend(_check_event(node, path, event_kinds, event_types, warnings))
    return Validation(errors, warnings)


def _check_event(
    node: Event,
    path: str,
    event_kinds: Mapping[str, Kind] | None,
    event_types: Collection[str] | None,
    warnings: list[str],
) -> list[SegmentError]:
    errors: list[SegmentError] = []
    if event_kinds is None:
        warnings.append(f"{path}: the data has no events table, so no contact has events")
        return errors
    props = {k: v for k, v in event_kinds.items() if k not in EVENT_RESERVED}
    if event_types is not None and node.types is not None:
        for t in node.types:
            if t not in event_types:
                close = _suggest(t, event_types)
                hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
                warnings.append(f"{path}.event: event type {t!r} does not occur in the data{hint}")
    if node.where is not None:
        for wpath, sub in walk(node.where, f"{path}.where"):
            if isinstance(sub, Field):
                err = check_field(sub, wpath, props, "event properties")
                if err:
                    errors.append(err)
    m = node.effective_measure
    if m.column is not None:
        if m.column not in props:
            errors.append(SegmentError(
                f"{path}.measure.{m.kind}", f"unknown event property {m.column!r}",
                expected="a numeric event property", suggestions=_suggest(m.column, props),
            ))  # fmt: skip
        elif props[m.column] not in NUMERIC:
            errors.append(SegmentError(
                f"{path}.measure.{m.kind}",
                f"{m.kind} needs a numeric property, {m.column!r} is {kind_words(props[m.column])}",
                expected="a numeric event property",
                suggestions=[k for k, v in props.items() if v in NUMERIC][:3],
            ))  # fmt: skip
    return errors
