"""segkit.charts: every chart validates (``to_dict`` checks the Vega-Lite schema), has the marks and
encodings it promises, keeps its data small, and renders to SVG with no network."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import altair as alt
import polars as pl
import pytest

import segkit as sk
from segkit import analysis, charts

AS_OF = dt.datetime(2026, 2, 2)
US = sk.Segment(sk.field("country") == "US", name="US")


@pytest.fixture(scope="module")
def data() -> sk.Dataset:
    contacts = pl.DataFrame(
        {
            "contact_id": [1, 2, 3, 4, 5, 6],
            "country": ["US", "US", "DE", "DE", "FR", "US"],
            "lifecycle_stage": ["lead", "customer", "lead", "subscriber", "other", "lead"],
            "age": [22, 37, 41, 58, None, 30],
            "tags": [["vip"], [], ["beta", "vip"], None, ["beta"], ["vip"]],
        },
        schema_overrides={"tags": pl.List(pl.String)},
    )
    events = pl.DataFrame({
        "contact_id": [1, 1, 2, 3, 4, 6, 6],
        "event": ["page_view", "purchase", "page_view", "page_view", "email_open", "page_view",
                  "email_open"],
        "timestamp": [dt.datetime(2026, 1, d) for d in (5, 6, 13, 14, 20, 21, 27)],
    })  # fmt: skip
    return sk.Dataset(contacts, events)


def units(spec: dict) -> Iterator[dict]:
    """Every single-view spec (with a ``mark``) of a chart's dict, through layers and facets."""
    if "mark" in spec:
        yield spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, []):
            yield from units(sub)
    if isinstance(spec.get("spec"), dict):
        yield from units(spec["spec"])


def mark(unit: dict) -> str:
    m = unit["mark"]
    return m if isinstance(m, str) else m["type"]


def fields(unit: dict) -> dict[str, tuple[str, str]]:
    """channel -> (field, type) of a unit's field encodings (conditions' field included)."""
    out = {}
    for channel, enc in unit.get("encoding", {}).items():
        if not isinstance(enc, dict):
            continue
        if "field" in enc:
            out[channel] = (enc["field"], enc.get("type"))
        elif isinstance(enc.get("condition"), dict) and "field" in enc["condition"]:
            out[channel] = (enc["condition"]["field"], enc["condition"].get("type"))
    return out


def rows_passed(spec: dict) -> int:
    return sum(len(v) for v in spec.get("datasets", {}).values())


HISTORY = pl.DataFrame({
    "refreshed_at": [dt.datetime(2026, 1, d, 6) for d in (1, 2, 3, 4)],
    "as_of": [dt.datetime(2026, 1, d) for d in (1, 2, 3, 3)],
    "size": [120, 130, 128, 131],
})  # fmt: skip

Q, N, T = "quantitative", "nominal", "temporal"

