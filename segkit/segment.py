"""``Segment``: an immutable segment definition (the document) with ways to evaluate it."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from segkit import engine
from segkit.spec.builder import as_rule
from segkit.spec.describe import describe
from segkit.spec.io import FORMAT_VERSION, dump_document, parse_document, parse_rule
from segkit.spec.nodes import Rule
from segkit.spec.validate import Validation


@dataclass(frozen=True, init=False)
class Segment:
    """A segment definition: a rule tree with a name and a description.

    Immutable and hashable; ``to_dict``/``to_json`` give back exactly the document it was built
    from.

    >>> import segkit as sk
    >>> seg = sk.Segment.from_dict({"version": 1, "name": "Adults",
    ...                             "rule": {"field": "age", "op": "ge", "value": 18}})
    >>> seg.describe()
    'age is at least 18'
    >>> seg.to_json()
    '{"version": 1, "name": "Adults", "rule": {"field": "age", "op": "ge", "value": 18}}'
    """

    rule: Rule
    name: str | None
    description: str | None
    version: int

    def __init__(
        self,
        rule: Any,
        name: str | None = None,
        description: str | None = None,
        *,
        version: int = FORMAT_VERSION,
    ) -> None:
        node = as_rule(rule)
        # a rule built in Python goes through the same structural checks as a document
        doc = dump_document(version, name, description, node)
        version, name, description, node = parse_document(doc)
        object.__setattr__(self, "rule", node)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "version", version)

    # -- the document ---------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, doc: Any) -> Segment:
        """Build a Segment from a document, raising :class:`SegmentError` if it is invalid."""
        version, name, description, rule = parse_document(doc)
        seg = object.__new__(cls)
        for k, v in (("rule", rule), ("name", name), ("description", description),
                     ("version", version)):  # fmt: skip
            object.__setattr__(seg, k, v)
        return seg

    @classmethod
    def from_json(cls, text: str | bytes) -> Segment:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            from segkit.errors import SegmentError

            raise SegmentError("document", f"not valid JSON ({exc.msg} at line {exc.lineno} "
                               f"column {exc.colno})", expected="a JSON object") from None  # fmt: skip
        return cls.from_dict(doc)

    def to_dict(self) -> dict:
        return dump_document(self.version, self.name, self.description, self.rule)

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def with_name(self, name: str, description: str | None = None) -> Segment:
        """A copy with another name (and description, if given)."""
        return replace(self, name=name, description=description or self.description)

    def with_rule(self, rule: Any) -> Segment:
        node = as_rule(rule) if not isinstance(rule, dict) else parse_rule(rule, "rule")
        return Segment(node, self.name, self.description, version=self.version)

    # -- evaluation -----------------------------------------------------------------------------

    def mask(self, data: Any, as_of: Any = None, catalog: Any = None) -> pl.DataFrame:
        """``contact_id`` and ``member`` (bool, never null) for every contact, in order."""
        return engine.mask(self, data, as_of, catalog)

    def members(self, data: Any, as_of: Any = None, catalog: Any = None) -> pl.DataFrame:
        """The member contacts' rows."""
        return engine.members(self, data, as_of, catalog)

    def count(self, data: Any, as_of: Any = None, catalog: Any = None) -> int:
        """How many contacts are members."""
        return engine.count(self, data, as_of, catalog)

    def explain(self, data: Any, contact_id: Any, as_of: Any = None,
                catalog: Any = None) -> engine.Explanation:  # fmt: skip
        """Every rule of the tree for one contact, true or false, with the measured value."""
        return engine.explain(self, data, contact_id, as_of, catalog)

    def attrition(self, data: Any, as_of: Any = None, catalog: Any = None) -> pl.DataFrame:
        """Contacts left after each top-level condition of an ``all``, in order."""
        return engine.attrition(self, data, as_of, catalog)

    def validate(self, data: Any, catalog: Any = None) -> Validation:
        """Problems (errors) and warnings of this segment against a Dataset's schema."""
        return engine.validate(self, engine._dataset(data), engine._catalog(catalog))

    def describe(self) -> str:
        """The rule in plain English."""
        return describe(self.rule)

    # -- combining ------------------------------------------------------------------------------

    def __and__(self, other: Segment) -> Segment:
        return Segment(self.rule & other.rule)

    def __or__(self, other: Segment) -> Segment:
        return Segment(self.rule | other.rule)

    def __invert__(self) -> Segment:
        return Segment(~self.rule)

    # -- display --------------------------------------------------------------------------------

    def __repr__(self) -> str:
        title = self.name or "Segment"
        return f"<{title}: {self.describe()}>"

    def _repr_html_(self) -> str:
        title = html.escape(self.name or "Unnamed segment")
        desc = f"<div><i>{html.escape(self.description)}</i></div>" if self.description else ""
        return (
            f"<div class='segkit-segment'><b>{title}</b>{desc}"
            f"<div>{html.escape(self.describe())}</div></div>"
        )
