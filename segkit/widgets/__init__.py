"""Notebook widgets: the only package that imports ipywidgets. Views over library objects."""

from segkit.widgets.filter_builder import (
    ConditionEditor,
    EventEditor,
    FilterBuilder,
    GroupEditor,
    SegmentRefEditor,
)

__all__ = ["ConditionEditor", "EventEditor", "FilterBuilder", "GroupEditor", "SegmentRefEditor"]
