"""DuplicateReviewer driven from Python: merge, not a duplicate, skip, navigation, highlighting."""

from __future__ import annotations

import re

import polars as pl
import pytest

from segkit.data.dataset import Dataset
from segkit.dedup import find_duplicates
from segkit.dedup.synthetic import make_contacts
from segkit.store import Workspace
from segkit.widgets.duplicate_reviewer import DuplicateReviewer

ROW = re.compile(r"<tr class='(segkit-\w+)' data-field='(\w+)'")


@pytest.fixture
def ws(tmp_path) -> Workspace:
    ws = Workspace.create(tmp_path / "ws")
    contacts, _ = make_contacts(600, seed=2)
    ws.import_dataset(Dataset(contacts))
    return ws


@pytest.fixture
def report(ws: Workspace):
    return find_duplicates(ws.contacts())


def _key(pair: tuple[int, int]) -> str:
    return f"{min(pair)}:{max(pair)}"


def test_shows_pairs_one_at_a_time_with_progress(ws: Workspace, report) -> None:
    r = DuplicateReviewer(report, ws)
    n = report.review_queue().height
    assert r.n_pairs == n > 10
    assert r.progress.value.startswith(f"<b>1 of {n}</b>")
    first = r.pair
    row = report.review_queue().row(0, named=True)
    assert first == (row["contact_id_a"], row["contact_id_b"])
    assert f"{row['score']:.3f}" in r.score.value
    assert r.previous_button.disabled and not r.next_button.disabled
    r.next_button.click()
    assert r.progress.value.startswith(f"<b>2 of {n}</b>") and r.pair != first
    r.previous_button.click()
    assert r.pair == first
    for widget, cls in [(r, "segkit-reviewer"), (r.merge_button, "segkit-merge"),
                        (r.not_duplicate_button, "segkit-not-duplicate"),
                        (r.skip_button, "segkit-skip"), (r.progress, "segkit-progress")]:
        assert cls in widget._dom_classes


def test_differing_fields_are_highlighted(ws: Workspace, report) -> None:
    r = DuplicateReviewer(report, ws)
    a, b = r.pair
    rows = ws.contacts().filter(pl.col("contact_id").is_in([a, b]))
    ra = rows.filter(pl.col("contact_id") == a).row(0, named=True)
    rb = rows.filter(pl.col("contact_id") == b).row(0, named=True)
    shown = dict((f, cls) for cls, f in ROW.findall(r.comparison.value))
    compared = list(report.settings.fields)
    assert list(shown)[: len(compared)] == compared  # compared fields first
    for f, cls in shown.items():
        assert (cls == "segkit-diff") == (ra[f] != rb[f]), f
    assert r.differing_fields() == [f for f, c in shown.items() if c == "segkit-diff"]
    assert r.differing_fields()  # an uncertain pair differs somewhere
    # evidence of the compared fields, from report.pairs
    pair = report.pairs.filter((pl.col("contact_id_a") == a) & (pl.col("contact_id_b") == b))
    assert f"weight {pair['email_weight'][0]:+.1f}" in r.comparison.value
    # PII hidden on request, differences still found on the real values
    masked = DuplicateReviewer(report, ws, show_pii=False)
    assert masked.differing_fields() == r.differing_fields()
    if ra["email"]:
        assert ra["email"] not in masked.comparison.value and ra["email"] in r.comparison.value


def test_merge_button_commits_a_merge_and_its_decision(ws: Workspace, report) -> None:
    r = DuplicateReviewer(report, ws)
    n, version = ws.n_contacts, ws.version
    a, b = r.pair
    r.merge_button.click()
    assert ws.version == version + 1 and ws.history()["operation"][0] == "merge"
    assert ws.n_contacts == n - 1
    assert min(a, b) in ws.contacts()["contact_id"].to_list()
    assert max(a, b) not in ws.contacts()["contact_id"].to_list()
    d = ws.pair_decisions().row(0, named=True)
    assert (d["pair"], d["decision"], d["merge_id"]) == (_key((a, b)), "merge", ws.version)
    assert r.outcomes == {0: "merged"} and r.progress.value.startswith(f"<b>2 of {r.n_pairs}</b>")
    assert "merged contact" in r.message.value
    # later pairs naming the merged-away contact now show its survivor
    alive = set(ws.contacts()["contact_id"].to_list())
    for i in range(r.n_pairs):
        r.show(i)
        assert r.pair is None or set(r.pair) <= alive
    r.show(0)  # a decided pair cannot be decided again
    assert r.merge_button.disabled and r.not_duplicate_button.disabled
    ws.unmerge(ws.version)  # undoing the merge withdraws the decision: asked again
    assert DuplicateReviewer(report, ws).n_pairs == report.review_queue().height


def test_decisions_are_stored_and_not_asked_again(ws: Workspace, report) -> None:
    r = DuplicateReviewer(report, ws)
    n = r.n_pairs
    first = r.pair
    version = ws.version
    r.not_duplicate_button.click()
    assert ws.version == version + 1 and ws.history()["operation"][0] == "decide"
    stored = ws.pair_decisions()
    assert stored.select("pair", "decision").rows() == [(_key(first), "not_duplicate")]
    assert stored["score"][0] == pytest.approx(report.review_queue()["score"][0])
    skipped = r.pair
    r.skip_button.click()  # nothing stored
    assert ws.version == version + 1 and r.outcomes == {0: "not a duplicate", 1: "skipped"}
    assert "1 decided, 1 skipped" in r.progress.value
    # a second reviewer over a fresh report does not ask about the decided pair again
    again = DuplicateReviewer(find_duplicates(ws.contacts()), ws)
    pairs = [_key(p) for p in zip(again.queue["contact_id_a"], again.queue["contact_id_b"],
                                  strict=True)]  # fmt: skip
    assert again.n_pairs == n - 1
    assert _key(first) not in pairs and _key(skipped) in pairs
    assert again.pair == skipped


def test_empty_queue(ws: Workspace, report) -> None:
    r = DuplicateReviewer(report, ws)
    while r.n_pairs and len(r.outcomes) < r.n_pairs:
        r.skip()
    assert "every pair has been reviewed" in r.message.value
    r = DuplicateReviewer(report.__class__(
        pairs=report.pairs.head(0), clusters=report.clusters, settings=report.settings,
        model=report.model, blocking=report.blocking, n_contacts=report.n_contacts,
        n_candidates=report.n_candidates, timings=report.timings), ws)  # fmt: skip
    assert r.pair is None and r.progress.value == "<b>0 of 0</b>"
    assert r.merge_button.disabled and r.merge() is None
