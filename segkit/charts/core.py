"""Shared chart pieces (palette, offline rendering, static SVG) and the segment-size charts."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

import altair as alt
import polars as pl

PALETTE = {"primary": "#3b5bdb", "muted": "#adb5bd", "bad": "#e8590c", "text": "#212529"}

#: Colours of "the segment" against "everyone" in the comparison charts.
GROUP_SCALE = alt.Scale(
    domain=["segment", "everyone"], range=[PALETTE["primary"], PALETTE["muted"]]
)

Chart = alt.Chart | alt.LayerChart | alt.FacetChart | alt.ConcatChart | alt.HConcatChart \
    | alt.VConcatChart  # fmt: skip


def enable_offline() -> None:
    """Render charts with no network: altair's ``jupyter`` renderer in offline mode (anywidget
    bundles Vega); without anywidget, static SVG via vl-convert."""
    try:
        alt.renderers.enable("jupyter", offline=True)
    except (ValueError, ImportError):  # pragma: no cover - no anywidget
        alt.renderers.enable("svg")


def to_svg(chart: Chart) -> str:
    """The chart as an SVG document, rendered locally by vl-convert (no browser, no network):
    for reports, e-mails and other static contexts."""
    buffer = io.StringIO()
    chart.save(buffer, format="svg")
    return buffer.getvalue()


def _require(frame: pl.DataFrame, columns: Iterable[str], what: str) -> pl.DataFrame:
    if not isinstance(frame, pl.DataFrame):
        raise TypeError(f"{what}: expected a polars DataFrame, found {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: the frame has no column(s) {missing}; found {frame.columns}")
    return frame


def _refreshed(frame: pl.DataFrame) -> pl.DataFrame:
    """A size history with ``ws.size_history()``'s ``taken_at`` named ``refreshed_at``."""
    if "taken_at" in frame.columns and "refreshed_at" not in frame.columns:
        return frame.rename({"taken_at": "refreshed_at"})
    return frame


def _title(name: str) -> str:
    return name.replace("_", " ")


# -- sizes ----------------------------------------------------------------------------------------


def segment_sizes(counts: Mapping[str, int] | pl.DataFrame, total: int | None = None) -> alt.Chart:
    """A horizontal bar per segment, largest first; ``counts`` is ``sk.count_many(...)`` or a
    frame with ``segment`` and ``count``."""
    frame = (
        counts if isinstance(counts, pl.DataFrame)
        else pl.DataFrame({"segment": list(counts), "count": list(counts.values())},
                          schema={"segment": pl.String, "count": pl.Int64})
    )  # fmt: skip
    _require(frame, ["segment", "count"], "segment_sizes")
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


def attrition(table: pl.DataFrame) -> alt.LayerChart:
    """The attrition waterfall of ``seg.attrition(...)``: contacts left after each condition
    (blue) and the ones each condition dropped (orange), with the share left as a label."""
    _require(table, ["step", "condition", "remaining", "dropped", "share"], "attrition")
    frame = table.with_columns(
        label=pl.format("{}. {}", pl.col("step"), pl.col("condition").str.slice(0, 60)),
        before=pl.col("remaining") + pl.col("dropped"),
    )
    y = alt.Y("label:N", sort=alt.EncodingSortField("step"), title=None)
    tooltip = [alt.Tooltip("condition:N"), alt.Tooltip("remaining:Q", format=","),
               alt.Tooltip("dropped:Q", format=","), alt.Tooltip("share:Q", format=".1%")]  # fmt: skip
    base = alt.Chart(frame, title="Contacts left after each condition")
    kept = base.mark_bar(color=PALETTE["primary"]).encode(
        x=alt.X("remaining:Q", title="contacts"), y=y, tooltip=tooltip
    )
    dropped = base.mark_bar(color=PALETTE["bad"], opacity=0.7).encode(
        x="remaining:Q", x2="before:Q", y=y, tooltip=tooltip
    )
    text = base.mark_text(align="left", dx=3).encode(
        x="before:Q", y=y, text=alt.Text("share:Q", format=".0%")
    )
    return alt.layer(kept, dropped, text)


def size_history(
    history: pl.DataFrame | Mapping[str, pl.DataFrame], title: str = "Segment size over time"
) -> alt.LayerChart:
    """Segment size over time from ``ws.size_history(name)``: ``as_of`` (datetime), ``size`` and
    ``refreshed_at``, one line per ``segment`` when the frame has that column (or when given a
    mapping of segment name to history frame).

    A point per evaluation date (``as_of``); when one date was evaluated more than once (a
    refresh after an edit), the latest refresh counts and the tooltip says when it ran.
    """
    if isinstance(history, Mapping):
        frames = [
            _refreshed(_require(f, ["as_of", "size"], "size_history"))
            .with_columns(segment=pl.lit(name))
            for name, f in history.items()
        ]
        history = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame(
            schema={"as_of": pl.Datetime("us"), "size": pl.Int64, "segment": pl.String})  # fmt: skip
    frame = _refreshed(_require(history, ["as_of", "size"], "size_history"))
    keys = ["segment", "as_of"] if "segment" in frame.columns else ["as_of"]
    if "refreshed_at" in frame.columns:
        frame = frame.sort("refreshed_at").unique(keys, keep="last", maintain_order=True)
    frame = frame.sort(keys)
    tooltip = [alt.Tooltip("as_of:T", title="as of", format="%Y-%m-%d %H:%M"),
               alt.Tooltip("size:Q", format=",")]  # fmt: skip
    if "refreshed_at" in frame.columns:
        tooltip.append(alt.Tooltip("refreshed_at:T", title="refreshed", format="%Y-%m-%d %H:%M"))
    enc: dict = {
        "x": alt.X("as_of:T", title="as of"),
        "y": alt.Y("size:Q", title="contacts", scale=alt.Scale(zero=False)),
    }
    if "segment" in frame.columns:
        enc["color"] = alt.Color("segment:N", title="segment")
        tooltip.insert(0, alt.Tooltip("segment:N"))
    base = alt.Chart(frame, title=title).encode(**enc)
    line_color = {} if "segment" in frame.columns else {"color": PALETTE["primary"]}
    line = base.mark_line(**line_color)
    points = base.mark_point(filled=True, **line_color).encode(tooltip=tooltip)
    return alt.layer(line, points)


def field_quality(table: pl.DataFrame) -> alt.Chart:
    """Missing and invalid shares per field from ``quality.field_quality(...)``: stacked bars,
    worst fields first."""
    frame = _require(table, ["field", "missing_share", "invalid_share"], "field_quality")
    long = (
        frame.select("field", missing=pl.col("missing_share"),
                     invalid=pl.col("invalid_share").fill_null(0.0))
        .unpivot(index="field", variable_name="problem", value_name="share")
    )  # fmt: skip
    order = (frame.with_columns(bad=pl.col("missing_share") + pl.col("invalid_share").fill_null(0))
             .sort("bad", descending=True)["field"].to_list())  # fmt: skip
    return (
        alt.Chart(long, title="Missing and invalid values per field")
        .mark_bar()
        .encode(
            x=alt.X("share:Q", title="share of contacts", axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("field:N", sort=order, title=None),
            color=alt.Color("problem:N", scale=alt.Scale(domain=["missing", "invalid"],
                            range=[PALETTE["muted"], PALETTE["bad"]]), title=None),
            tooltip=["field", "problem", alt.Tooltip("share:Q", format=".1%")],
        )
    )  # fmt: skip
