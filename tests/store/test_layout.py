"""Workspace folder: create, open, format marker, dataset, time travel."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from deltalake import DeltaTable

from segkit import Dataset
from segkit.errors import SegkitError
from segkit.store import FORMAT_VERSION, LAYOUT, Workspace, WorkspaceError
from segkit.store._journal import DATA_TABLES, MARKER


def test_create_makes_documented_layout(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "crm")
    names = {p.name for p in (tmp_path / "crm").iterdir()}
    assert {MARKER, "_commits", "rejects", *DATA_TABLES} <= names
    doc = json.loads((tmp_path / "crm" / MARKER).read_text())
    assert doc["format"] == "segkit-workspace" and doc["format_version"] == FORMAT_VERSION
    for name in (*DATA_TABLES, "_commits"):
        assert name in LAYOUT
        assert DeltaTable(str(tmp_path / "crm" / name)).version() >= 0  # plain Delta tables
    assert ws.version == 0
    assert ws.history()["operation"].to_list() == ["create"]


def test_open_and_dataset(tmp_path: Path, people: pl.DataFrame) -> None:
    ws = Workspace.create(tmp_path / "crm")
    ws.upsert(people)
    again = Workspace.open(tmp_path / "crm")
    data = again.dataset()
    assert isinstance(data, Dataset)
    assert data.n_contacts == 4
    assert data.events is None  # no events yet
    assert sorted(data.contacts["email"].to_list()) == sorted(people["email"].to_list())
    assert data.contacts["contact_id"].sort().to_list() == [1, 2, 3, 4]


def test_open_reads_the_newest_commit_as_a_scan_of_the_journal_would(
        filled: Workspace, people: pl.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening reads the newest commit from the journal's newest log entry when that entry
    is an append (the rule), else by opening the journal as a Delta table: the same answer as
    a scan of the journal either way, through compactions and the appends after them."""
    from segkit.store import _journal as J

    def scanned() -> J.Commit:
        rows = pl.scan_delta(str(filled.path / J.JOURNAL)).sort("version").tail(1).collect()
        return J.Commit.from_row(rows.row(0, named=True))

    fast: list[bool] = []
    newest_append = J.Journal._newest_append
    monkeypatch.setattr(J.Journal, "_newest_append",
                        lambda self: fast.append(found := newest_append(self)) or found)

    def opened() -> tuple[J.Commit, bool]:  # the newest commit, and whether from the log
        ws = Workspace.open(filled.path)
        return ws.head(), fast[0] is not None

    renamed = people.with_columns(pl.lit("Acme").alias("company"))
    filled.upsert(renamed, message="second")
    fast.clear()
    assert opened() == (scanned(), True)
    DeltaTable(str(filled.path / J.JOURNAL)).optimize.compact()  # one file, many rows
    fast.clear()
    assert opened() == (scanned(), False)  # not an append: the journal opened as a table
    filled.reload().upsert(people, message="third")
    fast.clear()
    assert opened() == (scanned(), True)
    assert scanned().message == "third"


def test_create_refuses_existing_and_nonempty(tmp_path: Path) -> None:
    Workspace.create(tmp_path / "a")
    with pytest.raises(WorkspaceError, match="already a segkit workspace"):
        Workspace.create(tmp_path / "a")
    assert Workspace.create(tmp_path / "a", exist_ok=True).version == 0
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notes.txt").write_text("x")
    with pytest.raises(WorkspaceError, match="not an empty folder"):
        Workspace.create(tmp_path / "b")


def test_open_errors(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no such folder"):
        Workspace.open(tmp_path / "missing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(WorkspaceError, match="not a segkit workspace"):
        Workspace.open(tmp_path / "plain")
    Workspace.create(tmp_path / "new")
    marker = tmp_path / "new" / MARKER
    doc = json.loads(marker.read_text())
    marker.write_text(json.dumps({**doc, "format_version": FORMAT_VERSION + 1}))
    with pytest.raises(WorkspaceError, match="newer segkit") as exc:
        Workspace.open(tmp_path / "new")
    assert isinstance(exc.value, SegkitError)
    marker.write_text(json.dumps({**doc, "format": "something-else"}))
    with pytest.raises(WorkspaceError, match="unknown format"):
        Workspace.open(tmp_path / "new")
    marker.write_text("{not json")
    with pytest.raises(WorkspaceError, match="unreadable"):
        Workspace.open(tmp_path / "new")


def test_time_travel_by_version_and_timestamp(ws: Workspace, people: pl.DataFrame) -> None:
    ws.upsert(people.head(2))
    v1, t1 = ws.version, ws.head().time
    ws.upsert(people.tail(2))
    assert ws.dataset(v1).n_contacts == 2
    assert ws.dataset().n_contacts == 4
    assert ws.dataset(t1).n_contacts == 2
    assert ws.dataset(t1.isoformat()).n_contacts == 2
    assert ws.dataset(0).n_contacts == 0
    with pytest.raises(WorkspaceError, match="no version 99"):
        ws.dataset(99)
    with pytest.raises(WorkspaceError, match="did not exist yet"):
        ws.dataset(dt.datetime(2000, 1, 1))


def test_reader_keeps_its_snapshot(filled: Workspace) -> None:
    data = filled.dataset()
    other = Workspace.open(filled.path)
    other.update(1, city="Berlin")
    assert data.contacts.filter(pl.col("contact_id") == 1)["city"].item() == "London"
    assert filled.dataset().contacts.filter(pl.col("contact_id") == 1)["city"].item() == "Berlin"


def test_repr_html(filled: Workspace) -> None:
    assert "4 contacts" in filled._repr_html_()
    assert "version" in repr(filled)
