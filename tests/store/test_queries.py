"""A workspace's Dataset reads Parquet files through scans, and the engine plans some queries
differently for them (an event condition's ``where`` goes into the scan's predicate, a count
filters the contacts by their own fields inside the scan): the answers must not change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import segkit as sk
from segkit import Dataset, Segment, library
from segkit.store import Workspace

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.datetime(2026, 11, 1)

EXTRA = [
    # where with a non-ASCII literal (the lower-casing path), a negated where, and an any-of
    # mixing fields and events
    {"event": "page_view", "where": {"field": "page", "op": "eq", "value": "Prïcing"}},
    {"all": [{"field": "country", "op": "in", "value": ["us", "GB"]},
             {"event": "page_view", "within": {"last_days": 90}, "op": "ge", "value": 2,
              "where": {"not": {"field": "page", "op": "in", "value": ["BLOG", "docs"]}}}]},
    {"any": [{"field": "lifecycle_stage", "op": "eq", "value": "CUSTOMER"},
             {"event": "page_view", "within": {"last_days": 30},
              "where": {"field": "page", "op": "starts_with", "value": "pri"}}]},
    {"all": [{"field": "email_status", "op": "eq", "value": "subscribed"},
             {"not": {"event": "page_view", "within": {"last_days": 60},
                      "where": {"field": "page", "op": "contains", "value": "PRIC"}}}]},
]  # fmt: skip


@pytest.mark.slow
def test_workspace_scans_count_what_memory_counts(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    ws.import_dataset(ROOT / "sample_data")
    disk = ws.dataset()
    mem = Dataset(ws.contacts(), ws.events(), ws.campaigns())
    assert not disk.events_in_memory and mem.events_in_memory
    segs = {name: seg for name, seg in library.all().items()}
    for i, rule in enumerate(EXTRA):
        segs[f"extra {i}"] = Segment.from_dict({"version": 1, "rule": rule})
    sizes = sk.count_many(segs, mem, as_of=AS_OF)
    assert sk.count_many(segs, disk, as_of=AS_OF) == sizes
    masks = sk.evaluate_many(segs, mem, as_of=AS_OF)
    assert sk.evaluate_many(segs, disk, as_of=AS_OF).sort("contact_id").equals(
        masks.sort("contact_id"))  # fmt: skip
    for name, seg in segs.items():
        assert seg.count(disk, as_of=AS_OF) == sizes[name], name
        assert seg.count(mem, as_of=AS_OF) == sizes[name], name
    assert any(0 < n < mem.n_contacts for n in sizes.values())
    assert all(0 < sizes[f"extra {i}"] < mem.n_contacts for i in range(1, len(EXTRA)))
