"""Right to erasure: no trace of a forgotten contact's email in any file of the workspace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from segkit import Segment
from segkit.store import Workspace, WorkspaceError
from segkit.store.testing import hubspot_frame

OLD = "erin.erasable@example.org"
NEW = "erin.new-address@example.net"


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _raw_hits(root: Path, needle: str) -> list[Path]:
    n = needle.encode()
    return [p for p in _files(root) if n in p.read_bytes() or n.upper() in p.read_bytes()]


def _decoded_hits(root: Path, needle: str) -> list[Path]:
    """Parquet files (data, checkpoints) holding the value once decompressed."""
    hits = []
    for p in _files(root):
        if p.suffix != ".parquet":
            continue
        try:
            table = pq.read_table(p)
        except Exception:  # noqa: BLE001
            continue
        text = str(table.to_pylist()).lower()
        if needle in text:
            hits.append(p)
    return hits


def test_forget_leaves_no_trace(ws: Workspace, tmp_path: Path) -> None:
    df = hubspot_frame(500, seed=21)
    df = df.with_columns(pl.when(pl.col("Record ID") == "7").then(pl.lit(OLD))
                         .otherwise(pl.col("Email")).alias("Email"))  # fmt: skip
    ws.import_contacts(df, preset="hubspot")
    erin = ws.contacts().filter(pl.col("email") == OLD)["contact_id"].item()
    keep = ws.contacts().filter(pl.col("contact_id") != erin)
    ws.import_events(pl.DataFrame({"email": [OLD, OLD, keep["email"][0]],
                                   "event": ["page_view", "purchase", "page_view"],
                                   "timestamp": [dt.datetime(2026, 1, d) for d in (1, 2, 3)]}))
    # a rejected row that mentions the email, a static segment, a snapshot, a rule naming it
    bad = pl.DataFrame({"Email": [OLD.upper()], "Create Date": ["not a date"]})
    assert ws.import_contacts(bad, preset="hubspot").n_rejected == 1
    ws.update(erin, email=NEW, city="Erinville")
    ws.save_segment(Segment.from_dict({"version": 1, "name": "Erin's city", "rule": {
        "field": "city", "op": "eq", "value": "Erinville"}}), static=True)
    ws.save_segment(Segment.from_dict({"version": 1, "name": "Watch", "rule": {
        "any": [{"field": "email", "op": "eq", "value": NEW},
                {"field": "city", "op": "eq", "value": "London"}]}}))
    ws.refresh()
    before = ws.version
    n_events = ws.dataset().n_events
    # positive controls: the values are there before
    assert _raw_hits(ws.path, OLD) and _decoded_hits(ws.path, NEW)

    assert ws.forget([erin]) == 1

    for email in (OLD, NEW):
        assert _raw_hits(ws.path, email) == [], email
        assert _decoded_hits(ws.path, email) == [], email
    data = ws.dataset()
    assert data.contacts.sort("contact_id").drop("city").equals(
        keep.sort("contact_id").drop("city"))  # fmt: skip
    assert data.n_events == n_events - 2
    assert ws.catalog["Erin's city"] == frozenset()
    assert ws.count("Watch") == ws.count(Segment.from_dict({"version": 1, "rule": {
        "field": "city", "op": "eq", "value": "London"}}))  # fmt: skip
    h = ws.history()
    assert "forget" in h["operation"].to_list()
    forget_row = h.filter(pl.col("operation") == "forget").row(0, named=True)
    assert forget_row["rows_affected"] == 1 and "erased 1 contact" in forget_row["message"]
    assert str(erin) not in forget_row["details"] or '"erased": 1' in forget_row["details"]
    # time travel before the erasure is gone, and says so
    with pytest.raises(WorkspaceError, match="before the erasure"):
        ws.dataset(before)
    with pytest.raises(WorkspaceError, match="before the erasure"):
        ws.restore(1)
    forget_version = h.filter(pl.col("operation") == "forget")["version"].item()
    with pytest.raises(WorkspaceError, match="before the erasure"):
        ws.dataset(forget_version)  # its table versions were purged right after
    assert h["operation"][0] == "purge_history"
    # the workspace keeps working
    ws.add_contact(email="after@x.com")
    assert ws.dataset().n_contacts == keep.height + 1
    assert Workspace.open(ws.path).dataset().n_contacts == keep.height + 1
