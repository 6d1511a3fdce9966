"""FilterBuilder driven from Python: set widget values, click through handlers, and check the
rule dict, the count label and the inline messages."""

import datetime as dt

import polars as pl
import pytest

import segkit as sk
from segkit.widgets import ConditionEditor, EventEditor, GroupEditor

AS_OF = dt.datetime(2026, 10, 31)


@pytest.fixture
def data():
    contacts = pl.DataFrame({
        "contact_id": [1, 2, 3, 4],
        "country": ["US", "de", None, ""],
        "age": [30, None, 40, 25],
        "tags": [["VIP"], None, [], ["a", "unsubscribed"]],
        "signup_at": [dt.datetime(2026, 3, 31, 23), dt.datetime(2026, 4, 1), None,
                      dt.datetime(2026, 1, 1)],
        "lifecycle_stage": ["lead", "marketing_qualified_lead", "customer", "lead"],
        "newsletter": [True, False, None, True],
    })
    events = pl.DataFrame({
        "contact_id": [1, 1, 1, 2, 4],
        "event": ["page_view"] * 3 + ["purchase", "page_view"],
        "timestamp": [dt.datetime(2026, 10, 2), dt.datetime(2026, 10, 20),
                      dt.datetime(2026, 12, 1), dt.datetime(2026, 9, 1),
                      dt.datetime(2026, 10, 30)],
        "page": ["pricing", "Pricing", "pricing", None, "pricing"],
        "amount": [None, None, None, 99.5, None],
    })
    return sk.Dataset(contacts, events)


@pytest.fixture
def builder(data):
    return sk.FilterBuilder(data, as_of=AS_OF)


def _click(button):
    button._click_handlers(button)


def test_empty_builder_is_everyone(builder):
    assert builder.value == {"all": []}
    assert builder.count_label.value == "<b>4</b> of 4 contacts (100.0%)"


def test_field_condition_through_the_ui(builder):
    _click(builder.root.add_condition_button)
    row = builder.root.rows[0]
    assert isinstance(row, ConditionEditor)
    row.field.value = "country"
    assert [o for _, o in row.op.options][:4] == ["eq", "ne", "in", "not_in"]
    assert "choose a value" in builder.message.value  # empty text is not yet a value
    assert builder.segment is None
    row.op.value = "in"
    tags = row._value._inputs[0]
    assert tags.allowed_tags == ["US", "de"]  # common values offered, most frequent first
    tags.value = ["US", "de"]
    assert builder.value == {"all": [{"field": "country", "op": "in", "value": ["US", "de"]}]}
    assert builder.count_label.value == "<b>2</b> of 4 contacts (50.0%)"
    assert builder.message.value == ""


def test_operators_follow_the_field_kind(builder):
    row = builder.root.add_condition()
    row.field.value = "tags"
    assert [o for _, o in row.op.options] == ["has_any", "has_all", "has_none", "is_empty",
                                              "is_not_empty"]
    row.op.value = "has_none"
    row.set_value(["unsubscribed"])
    assert builder.count_label.value == "<b>3</b> of 4 contacts (75.0%)"
    row.field.value = "signup_at"
    assert row.op.value == "before"
    row.set_value("2026-04-01")
    assert builder.value["all"][0] == {"field": "signup_at", "op": "before",
                                       "value": "2026-04-01"}
    assert builder.segment.count(builder.data) == 2
    row.op.value = "within_last_days"
    assert builder.value["all"][0]["value"] == 30
    row.field.value = "age"
    row.op.value = "between"
    row.set_value([20, 35])
    assert builder.value["all"][0] == {"field": "age", "op": "between", "value": [20, 35]}
    row.field.value = "newsletter"
    assert builder.value["all"][0] == {"field": "newsletter", "op": "eq", "value": True}
    row.op.value = "is_empty"
    assert builder.value["all"][0] == {"field": "newsletter", "op": "is_empty"}
    assert builder.count_label.value.startswith("<b>1</b>")


def test_event_condition_with_where_window_and_measure(builder):
    _click(builder.root.add_event_button)
    ev = builder.root.rows[0]
    assert isinstance(ev, EventEditor)
    assert builder.value == {"all": [{"event": "page_view"}]}
    ev.where_field.value = "page"
    ev._where_input.set("pricing")
    ev.window.value = "last_days"
    ev.days.value = 30
    ev._cmp_input.set(2)
    assert builder.value == {"all": [{
        "event": "page_view", "where": {"field": "page", "op": "eq", "value": "pricing"},
        "within": {"last_days": 30}, "op": "ge", "value": 2}]}
    rule = sk.Segment(builder.value)
    assert builder.count_label.value == f"<b>{rule.count(builder.data, as_of=AS_OF)}</b> " \
        "of 4 contacts (25.0%)"
    ev.event.value = "purchase"
    ev.where_field.value = ""
    ev.window.value = "any"
    ev.measure.value = "sum"
    assert ev.measure_of.value == "amount"
    ev.cmp.value = "gt"
    ev._cmp_input.set(50.0)
    assert builder.value == {"all": [{"event": "purchase", "measure": {"sum": "amount"},
                                      "op": "gt", "value": 50.0}]}
    assert builder.count_label.value.startswith("<b>1</b>")


