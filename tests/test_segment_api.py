"""The Segment surface: builder == documents, descriptions, the library, explain, attrition,
catalogs and evaluate_many. Operator semantics live in test_operators/test_events."""

import datetime as dt
import json

import polars as pl
import pytest

import segkit as sk
from segkit import library
from segkit.errors import SegmentError

AS_OF = dt.datetime(2026, 10, 31)


@pytest.fixture
def data():
    contacts = pl.DataFrame({
        "contact_id": [1, 2, 3, 4],
        "lifecycle_stage": ["lead", "marketing_qualified_lead", "customer", "lead"],
        "age": [30, None, 40, 25],
        "tags": [["VIP"], None, [], ["a", "Unsubscribed"]],
        "country": ["US", "de", None, ""],
    })
    events = pl.DataFrame({
        "contact_id": [1, 1, 1, 2, 4, 4],
        "event": ["page_view", "page_view", "page_view", "purchase", "page_view", "page_view"],
        "timestamp": [dt.datetime(2026, 10, 2), dt.datetime(2026, 10, 20),
                      dt.datetime(2026, 12, 1), dt.datetime(2026, 9, 1),
                      dt.datetime(2026, 10, 29), dt.datetime(2026, 10, 30)],
        "page": ["pricing", "Pricing", "pricing", None, "pricing", "PRICING"],
        "amount": [None, None, None, 99.5, None, None],
    })
    return sk.Dataset(contacts, events)


HOT = {
    "version": 1,
    "name": "Hot leads",
    "description": "Leads who looked at pricing at least twice in 30 days",
    "rule": {"all": [
        {"field": "lifecycle_stage", "op": "in", "value": ["lead", "marketing_qualified_lead"]},
        {"event": "page_view", "where": {"field": "page", "op": "eq", "value": "pricing"},
         "within": {"last_days": 30}, "op": "ge", "value": 2},
        {"not": {"field": "tags", "op": "has_any", "value": ["unsubscribed"]}},
    ]},
}


def test_builder_produces_the_hand_written_document():
    rule = (
        sk.field("lifecycle_stage").is_in(["lead", "marketing_qualified_lead"])
        & sk.did("page_view", where=sk.field("page") == "pricing", within_days=30).at_least(2)
        & ~sk.field("tags").has_any(["unsubscribed"])
    )
    seg = sk.Segment(rule, name=HOT["name"], description=HOT["description"])
    assert seg.to_dict() == HOT
    assert seg == sk.Segment.from_dict(HOT)
    assert hash(seg) == hash(sk.Segment.from_dict(HOT))


@pytest.mark.parametrize(
    ("built", "expected"),
    [
        (sk.field("age") >= 18, {"field": "age", "op": "ge", "value": 18}),
        (sk.field("country") != "US", {"field": "country", "op": "ne", "value": "US"}),
        (sk.field("email").is_empty(), {"field": "email", "op": "is_empty"}),
        (sk.field("signup_at").within_last_days(7),
         {"field": "signup_at", "op": "within_last_days", "value": 7}),
        (sk.did("purchase"), {"event": "purchase"}),
        (sk.did(["email_open", "email_click"], within_days=90).never(),
         {"not": {"event": ["email_open", "email_click"], "within": {"last_days": 90}}}),
        (sk.did("purchase", start="2026-01-01").sum("amount").at_least(500),
         {"event": "purchase", "within": {"from": "2026-01-01"}, "measure": {"sum": "amount"},
          "op": "ge", "value": 500}),
        (sk.did("purchase").last_at().before("2026-06-01"),
         {"event": "purchase", "measure": "last_at", "op": "before", "value": "2026-06-01"}),
        (sk.did("purchase") | sk.in_segment("VIPs"),
         {"any": [{"event": "purchase"}, {"segment": "VIPs"}]}),
        (sk.all_of(), {"all": []}),
        (sk.any_of(sk.field("age") < 3), {"any": [{"field": "age", "op": "lt", "value": 3}]}),
    ],
)
def test_builder_table(built, expected):
    assert sk.Segment(built).to_dict()["rule"] == expected
    assert sk.Segment(built) == sk.Segment.from_dict({"version": 1, "rule": expected})


def test_builder_rules_are_checked_like_documents():
    with pytest.raises(SegmentError, match=r"rule.value: found \[1\]"):
        sk.Segment(sk.field("age").between(1, None)._replace if False else
                   sk.field("age")._c("between", [1]))
    with pytest.raises(SegmentError, match=r"rule.op: missing \(measure 'sum' has no default\)"):
        sk.Segment(sk.did("purchase").sum("amount").node)


def test_json_round_trip_is_byte_identical():
    seg = sk.Segment.from_dict(HOT)
    text = seg.to_json()
    assert sk.Segment.from_json(text).to_json() == text
    assert json.loads(text) == HOT


