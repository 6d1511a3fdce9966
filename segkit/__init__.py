"""segkit: contact management and segmentation; segments are data, compiled to polars."""

from segkit.data import Dataset, ValidationReport, read_dataset, write_dataset
from segkit.errors import DataError, SegkitError, SegmentError

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "Dataset",
    "SegkitError",
    "SegmentError",
    "ValidationReport",
    "read_dataset",
    "write_dataset",
]