def test_groups_negation_and_removal(builder):
    group = builder.root.add_group()
    assert isinstance(group, GroupEditor)
    group.add_condition({"field": "age", "op": "ge", "value": 30})
    group.add_condition({"field": "country", "op": "eq", "value": "us"})
    group.mode.value = "none"
    assert builder.value == {"all": [{"not": {"any": [
        {"field": "age", "op": "ge", "value": 30},
        {"field": "country", "op": "eq", "value": "us"}]}}]}
    assert builder.count_label.value.startswith("<b>2</b>")  # contacts 2 and 4
    row = group.rows[0]
    row.negate.value = True
    assert builder.value["all"][0]["not"]["any"][0] == {
        "not": {"field": "age", "op": "ge", "value": 30}}
    _click(group.remove)
    assert builder.value == {"all": []}
    assert row.comm is None  # closed with its group: no observer outlives it


def test_loading_a_segment_fills_the_ui_and_round_trips(builder):
    doc = {"version": 1, "name": "Hot", "rule": {"any": [
        {"field": "lifecycle_stage", "op": "in", "value": ["lead"]},
        {"not": {"event": "page_view", "where": {"field": "page", "op": "eq",
                                                  "value": "pricing"},
                 "within": {"last_days": 30}, "op": "ge", "value": 2}},
        {"not": {"all": [{"field": "tags", "op": "has_any", "value": ["unsubscribed"]}]}},
        {"event": "purchase", "within": {"from": "2026-01-01", "to": "2026-12-31"},
         "measure": "last_at", "op": "after", "value": "2026-06-01"},
    ]}}
    builder.load(sk.Segment.from_dict(doc))
    assert builder.value == doc["rule"]
    assert builder.name.value == "Hot"
    assert builder.segment == sk.Segment.from_dict(doc)
    assert builder.root.mode.value == "any"
    assert isinstance(builder.root.rows[1], EventEditor) and builder.root.rows[1].negate.value


def test_a_complex_where_is_kept_as_written(builder):
    rule = {"all": [{"event": "page_view", "where": {"any": [
        {"field": "page", "op": "eq", "value": "pricing"},
        {"field": "timestamp", "op": "after", "value": "2026-10-01"}]}}]}
    builder.load(rule)
    assert builder.value == rule
    assert builder.root.rows[0].where_field.disabled


def test_invalid_state_shows_an_inline_message_never_raises(data):
    b = sk.FilterBuilder(data, {"all": [{"field": "age", "op": "ge", "value": 1}]}, as_of=AS_OF)
    row = b.root.rows[0]
    row.field.value = "country"
    row.op.value = "eq"
    assert b.segment is None and "choose a value" in b.message.value
    assert b.count_label.value == "<b>–</b> of 4 contacts"


def test_listeners_get_every_valid_change(builder):
    seen = []
    builder.on_change(lambda b: seen.append(b.count))
    builder.root.add_condition({"field": "age", "op": "ge", "value": 30})
    assert seen == [2]


def test_changing_to_a_like_operator_keeps_the_box_and_its_value(builder):
    row = builder.root.add_condition({"field": "age", "op": "gt", "value": 30})
    box = row._value
    row.op.value = "ge"
    assert row._value is box and builder.value["all"][0] == {"field": "age", "op": "ge",
                                                               "value": 30}
    row.op.value = "between"
    assert row._value is not box  # two boxes now


def test_changing_the_where_operator_keeps_what_was_typed(builder):
    _click(builder.root.add_event_button)
    ev = builder.root.rows[0]
    ev.where_field.value = "page"
    ev._where_input.set("pricing")
    ev.where_op.value = "contains"  # another kind of box (free text): the value carried over
    assert builder.value["all"][0]["where"] == {"field": "page", "op": "contains",
                                                "value": "pricing"}
    box = ev._where_input
    ev.where_op.value = "starts_with"  # the same kind of box: kept, with its text
    assert ev._where_input is box
    assert builder.value["all"][0]["where"]["value"] == "pricing"
    ev.where_op.value = "in"  # a list: a new box, starting afresh
    assert ev._where_input is not box and ev._where_input.get() in (None, [])