def test_invalid_json_text_is_a_segment_error():
    with pytest.raises(SegmentError, match="not valid JSON"):
        sk.Segment.from_json("{nope")


def test_describe_reads_like_a_marketer_would_say_it():
    assert sk.Segment.from_dict(HOT).describe() == (
        "lifecycle stage is lead or marketing qualified lead, viewed the pricing page at least "
        "twice in the last 30 days, and tags does not include unsubscribed"
    )
    assert sk.Segment(sk.did("purchase").never()).describe() == "never purchased"
    assert sk.Segment(sk.did("purchase").exactly(0)).describe() == "never purchased"
    assert sk.Segment(sk.field("age").between(25, 34) | sk.field("country").is_empty()) \
        .describe() == "age is between 25 and 34 or country is empty"


def test_counts_masks_members(data):
    seg = sk.Segment.from_dict(HOT)
    mask = seg.mask(data, as_of=AS_OF)
    assert mask.columns == ["contact_id", "member"]
    # 1: Oct 2 and Oct 20 are inside (Oct 1, Oct 31]; 4 views twice but is unsubscribed
    assert mask["member"].to_list() == [True, False, False, False]
    relaxed = sk.Segment(sk.Segment.from_dict(HOT).rule.children[1])
    assert relaxed.mask(data, as_of=AS_OF)["member"].to_list() == [True, False, False, True]
    assert relaxed.count(data, as_of=AS_OF) == 2
    assert relaxed.members(data, as_of=AS_OF).columns == data.contacts.columns
    # the later view (Dec 1) counts once as_of moves past it
    assert relaxed.count(data, as_of=dt.datetime(2026, 12, 2)) == 0
    assert relaxed.count(data, as_of=dt.datetime(2026, 10, 31, tzinfo=dt.UTC)) == 2
    assert relaxed.count(data, as_of="2026-10-31") == 2


def test_attrition_waterfall(data):
    table = sk.Segment.from_dict(HOT).attrition(data, as_of=AS_OF)
    assert table["remaining"].to_list() == [4, 3, 2, 1]
    assert table["dropped"].to_list() == [0, 1, 1, 1]
    assert table["condition"][0] == "all contacts"
    assert table["condition"][2].startswith("viewed the pricing page")
    # constant steps ("everyone", "no one") count contacts, not once
    steps = sk.Segment.from_dict({"version": 1, "rule": {"all": [
        {"all": []}, {"field": "age", "op": "gt", "value": 1}, {"any": []}]}})  # fmt: skip
    assert steps.attrition(data, as_of=AS_OF)["remaining"].to_list() == [4, 4, 3, 0]


def test_explain_gives_every_rule_with_its_measure(data):
    ex = sk.Segment.from_dict(HOT).explain(data, 4, as_of=AS_OF)
    assert not ex.member
    frame = ex.to_frame()
    assert frame["path"].to_list() == ["rule", "rule.all[0]", "rule.all[1]", "rule.all[2]",
                                       "rule.all[2].not"]
    assert frame["result"].to_list() == [False, True, True, False, True]
    assert frame.filter(pl.col("path") == "rule.all[1]")["value"].item() == "2"
    text = str(ex)
    assert "✓ viewed the pricing page at least twice in the last 30 days  [count = 2]" in text
    with pytest.raises(KeyError):
        sk.Segment.from_dict(HOT).explain(data, 99, as_of=AS_OF)


def test_evaluate_many_matches_single_evaluations(data):
    segs = [sk.Segment.from_dict(HOT), library.repeat_visitors(min_visits=2),
            library.conversion_completed(), library.age_band(25, 34)]
    many = sk.evaluate_many(segs, data, as_of=AS_OF)
    assert many.columns == ["contact_id", "Hot leads", "Repeat visitors",
                            "Conversion completed", "Age 25-34"]
    for seg in segs:
        assert many[seg.name].to_list() == seg.mask(data, as_of=AS_OF)["member"].to_list()
    assert sk.count_many(segs, data, as_of=AS_OF)["Age 25-34"] == 2
    with pytest.raises(ValueError, match="two segments are named"):
        sk.evaluate_many([segs[0], segs[0]], data, as_of=AS_OF)


