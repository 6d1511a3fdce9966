"""Charts of :mod:`segkit.analysis` results: profile, overlap, distribution, funnel, activity.

Each takes the (small, aggregated) frame the matching ``segkit.analysis`` function returns and
gives back an altair chart; nothing here computes over contacts.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from segkit import analysis
from segkit.charts.core import GROUP_SCALE, PALETTE, _require, _title

#: The profile chart's lift axis is logarithmic, from 1/LIFT_LIMIT to LIFT_LIMIT (a lift of 0 -
#: a value no member has - shows as 1/LIFT_LIMIT; the tooltip has the exact lift).
LIFT_LIMIT = 20.0

_PROFILE = ["field", "value", "segment_count", "segment_share", "base_count", "base_share", "lift"]


def profile(
    table: pl.DataFrame, field: str | None = None, *, select: bool = False, columns: int = 2
) -> alt.LayerChart | alt.FacetChart:
    """Lift per attribute value from ``analysis.profile(...)``: a bar from 1.0 to the lift
    (blue: over-represented in the segment, orange: under-represented) on a log axis (twice as
    common and half as common are bars of one length), a rule at 1.0, and the shares and counts
    in the tooltip.

    One panel per field (``columns`` wide, each with its own values), or only ``field``, or with
    ``select=True`` a drop-down to pick the field. Values keep the table's order.
    """
    frame = _require(table, _PROFILE, "profile")
    if field is not None:
        frame = frame.filter(pl.col("field") == field)
    frame = frame.select(_PROFILE).with_columns(
        order=pl.int_range(pl.len()).over("field"),
        shown=pl.col("lift").clip(1 / LIFT_LIMIT, LIFT_LIMIT),
    )
    fields = frame.get_column("field").unique(maintain_order=True).to_list()
    y = alt.Y("value:N", sort=alt.EncodingSortField("order"), title=None)
    tooltip = [
        alt.Tooltip("field:N"), alt.Tooltip("value:N"),
        alt.Tooltip("lift:Q", format=".2f"),
        alt.Tooltip("segment_share:Q", format=".1%", title="share of segment"),
        alt.Tooltip("base_share:Q", format=".1%", title="share of everyone"),
        alt.Tooltip("segment_count:Q", format=",", title="in segment"),
        alt.Tooltip("base_count:Q", format=",", title="in everyone"),
    ]  # fmt: skip
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X(
                "shown:Q",
                title="lift (share in segment / share in everyone)",
                scale=alt.Scale(type="log", domain=[1 / LIFT_LIMIT, LIFT_LIMIT], nice=False),
                axis=alt.Axis(values=[0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10, 20], format="~g"),
            ),
            x2=alt.datum(1),
            y=y,
            color=alt.condition(
                alt.datum.lift >= 1, alt.value(PALETTE["primary"]), alt.value(PALETTE["bad"])
            ),  # fmt: skip
            tooltip=tooltip,
        )
    )
    rule = alt.Chart().mark_rule(color=PALETTE["text"]).encode(x=alt.datum(1))
    layered = alt.layer(bars, rule, data=frame)
    if field is not None or len(fields) == 1:
        return layered.properties(title=f"Profile: {_title(fields[0]) if fields else field}")
    if select:
        pick = alt.param(
            name="field_pick", value=fields[0] if fields else None,
            bind=alt.binding_select(options=fields, name="field "),
        )  # fmt: skip
        return (
            layered.add_params(pick)
            .transform_filter(alt.datum.field == pick)
            .properties(title="Profile against everyone")
        )
    return (
        layered.properties(width=260)
        .facet(
            facet=alt.Facet("field:N", sort=fields, title=None),
            columns=columns,
            title="Profile against everyone",
        )  # fmt: skip
        .resolve_scale(y="independent")
    )


def overlap(table: pl.DataFrame, value: str = "jaccard", *, labels: bool = True) -> alt.LayerChart:
    """A heatmap of ``analysis.overlap(...)`` (or of ``sk.evaluate_many(...)``'s masks, which it
    summarises first): colour by ``value`` (``jaccard``, ``share_of_a`` - the share of the row's
    segment also in the column's - or ``both``), each cell labelled with the count in both (and,
    for up to 6 segments, the Jaccard index). The diagonal is grey, labelled with the segment's
    size, and left out of the colour scale so that the overlaps use all of it."""
    if "contact_id" in table.columns:
        table = analysis.overlap(table)
    frame = _require(table, ["a", "b", "both", "a_count", "b_count", "jaccard", "share_of_a"],
                     "overlap")  # fmt: skip
    if value not in ("jaccard", "share_of_a", "both"):
        raise ValueError(f"overlap: value must be 'jaccard', 'share_of_a' or 'both', not {value!r}")
    names = frame.get_column("a").unique(maintain_order=True).to_list()
    off = frame.filter(pl.col("a") != pl.col("b")).get_column(value)
    vmax = float(off.max() or 0) or 1.0  # type: ignore[arg-type]
    legend = {"jaccard": "Jaccard", "share_of_a": "share of row", "both": "in both"}[value]
    tooltip = [
        alt.Tooltip("a:N", title="row"), alt.Tooltip("b:N", title="column"),
        alt.Tooltip("both:Q", format=",", title="in both"),
        alt.Tooltip("a_count:Q", format=",", title="row size"),
        alt.Tooltip("b_count:Q", format=",", title="column size"),
        alt.Tooltip("jaccard:Q", format=".2f", title="Jaccard"),
        alt.Tooltip("share_of_a:Q", format=".1%", title="share of row"),
    ]  # fmt: skip
    side = max(120, 44 * len(names))
    base = alt.Chart(frame, title="Segment overlap").encode(
        x=alt.X("b:N", sort=names, title=None, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("a:N", sort=names, title=None),
    ).properties(width=side, height=side)  # fmt: skip
    diagonal = "datum.a === datum.b"
    rect = base.mark_rect().encode(
        color=alt.condition(
            diagonal, alt.value("#e9ecef"),
            alt.Color(f"{value}:Q", title=legend,
                      scale=alt.Scale(scheme="blues", domain=[0, vmax], clamp=True)),
        ),
        tooltip=tooltip,
    )  # fmt: skip
    if not labels:
        return alt.layer(rect)
    label = "format(datum.both, ',')"
    if len(names) <= 6:
        label += " + (datum.a === datum.b ? '' : '\\n' + format(datum.jaccard || 0, '.0%'))"
    text = (
        base.transform_calculate(label=label)
        .mark_text(fontSize=10, lineBreak="\n")
        .encode(
            text=alt.Text("label:N"),
            color=alt.condition(
                f"!({diagonal}) && datum.{value} > {vmax * 0.6}",
                alt.value("white"),
                alt.value(PALETTE["text"]),
            ),
            tooltip=tooltip,
        )  # fmt: skip
    )
    return alt.layer(rect, text)


def numeric_distribution(table: pl.DataFrame, field: str | None = None) -> alt.Chart:
    """The histogram of ``analysis.numeric_distribution(...)``: the share of the segment
    (blue) and of everyone (grey) in each bin, overlaid."""
    frame = _require(
        table, ["bin_start", "bin_end", "segment_count", "base_count", "segment_share",
                "base_share"], "numeric_distribution")  # fmt: skip
    long = pl.concat([
        frame.select("bin_start", "bin_end", pl.lit("everyone").alias("group"),
                     pl.col("base_count").alias("count"), pl.col("base_share").alias("share")),
        frame.select("bin_start", "bin_end", pl.lit("segment").alias("group"),
                     pl.col("segment_count").alias("count"),
                     pl.col("segment_share").alias("share")),
    ])  # fmt: skip
    name = _title(field) if field else "value"
    return (
        alt.Chart(long, title=f"Distribution of {name}")
        .mark_bar(opacity=0.6, binSpacing=0)
        .encode(
            x=alt.X("bin_start:Q", bin="binned", title=name),
            x2="bin_end:Q",
            y=alt.Y("share:Q", stack=None, title="share of contacts", axis=alt.Axis(format="%")),
            color=alt.Color("group:N", scale=GROUP_SCALE, title=None),
            tooltip=[
                alt.Tooltip("group:N"),
                alt.Tooltip("bin_start:Q", title="from"),
                alt.Tooltip("bin_end:Q", title="to"),
                alt.Tooltip("count:Q", format=","),
                alt.Tooltip("share:Q", format=".1%"),
            ],  # fmt: skip
        )
    )


def lifecycle_funnel(table: pl.DataFrame, title: str = "Lifecycle stages") -> alt.LayerChart:
    """The funnel of ``analysis.lifecycle_funnel(...)`` in stage order: contacts who reached
    each stage (grey), those at it now (blue), the share at it as a label."""
    frame = _require(table, ["stage", "step", "count", "share", "reached", "conversion"],
                     "lifecycle_funnel")  # fmt: skip
    frame = frame.with_columns(bar_end=pl.max_horizontal("count", "reached"))
    stages = frame.sort("step").get_column("stage").to_list()
    y = alt.Y("stage:N", sort=stages, title=None)
    tooltip = [
        alt.Tooltip("stage:N"), alt.Tooltip("count:Q", format=",", title="at this stage"),
        alt.Tooltip("share:Q", format=".1%"),
        alt.Tooltip("reached:Q", format=",", title="at this stage or later"),
        alt.Tooltip("conversion:Q", format=".1%", title="from the previous stage"),
    ]  # fmt: skip
    base = alt.Chart(frame, title=title)
    reached = base.mark_bar(color=PALETTE["muted"]).encode(
        x=alt.X("reached:Q", title="contacts"), y=y, tooltip=tooltip
    )
    count = base.mark_bar(color=PALETTE["primary"]).encode(x="count:Q", y=y, tooltip=tooltip)
    text = base.mark_text(align="left", dx=3).encode(
        x="bar_end:Q", y=y, text=alt.Text("share:Q", format=".1%")
    )
    return alt.layer(reached, count, text)


def activity(
    table: pl.DataFrame, metric: str = "per_contact", *, columns: int = 2
) -> alt.FacetChart:
    """Events over time from ``analysis.activity(...)``: one panel per event type, a line for
    the segment and one for everyone. ``metric="per_contact"`` (events per contact, comparable
    between a small segment and everyone) or ``"count"``."""
    frame = _require(table, ["period", "event", "segment_count", "base_count",
                             "segment_per_contact", "base_per_contact"], "activity")  # fmt: skip
    if metric not in ("per_contact", "count"):
        raise ValueError(f"activity: metric must be 'per_contact' or 'count', not {metric!r}")
    long = pl.concat([
        frame.select("period", "event", pl.lit(group).alias("group"),
                     pl.col(f"{prefix}_count").alias("count"),
                     pl.col(f"{prefix}_per_contact").alias("per_contact"))
        for group, prefix in (("segment", "segment"), ("everyone", "base"))
    ])  # fmt: skip
    events = frame.get_column("event").unique(maintain_order=True).to_list()
    y_title = "events per contact" if metric == "per_contact" else "events"
    chart = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title=None),
            y=alt.Y(f"{metric}:Q", title=y_title),
            color=alt.Color("group:N", scale=GROUP_SCALE, title=None),
            tooltip=[
                alt.Tooltip("event:N"),
                alt.Tooltip("group:N"),
                alt.Tooltip("period:T", format="%Y-%m-%d"),
                alt.Tooltip("count:Q", format=","),
                alt.Tooltip("per_contact:Q", format=".3f", title="per contact"),
            ],  # fmt: skip
        )
        .properties(width=260, height=140)
    )
    return chart.facet(
        facet=alt.Facet("event:N", sort=events, title=None), columns=columns,
        title="Activity: the segment against everyone",
    ).resolve_scale(y="independent")  # fmt: skip
