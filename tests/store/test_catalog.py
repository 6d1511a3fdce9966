"""Segment catalog, refresh snapshots, changes, and exports."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from segkit import Segment
from segkit.errors import DataError, SegmentError
from segkit.store import Workspace, WorkspaceError
from segkit.store.testing import hubspot_frame


def seg(name: str, rule: dict) -> Segment:
    return Segment.from_dict({"version": 1, "name": name, "rule": rule})


LONDON = seg("London", {"field": "city", "op": "eq", "value": "London"})
BIG = seg("Big", {"field": "seats", "op": "ge", "value": 10})


def test_save_dynamic_and_static(filled: Workspace) -> None:
    filled.save_segment(LONDON)
    filled.save_segment(BIG, static=True)
    assert set(filled.segments) == {"London", "Big"}
    assert filled.segments["London"].to_dict() == LONDON.to_dict()
    assert filled.catalog["Big"] == frozenset({2, 4})
    assert filled.static_segments() == ["Big"]
    filled.update(3, seats=100)  # dynamic would include 3 now; the static one is frozen
    assert filled.count("Big") == 2 and filled.count(BIG) == 3
    both = seg("London and big", {"all": [{"segment": "London"}, {"segment": "Big"}]})
    filled.save_segment(both)
    assert filled.count("London and big") == 1
    assert filled.members("London and big")["contact_id"].to_list() == [4]
    # the engine takes the workspace as catalog too
    assert both.count(filled.dataset(), catalog=filled.catalog) == 1
    with pytest.raises(SegmentError, match="used by"):
        filled.delete_segment("Big")
    filled.delete_segment("London and big")
    filled.delete_segment("Big")
    assert set(filled.segments) == {"London"}
    with pytest.raises(SegmentError, match="no saved segment 'Lodnon'.*London"):
        filled.count("Lodnon")
    with pytest.raises(SegmentError, match="needs a name"):
        filled.save_segment(Segment.from_dict({"version": 1, "rule": {"all": []}}))
    with pytest.raises(SegmentError):
        filled.save_segment(seg("Bad", {"field": "nope", "op": "eq", "value": 1}))


def test_refresh_changes_and_size_history(filled: Workspace) -> None:
    filled.save_segment(LONDON)
    filled.save_segment(BIG, static=True)
    out = filled.refresh()
    assert dict(out.select("segment", "size").iter_rows()) == {"London": 2, "Big": 2}
    with pytest.raises(SegmentError, match="no saved segment"):
        filled.changes("Nope")
    filled.save_segment(seg("Later", {"all": []}))
    with pytest.raises(WorkspaceError, match="no snapshot yet"):
        filled.changes("Later")
    filled.delete_segment("Later")
    filled.update(1, city="Paris")
    filled.update(2, city="London")
    filled.add_contact(email="new@x.com", city="London")
    out = filled.refresh()
    row = out.filter(pl.col("segment") == "London").row(0, named=True)
    assert (row["size"], row["entered"], row["left"]) == (3, 2, 1)
    ch = filled.changes("London")
    assert ch.entered["contact_id"].to_list() == [2, 5]
    assert ch.left["contact_id"].to_list() == [1]
    assert ch.left["email"].to_list() == ["jane@acme.com"]
    assert "2 entered, 1 left" in repr(ch) and "Entered" in ch._repr_html_()
    assert ch.to_frame()["change"].to_list() == ["entered", "entered", "left"]
    sizes = filled.size_history("London")
    assert sizes["size"].to_list() == [2, 3] and sizes["snapshot"].to_list() == [1, 2]
    assert filled.changes("London", since=1).entered.height == 2
    assert filled.changes("London", since=sizes["taken_at"][0]).before == 1
    assert filled.snapshots().height == 4


def test_export_formats(filled: Workspace, tmp_path: Path) -> None:
    filled.update(4, tags=["vip", "beta"], signup_at="2026-03-01 14:05")
    filled.save_segment(LONDON)
    for fmt in ("csv", "parquet", "mailchimp", "hubspot", "salesforce"):
        path = tmp_path / f"out.{'parquet' if fmt == 'parquet' else 'csv'}"
        rep = filled.export("London", path, format=fmt)
        assert rep.rows == 2
        df = pl.read_parquet(path) if fmt == "parquet" else pl.read_csv(path, infer_schema=False)
        assert df.height == 2
        if fmt == "mailchimp":
            assert df.columns[:3] == ["Email Address", "First Name", "Last Name"]
            assert "TAGS" in df.columns
            wei = df.filter(pl.col("Email Address") == "wei@hooli.com").row(0, named=True)
            assert wei["TAGS"] == "vip,beta" and wei["Signup Date"] == "2026-03-01"
        if fmt == "hubspot":
            assert {"Email", "First Name", "Last Name", "Company Name", "Country/Region"} <= set(
                df.columns)
        if fmt == "salesforce":
            assert {"First Name", "Last Name", "Email", "Account Name", "Email Opt Out"} <= set(
                df.columns)
    with pytest.raises(DataError, match="unknown export format"):
        filled.export("London", tmp_path / "x.csv", format="excel")


@pytest.mark.slow
def test_export_row_count_equals_segment_count_on_large_segment(ws: Workspace,
                                                                tmp_path: Path) -> None:
    df = hubspot_frame(200_000, seed=11)
    # values that break naive CSV writers/readers: quotes, commas, newlines, missing emails
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()) % 97 == 0).then(pl.lit('Acme, "Inc"\nEurope'))
        .otherwise(pl.col("Company Name")).alias("Company Name"))
    ws.import_contacts(df, preset="hubspot")
    big = seg("Not subscribers", {"not": {"field": "lifecycle_stage", "op": "eq",
                                          "value": "subscriber"}})
    ws.save_segment(big)
    n = ws.count("Not subscribers")
    assert n > 150_000
    for fmt in ("csv", "mailchimp", "hubspot", "salesforce"):
        path = tmp_path / f"{fmt}.csv"
        assert ws.export("Not subscribers", path, format=fmt).rows == n
        assert pl.read_csv(path, infer_schema=False).height == n
