"""Segment sizes and attrition charts."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import polars as pl

PALETTE = {"primary": "#3b5bdb", "muted": "#adb5bd", "bad": "#e8590c"}


def enable_offline() -> None:
    """Render charts with no network: altair's ``jupyter`` renderer in offline mode (anywidget
    bundles Vega); outside a notebook front end it falls back to static SVG via vl-convert."""
    try:
        alt.renderers.enable("jupyter", offline=True)
    except (ValueError, ImportError):  # pragma: no cover - no anywidget
        alt.renderers.enable("svg")


def segment_sizes(counts: Mapping[str, int] | pl.DataFrame, total: int | None = None) -> alt.Chart:
    """A horizontal bar per segment, largest first; ``counts`` is ``sk.count_many(...)`` or a
    frame with ``segment`` and ``count``."""
    frame = (
        counts if isinstance(counts, pl.DataFrame)
        else pl.DataFrame({"segment": list(counts), "count": list(counts.values())})
    )  # fmt: skip
    if total:
        frame = frame.with_columns(share=pl.col("count") / total)
    tooltip = ["segment", alt.Tooltip("count:Q", format=",")]
    if total:
        tooltip.append(alt.Tooltip("share:Q", format=".1%"))
    return (
        alt.Chart(frame.sort("count", descending=True), title="Segment sizes")
        .mark_bar(color=PALETTE["primary"])
        .encode(
            x=alt.X("count:Q", title="contacts"),
            y=alt.Y("segment:N", sort="-x", title=None),
            tooltip=tooltip,
        )
    )


def attrition(table: pl.DataFrame) -> alt.Chart:
    """The attrition waterfall of ``seg.attrition(...)``: contacts left after each condition."""
    frame = table.with_columns(
        label=pl.format("{}. {}", pl.col("step"), pl.col("condition").str.slice(0, 60))
    )
    base = alt.Chart(frame, title="Contacts left after each condition")
    bars = base.mark_bar(color=PALETTE["primary"]).encode(
        x=alt.X("remaining:Q", title="contacts left"),
        y=alt.Y("label:N", sort=alt.SortField("step"), title=None),
        tooltip=["condition", alt.Tooltip("remaining:Q", format=","),
                 alt.Tooltip("dropped:Q", format=","), alt.Tooltip("share:Q", format=".1%")],
    )
    text = base.mark_text(align="left", dx=3).encode(
        x="remaining:Q", y=alt.Y("label:N", sort=alt.SortField("step")),
        text=alt.Text("share:Q", format=".0%"),
    )
    return bars + text
