"""segkit.analysis on hand-built frames (hand-computed numbers), then on generated sample data."""

from __future__ import annotations

import datetime as dt
import doctest
import subprocess
import sys

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import segkit as sk
from segkit import analysis

US = sk.Segment(sk.field("country") == "US", name="US")
AS_OF = dt.datetime(2026, 2, 1)


@pytest.fixture
def contacts() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "contact_id": [1, 2, 3, 4, 5, 6, 7, 8],
            "email": [f"p{i}@x.com" for i in range(8)],
            "country": ["US", "US", "US", "DE", "DE", "FR", None, "US"],
            "lifecycle_stage": ["subscriber", "lead", "Lead", "customer",
                                "marketingqualifiedlead", "other", None, "weird"],
            "age": [17, 18, 24, 25, 34, 65, None, 40],
            "interests": [["a", "b"], ["a"], [], None, ["b", "b"], ["c"], ["a"], ["a", "c"]],
            "seats": [0, 5, 120, 260, None, 5, 5, 5],
            "nps": [0, 3, 3, 10, 10, 10, None, 7],
            "signup_at": [dt.datetime(2025, 1, 1)] * 8,
        },
        schema_overrides={"interests": pl.List(pl.String)},
    )  # fmt: skip


def rows(frame: pl.DataFrame, *cols: str) -> list[tuple]:
    return list(frame.select(cols).iter_rows())


# -- profile --------------------------------------------------------------------------------------


def test_profile_category_counts_shares_and_lift(contacts):
    out = analysis.profile(US, contacts, fields=["country"])
    assert out.columns == ["field", "value", "segment_count", "segment_share", "base_count",
                           "base_share", "lift"]  # fmt: skip
    # 4 members of 8; ties on counts are broken by value ("(missing)" sorts before "FR")
    assert rows(out, "field", "value", "segment_count", "base_count") == [
        ("country", "US", 4, 4), ("country", "DE", 0, 2),
        ("country", "(missing)", 0, 1), ("country", "FR", 0, 1),
    ]  # fmt: skip
    assert out["segment_share"].to_list() == [1.0, 0.0, 0.0, 0.0]
    assert out["base_share"].to_list() == [0.5, 0.25, 0.125, 0.125]
    assert out["lift"].to_list() == [2.0, 0.0, 0.0, 0.0]


def test_profile_top(contacts):
    out = analysis.profile(US, contacts, fields=["country"], top=2)
    assert out["value"].to_list() == ["US", "DE"]


def test_profile_age_bands(contacts):
    out = analysis.profile(US, contacts, fields=["age"])
    # members 1, 2, 3, 8 are aged 17, 18, 24, 40; everyone: 17, 18, 24, 25, 34, 65, null, 40
    assert rows(out, "value", "segment_count", "base_count", "lift") == [
        ("<18", 1, 1, 2.0), ("18–24", 2, 2, 2.0), ("25–34", 0, 2, 0.0),
        ("35–44", 1, 1, 2.0), ("65+", 0, 1, 0.0), ("(missing)", 0, 1, 0.0),
    ]  # fmt: skip


def test_profile_explicit_bins(contacts):
    out = analysis.profile(US, contacts, fields=["age"], bins={"age": [30]})
    assert rows(out, "value", "segment_count", "base_count") == [
        ("<30", 3, 4), ("30+", 1, 3), ("(missing)", 0, 1),
    ]  # fmt: skip


def test_profile_nice_bins_and_small_integer_ranges(contacts):
    out = analysis.profile(None, contacts, fields=["seats", "nps"])
    # seats 0..260: about 8 bins -> width 50, empty bins left out
    assert rows(out.filter(pl.col("field") == "seats"), "value", "base_count") == [
        ("0–49", 5), ("100–149", 1), ("250–299", 1), ("(missing)", 1),
    ]  # fmt: skip
    # nps 0..10 keeps one bin per value
    assert rows(out.filter(pl.col("field") == "nps"), "value", "base_count") == [
        ("0", 1), ("3", 2), ("7", 1), ("10", 3), ("(missing)", 1),
    ]  # fmt: skip
    # everyone as the segment: every lift is 1
    assert set(out["lift"].to_list()) == {1.0}


def test_profile_list_fields_explode_once_per_contact(contacts):
    out = analysis.profile(US, contacts, fields=["interests"])
    # everyone: a {1,2,7,8}, b {1,5}, c {6,8}, missing {3 (empty), 4 (null)}
    # members 1,2,3,8: a 3, b 1, c 1, missing 1
    assert rows(out, "value", "segment_count", "base_count", "lift") == [
        ("a", 3, 4, 1.5), ("(missing)", 1, 2, 1.0), ("b", 1, 2, 1.0), ("c", 1, 2, 1.0),
    ]  # fmt: skip


