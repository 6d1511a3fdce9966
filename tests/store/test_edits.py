"""Single edits, type checks, history and restore."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from segkit import Segment
from segkit.errors import DataError
from segkit.store import Workspace, WorkspaceError


def test_add_contact_normalises_and_assigns_ids(ws: Workspace) -> None:
    a = ws.add_contact(email=" Jane@ACME.com", first_name="Jane", phone="+44 20 7946 0958",
                       country="United Kingdom", birth_date="1990-04-01", tags=["vip"])
    b = ws.add_contact(email="john@x.com")
    assert (a, b) == (1, 2)
    row = ws.contacts().row(0, named=True)
    assert row["email"] == "jane@acme.com" and row["phone"] == "+442079460958"
    assert row["country"] == "GB" and row["birth_date"] == dt.date(1990, 4, 1)
    assert row["tags"] == ["vip"]
    assert ws.history()["operation"].to_list()[:2] == ["add_contact", "add_contact"]


def test_types_are_checked_before_writing(filled: Workspace) -> None:
    v = filled.version
    with pytest.raises(DataError, match="seats holds an integer; 'many' is not one"):
        filled.update(1, seats="many")
    with pytest.raises(DataError, match="no field 'sets'.*did you mean 'seats'"):
        filled.update(1, sets=3)
    with pytest.raises(DataError, match="invalid email"):
        filled.add_contact(email="nope")
    with pytest.raises(DataError, match="exists already"):
        filled.add_contact(email="JANE@acme.com")
    with pytest.raises(DataError, match="no contact with contact_id 99"):
        filled.update(99, city="x")
    with pytest.raises(DataError, match="holds text"):
        filled.update(1, city=["a", "b"])
    with pytest.raises(DataError, match="contact_id is assigned"):
        filled.add_contact(contact_id=5)
    assert filled.version == v  # nothing was committed


def test_update_delete_and_custom_fields(filled: Workspace) -> None:
    filled.update(1, city="Berlin", seats=None)
    row = filled.contacts().row(0, named=True)
    assert row["city"] == "Berlin" and row["seats"] is None and row["email"] == "jane@acme.com"
    filled.add_field("plan", "string")
    filled.add_field("renewal", "date")
    with pytest.raises(DataError, match="already has a field"):
        filled.add_field("plan", "int")
    with pytest.raises(DataError, match="invalid field name"):
        filled.add_field("Bad Name", "int")
    filled.update(2, plan="pro", renewal=dt.date(2027, 1, 1))
    c = filled.contacts()
    assert c.schema["renewal"] == pl.Date and c["plan"].to_list() == [None, "pro", None, None]
    filled.import_events(pl.DataFrame({"contact_id": [2, 3], "event": ["a", "a"],
                                       "timestamp": [dt.datetime(2026, 1, 1)] * 2}))
    assert filled.delete([2, 404]) == 1
    assert filled.contacts()["contact_id"].to_list() == [1, 3, 4]
    assert filled.events()["contact_id"].to_list() == [3]  # events go with their contact
    assert "delete 1 contact(s) and 1 event(s)" in filled.history()["message"][0]


def test_tag_untag_by_ids_and_segment(filled: Workspace) -> None:
    assert filled.tag([1, 2], "vip", "newsletter") == 2
    assert filled.tag(1, "vip") == 0  # already tagged: nothing changes
    london = Segment.from_dict({"version": 1, "rule": {"field": "city", "op": "eq",
                                                       "value": "London"}})
    assert filled.tag(london, "uk") == 2
    tags = dict(filled.contacts().select("contact_id", "tags").iter_rows())
    assert tags[1] == ["vip", "newsletter", "uk"] and tags[4] == ["uk"] and tags[3] is None
    assert filled.untag(london, "vip") == 1
    assert dict(filled.contacts().select("contact_id", "tags").iter_rows())[1] == [
        "newsletter", "uk"]
    with pytest.raises(DataError, match="at least one tag"):
        filled.tag([1])


def test_history_and_restore(filled: Workspace) -> None:
    before = filled.contacts()
    v = filled.version
    filled.update(1, city="Berlin")
    filled.delete([3])
    filled.add_field("plan")
    h = filled.history()
    assert h.columns[:5] == ["version", "time", "operation", "rows_affected", "message"]
    assert h["version"].to_list() == list(range(filled.version, -1, -1))
    assert h["operation"].to_list()[:3] == ["add_field", "delete", "update"]
    new = filled.restore(v)
    assert new == v + 4
    assert filled.contacts().equals(before)  # schema too (the added field is gone)
    assert filled.history()["operation"][0] == "restore"
    filled.restore(new - 1)  # undo the undo
    assert "plan" in filled.contacts().columns and filled.contacts().height == 3
    assert filled.dataset(v).contacts.sort("contact_id").equals(before)


def test_restore_by_time(filled: Workspace) -> None:
    t = filled.head().time
    filled.update(1, city="Oslo")
    filled.restore(t)
    assert filled.contacts()["city"][0] == "London"
    with pytest.raises(WorkspaceError, match="no version"):
        filled.restore(1000)