def test_segment_references_resolve_against_a_catalog(data):
    leads = sk.Segment(sk.field("lifecycle_stage").eq("lead"), name="Leads")
    viewers = sk.Segment(sk.in_segment("Leads") & sk.did("page_view"), name="Viewing leads")
    catalog = {"Leads": leads, "Viewing leads": viewers, "Static": frozenset({2, 3})}
    assert viewers.mask(data, as_of=AS_OF, catalog=catalog)["member"].to_list() == \
        [True, False, False, True]
    static = sk.Segment(sk.in_segment("Static"))
    assert static.count(data, as_of=AS_OF, catalog=catalog) == 2
    # count_many decides references for contacts without events too (never viewed: not in
    # "Viewing leads", so in its negation)
    never = sk.Segment(~sk.in_segment("Viewing leads") & ~sk.in_segment("Static"), name="Rest")
    sizes = sk.count_many([viewers, static.with_name("In static"), never], data, as_of=AS_OF,
                          catalog=catalog)  # fmt: skip
    masks = sk.evaluate_many([viewers, static.with_name("In static"), never], data,
                             as_of=AS_OF, catalog=catalog)  # fmt: skip
    assert sizes == {"Viewing leads": 2, "In static": 2, "Rest": masks["Rest"].sum()}
    with pytest.raises(SegmentError, match="unknown segment 'Lead'.*did you mean 'Leads'"):
        sk.Segment(sk.in_segment("Lead")).count(data, catalog=catalog)
    with pytest.raises(SegmentError, match="no catalog was given"):
        viewers.count(data)
    a = sk.Segment(sk.in_segment("B"), name="A")
    b = sk.Segment(sk.in_segment("A") | sk.field("age").gt(3), name="B")
    with pytest.raises(SegmentError, match="cycle: A -> B -> A"):
        a.count(data, catalog={"A": a, "B": b})


def test_validate_reports_errors_and_warnings(data):
    seg = sk.Segment.from_dict({"version": 1, "rule": {"all": [
        {"field": "contry", "op": "eq", "value": "US"},
        {"event": "purchse"},
        {"event": "purchase", "measure": {"sum": "page"}, "op": "gt", "value": 1},
    ]}})
    v = seg.validate(data)
    assert [e.path for e in v.errors] == ["rule.all[0].field", "rule.all[2].measure.sum"]
    assert v.errors[0].suggestions[0] == "country"
    assert "did you mean 'amount'" in str(v.errors[1])
    assert v.warnings == ["rule.all[1].event: event type 'purchse' does not occur in the data "
                          "(did you mean 'purchase'?)"]
    with pytest.raises(SegmentError, match="unknown field 'contry'"):
        seg.count(data)


def test_no_events_table_means_no_events():
    ds = sk.Dataset(pl.DataFrame({"contact_id": [1, 2]}))
    never = sk.Segment(sk.did("purchase").never())
    assert never.count(ds, as_of=AS_OF) == 2
    assert sk.Segment(sk.did("purchase").avg("amount").is_empty() if False else
                      sk.did("purchase")).count(ds, as_of=AS_OF) == 0
    assert any("no events table" in w for w in never.validate(ds).warnings)


@pytest.mark.parametrize("name", sorted(library.READY))
def test_every_library_segment_round_trips_and_runs(name, data):
    seg = library.READY[name]()
    assert seg.name and seg.description
    assert sk.Segment.from_json(seg.to_json()).to_json() == seg.to_json()
    assert seg.describe()
    # runs on any dataset that has the columns it uses
    if all(f in data.contacts_schema for f in _fields(seg)):
        assert isinstance(seg.count(data, as_of=AS_OF), int)


def _fields(seg):
    from segkit.spec import Field, walk
    return {n.field for p, n in walk(seg.rule) if isinstance(n, Field) and ".where" not in p}


def test_library_all_has_every_ready_segment():
    everything = library.all()
    assert len(everything) == len(library.READY) >= 20
    assert all(isinstance(s, sk.Segment) for s in everything.values())


def test_rich_repr_shows_description():
    seg = sk.Segment.from_dict(HOT)
    assert "viewed the pricing page" in seg._repr_html_()
    assert repr(seg).startswith("<Hot leads: lifecycle stage")


@pytest.mark.parametrize(("rule", "needs"), [
    ({"event": "purchase"}, True),
    ({"event": "purchase", "op": "eq", "value": 0}, False),
    ({"event": "purchase", "op": "le", "value": 3}, False),
    ({"event": "purchase", "measure": {"sum": "amount"}, "op": "ge", "value": 10}, True),
    ({"event": "purchase", "measure": {"sum": "amount"}, "op": "lt", "value": 10}, False),
    ({"event": "purchase", "measure": {"avg": "amount"}, "op": "lt", "value": 10}, True),
    ({"event": "purchase", "measure": "last_at", "op": "is_empty"}, False),
    ({"all": [{"field": "age", "op": "gt", "value": 1}, {"event": "purchase"}]}, True),
    ({"any": [{"field": "age", "op": "gt", "value": 1}, {"event": "purchase"}]}, False),
    ({"not": {"event": "purchase"}}, False),
    ({"all": []}, False),
])
def test_count_skips_contacts_without_events_only_when_that_is_safe(rule, needs, data):
    from segkit.compile.polars import needs_events

    seg = sk.Segment(rule)
    assert needs_events(seg.rule) is needs
    assert seg.count(data, as_of=AS_OF) == int(seg.mask(data, as_of=AS_OF)["member"].sum())


