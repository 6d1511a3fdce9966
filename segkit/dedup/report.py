"""``DuplicateReport``: what :func:`~segkit.dedup.find_duplicates` found, ready for a person
and for the merge step.

- ``pairs``: every compared pair whose match probability reached the review threshold, with a
  ``decision`` (``match``: same cluster; ``review``: a person should look) and per-field
  evidence ``<field>_level``, ``<field>_similarity`` and ``<field>_weight``. The weights plus
  the prior weight sum to ``match_weight``; ``score = 1 / (1 + 2 ** -match_weight)``.
- ``clusters``: ``contact_id``, ``cluster_id`` for every contact in a cluster of two or more.
  A merge step folds each cluster into one contact.
- ``review_queue()``: the pairs a person should decide, most likely duplicates first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from segkit import _html
from segkit.dedup.blocking import PassStats
from segkit.dedup.model import FellegiSunter
from segkit.dedup.settings import DedupSettings


@dataclass(frozen=True)
class DedupSummary:
    """Counts describing one run of :func:`~segkit.dedup.find_duplicates`."""

    contacts: int
    fields: int
    candidate_pairs: int
    pairs_reported: int
    confident_pairs: int
    clusters: int
    contacts_in_clusters: int
    duplicates: int  # contacts a merge would remove: sum of (cluster size - 1)
    largest_cluster: int
    review_pairs: int
    prior: float
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __str__(self) -> str:
        return (
            f"{self.contacts:,} contacts, {self.fields} fields compared\n"
            f"{self.candidate_pairs:,} candidate pairs from blocking "
            f"({self.candidate_pairs / max(self.contacts, 1):.1f} per contact)\n"
            f"{self.confident_pairs:,} confident pairs -> {self.clusters:,} clusters holding "
            f"{self.contacts_in_clusters:,} contacts (largest {self.largest_cluster}); "
            f"merging them removes {self.duplicates:,} duplicates\n"
            f"{self.review_pairs:,} pairs to review\n"
            f"finished in {self.seconds:.2f} s ("
            + ", ".join(f"{k} {v:.2f}" for k, v in self.timings.items())
            + ")"
            + "".join(f"\nnote: {n}" for n in self.notes)
        )


class DuplicateReport:
    """The result of :func:`~segkit.dedup.find_duplicates`. Nothing here mutates."""

    def __init__(
        self,
        *,
        pairs: pl.DataFrame,
        clusters: pl.DataFrame,
        settings: DedupSettings,
        model: FellegiSunter,
        blocking: list[PassStats],
        n_contacts: int,
        n_candidates: int,
        timings: dict[str, float],
        explain: Callable[[Any, Any], pl.DataFrame] | None = None,
    ) -> None:
        self._pairs = pairs
        self._clusters = clusters
        self.settings = settings
        self.model = model
        self.blocking = list(blocking)
        self.n_contacts = n_contacts
        self.n_candidates = n_candidates
        self.timings = dict(timings)
        self._explain = explain

    @property
    def pairs(self) -> pl.DataFrame:
        """Pairs with score >= the review threshold, most likely first."""
        return self._pairs

    @property
    def clusters(self) -> pl.DataFrame:
        """``contact_id``, ``cluster_id`` of every contact in a cluster of two or more."""
        return self._clusters

    @property
    def threshold(self) -> float:
        return self.settings.threshold

    @property
    def review_threshold(self) -> float:
        return self.settings.review_threshold

    @property
    def evidence_columns(self) -> list[str]:
        """The per-field evidence columns of :attr:`pairs`."""
        return [f"{c}_{part}" for c in self.settings.fields
                for part in ("level", "similarity", "weight")]  # fmt: skip

    def review_queue(self) -> pl.DataFrame:
        """Pairs a person should decide: uncertain ones (review threshold <= score <
        threshold) and confident ones the clustering kept apart because the rest of a cluster
        did not agree; never pairs already in one cluster. Most likely duplicates first."""
        return self._pairs.filter(pl.col("decision") == "review")

    def confident_pairs(self) -> pl.DataFrame:
        """Pairs at or above the auto-merge threshold."""
        return self._pairs.filter(pl.col("score") >= self.settings.threshold)

    def explain(self, contact_a: Any, contact_b: Any) -> pl.DataFrame:
        """Why two contacts score as they do: one row per field with both normalised values,
        the comparison level, similarity and weight, plus the prior and the total."""
        if self._explain is None:
            raise RuntimeError("this report was built without its contacts; nothing to explain")
        return self._explain(contact_a, contact_b)

    def summary(self) -> DedupSummary:
        sizes = self._clusters.group_by("cluster_id").len()["len"]
        return DedupSummary(
            contacts=self.n_contacts,
            fields=len(self.settings.fields),
            candidate_pairs=self.n_candidates,
            pairs_reported=self._pairs.height,
            confident_pairs=int((self._pairs["score"] >= self.settings.threshold).sum()),
            clusters=sizes.len(),
            contacts_in_clusters=self._clusters.height,
            duplicates=self._clusters.height - sizes.len(),
            largest_cluster=int(sizes.max() or 0),
            review_pairs=int((self._pairs["decision"] == "review").sum()),
            prior=self.model.prior,
            seconds=sum(self.timings.values()),
            timings=self.timings,
            notes=self.model.notes,
        )

    def __repr__(self) -> str:
        s = self.summary()
        return (f"DuplicateReport({s.contacts:,} contacts, {s.clusters:,} clusters, "
                f"{s.duplicates:,} duplicates, {s.review_pairs:,} to review)")  # fmt: skip

    def __str__(self) -> str:
        return str(self.summary())

    def _repr_html_(self) -> str:
        s = self.summary()
        cols = [c for c in ("contact_id_a", "contact_id_b", "score", "decision", "reason")
                if c in self._pairs.columns]  # fmt: skip
        top = self._pairs.select(cols).with_columns(pl.col("score").round(4))
        return (
            f"<div><b>Duplicate report</b>: {s.contacts:,} contacts, {s.clusters:,} clusters "
            f"holding {s.duplicates:,} duplicates, {s.review_pairs:,} pairs to review "
            f"({s.seconds:.1f}s){_html.table(top, limit=10)}</div>"
        )
