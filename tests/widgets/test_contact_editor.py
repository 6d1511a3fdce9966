"""ContactEditor driven from Python: search, edit, validate, save as one commit, add new."""

import datetime as dt

import polars as pl
import pytest

import segkit as sk
from segkit.widgets.contact_editor import ContactEditor


@pytest.fixture
def ws(tmp_path):
    ws = sk.Workspace.create(tmp_path / "ws")
    ws.import_contacts(pl.DataFrame({
        "email": ["jane@acme.com", "bob@globex.com"],
        "first_name": ["Jane", "Bob"],
        "last_name": ["Doe", "Stone"],
        "company": ["Acme", "Globex"],
        "age": [34, 51],
        "tags": [["vip"], []],
        "signup_at": [dt.datetime(2026, 1, 5, 10), dt.datetime(2026, 2, 1)],
    }))
    return ws


def test_search_edit_and_save_is_one_commit(ws):
    editor = ContactEditor(ws)
    editor.query.value = "jane acme"
    assert editor.results.options[0][0].startswith("Jane Doe · jane@acme.com")
    editor.results.value = editor.results.options[0][1]
    assert editor.inputs["first_name"].value == "Jane"
    assert editor.inputs["tags"].value == ["vip"]
    before = ws.version
    editor.inputs["company"].value = "Acme Corp"
    editor.inputs["tags"].value = ["vip", "newsletter"]
    assert editor.changes() == {"company": "Acme Corp", "tags": ["vip", "newsletter"]}
    cid = editor.save()
    assert ws.version == before + 1
    row = ws.contacts().filter(pl.col("contact_id") == cid).row(0, named=True)
    assert row["company"] == "Acme Corp" and row["tags"] == ["vip", "newsletter"]
    assert "saved contact" in editor.message.value
    assert ws.history()["operation"][0] == "update"


def test_invalid_values_are_shown_not_written(ws):
    editor = ContactEditor(ws)
    cid = ws.search("bob")["contact_id"][0]
    editor.load(cid)
    version = ws.version
    editor.inputs["age"].value = "fifty"
    assert editor.save() is None
    assert "age: &#x27;fifty&#x27; is not a whole number" in editor.message.value
    assert ws.version == version


def test_new_contact(ws):
    editor = ContactEditor(ws)
    editor.new()
    editor.inputs["email"].value = "new@initech.com"
    editor.inputs["first_name"].value = "Peter"
    editor.inputs["age"].value = "29"
    cid = editor.save()
    row = ws.contacts().filter(pl.col("contact_id") == cid).row(0, named=True)
    assert (row["email"], row["first_name"], row["age"]) == ("new@initech.com", "Peter", 29)
    assert editor.title.value == f"<h4>Contact {cid}</h4>"


def test_unchanged_form_writes_nothing(ws):
    editor = ContactEditor(ws)
    editor.load(ws.search("jane")["contact_id"][0])
    version = ws.version
    assert editor.changes() == {}
    editor.save()
    assert ws.version == version and "nothing changed" in editor.message.value
