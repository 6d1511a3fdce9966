"""Datasets: the contacts, events and campaigns tables segments run on."""

from segkit.data.dataset import Dataset, Issue, ValidationReport
from segkit.data.io import read_dataset, read_table, write_dataset

__all__ = ["Dataset", "Issue", "ValidationReport", "read_dataset", "read_table", "write_dataset"]
