"""One HTML table for every result and widget that shows a frame in a notebook or dashboard."""

from __future__ import annotations

import html
from typing import Any

import polars as pl

STYLED = "class='segkit-table' style='border-collapse:collapse;font-size:90%'"


def table(frame: pl.DataFrame, *, limit: int | None = None, attrs: str = "") -> str:
    """``frame`` as an HTML table (its first ``limit`` rows, then how many more there are);
    text escaped, nulls blank, lists joined with commas. ``attrs`` go on the ``<table>``."""
    shown = frame if limit is None else frame.head(limit)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in shown.columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
                   for row in shown.iter_rows())  # at most a page: for display only
    more = f"<p><small>... {frame.height - shown.height:,} more</small></p>" \
        if frame.height > shown.height else ""  # fmt: skip
    opening = f"<table {attrs}>" if attrs else "<table>"
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return html.escape(", ".join("" if v is None else str(v) for v in value))
    return html.escape(str(value))
