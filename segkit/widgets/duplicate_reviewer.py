"""``DuplicateReviewer``: decide a report's uncertain duplicate pairs, one pair at a time.

The queue is ``workspace.review_pairs(report)``: the report's review queue with merged-away ids
replaced by their survivor and the pairs a person already decided left out, so a second
reviewer (even over a fresh ``find_duplicates`` report) never asks about them again. Each pair
is shown side by side, differing fields highlighted (rows of class ``segkit-diff``), with the
evidence of the compared fields (level, similarity, weight, from ``report.pairs``).

- **Merge** calls ``workspace.decide(a, b, "merge")``: one ``merge`` commit that also stores
  the decision (undo with ``workspace.unmerge(merge_id)``).
- **Not a duplicate** stores the decision (``decide`` commit, table ``pair_decisions``);
  ``workspace.dedupe`` will not merge the pair's cluster automatically either.
- **Skip** moves on and stores nothing: the pair is asked again next time.

PII is shown (a reviewer needs it) unless ``show_pii=False``; differences are found on the real
values either way. Stable CSS classes: ``segkit-reviewer``, ``segkit-progress``,
``segkit-comparison``, ``segkit-diff``, ``segkit-merge``, ``segkit-not-duplicate``,
``segkit-skip``, ``segkit-previous``, ``segkit-next``, ``segkit-message``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as w
import polars as pl

from segkit.errors import SegkitError
from segkit.privacy import mask_pii
from segkit.store import merge as _merge

DIFF_STYLE = "background:#fff1c2"
OUTCOMES = ("merged", "not a duplicate", "skipped")


def _text(value: Any) -> str:
    if value is None:
        return "<span class='segkit-empty' style='color:#98a2b3'>—</span>"
    if isinstance(value, list):
        return html.escape(", ".join(str(v) for v in value)) if value else \
            "<span class='segkit-empty' style='color:#98a2b3'>(none)</span>"  # fmt: skip
    if isinstance(value, dt.datetime):
        return html.escape(value.strftime("%Y-%m-%d %H:%M"))
    if isinstance(value, float):
        return html.escape(f"{value:g}")
    return html.escape(str(value))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return a == b


class DuplicateReviewer(w.VBox):
    """Review a :class:`~segkit.dedup.DuplicateReport`'s uncertain pairs and store the
    decisions in ``workspace`` (merge / not a duplicate / skip, previous / next)."""

    def __init__(self, report: Any, workspace: Any, *, show_pii: bool = True,
                 rules: Mapping[str, str] | None = None) -> None:  # fmt: skip
        super().__init__()
        self.add_class("segkit-reviewer")
        self.report = report
        self.workspace = workspace
        self.show_pii = show_pii
        self.rules = dict(rules) if rules else None
        self.compared = list(report.settings.fields)
        self.queue: pl.DataFrame = workspace.review_pairs(report)
        self.outcomes: dict[int, str] = {}  # queue position -> one of OUTCOMES
        self.index = 0
        self._rows: pl.DataFrame | None = None
        self.progress = w.HTML()
        self.progress.add_class("segkit-progress")
        self.score = w.HTML()
        self.score.add_class("segkit-score")
        self.comparison = w.HTML()
        self.comparison.add_class("segkit-comparison")
        self.merge_button = w.Button(description="Merge", icon="compress",
                                     button_style="warning", tooltip="same person: merge them")
        self.merge_button.add_class("segkit-merge")
        self.not_duplicate_button = w.Button(description="Not a duplicate", icon="ban",
                                             tooltip="different people: never merge them")
        self.not_duplicate_button.add_class("segkit-not-duplicate")
        self.skip_button = w.Button(description="Skip", icon="forward",
                                    tooltip="decide later (asked again next time)")
        self.skip_button.add_class("segkit-skip")
        self.previous_button = w.Button(description="Previous", icon="arrow-left")
        self.previous_button.add_class("segkit-previous")
        self.next_button = w.Button(description="Next", icon="arrow-right")
        self.next_button.add_class("segkit-next")
        self.message = w.HTML()
        self.message.add_class("segkit-message")
        self.merge_button.on_click(lambda _: self.merge())
        self.not_duplicate_button.on_click(lambda _: self.not_duplicate())
        self.skip_button.on_click(lambda _: self.skip())
        self.previous_button.on_click(lambda _: self.previous())
        self.next_button.on_click(lambda _: self.next())
        self.children = [
            w.HBox([self.previous_button, self.progress, self.next_button]),
            self.score, self.comparison,
            w.HBox([self.merge_button, self.not_duplicate_button, self.skip_button]),
            self.message,
        ]  # fmt: skip
        self.show(0)

    # -- the current pair -----------------------------------------------------------------------

    @property
    def n_pairs(self) -> int:
        return self.queue.height

    @property
    def pair(self) -> tuple[int, int] | None:
        """The current pair's contact ids, followed through merges made since the queue was
        built (None when the queue is empty or the pair is now one contact)."""
        if not self.n_pairs:
            return None
        row = self.queue.row(self.index, named=True)
        ids = pl.Series([row["contact_id_a"], row["contact_id_b"]], dtype=pl.Int64)
        now = _merge.resolve(ids, _merge.active_map(self.workspace.merges()))
        a, b = int(now[0]), int(now[1])
        return None if a == b else (a, b)

    def records(self) -> pl.DataFrame:
        """The two contacts of the current pair as they are now (a first)."""
        return self._records(self.pair)

    def _records(self, pair: tuple[int, int] | None) -> pl.DataFrame:
        if pair is None:
            return pl.DataFrame()
        data = self.workspace.dataset()
        rows = data.lazy_contacts().filter(pl.col("contact_id").is_in(list(pair))).collect()
        order = {pair[0]: 0, pair[1]: 1}
        return rows.sort(pl.col("contact_id").replace_strict(order, default=2))

    def differing_fields(self) -> list[str]:
        """Fields whose values differ between the two contacts (the highlighted rows)."""
        rows = self._rows if self._rows is not None else self.records()
        if rows.height != 2:
            return []
        a, b = rows.row(0, named=True), rows.row(1, named=True)
        return [f for f in self._fields(rows) if not _same(a.get(f), b.get(f))]

    def _fields(self, rows: pl.DataFrame) -> list[str]:
        """Compared fields first, then every other field either contact has a value in."""
        others = [c for c in rows.columns if c != "contact_id" and c not in self.compared
                  and rows[c].null_count() < rows.height
                  and not (isinstance(rows.schema[c], pl.List)
                           and rows[c].list.len().fill_null(0).max() == 0)]  # fmt: skip
        return [c for c in self.compared if c in rows.columns] + others

    # -- rendering ------------------------------------------------------------------------------

    def show(self, index: int) -> None:
        """Show the pair at ``index`` of the queue."""
        self.index = max(0, min(index, self.n_pairs - 1)) if self.n_pairs else 0
        skipped = sum(1 for o in self.outcomes.values() if o == "skipped")
        done = len(self.outcomes) - skipped
        if not self.n_pairs:
            self.progress.value = "<b>0 of 0</b>"
            self.score.value = ""
            self.comparison.value = "<i>nothing to review: every pair is decided</i>"
            self._enable(False, False)
            return
        self.progress.value = (f"<b>{self.index + 1} of {self.n_pairs}</b>"
                               f" <span style='color:#667085'>· {done} decided"
                               + (f", {skipped} skipped" if skipped else "") + "</span>")
        row = self.queue.row(self.index, named=True)
        pair = self.pair
        outcome = self.outcomes.get(self.index)
        reported = (row["reported_a"], row["reported_b"])
        note = "" if pair == reported else \
            f" · reported as {reported[0]} &amp; {reported[1]}"  # fmt: skip
        status = f" · <b>{html.escape(outcome)}</b>" if outcome else ""
        self.score.value = (f"match probability <b>{row['score']:.3f}</b> (weight "
                            f"{row['match_weight']:+.1f}) · {html.escape(str(row['reason']))}"
                            f"{note}{status}")  # fmt: skip
        if pair is None:
            self._rows = None
            self.comparison.value = "<i>these two are one contact now (merged)</i>"
            self._enable(False, True)
            return
        rows = self._records(pair)
        self._rows = rows
        if rows.height != 2:
            self.comparison.value = "<i>one of these contacts no longer exists</i>"
            self._enable(False, True)
            return
        self.comparison.value = self._table(rows, row)
        self._enable(outcome not in ("merged", "not a duplicate"), True)

    def _table(self, rows: pl.DataFrame, evidence: Mapping[str, Any]) -> str:
        shown = rows if self.show_pii else mask_pii(rows)
        a, b = rows.row(0, named=True), rows.row(1, named=True)
        sa, sb = shown.row(0, named=True), shown.row(1, named=True)
        head = (f"<tr><th style='text-align:left'>field</th><th style='text-align:left'>contact "
                f"{a['contact_id']}</th><th style='text-align:left'>contact {b['contact_id']}"
                "</th><th style='text-align:left'>evidence</th></tr>")  # fmt: skip
        body = []
        for f in self._fields(rows):
            differ = not _same(a.get(f), b.get(f))
            cls = "segkit-diff" if differ else "segkit-same"
            style = f" style='{DIFF_STYLE}'" if differ else ""
            ev = ""
            if f"{f}_level" in evidence:
                sim = evidence.get(f"{f}_similarity")
                wt = evidence.get(f"{f}_weight")
                ev = html.escape(str(evidence[f"{f}_level"]))
                ev += f" · similarity {sim:.2f}" if sim is not None else ""
                ev += f" · weight {wt:+.1f}" if wt is not None else ""
            body.append(f"<tr class='{cls}' data-field='{html.escape(f)}'{style}><td>"
                        f"{html.escape(f)}</td><td>{_text(sa.get(f))}</td><td>"
                        f"{_text(sb.get(f))}</td><td style='color:#475467'>{ev}</td></tr>")
        return (f"<table class='segkit-pair' style='border-collapse:collapse'>{head}"
                f"{''.join(body)}</table>")  # fmt: skip

    def _enable(self, decide: bool, navigate: bool) -> None:
        self.merge_button.disabled = not decide
        self.not_duplicate_button.disabled = not decide
        self.skip_button.disabled = not navigate
        self.previous_button.disabled = not navigate or self.index == 0
        self.next_button.disabled = not navigate or self.index >= self.n_pairs - 1

    def _say(self, text: str, ok: bool = True) -> None:
        color = "#1a7f37" if ok else "#b42318"
        self.message.value = f"<span style='color:{color}'>{text}</span>"

    # -- actions --------------------------------------------------------------------------------

    def _score(self) -> float:
        return float(self.queue["score"][self.index])

    def merge(self) -> _merge.MergeResult | None:
        """Merge the current pair (one commit, decision stored) and move on."""
        decided = self._decide("merge", "merged", rules=self.rules)
        if decided is None:
            return None
        _, result = decided
        self._say(f"merged contact {', '.join(map(str, result.id_map['contact_id']))} into "
                  f"{result.survivors[0]} (merge {result.merge_id}, version {result.version})"
                  + self._advance())  # fmt: skip
        return result

    def not_duplicate(self) -> None:
        """Store that the current pair are different people, and move on."""
        decided = self._decide("not_duplicate", "not a duplicate")
        if decided is not None:
            (a, b), _ = decided
            self._say(f"{a} and {b}: not a duplicate (version {self.workspace.version})"
                      + self._advance())  # fmt: skip

    def _decide(self, decision: str, outcome: str, **kw: Any) -> tuple[tuple[int, int], Any] | None:
        """``ws.decide`` on the current pair and record ``outcome``: the pair and what
        ``decide`` returned, or None when there was nothing to decide or it failed (said)."""
        pair = self.pair
        if pair is None or self.outcomes.get(self.index) in ("merged", "not a duplicate"):
            return None
        try:
            result = self.workspace.decide(*pair, decision, score=self._score(), **kw)
        except SegkitError as exc:
            self._say(html.escape(str(exc)), ok=False)
            return None
        self.outcomes[self.index] = outcome
        return pair, result

    def skip(self) -> None:
        """Leave the current pair undecided (asked again next time) and move on."""
        if self.n_pairs:
            self.outcomes.setdefault(self.index, "skipped")
            done = self._advance()
            self.message.value = ""
            if done:
                self._say(done.lstrip(" ·"))

    def next(self) -> None:
        self.show(self.index + 1)

    def previous(self) -> None:
        self.show(self.index - 1)

    def _advance(self) -> str:
        """To the next pair without an outcome (after the current one, else from the start);
        returns a note when there is none left."""
        order = list(range(self.index + 1, self.n_pairs)) + list(range(0, self.index))
        nxt = next((i for i in order if i not in self.outcomes), None)
        self.show(self.index if nxt is None else nxt)
        return " · every pair has been reviewed" if nxt is None else ""
