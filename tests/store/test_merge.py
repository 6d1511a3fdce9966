"""Merging duplicate contacts: survivorship, one commit, the audit table, unmerge, dedupe."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from segkit import Segment
from segkit.data.dataset import Dataset
from segkit.dedup.cli import main as dedup_main
from segkit.dedup.synthetic import make_contacts
from segkit.errors import DataError
from segkit.sample import generate
from segkit.store import Workspace, WorkspaceError
from segkit.store import _journal as J

D = dt.datetime


@pytest.fixture
def small(ws: Workspace) -> Workspace:
    """Ann twice (1, 2: 2 is the more recently active), Bob twice (3, 4), Cy alone (5)."""
    ws.upsert(pl.DataFrame({
        "email": ["ann@acme.com", "ann.lee@gmail.com", "bob@globex.com", "robert@globex.com",
                  "cy@hooli.com"],
        "first_name": ["Ann", "Ann", "Bob", "Robert", "Cy"],
        "last_name": [None, "Lee", "Stone", "Stone", "Twombly"],
        "phone": [None, "+44 20 7946 0000", None, None, None],
        "city": ["London", "Paris", None, "Berlin", "Rome"],
        "company": ["Acme", None, "Globex", "Globex", "Hooli"],
        "tags": [["vip"], ["events", "vip"], ["newsletter"], [], None],
        "interests": [["golf"], ["tennis"], None, ["golf"], None],
        "signup_at": [D(2024, 1, 10), D(2023, 6, 1), D(2022, 1, 1), D(2025, 3, 1), None],
        "seats": [5, 10, 3, 1, 2],
    }))
    ws.import_events(pl.DataFrame({
        "contact_id": [1, 1, 2, 2, 2, 3, 4, 5],
        "event": ["page_view", "purchase", "page_view", "page_view", "email_open", "page_view",
                  "purchase", "page_view"],
        # contacts 1 and 2 share one identical event (same type and time)
        "timestamp": [D(2025, 5, 5), D(2025, 1, 1), D(2025, 5, 5), D(2026, 2, 1),
                      D(2026, 2, 2), D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)],
    }))  # fmt: skip
    return ws


def _row(ws: Workspace, cid: int) -> dict:
    return ws.contacts().filter(pl.col("contact_id") == cid).row(0, named=True)


def _events(ws: Workspace) -> pl.DataFrame:
    e = ws.events()
    return e.sort(e.columns)


def _clusters_events(before: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    return before.join(members, on="contact_id").group_by("survivor_id").len("n") \
        .sort("survivor_id")  # fmt: skip


# -- survivorship -------------------------------------------------------------------------------


def test_default_survivorship(small: Workspace) -> None:
    m = small.merge([1, 2])
    row = _row(small, 1)
    assert small.contacts()["contact_id"].to_list() == [1, 3, 4, 5]  # 1 survives: oldest id
    # most recent non-null value: contact 2 was active last (2026-02-02)
    assert row["email"] == "ann.lee@gmail.com"
    assert row["phone"] == "+442079460000"
    assert row["last_name"] == "Lee" and row["city"] == "Paris"
    assert row["company"] == "Acme"  # 2 has none: the most recent non-null is 1's
    assert row["seats"] == 10
    assert row["tags"] == ["vip", "events"]  # union, survivor's first
    assert row["interests"] == ["golf", "tennis"]
    assert row["signup_at"] == D(2023, 6, 1)  # earliest signup
    assert m.source_of(1, "email") == [2] and m.source_of(1, "company") == [1]
    assert m.source_of(1, "tags") == [1, 2] and m.source_of(1, "signup_at") == [2]
    assert m.n_clusters == 1 and m.n_merged == 1 and m.events_moved == 3
    assert m.id_map.rows() == [(2, 1)]


def test_recency_without_events_uses_signup_then_id(ws: Workspace) -> None:
    ws.upsert(pl.DataFrame({"email": ["a@x.org", "b@x.org", "c@x.org"],
                            "city": ["Old", "New", "Newest"],
                            "signup_at": [D(2020, 1, 1), D(2021, 1, 1), None]}))  # fmt: skip
    ws.merge([1, 2])
    assert _row(ws, 1)["city"] == "New"  # signed up later
    ws.upsert(pl.DataFrame({"email": ["d@x.org", "e@x.org"], "city": ["D", "E"]}))
    ws.merge([4, 5])  # no activity at all: the later id counts as more recent
    assert _row(ws, 4)["city"] == "E"


def test_per_field_rules_and_survivor_choice(small: Workspace) -> None:
    rules = {"email": "survivor", "phone": "survivor", "city": "survivor", "seats": "max",
             "tags": "survivor", "signup_at": "max"}
    m = small.merge([1, 2], rules=rules)
    row = _row(small, 1)
    assert row["email"] == "ann@acme.com" and row["city"] == "London"
    assert row["phone"] is None  # "survivor" keeps the survivor's value, empty or not
    assert row["seats"] == 10 and row["tags"] == ["vip"] and row["signup_at"] == D(2024, 1, 10)
    assert m.source_of(1, "signup_at") == [1] and m.source_of(1, "phone") == []
    assert json.loads(small.merges(m.merge_id).filter("survivor")["rules"][0])["seats"] == "max"
    m2 = small.merge([3, 4], survivor="most_recent")
    assert m2.survivors == [4] and 3 not in small.contacts()["contact_id"].to_list()
    with pytest.raises(DataError, match="unknown merge rule 'newest'"):
        small.merge([4, 5], rules={"city": "newest"})
    with pytest.raises(DataError, match="has no field 'cty'"):
        small.merge([4, 5], rules={"cty": "max"})
    with pytest.raises(DataError, match="'union' is for list fields"):
        small.merge([4, 5], rules={"city": "union"})


# -- commits, counts, audit ---------------------------------------------------------------------


def test_one_commit_keeps_every_event_and_tag(small: Workspace) -> None:
    small.save_segment(Segment.from_dict({"version": 1, "name": "ann2", "rule": {
        "field": "email", "op": "eq", "value": "ann.lee@gmail.com"}}), static=True)
    small.refresh()
    events, contacts, version = _events(small), small.contacts(), small.version
    m = small.merge([1, 2])
    assert small.version == version + 1 == m.version == m.merge_id
    h = small.history().row(0, named=True)
    assert h["operation"] == "merge" and json.loads(h["details"])["merge_id"] == m.merge_id
    assert small.n_contacts == contacts.height - 1
    after = _events(small)
    assert after.height == events.height
    assert after.filter(pl.col("contact_id") == 1).height == 5  # 2 own + 3 moved
    assert after.drop("contact_id").sort(after.drop("contact_id").columns).equals(
        events.drop("contact_id").sort(events.drop("contact_id").columns))
    tags_before = set(contacts.filter(pl.col("contact_id").is_in([1, 2]))["tags"].explode()
                      .drop_nulls().to_list())  # fmt: skip
    assert set(_row(small, 1)["tags"]) == tags_before
    assert small.catalog["ann2"] == frozenset({1})  # static members re-pointed
    # membership snapshots are history: the snapshot still names contact 2
    assert 2 in small._scan("memberships", small.head()).collect()["contact_id"].to_list()


def test_audit_table_says_where_values_came_from(small: Workspace) -> None:
    before = small.contacts()
    m = small.merge([1, 2])
    audit = small.merges(m.merge_id)
    assert audit["contact_id"].to_list() == [1, 2] and audit["survivor"].to_list() == [True, False]
    assert audit["survivor_id"].to_list() == [1, 1]
    supplied = dict(zip(audit["contact_id"], audit["fields"].to_list(), strict=True))
    assert {"email", "phone", "city", "signup_at", "seats", "tags"} <= set(supplied[2])
    assert "company" in supplied[1] and "tags" in supplied[1] and "email" not in supplied[1]
    assert audit["n_events"].to_list() == [0, 3]
    assert audit["static_segments"].to_list() == [[], []]
    prev = json.loads(audit.filter(pl.col("contact_id") == 2)["contact"][0])
    assert prev["email"] == "ann.lee@gmail.com" and prev["city"] == "Paris"
    assert len(json.loads(audit.filter(pl.col("contact_id") == 2)["events"][0])) == 3
    assert audit["unmerged_in"].null_count() == 2
    long = m.sources.filter(pl.col("field") == "city")
    assert long.select("survivor_id", "rule", "contact_id").rows() == [(1, "most_recent", 2)]
    assert before.filter(pl.col("contact_id") == 2)["city"][0] == "Paris"


def test_merge_a_frame_of_clusters_in_one_commit(small: Workspace) -> None:
    version, n = small.version, small.n_contacts
    clusters = pl.DataFrame({"contact_id": [1, 2, 3, 4, 5],
                             "cluster_id": ["a", "a", "b", "b", "c"]})  # "c": alone, ignored
    m = small.merge(clusters)
    assert small.version == version + 1 and m.n_clusters == 2 and m.n_merged == 2
    assert small.n_contacts == n - 2 and sorted(m.survivors) == [1, 3]
    assert _row(small, 3)["first_name"] == "Robert" and _row(small, 3)["tags"] == ["newsletter"]
    assert small.events().height == 8
    with pytest.raises(DataError, match="in two clusters"):
        small.merge(pl.DataFrame({"contact_id": [1, 5, 1], "cluster_id": [1, 1, 2]}))
    with pytest.raises(DataError, match="contact_id' and 'cluster_id"):
        small.merge(pl.DataFrame({"contact_id": [1, 5]}))


def test_unknown_ids_are_a_clear_error(small: Workspace) -> None:
    version = small.version
    with pytest.raises(DataError, match="no contact with contact_id 99"):
        small.merge([1, 99])
    with pytest.raises(DataError, match="at least two contacts"):
        small.merge([1])
    with pytest.raises(DataError, match="integers"):
        small.merge(["a", "b"])
    assert small.version == version and small.n_contacts == 5
    small.merge([1, 2])
    with pytest.raises(DataError, match=r"2 \(merged into 1 by merge"):
        small.merge([2, 5])
    with pytest.raises(WorkspaceError, match="no such merge"):
        small.unmerge(12345)


# -- unmerge ------------------------------------------------------------------------------------


def test_unmerge_restores_rows_events_and_segments_exactly(small: Workspace) -> None:
    small.save_segment(Segment.from_dict({"version": 1, "name": "bobs", "rule": {
        "field": "last_name", "op": "eq", "value": "Stone"}}), static=True)
    contacts, events = small.contacts(), _events(small)
    m = small.merge(pl.DataFrame({"contact_id": [1, 2, 3, 4], "cluster_id": [1, 1, 2, 2]}))
    assert small.catalog["bobs"] == frozenset({3})
    small.import_events(pl.DataFrame({"contact_id": [1], "event": ["signup"],
                                      "timestamp": [D(2026, 3, 1)]}))  # fmt: skip
    version = small.unmerge(m.merge_id)
    assert version == small.version and small.history()["operation"][0] == "unmerge"
    after = small.contacts()
    assert after.equals(contacts.select(after.columns))  # every previous row, the survivors' too
    new = pl.DataFrame({"contact_id": [1], "event": ["signup"], "timestamp": [D(2026, 3, 1)]},
                       schema_overrides={"timestamp": pl.Datetime("us")})  # fmt: skip
    expected = pl.concat([events, new], how="diagonal_relaxed")
    assert _events(small).equals(expected.sort(expected.columns))  # the new event stays with 1
    assert small.catalog["bobs"] == frozenset({3, 4})
    audit = small.merges(m.merge_id)
    assert audit["unmerged_in"].to_list() == [version] * 4
    with pytest.raises(WorkspaceError, match="undone already"):
        small.unmerge(m.merge_id)


def test_unmerge_one_cluster_and_merges_undo_in_order(small: Workspace) -> None:
    m = small.merge(pl.DataFrame({"contact_id": [1, 2, 3, 4], "cluster_id": [1, 1, 2, 2]}))
    small.unmerge(m.merge_id, contact_id=4)
    assert small.contacts()["contact_id"].to_list() == [1, 3, 4, 5]
    later = small.merge([1, 5])  # 1 (survivor of the first merge) merged again
    with pytest.raises(DataError, match="merged into 1"):
        small.merge([2, 3])
    small.merge([3, 4], survivor=4)
    assert small.contacts()["contact_id"].to_list() == [1, 4]
    small.unmerge(later.merge_id)
    small.unmerge(m.merge_id)
    assert small.contacts()["contact_id"].to_list() == [1, 2, 4, 5]


def test_restore_before_a_merge_empties_its_audit(small: Workspace) -> None:
    before = small.version
    small.merge([1, 2])
    small.restore(before)
    assert small.n_contacts == 5 and small.merges().height == 0
    with pytest.raises(WorkspaceError, match="audit rows are gone"):
        small.unmerge(before + 1)


# -- forget -------------------------------------------------------------------------------------


def _mentions(root: Path, needle: str) -> list[Path]:
    hits = []
    for p in root.rglob("*"):
        if not p.is_file():
            continue
        if needle.encode() in p.read_bytes():
            hits.append(p)
        elif p.suffix == ".parquet":
            try:
                if needle in str(pq.read_table(p).to_pylist()):
                    hits.append(p)
            except Exception:  # noqa: BLE001, S112 - a file that is not a table
                continue
    return hits


def test_forget_after_merge_erases_the_whole_person(small: Workspace) -> None:
    small.decide(3, 5, "not_duplicate")
    m = small.merge([1, 2])
    assert _mentions(small.path, "ann.lee@gmail.com")
    assert small.forget([1]) == 1  # the survivor (2 is in it: its audit copy goes too)
    assert small.contacts()["contact_id"].to_list() == [3, 4, 5]
    assert small.merges().height == 0 and small.events().height == 3
    assert _mentions(small.path, "ann.lee@gmail.com") == []
    assert _mentions(small.path, "ann@acme.com") == []
    with pytest.raises(WorkspaceError, match="erased by ws.forget"):
        small.unmerge(m.merge_id)
    small.merge([3, 4])
    assert small.forget([4]) == 1  # a merged-away id forgets its survivor (3)
    assert small.contacts()["contact_id"].to_list() == [5]
    assert small.pair_decisions().height == 0  # the decision about 3 went with 3


# -- decisions, dedupe, CLI ----------------------------------------------------------------------


def test_decisions(small: Workspace) -> None:
    version = small.version
    assert small.decide(4, 3, "not_duplicate", note="father and son") is None
    assert small.version == version + 1 and small.history()["operation"][0] == "decide"
    d = small.pair_decisions().row(0, named=True)
    assert (d["pair"], d["contact_id_a"], d["contact_id_b"], d["decision"], d["note"]) == \
        ("3:4", 3, 4, "not_duplicate", "father and son")  # fmt: skip
    m = small.decide(1, 2, "merge", score=0.93)
    assert small.version == version + 2 and small.history()["operation"][0] == "merge"
    row = small.pair_decisions().filter(pl.col("pair") == "1:2").row(0, named=True)
    assert row["decision"] == "merge" and row["merge_id"] == m.merge_id and row["score"] == 0.93
    small.unmerge(m.merge_id)  # the merge decision is withdrawn with the merge
    assert small.pair_decisions()["pair"].to_list() == ["3:4"]
    with pytest.raises(DataError, match="decision must be one of"):
        small.decide(1, 2, "maybe")
    with pytest.raises(DataError, match="no contact with contact_id 77"):
        small.decide(1, 77, "not_duplicate")


@pytest.fixture(scope="module")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "crm"
    ws = Workspace.create(path)
    ws.import_dataset(generate(contacts=1500, seed=11))
    ws.save_segment(Segment.from_dict({"version": 1, "name": "everyone", "rule": {
        "field": "contact_id", "op": "gt", "value": 0}}), static=True)
    return path


@pytest.fixture
def sample_ws(sample_template: Path, tmp_path: Path) -> Workspace:
    shutil.copytree(sample_template, tmp_path / "crm")
    return Workspace.open(tmp_path / "crm")


def test_dedupe_sample_keeps_events_and_tags_and_unmerges(sample_ws: Workspace) -> None:
    ws = sample_ws
    contacts, events, version = ws.contacts(), _events(ws), ws.version
    merged, report = ws.dedupe()
    assert merged is not None and ws.version == version + 1
    assert merged.n_merged == report.summary().duplicates > 20
    assert ws.n_contacts == contacts.height - merged.n_merged
    members = merged.clusters
    # every event kept, each cluster's events now on its survivor
    assert ws.events().height == events.height
    want = _clusters_events(events, members)
    got = ws.events().filter(pl.col("contact_id").is_in(want["survivor_id"].implode())) \
        .group_by(pl.col("contact_id").alias("survivor_id")).len("n").sort("survivor_id")
    assert got.equals(want)
    # tags and interests: the union of the cluster's; signup: the earliest
    before = contacts.join(members, on="contact_id").group_by("survivor_id").agg(
        pl.col("tags").explode().drop_nulls().unique().sort(),
        pl.col("interests").explode().drop_nulls().unique().sort(),
        pl.col("signup_at").min()).sort("survivor_id")  # fmt: skip
    none = pl.lit([], dtype=pl.List(pl.String))  # a cluster without any: null, not []
    after = ws.contacts().filter(pl.col("contact_id").is_in(before["survivor_id"].implode())) \
        .select(pl.col("contact_id").alias("survivor_id"),
                pl.col("tags").list.unique().list.sort().fill_null(none),
                pl.col("interests").list.unique().list.sort().fill_null(none), "signup_at")
    assert after.sort("survivor_id").equals(before)
    assert ws.catalog["everyone"] == frozenset(ws.contacts()["contact_id"].to_list())
    ws.unmerge(merged.merge_id)
    assert ws.contacts().equals(contacts.select(ws.contacts().columns))
    assert _events(ws).equals(events)
    assert ws.catalog["everyone"] == frozenset(contacts["contact_id"].to_list())


@pytest.fixture
def synthetic_ws(ws: Workspace) -> Workspace:
    contacts, _ = make_contacts(800, seed=2)
    ws.import_dataset(Dataset(contacts))
    return ws


def test_dedupe_merges_confident_and_leaves_review(synthetic_ws: Workspace) -> None:
    ws = synthetic_ws
    n = ws.n_contacts
    dry = ws.dedupe(apply=False)
    assert dry.merge is None and ws.n_contacts == n
    report = dry.report
    first = report.clusters.filter(pl.col("cluster_id") == report.clusters["cluster_id"][0])
    a, b = first["contact_id"].to_list()[:2]
    ws.decide(a, b, "not_duplicate")  # that cluster is held back
    result = ws.dedupe()
    m = result.merge
    assert m is not None and m.held_back["contact_id"].to_list() == first["contact_id"].to_list()
    assert m.n_merged == report.summary().duplicates - (first.height - 1)
    assert ws.n_contacts == n - m.n_merged
    assert set(first["contact_id"].to_list()) <= set(ws.contacts()["contact_id"].to_list())
    review = result.review
    assert review.height > 5
    alive = set(ws.contacts()["contact_id"].to_list())
    assert set(review["contact_id_a"].to_list()) | set(review["contact_id_b"].to_list()) <= alive
    assert "email_weight" in review.columns and "reported_a" in review.columns
    assert "merged" in str(result) and "to review" in str(result)


def test_cli_dedup_workspace_apply(synthetic_ws: Workspace, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    ws, out = synthetic_ws, tmp_path / "pairs.csv"
    version = ws.version
    assert dedup_main([str(ws.path), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "nothing merged (add --apply" in text and ws.head().version == version
    assert pl.read_csv(out).height > 0
    assert dedup_main([str(ws.path), "--apply", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    ws.reload()
    assert ws.version == version + 1 and ws.history()["operation"][0] == "merge"
    assert f"merge {ws.version} (version {ws.version}): " in text and "wait for review" in text
    assert f"undo with ws.unmerge({ws.version})" in text
    assert dedup_main([str(tmp_path), "--apply"]) == 2  # not a workspace
    assert "--apply merges contacts in a segkit workspace" in capsys.readouterr().err


def _format_one(path: Path, monkeypatch, people) -> Path:
    """A workspace as segkit wrote it before format 2 (no merges/, pair_decisions/, nor their
    journal columns), with ``people`` in it."""
    old = {k: v for k, v in J.TABLES.items() if k not in J.LATER_TABLES}
    later = tuple(f"{t}_version" for t in J.LATER_TABLES)
    with monkeypatch.context() as m:
        m.setattr(J, "TABLES", old)
        m.setattr(J, "DATA_TABLES", tuple(old))
        m.setattr(J, "LATER_TABLES", ())
        m.setattr(J, "JOURNAL_SCHEMA", pl.Schema({
            k: v for k, v in J.JOURNAL_SCHEMA.items() if k not in later}))  # fmt: skip
        m.setattr(J, "FORMAT_VERSION", 1)
        Workspace.create(path).upsert(people)
    assert not (path / "merges").exists()
    assert not set(later) & set(pl.scan_delta(str(path / J.JOURNAL)).collect_schema())
    return path


def test_workspace_made_before_the_merge_tables(tmp_path: Path, monkeypatch, people) -> None:
    _format_one(tmp_path / "old", monkeypatch, people)
    marker = tmp_path / "old" / J.MARKER
    assert json.loads(marker.read_text())["format_version"] == 1
    ws = Workspace.open(tmp_path / "old")
    assert ws.merges().height == 0 and ws.pair_decisions().height == 0
    assert json.loads(marker.read_text())["format_version"] == 1  # reading changes nothing
    m = ws.merge([1, 2])
    # the first write made it format 2: a segkit that knows only format 1 now refuses it
    doc = json.loads(marker.read_text())
    assert doc["format_version"] == J.FORMAT_VERSION == 2 and "upgraded_by" in doc
    assert ws.n_contacts == 3 and ws.merges(m.merge_id).height == 2
    assert ws.dataset(1).contacts.height == 4  # versions before the upgrade still read
    ws.restore(1)
    assert ws.n_contacts == 4 and ws.merges().height == 0


def test_purge_history_upgrades_a_format_one_workspace_first(tmp_path: Path, monkeypatch,
                                                              people) -> None:  # fmt: skip
    ws = Workspace.open(_format_one(tmp_path / "old", monkeypatch, people))
    version = ws.purge_history()  # its first write: it must not purge tables it lacks
    assert ws.history()["operation"][0] == "purge_history" and version == ws.head().version
    assert json.loads((tmp_path / "old" / J.MARKER).read_text())["format_version"] == 2
    assert ws.dataset().n_contacts == 4 and ws.merges().height == 0
    ws.add_contact(email="next@x.com")
    assert Workspace.open(ws.path).n_contacts == 5


def test_new_contacts_never_reuse_a_merged_away_id(tmp_path):
    import polars as pl

    import segkit as sk

    ws = sk.Workspace.create(tmp_path / "ws")
    ws.import_contacts(pl.DataFrame({"email": ["a@x.com", "b@x.com"], "first_name": ["A", "A"]}))
    ids = sorted(ws.contacts()["contact_id"].to_list())
    result = ws.merge(ids)
    new_id = ws.add_contact(email="c@x.com")
    assert new_id > max(ids)  # the merged-away id stays reserved for an unmerge
    ws.unmerge(result.merge_id)
    assert sorted(ws.contacts()["contact_id"].to_list()) == [*ids, new_id]