def test_profile_default_fields(contacts):
    out = analysis.profile(US, contacts)
    fields = out["field"].unique(maintain_order=True).to_list()
    # contacts' order; no contact_id, no identifier (email), no datetime unless asked
    assert fields == ["country", "lifecycle_stage", "age", "interests", "seats", "nps"]
    years = analysis.profile(US, contacts, fields=["signup_at"])
    assert rows(years, "value", "segment_count", "base_count") == [("2025-01", 4, 8)]


def test_profile_accepts_segment_mask_ids_and_lazy(contacts):
    by_segment = analysis.profile(US, contacts, as_of=AS_OF)
    mask = US.mask(contacts, as_of=AS_OF)
    assert_frame_equal(analysis.profile(mask, contacts), by_segment)
    renamed = mask.rename({"member": "is_us"}).lazy()
    assert_frame_equal(analysis.profile(renamed, contacts), by_segment)
    assert_frame_equal(analysis.profile([1, 2, 3, 8], contacts), by_segment)
    assert_frame_equal(analysis.profile(pl.Series([1, 2, 3, 8]), sk.Dataset(contacts)),
                       by_segment)  # fmt: skip


def test_profile_empty_segment_has_null_shares(contacts):
    out = analysis.profile([], contacts, fields=["country"])
    assert out["segment_count"].to_list() == [0, 0, 0, 0]
    assert out["segment_share"].null_count() == 4
    assert out["lift"].null_count() == 4


def test_profile_errors(contacts):
    with pytest.raises(ValueError, match="no column 'nope'"):
        analysis.profile(US, contacts, fields=["nope"])
    with pytest.raises(ValueError, match="boolean 'member'"):
        analysis.profile(pl.DataFrame({"contact_id": [1], "x": [1]}), contacts)
    with pytest.raises(TypeError, match="expected a Segment"):
        analysis.profile(3.5, contacts)


# -- overlap --------------------------------------------------------------------------------------


def test_overlap_pairs():
    masks = pl.DataFrame({
        "contact_id": [1, 2, 3, 4, 5],
        "x": [True, True, True, False, False],
        "y": [False, True, True, True, None],
        "z": [False, False, False, False, False],
    })  # fmt: skip
    out = analysis.overlap(masks)
    assert out.columns == ["a", "b", "both", "a_count", "b_count", "jaccard", "share_of_a"]
    assert out.height == 9
    got = {(r["a"], r["b"]): r for r in out.iter_rows(named=True)}
    assert rows(out, "a", "b")[:3] == [("x", "x"), ("x", "y"), ("x", "z")]
    # x = {1,2,3}, y = {2,3,4}: both 2, union 4
    assert got["x", "y"]["both"] == 2 and got["x", "y"]["jaccard"] == 0.5
    assert got["x", "y"]["share_of_a"] == pytest.approx(2 / 3)
    assert got["y", "x"]["a_count"] == 3 and got["y", "x"]["b_count"] == 3
    assert got["x", "x"]["jaccard"] == 1.0
    assert got["x", "z"]["jaccard"] == 0.0 and got["x", "z"]["share_of_a"] == 0.0
    # an empty segment: nothing to divide by
    assert got["z", "z"]["jaccard"] is None and got["z", "x"]["share_of_a"] is None


def test_overlap_from_evaluate_many(contacts):
    segs = {"US": US, "adults": sk.Segment(sk.field("age") >= 18)}
    masks = sk.evaluate_many(segs, contacts, as_of=AS_OF)
    out = analysis.overlap(masks.lazy())
    got = {(r["a"], r["b"]): r["both"] for r in out.iter_rows(named=True)}
    assert got == {("US", "US"): 4, ("US", "adults"): 3, ("adults", "US"): 3,
                   ("adults", "adults"): 6}  # fmt: skip


def test_overlap_rejects_non_boolean_columns():
    with pytest.raises(TypeError, match="boolean segment columns"):
        analysis.overlap(pl.DataFrame({"contact_id": [1], "n": [3]}))


# -- numeric distribution -------------------------------------------------------------------------


