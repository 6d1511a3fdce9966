"""Notebook widgets: the only package that imports ipywidgets. Views over library objects."""

from segkit.widgets.contact_editor import ContactEditor
from segkit.widgets.download import DownloadButton
from segkit.widgets.duplicate_reviewer import DuplicateReviewer
from segkit.widgets.explorer import SegmentExplorer
from segkit.widgets.filter_builder import (
    ConditionEditor,
    EventEditor,
    FilterBuilder,
    GroupEditor,
    SegmentRefEditor,
)
from segkit.widgets.quality import DataQualityPanel

__all__ = ["ConditionEditor", "ContactEditor", "DataQualityPanel", "DuplicateReviewer", "DownloadButton", "EventEditor", "FilterBuilder", "GroupEditor",
           "SegmentExplorer", "SegmentRefEditor"]
