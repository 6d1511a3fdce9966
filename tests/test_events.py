"""Event conditions and segment references, against hand-computed truth.

As in test_operators: `-k reference` checks the reference evaluator, `-k engine` the engine.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

import polars as pl
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from reference import reference_ids  # noqa: E402
from strategies import engine_mask, ids_of  # noqa: E402

AS_OF = dt.datetime(2026, 3, 15, 12, 0, 0)  # as_of - 7 days = 2026-03-08T12:00
T = dt.datetime

CONTACTS = pl.DataFrame(
    {"contact_id": [1, 2, 3, 4, 5, 6], "country": ["US", "de", "us", "US", None, "FR"]}
)
_EVENTS = [
    # contact, event, timestamp (UTC), page, amount, qty
    (1, "purchase", T(2026, 3, 10, 10), None, 10.0, 1),
    (1, "purchase", T(2026, 3, 14, 9), None, 30.0, 2),
    (1, "page_view", T(2026, 3, 14, 10), "Pricing", None, None),
    (1, "page_view", T(2026, 3, 15, 12), "pricing", None, None),  # exactly as_of
    (1, "purchase", T(2026, 3, 16), None, 1000.0, 9),  # after as_of
    (2, "purchase", T(2026, 3, 8, 12), None, 5.0, 1),  # exactly as_of - 7 days
    (2, "purchase", T(2026, 3, 8, 12, 0, 0, 1), None, None, None),  # 1 us inside 7 days
    (2, "email_open", T(2026, 2, 1), None, None, None),
    (2, "page_view", None, "pricing", None, None),  # null timestamp
    (3, "purchase", T(2026, 3, 1), None, None, 3),  # midnight of March 1 (UTC)
    (3, "purchase", T(2026, 3, 1, 23, 59, 59), None, None, None),
    (3, "Purchase", T(2026, 3, 12), None, 50.0, 1),  # another event type (case matters)
    (5, "email_open", T(2026, 3, 15, 11, 59, 59), None, None, None),
    (5, "page_view", T(2026, 3, 2), "home", None, None),
    (5, "purchase", None, None, 99.0, 1),  # null timestamp
    (99, "purchase", T(2026, 3, 14), None, 500.0, 5),  # unknown contact
    (6, "purchase", T(2026, 3, 15, 12, 0, 0, 1), None, 7.0, 1),  # 1 us after as_of
    (6, "page_view", T(2026, 3, 14), "", None, None),
    # contact 4 has no events
]
# matching "purchase" events at AS_OF:  1: 03-10 (10.0, q1), 03-14 (30.0, q2)
#   2: 03-08T12:00 (5.0, q1), 03-08T12:00:00.000001 (null, null)
#   3: 03-01T00:00 (null, q3), 03-01T23:59:59 (null, null);   4, 5, 6: none


def events_frame(zone: str | None) -> pl.DataFrame:
    cols = list(zip(*_EVENTS, strict=True))
    ts = pl.Series("timestamp", cols[2], dtype=pl.Datetime("us"))
    if zone:
        ts = ts.dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
    return pl.DataFrame(
        [
            pl.Series("contact_id", cols[0], dtype=pl.Int64),
            pl.Series("event", cols[1], dtype=pl.String),
            ts,
            pl.Series("page", cols[3], dtype=pl.String),
            pl.Series("amount", cols[4], dtype=pl.Float64),
            pl.Series("qty", cols[5], dtype=pl.Int64),
        ]
    )


def E(expected, **rule):
    return dict(rule={"event": rule.pop("event", "purchase"), **rule}, expected=expected)


def R(rule, expected):
    return dict(rule=rule, expected=expected)


P = {"event": "purchase"}
CASES = [
    # -- count, default op ge 1 ------------------------------------------------------------
    E([1, 2, 3]),
    E([1, 2, 3], measure="count"),
    E([4, 5, 6], op="eq", value=0),
    E([4, 5, 6], measure="count", op="eq", value=0),
    R({"not": P}, [4, 5, 6]),
    E([1, 2, 3], op="ge", value=2),
    E([], op="ge", value=3),
    E([1, 2, 3, 4, 5, 6], op="in", value=[0, 2]),
    E([1, 2, 3], op="between", value=[2, 2]),
    E([], op="is_empty"),  # a count is never null
    E([1, 2, 3, 4, 5, 6], op="is_not_empty"),
    # -- types --------------------------------------------------------------------------------
    E([3], event="Purchase"),  # exact match: "Purchase" is not "purchase"
    E([1, 2, 5, 6], event=["email_open", "page_view"]),
    E([1, 2, 3, 5, 6], event="*"),
    E([1, 2, 3, 5, 6], event="*", op="ge", value=1),
    E([1, 2, 3], event="*", op="ge", value=3),  # 1: 4, 2: 3 (null ts ignored), 3: 3, 5: 2, 6: 1
    E([], event="signup"),  # a type that never occurs
    E([1, 2, 3, 4, 5, 6], event="signup", op="eq", value=0),
    # -- last_days ----------------------------------------------------------------------------
    E([1, 2], within={"last_days": 7}),  # 2: only the event 1 us inside the window
    E([1], within={"last_days": 7}, op="ge", value=2),
    E([2], within={"last_days": 7}, op="eq", value=1),
    E([1, 3, 4, 5, 6], within={"last_days": 7}, op="in", value=[0, 2]),
    E([1, 2], within={"last_days": 8}, op="ge", value=2),
    E([], event="*", within={"last_days": 0}),
    E([1, 5], event="*", within={"last_days": 1}),  # 03-14T12:00 < ts <= as_of
    E([1, 2, 3], within={"last_days": 1_000_000}),  # N has no upper bound
    # -- from / to ----------------------------------------------------------------------------
    E([3], within={"from": "2026-03-01", "to": "2026-03-01"}),  # the whole day
    E([3], within={"from": "2026-03-01", "to": "2026-03-01"}, op="eq", value=2),
    E([2], within={"from": "2026-03-08", "to": "2026-03-08"}, op="eq", value=2),
    E([1], within={"from": "2026-03-08T12:00:01"}),
    E([1, 2], within={"from": "2026-03-08T12:00:00"}, op="ge", value=2),
    E([2, 3], within={"to": "2026-03-08T12:00:00"}),
    E([3], within={"from": "2026-03-01T00:00:01", "to": "2026-03-01T23:59:59"}),
    E([], within={"from": "2026-03-01T00:00:01", "to": "2026-03-01T23:59:58"}),
    E([1], within={"from": "2026-03-14"}),
    E([1, 5], event="*", within={"from": "2026-03-15"}),  # 6's event is after as_of
    E([3], within={"to": "2026-03-01"}),
    E([], within={"from": "2026-03-09", "to": "2026-03-01"}),
    E([1], within={"from": "2026-03-14T10:00:00+01:00"}),  # = 09:00 UTC, includes 1's 03-14T09:00
    # -- where -------------------------------------------------------------------------------
    E([1], event="page_view", where={"field": "page", "op": "eq", "value": "PRICING"}),
    E([1], event="page_view", where={"field": "page", "op": "eq", "value": "pricing"}, op="ge", value=2),
    E([6], event="page_view", where={"field": "page", "op": "is_empty"}),
    E([5, 6], event="page_view", where={"not": {"field": "page", "op": "eq", "value": "pricing"}}),
    E([1, 5], event="page_view", where={"any": [{"field": "page", "op": "eq", "value": "home"},
                                                {"field": "page", "op": "starts_with", "value": "pri"}]}),
    E([1], where={"field": "amount", "op": "gt", "value": 20}),
    E([1, 2, 3, 5, 6], event="*", where={"field": "amount", "op": "is_empty"}),
    E([1, 3], where={"field": "qty", "op": "ge", "value": 2}),
    E([1], where={"field": "timestamp", "op": "ge", "value": "2026-03-10"}),
    E([1, 2], where={"field": "timestamp", "op": "within_last_days", "value": 7}),
    E([2, 3], where={"field": "timestamp", "op": "not_within_last_days", "value": 7}),
    E([3], where={"field": "timestamp", "op": "eq", "value": "2026-03-01"}),
    E([2], where={"all": [{"field": "timestamp", "op": "le", "value": "2026-03-08T12:00:00"},
                          {"field": "amount", "op": "is_not_empty"}]}),
    # -- sum ----------------------------------------------------------------------------------
    E([1], measure={"sum": "amount"}, op="ge", value=40),
    E([1], measure={"sum": "amount"}, op="eq", value=40),
    E([3, 4, 5, 6], measure={"sum": "amount"}, op="eq", value=0),  # 3: all null -> 0
    E([3, 4, 5, 6], measure={"sum": "amount"}, op="lt", value=1),
    E([], measure={"sum": "amount"}, op="is_empty"),
    E([1, 3], measure={"sum": "qty"}, op="ge", value=3),
    E([1], measure={"sum": "amount"}, within={"last_days": 7}, op="between", value=[40, 40]),
    E([2, 3, 4, 5, 6], measure={"sum": "amount"}, op="not_in", value=[40]),
    E([], measure={"sum": "amount"}, op="ge", value=99),  # null-ts, future, unknown-contact events
    # -- avg ----------------------------------------------------------------------------------
    E([1], measure={"avg": "amount"}, op="eq", value=20),
    E([2], measure={"avg": "amount"}, op="eq", value=5),  # the null is skipped
    E([3, 4, 5, 6], measure={"avg": "amount"}, op="is_empty"),  # 3: all null
    E([1, 2], measure={"avg": "amount"}, op="is_not_empty"),
    E([1, 2], measure={"avg": "amount"}, op="lt", value=100),
    E([2], measure={"avg": "amount"}, op="ne", value=20),  # null avg: ne is false
    E([2], measure={"avg": "amount"}, op="not_in", value=[20]),
    E([1], measure={"avg": "qty"}, op="eq", value=1.5),
    # -- min / max ---------------------------------------------------------------------------
    E([1, 2], measure={"min": "amount"}, op="le", value=10),
    E([1], measure={"max": "amount"}, op="ge", value=30),
    E([3], measure={"max": "qty"}, op="eq", value=3),
    E([1, 2], measure={"min": "qty"}, op="between", value=[1, 2]),
    E([3, 4, 5, 6], measure={"min": "amount"}, op="is_empty"),
    E([], measure={"max": "amount"}, op="ge", value=500),  # unknown contact and future ignored
    # -- first_at / last_at ------------------------------------------------------------------
    E([3], measure="first_at", op="eq", value="2026-03-01"),
    E([3], measure="last_at", op="eq", value="2026-03-01"),
    E([1], measure="last_at", op="after", value="2026-03-10T10:00:00"),
    E([1, 2], measure="last_at", op="within_last_days", value=7),
    E([2, 3], measure="first_at", op="not_within_last_days", value=7),
    E([2], measure="first_at", op="eq", value="2026-03-08T12:00:00"),
    E([1, 2], measure="first_at", op="between", value=["2026-03-08", "2026-03-10"]),
    E([4, 5, 6], measure="last_at", op="is_empty"),
    E([1, 2, 3], measure="first_at", op="is_not_empty"),
    E([2, 3], measure="last_at", op="ne", value="2026-03-14"),  # null last_at: ne is false
    E([1], event="*", measure="last_at", op="eq", value="2026-03-15T12:00:00"),
    E([2, 3], event="*", measure="first_at", op="before", value="2026-03-01T00:00:01"),
]  # fmt: skip


def _id(i, c):
    r = dict(c["rule"])
    return f"{i}:" + ",".join(f"{k}={v}" for k, v in r.items())[:90]


IDS = [_id(i, c) for i, c in enumerate(CASES)]
ZONES = [None, "America/New_York"]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_reference(case, zone):
    doc = {"version": 1, "rule": case["rule"]}
    assert reference_ids(doc, CONTACTS, events_frame(zone), AS_OF) == case["expected"]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_engine(case, zone):
    doc = {"version": 1, "rule": case["rule"]}
    assert ids_of(CONTACTS, engine_mask(doc, CONTACTS, events_frame(zone), AS_OF)) == case["expected"]


# -- no events table at all ------------------------------------------------------------------

NO_EVENTS = [
    E([]),
    E([1, 2, 3, 4, 5, 6], op="eq", value=0),
    R({"not": P}, [1, 2, 3, 4, 5, 6]),
    E([1, 2, 3, 4, 5, 6], measure={"sum": "amount"}, op="eq", value=0),
    E([1, 2, 3, 4, 5, 6], measure={"avg": "amount"}, op="is_empty"),
    E([], measure={"avg": "amount"}, op="ge", value=0),
    E([], event="*", measure="last_at", op="le", value="2030-01-01"),
    E([], event="page_view", where={"field": "page", "op": "eq", "value": "x"}),
]


@pytest.mark.parametrize("case", NO_EVENTS, ids=[_id(i, c) for i, c in enumerate(NO_EVENTS)])
def test_reference_no_events_table(case):
    doc = {"version": 1, "rule": case["rule"]}
    assert reference_ids(doc, CONTACTS, None, AS_OF) == case["expected"]


@pytest.mark.parametrize("case", NO_EVENTS, ids=[_id(i, c) for i, c in enumerate(NO_EVENTS)])
def test_engine_no_events_table(case):
    doc = {"version": 1, "rule": case["rule"]}
    assert ids_of(CONTACTS, engine_mask(doc, CONTACTS, None, AS_OF)) == case["expected"]


def test_engine_no_events_table_warns():
    from segkit import Dataset, Segment

    report = Segment.from_dict({"version": 1, "rule": P}).validate(Dataset(CONTACTS))
    assert report.errors == []
    assert report.warnings


def test_engine_unknown_event_type_warns_not_errors():
    from segkit import Dataset, Segment

    seg = Segment.from_dict({"version": 1, "rule": {"event": "signup"}})
    data = Dataset(CONTACTS, events_frame(None))
    report = seg.validate(data)
    assert report.errors == []
    assert any("signup" in w for w in report.warnings), report.warnings
    assert seg.count(data, as_of=AS_OF) == 0


# -- segment references ----------------------------------------------------------------------

CATALOG = {
    "buyers": {"version": 1, "name": "buyers", "rule": P},
    "us": {"version": 1, "name": "us", "rule": {"field": "country", "op": "eq", "value": "us"}},
    "us_buyers": {"version": 1, "name": "us_buyers",
                  "rule": {"all": [{"segment": "buyers"}, {"segment": "us"}]}},
}  # fmt: skip
SEGMENT_CASES = [
    R({"segment": "buyers"}, [1, 2, 3]),
    R({"segment": "us"}, [1, 3, 4]),
    R({"segment": "us_buyers"}, [1, 3]),
    R({"not": {"segment": "us"}}, [2, 5, 6]),
    R({"any": [{"segment": "us_buyers"}, {"field": "country", "op": "is_empty"}]}, [1, 3, 5]),
]


@pytest.mark.parametrize("case", SEGMENT_CASES, ids=[str(c["rule"]) for c in SEGMENT_CASES])
def test_reference_segments(case):
    doc = {"version": 1, "rule": case["rule"]}
    assert reference_ids(doc, CONTACTS, events_frame(None), AS_OF, CATALOG) == case["expected"]


@pytest.mark.parametrize("case", SEGMENT_CASES, ids=[str(c["rule"]) for c in SEGMENT_CASES])
def test_engine_segments(case):
    doc = {"version": 1, "rule": case["rule"]}
    got = engine_mask(doc, CONTACTS, events_frame(None), AS_OF, CATALOG)
    assert ids_of(CONTACTS, got) == case["expected"]


BAD_CATALOGS = [
    ("unknown name", {"segment": "nope"}, CATALOG),
    ("unknown name, nested", {"all": [{"segment": "us"}, {"not": {"segment": "nope"}}]}, CATALOG),
    ("self cycle", {"segment": "a"}, {"a": {"version": 1, "name": "a", "rule": {"segment": "a"}}}),
    ("cycle", {"segment": "a"}, {
        "a": {"version": 1, "name": "a", "rule": {"all": [{"segment": "b"}]}},
        "b": {"version": 1, "name": "b", "rule": {"not": {"segment": "a"}}},
    }),
]  # fmt: skip


@pytest.mark.parametrize("rule,catalog", [c[1:] for c in BAD_CATALOGS], ids=[c[0] for c in BAD_CATALOGS])
def test_reference_bad_segment_reference(rule, catalog):
    with pytest.raises(ValueError):
        reference_ids({"version": 1, "rule": rule}, CONTACTS, None, AS_OF, catalog)


@pytest.mark.parametrize("rule,catalog", [c[1:] for c in BAD_CATALOGS], ids=[c[0] for c in BAD_CATALOGS])
def test_engine_bad_segment_ref(rule, catalog):
    from segkit import Dataset, Segment, SegmentError

    seg = Segment.from_dict({"version": 1, "rule": rule})
    cat = {k: Segment.from_dict(v) for k, v in catalog.items()}
    with pytest.raises(SegmentError):
        seg.mask(Dataset(CONTACTS, events_frame(None)), as_of=AS_OF, catalog=cat)