def test_numeric_distribution_integer_bins():
    contacts = pl.DataFrame({"contact_id": range(1, 9), "n": [1, 2, 3, 4, 5, 6, 7, None]})
    out = analysis.numeric_distribution([1, 7, 8], contacts, "n", bins=3)
    # width ceil((7 - 1 + 1) / 3) = 3: [1, 4), [4, 7), [7, 10)
    assert rows(out, "bin", "bin_start", "bin_end", "segment_count", "base_count") == [
        (0, 1.0, 4.0, 1, 3), (1, 4.0, 7.0, 0, 3), (2, 7.0, 10.0, 1, 1),
    ]  # fmt: skip
    assert out["segment_share"].to_list() == [0.5, 0.0, 0.5]  # of the 2 members with a value
    assert out["base_share"].to_list() == pytest.approx([3 / 7, 3 / 7, 1 / 7])


def test_numeric_distribution_float_bins_close_the_last_one():
    contacts = pl.DataFrame({"contact_id": [1, 2, 3, 4, 5], "x": [0.0, 1.0, 2.5, 3.0, 4.0]})
    out = analysis.numeric_distribution(None, contacts, "x", bins=4)
    assert out["bin_start"].to_list() == [0.0, 1.0, 2.0, 3.0]
    assert out["base_count"].to_list() == [1, 1, 1, 2]  # 4.0, the maximum, in the last bin
    assert out["segment_count"].to_list() == out["base_count"].to_list()


def test_numeric_distribution_explicit_edges_and_constant():
    contacts = pl.DataFrame({"contact_id": [1, 2, 3, 4], "x": [0.0, 1.0, 2.5, 9.0]})
    out = analysis.numeric_distribution(None, contacts, "x", bins=[1, 2, 3])
    assert rows(out, "bin_start", "bin_end", "base_count") == [(1.0, 2.0, 1), (2.0, 3.0, 1)]
    flat = pl.DataFrame({"contact_id": [1, 2], "x": [5.0, 5.0]})
    assert rows(analysis.numeric_distribution(None, flat, "x"), "bin_start", "base_count") == [
        (5.0, 2)]  # fmt: skip
    with pytest.raises(TypeError, match="not a number"):
        analysis.numeric_distribution(None, contacts.with_columns(x=pl.lit("a")), "x")


# -- lifecycle funnel -----------------------------------------------------------------------------


def test_lifecycle_funnel_order_reached_and_conversion(contacts):
    out = analysis.lifecycle_funnel(contacts)
    assert out["stage"].to_list() == [
        "subscriber", "lead", "marketing_qualified_lead", "sales_qualified_lead",
        "opportunity", "customer", "evangelist", "other", "weird", "(missing)",
    ]  # fmt: skip
    assert out["step"].to_list() == list(range(1, 11))
    assert out["count"].to_list() == [1, 2, 1, 0, 0, 1, 0, 1, 1, 1]
    assert out["share"].to_list() == pytest.approx([c / 8 for c in out["count"]])
    assert out["reached"].to_list() == [5, 4, 2, 1, 1, 1, 0, None, None, None]
    assert out["conversion"].to_list() == [None, 0.8, 0.5, 0.5, 1.0, 1.0, 0.0, None, None, None]


def test_lifecycle_funnel_for_a_segment(contacts):
    out = analysis.lifecycle_funnel(contacts, US, as_of=AS_OF)
    # members 1, 2, 3, 8: subscriber, lead, Lead, weird
    assert rows(out.filter(pl.col("count") > 0), "stage", "step", "count") == [
        ("subscriber", 1, 1), ("lead", 2, 2), ("weird", 9, 1)]  # fmt: skip
    assert out.height == 9


# -- activity -------------------------------------------------------------------------------------


@pytest.fixture
def dataset(contacts) -> sk.Dataset:
    events = pl.DataFrame({
        "contact_id": [1, 1, 2, 4, 4, 4, 9, 1],
        "event": ["open", "click", "open", "open", "open", "click", "open", "open"],
        "timestamp": [dt.datetime(2026, 1, 5, 9), dt.datetime(2026, 1, 6), dt.datetime(2026, 1, 7),
                      dt.datetime(2026, 1, 8), dt.datetime(2026, 1, 20), dt.datetime(2026, 1, 21),
                      dt.datetime(2026, 1, 6), dt.datetime(2026, 1, 30)],
    })  # fmt: skip
    return sk.Dataset(contacts, events)


