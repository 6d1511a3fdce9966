"""The segment format as pure data: nodes, operators, parsing, checks, builders, descriptions.

Nothing here imports polars, widgets or the store.
"""

from segkit.spec.builder import all_of, any_of, as_rule, did, field, in_segment, not_
from segkit.spec.describe import describe
from segkit.spec.io import FORMAT_VERSION, dump_document, dump_rule, parse_document, parse_rule
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
    walk,
)  # fmt: skip
from segkit.spec.operators import ALL_OPS, Kind, ops_for
from segkit.spec.validate import Validation, check

__all__ = [
    "ALL_OPS", "FORMAT_VERSION", "MISSING", "All", "AnyOf", "Between", "Event", "Field", "Kind",
    "LastDays", "Measure", "Not", "Rule", "SegmentRef", "Validation", "all_of", "any_of",
    "as_rule", "check", "describe", "did", "dump_document", "dump_rule", "field", "in_segment",
    "not_", "ops_for", "parse_document", "parse_rule", "walk",
]  # fmt: skip
