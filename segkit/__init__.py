"""segkit: contact management and segmentation; segments are data, compiled to polars.

>>> import segkit as sk
>>> rule = sk.field("country").is_in(["US", "CA"]) & sk.did("purchase", within_days=90)
>>> sk.Segment(rule, name="North American buyers").describe()
'country is US or CA, and purchased in the last 90 days'
"""

from segkit.data import Dataset, ValidationReport, read_dataset, write_dataset
from segkit.engine import Explanation, count_many, evaluate_many
from segkit.errors import DataError, SegkitError, SegmentError
from segkit.segment import Segment
from segkit.spec import Validation, all_of, any_of, did, field, in_segment, not_

__version__ = "0.1.0"


def __getattr__(name: str):
    # widgets import ipywidgets and the store imports deltalake: load them on first use, so a
    # script that only evaluates segments never pays for either
    if name in ("FilterBuilder", "SegmentExplorer", "ContactEditor", "DuplicateReviewer",
                "DataQualityPanel"):
        from segkit import widgets

        return getattr(widgets, name)
    if name in ("find_duplicates", "DuplicateReport"):
        from segkit import dedup

        return getattr(dedup, name)
    if name in ("Workspace", "WorkspaceConflict", "WorkspaceError"):
        from segkit import store

        return getattr(store, name)
    raise AttributeError(f"module 'segkit' has no attribute {name!r}")


__all__ = [
    "ContactEditor",
    "DataError",
    "DataQualityPanel",
    "Dataset",
    "DuplicateReport",
    "DuplicateReviewer",
    "Explanation",
    "FilterBuilder",
    "SegmentExplorer",
    "Workspace",
    "WorkspaceConflict",
    "WorkspaceError",
    "SegkitError",
    "Segment",
    "SegmentError",
    "Validation",
    "ValidationReport",
    "all_of",
    "any_of",
    "count_many",
    "did",
    "evaluate_many",
    "field",
    "find_duplicates",
    "in_segment",
    "not_",
    "read_dataset",
    "write_dataset",
]