def test_activity_weeks(dataset):
    out = analysis.activity(US, dataset, as_of="2026-02-02")
    assert out.columns == ["period", "event", "segment_count", "base_count",
                           "segment_per_contact", "base_per_contact"]  # fmt: skip
    weeks = [dt.datetime(2026, 1, 5), dt.datetime(2026, 1, 12), dt.datetime(2026, 1, 19),
             dt.datetime(2026, 1, 26)]  # fmt: skip
    assert out["period"].to_list() == [w for w in weeks for _ in range(2)]
    assert out["event"].to_list() == ["click", "open"] * 4
    # contact 9 is unknown: left out; week 2 has no events: zeros
    assert out["segment_count"].to_list() == [1, 2, 0, 0, 0, 0, 0, 1]
    assert out["base_count"].to_list() == [1, 3, 0, 0, 1, 1, 0, 1]
    assert out["segment_per_contact"].to_list() == [c / 4 for c in out["segment_count"]]
    assert out["base_per_contact"].to_list() == [c / 8 for c in out["base_count"]]


def test_activity_as_of_complete_periods_and_filters(dataset):
    # the week of 2026-01-26 is still running on 2026-01-31: left out unless complete=False
    partial = analysis.activity(None, dataset, as_of="2026-01-31")
    assert partial["period"].max() == dt.datetime(2026, 1, 19)
    kept = analysis.activity(None, dataset, as_of="2026-01-31", complete=False)
    assert kept["period"].max() == dt.datetime(2026, 1, 26)
    # before as_of only
    early = analysis.activity(None, dataset, as_of="2026-01-19", events=["open"])
    assert rows(early, "period", "event", "base_count") == [
        (dt.datetime(2026, 1, 5), "open", 3),
        (dt.datetime(2026, 1, 12), "open", 0),
    ]
    month = analysis.activity(US, dataset, as_of=AS_OF, freq="1mo")
    assert rows(month, "event", "segment_count", "base_count") == [("click", 1, 2),
                                                                  ("open", 3, 5)]  # fmt: skip
    recent = analysis.activity(None, dataset, as_of=AS_OF, within_days=14, freq="1mo")
    assert recent["base_count"].sum() == 3  # 2026-01-20, 21 and 30


def test_activity_zone_aware_timestamps(dataset):
    events = dataset.events.with_columns(pl.col("timestamp").dt.replace_time_zone("UTC"))
    aware = sk.Dataset(dataset.contacts, events)
    assert_frame_equal(analysis.activity(US, aware, as_of=AS_OF),
                       analysis.activity(US, dataset, as_of=AS_OF))  # fmt: skip


def test_activity_needs_events(contacts):
    with pytest.raises(ValueError, match="events table"):
        analysis.activity(US, contacts, as_of=AS_OF)


# -- the module -----------------------------------------------------------------------------------


def test_doctests():
    result = doctest.testmod(analysis, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_analysis_does_not_import_altair():
    code = "import sys, segkit.analysis; sys.exit('altair' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# -- sample data ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    from segkit.sample import REFERENCE_TIME, generate

    return generate(2000, seed=0), REFERENCE_TIME


def test_on_sample_data(sample):
    from segkit import library

    data, as_of = sample
    seg = library.hot_leads()
    n = data.n_contacts
    members = seg.count(data, as_of=as_of)

    prof = analysis.profile(seg, data, as_of=as_of)
    fields = set(prof["field"])
    assert {"country", "lifecycle_stage", "source_channel", "interests", "tags", "age"} <= fields
    assert not {"contact_id", "email", "first_name"} & fields
    assert prof.group_by("field").len()["len"].max() <= 10
    age = prof.filter(pl.col("field") == "age")
    assert age["base_count"].sum() == n and age["segment_count"].sum() == members
    ok = prof.filter(pl.col("lift").is_not_null())
    assert (ok["lift"] * ok["base_share"] - ok["segment_share"]).abs().max() < 1e-9

    segs = {s.name: s for s in (seg, library.email_subscribers(), library.repeat_visitors())}
    masks = sk.evaluate_many(segs, data, as_of=as_of)
    ov = analysis.overlap(masks)
    assert ov.height == 9
    sizes = sk.count_many(segs, data, as_of=as_of)
    diag = ov.filter(pl.col("a") == pl.col("b"))
    assert dict(zip(diag["a"], diag["both"], strict=True)) == sizes

    dist = analysis.numeric_distribution(seg, data, "age", as_of=as_of)
    assert dist.height <= 20 and dist["segment_share"].sum() == pytest.approx(1.0)

    funnel = analysis.lifecycle_funnel(data)
    assert funnel["stage"].head(8).to_list() == list(analysis.LIFECYCLE_STAGES)
    assert funnel["count"].sum() == n
    assert analysis.lifecycle_funnel(data, seg, as_of=as_of)["count"].sum() == members

    act = analysis.activity(seg, data, as_of=as_of, freq="1mo")
    assert set(act["event"]) <= set(data.event_types())
    assert (act["segment_count"] <= act["base_count"]).all()
    assert act["base_count"].sum() <= data.n_events