CASES: dict[str, tuple[Callable[[sk.Dataset], alt.TopLevelMixin], type, list]] = {
    # name: (build, chart class, [(mark, {channel: (field, type)}), ...] per unit in order)
    "segment_sizes": (
        lambda d: charts.segment_sizes(sk.count_many({"US": US}, d, as_of=AS_OF), total=6),
        alt.Chart,
        [("bar", {"x": ("count", Q), "y": ("segment", N)})],
    ),
    "attrition": (
        lambda d: charts.attrition(
            sk.Segment(sk.field("country").eq("US") & sk.field("age").ge(25)).attrition(d, AS_OF)
        ),
        alt.LayerChart,
        [("bar", {"x": ("remaining", Q), "y": ("label", N)}),
         ("bar", {"x": ("remaining", Q), "x2": ("before", None), "y": ("label", N)}),
         ("text", {"x": ("before", Q), "y": ("label", N), "text": ("share", Q)})],
    ),
    "size_history": (
        lambda d: charts.size_history(HISTORY),
        alt.LayerChart,
        [("line", {"x": ("as_of", T), "y": ("size", Q)}),
         ("point", {"x": ("as_of", T), "y": ("size", Q)})],
    ),
    "size_history_many": (
        lambda d: charts.size_history(pl.concat([
            HISTORY.with_columns(segment=pl.lit("a")), HISTORY.with_columns(segment=pl.lit("b"))
        ])),
        alt.LayerChart,
        [("line", {"x": ("as_of", T), "y": ("size", Q), "color": ("segment", N)}),
         ("point", {"x": ("as_of", T), "y": ("size", Q), "color": ("segment", N)})],
    ),
    "overlap": (
        lambda d: charts.overlap(analysis.overlap(sk.evaluate_many(
            {"US": US, "adults": sk.Segment(sk.field("age") >= 30)}, d, as_of=AS_OF))),
        alt.LayerChart,
        [("rect", {"x": ("b", N), "y": ("a", N), "color": ("jaccard", Q)}),
         ("text", {"x": ("b", N), "y": ("a", N), "text": ("label", N)})],
    ),
    "profile": (
        lambda d: charts.profile(analysis.profile(US, d, as_of=AS_OF)),
        alt.FacetChart,
        [("bar", {"x": ("shown", Q), "y": ("value", N)}), ("rule", {})],
    ),
    "profile_one_field": (
        lambda d: charts.profile(analysis.profile(US, d, as_of=AS_OF), field="country"),
        alt.LayerChart,
        [("bar", {"x": ("shown", Q), "y": ("value", N)}), ("rule", {})],
    ),
    "profile_select": (
        lambda d: charts.profile(analysis.profile(US, d, as_of=AS_OF), select=True),
        alt.LayerChart,
        [("bar", {"x": ("shown", Q), "y": ("value", N)}), ("rule", {})],
    ),
    "numeric_distribution": (
        lambda d: charts.numeric_distribution(
            analysis.numeric_distribution(US, d, "age", bins=4, as_of=AS_OF), "age"),
        alt.Chart,
        [("bar", {"x": ("bin_start", Q), "x2": ("bin_end", None), "y": ("share", Q),
                  "color": ("group", N)})],
    ),
    "lifecycle_funnel": (
        lambda d: charts.lifecycle_funnel(analysis.lifecycle_funnel(d)),
        alt.LayerChart,
        [("bar", {"x": ("reached", Q), "y": ("stage", N)}),
         ("bar", {"x": ("count", Q), "y": ("stage", N)}),
         ("text", {"x": ("bar_end", Q), "y": ("stage", N), "text": ("share", Q)})],
    ),
    "activity": (
        lambda d: charts.activity(analysis.activity(US, d, as_of=AS_OF)),
        alt.FacetChart,
        [("line", {"x": ("period", T), "y": ("per_contact", Q), "color": ("group", N)})],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_chart_validates_with_expected_marks_and_encodings(name, data):
    build, cls, expected = CASES[name]
    chart = build(data)
    assert isinstance(chart, cls)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    got = list(units(spec))
    assert [mark(u) for u in got] == [m for m, _ in expected]
    for unit, (_, encodings) in zip(got, expected, strict=True):
        have = fields(unit)
        for channel, want in encodings.items():
            assert have.get(channel) == want, (name, channel, have)
    # aggregated before charting: a handful of rows, never one per contact-event
    assert 0 < rows_passed(spec) <= 200


@pytest.mark.parametrize("name", ["segment_sizes", "overlap", "profile", "activity"])
def test_to_svg(name, data):
    svg = charts.to_svg(CASES[name][0](data))
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg


def test_profile_facets_keep_field_and_value_order(data):
    table = analysis.profile(US, data, as_of=AS_OF)
    spec = charts.profile(table).to_dict()
    assert spec["facet"]["field"] == "field"
    assert spec["facet"]["sort"] == ["country", "lifecycle_stage", "age", "tags"]
    assert spec["resolve"]["scale"]["y"] == "independent"
    tooltip = {t["field"] for t in next(units(spec))["encoding"]["tooltip"]}
    assert {"lift", "segment_share", "base_share", "segment_count", "base_count"} <= tooltip


def test_profile_select_binds_a_dropdown(data):
    spec = charts.profile(analysis.profile(US, data, as_of=AS_OF), select=True).to_dict()
    param = spec["params"][0]
    assert param["bind"]["input"] == "select"
    assert param["bind"]["options"] == ["country", "lifecycle_stage", "age", "tags"]


def test_overlap_accepts_masks_and_other_values(data):
    masks = sk.evaluate_many({"US": US, "DE": sk.Segment(sk.field("country") == "DE")}, data,
                             as_of=AS_OF)  # fmt: skip
    spec = charts.overlap(masks, value="share_of_a", labels=False).to_dict()
    assert rows_passed(spec) == 4  # 2 x 2 pairs, not the 6 contacts
    assert fields(next(units(spec)))["color"] == ("share_of_a", Q)
    with pytest.raises(ValueError, match="value must be"):
        charts.overlap(masks, value="nope")


def test_size_history_keeps_the_latest_refresh_per_date_and_accepts_a_mapping():
    spec = charts.size_history(HISTORY).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [v["size"] for v in values] == [120, 130, 131]  # 2026-01-03 refreshed twice
    many = charts.size_history({"a": HISTORY, "b": HISTORY}).to_dict()
    assert fields(next(units(many)))["color"] == ("segment", N)
    assert rows_passed(many) == 6


def test_activity_counts_metric(data):
    spec = charts.activity(analysis.activity(US, data, as_of=AS_OF), metric="count").to_dict()
    assert fields(next(units(spec)))["y"] == ("count", Q)
    with pytest.raises(ValueError, match="metric"):
        charts.activity(analysis.activity(US, data, as_of=AS_OF), metric="rate")


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match=r"no column\(s\) \['lift'\]"):
        charts.profile(pl.DataFrame({"field": ["a"], "value": ["b"], "segment_count": [1],
                                     "segment_share": [1.0], "base_count": [1],
                                     "base_share": [1.0]}))  # fmt: skip


def test_enable_offline_uses_the_jupyter_renderer():
    before = alt.renderers.active
    try:
        charts.enable_offline()
        assert alt.renderers.active == "jupyter"
    finally:
        alt.renderers.enable(before)


def test_size_history_takes_the_workspace_frame_as_is():
    import datetime as dt

    import polars as pl

    from segkit import charts

    t = dt.datetime(2026, 10, 1)
    frame = pl.DataFrame({"snapshot": [1, 2], "as_of": [t, t], "size": [5, 7],
                          "taken_at": [t, t + dt.timedelta(hours=1)]})
    spec = charts.size_history(frame).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [v["size"] for v in values] == [7]  # the later refresh of the same as_of wins
    assert charts.size_history({"A": frame}).to_dict()