@pytest.mark.parametrize("rule", [
    {"all": [{"not": {"event": "page_view"}}]},
    {"all": [{"field": "age", "op": "ge", "value": 25},
             {"not": {"event": "page_view", "within": {"last_days": 30}}}]},
    {"all": [{"not": {"event": "page_view", "where": {"field": "page", "op": "eq",
                                                       "value": "pricing"}}},
             {"not": {"event": "purchase"}}, {"event": "page_view"}]},
    {"all": [{"not": {"event": "*", "op": "gt", "value": 0}}, {"not": {"all": []}}]},
    {"all": [{"not": {"event": "purchase", "op": "ge", "value": 2}}]},  # not an existence test
])
def test_count_of_never_did_x_matches_the_mask(rule, data):
    seg = sk.Segment(rule)
    for when in (AS_OF, dt.datetime(2026, 12, 31)):
        assert seg.count(data, as_of=when) == int(seg.mask(data, as_of=when)["member"].sum())


def test_large_frames_keep_the_contacts_order_and_every_condition():
    """Big enough for polars to split the work between threads, with ids in no order and more
    than 64 event conditions (the engine packs them 64 to an integer across its join): every
    column of evaluate_many, every mask and member list is right and in the contacts' order."""
    n = 150_000
    ids = pl.int_range(0, n, eager=True).shuffle(seed=1) * 7 + 3
    contacts = pl.DataFrame({"contact_id": ids, "age": ids % 90})
    who = ids.sample(500_000, with_replacement=True, seed=2)
    i = pl.col("i").cast(pl.Int64)
    events = pl.DataFrame({"contact_id": who}).with_row_index("i").select(
        "contact_id",
        pl.when(i % 5 == 0).then(pl.lit("purchase")).otherwise(pl.lit("page_view")).alias("event"),
        (pl.lit(AS_OF) - pl.duration(days=i % 400, hours=i % 7)).alias("timestamp"),
    )
    segs = {f"s{d}": sk.Segment(sk.did("page_view", within_days=d).at_least(1 + d % 3)
                                & (sk.field("age") >= d % 40))
            for d in range(1, 71)}
    segs["buyers"] = sk.Segment(sk.did("purchase").at_least(2))
    data = sk.Dataset(contacts, events)
    many = sk.evaluate_many(segs, data, as_of=AS_OF)
    assert many["contact_id"].to_list() == ids.to_list()
    for name, seg in segs.items():
        if name == "buyers":
            hits = events.filter(pl.col("event") == "purchase").group_by("contact_id").len() \
                .filter(pl.col("len") >= 2)
        else:
            d = int(name[1:])
            hits = events.filter((pl.col("event") == "page_view")
                                 & (pl.col("timestamp") > AS_OF - dt.timedelta(days=d))) \
                .group_by("contact_id").len().filter(pl.col("len") >= 1 + d % 3) \
                .join(contacts.filter(pl.col("age") >= d % 40), on="contact_id", how="semi")
        expected = ids.is_in(hits["contact_id"].implode())
        assert many[name].to_list() == expected.to_list(), name
        if name in ("s1", "s30", "buyers"):
            assert seg.mask(data, as_of=AS_OF)["member"].to_list() == expected.to_list()
            assert seg.members(data, as_of=AS_OF)["contact_id"].to_list() == \
                ids.filter(expected).to_list()
            assert seg.count(data, as_of=AS_OF) == expected.sum()


def test_each_contact_gets_its_own_answers_whatever_the_contacts_order():
    """Contacts from a lazy source whose row order is not fixed (a group-by), evaluated without
    polars' shared-subplan cache: every row still carries its own contact's answers (the
    engine must not pair two separate reads of the contacts by position)."""
    from segkit.engine import plan_many

    ids = pl.int_range(0, 120_000, eager=True).shuffle(seed=3)
    contacts = pl.DataFrame({"contact_id": ids, "x": 1}).lazy().group_by("contact_id") \
        .agg(pl.col("x").first())
    events = pl.DataFrame({"contact_id": ids.filter(ids % 2 == 0), "event": "a",
                           "timestamp": AS_OF - dt.timedelta(days=1)})
    plan = plan_many({"did": sk.Segment(sk.did("a"))}, sk.Dataset(contacts, events), as_of=AS_OF)
    out = plan.collect(optimizations=pl.QueryOptFlags(comm_subplan_elim=False))
    assert out.height == 120_000
    assert out["did"].to_list() == (out["contact_id"] % 2 == 0).to_list()
