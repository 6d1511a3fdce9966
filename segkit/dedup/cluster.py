"""Clustering scored pairs into groups of one person's records, without chaining.

1. Connected components over *confident* edges (match probability >= ``threshold``).
2. A component of three or more is kept whole only if **every** pair of its members has a
   match probability of at least ``min_score`` (pairs blocking did not produce are scored now).
   This is what stops ``A~B~C~D~E`` from becoming one person when A and E have nothing in
   common.
3. A component that fails is split by agglomeration restricted to it: clusters are merged along
   the strongest confident link first, and only when every cross pair is >= ``min_score``
   (single-linkage order, complete-linkage veto).

Components bigger than ``max_dense`` members (a shared generic mailbox can link hundreds) are
first cut by raising the edge threshold inside them until the pieces are small enough.
Everything is vectorised except the per-component loop of step 3, which only runs for the
(rare) components that fail the check, over a small dense matrix.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

ScorePairs = Callable[[np.ndarray, np.ndarray], np.ndarray]


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Component label (smallest member row) of each of ``n`` nodes, edges ``a[i]-b[i]``."""
    labels = np.arange(n, dtype=np.int64)
    if len(a) == 0:
        return labels
    a = a.astype(np.int64)
    b = b.astype(np.int64)
    while True:
        m = np.minimum(labels[a], labels[b])
        new = labels.copy()
        np.minimum.at(new, a, m)
        np.minimum.at(new, b, m)
        while True:  # pointer jumping
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            return labels
        labels = new


def _codes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lo = np.minimum(a, b).astype(np.uint64)
    hi = np.maximum(a, b).astype(np.uint64)
    return (lo << np.uint64(32)) | hi


class PairScores:
    """Look up match probabilities of already-scored pairs; score the others on demand."""

    def __init__(self, a: np.ndarray, b: np.ndarray, prob: np.ndarray, score: ScorePairs):
        codes = _codes(a, b)
        order = np.argsort(codes, kind="stable")
        self.codes = codes[order]
        self.prob = prob[order]
        self.score = score
        self.extra_a: list[np.ndarray] = []
        self.extra_b: list[np.ndarray] = []

    def get(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        codes = _codes(a, b)
        pos = np.searchsorted(self.codes, codes)
        pos_ok = np.minimum(pos, max(len(self.codes) - 1, 0))
        found = (pos < len(self.codes)) & (self.codes[pos_ok] == codes) if len(self.codes) else (
            np.zeros(len(codes), dtype=bool)
        )
        out = np.empty(len(codes), dtype=np.float64)
        if len(self.codes):
            out[found] = self.prob[pos_ok[found]]
        missing = ~found
        if missing.any():
            lo = np.minimum(a, b)[missing]
            hi = np.maximum(a, b)[missing]
            out[missing] = self.score(lo, hi)
            self.extra_a.append(lo)
            self.extra_b.append(hi)
        return out


def _within_pairs(labels: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (a < b) of rows sharing a label, among ``members``."""
    frame = pl.DataFrame({"c": labels[members], "r": members})
    p = frame.join(frame, on="c", suffix="_b").filter(pl.col("r") < pl.col("r_b"))
    return p["r"].to_numpy(), p["r_b"].to_numpy()


def _split_dense(rows: np.ndarray, S: np.ndarray, threshold: float, min_score: float) -> np.ndarray:
    """Cluster one component given its full probability matrix; returns a label per row."""
    k = len(rows)
    mx = S.copy()
    mn = S.copy()
    np.fill_diagonal(mx, -1.0)
    np.fill_diagonal(mn, -1.0)
    active = np.ones(k, dtype=bool)
    label = np.arange(k)
    while True:
        ok = (mx >= threshold) & (mn >= min_score)
        ok &= active[:, None] & active[None, :]
        np.fill_diagonal(ok, False)
        if not ok.any():
            break
        cand = np.where(ok, mx, -1.0)
        flat = int(np.argmax(cand))  # first maximum: deterministic
        i, j = divmod(flat, k)
        i, j = min(i, j), max(i, j)
        mx[i, :] = np.maximum(mx[i, :], mx[j, :])
        mx[:, i] = mx[i, :]
        mn[i, :] = np.minimum(mn[i, :], mn[j, :])
        mn[:, i] = mn[i, :]
        mx[i, i] = mn[i, i] = -1.0
        active[j] = False
        label[label == j] = i
    return rows[label]


def cluster(
    n: int,
    a: np.ndarray,
    b: np.ndarray,
    prob: np.ndarray,
    *,
    threshold: float,
    min_score: float,
    score_pairs: ScorePairs,
    max_dense: int = 200,
) -> tuple[np.ndarray, PairScores]:
    """Label per row (the smallest row of its cluster; a row alone keeps its own number).

    ``a``, ``b``, ``prob``: every scored pair; ``score_pairs(a, b)`` scores pairs not among them.
    Returns the labels and the :class:`PairScores` (whose ``extra_*`` list the pairs it scored).
    """
    scores = PairScores(a, b, prob, score_pairs)
    conf = prob >= threshold
    ea, eb, ep = a[conf].astype(np.int64), b[conf].astype(np.int64), prob[conf]
    labels = components(n, ea, eb)

    # cut giant components by raising the threshold inside them
    level = threshold
    while True:
        sizes = np.bincount(labels, minlength=n)
        giant = sizes[labels] > max_dense
        if not giant.any() or level >= 1 - 1e-12:
            break
        level = 1 - (1 - level) / 10
        inside = giant[ea]
        keep = ~inside | (ep >= level)
        ea, eb, ep = ea[keep], eb[keep], ep[keep]
        labels = components(n, ea, eb)

    sizes = np.bincount(labels, minlength=n)
    big = np.flatnonzero((sizes[labels] >= 3) & (sizes[labels] <= max_dense))
    if big.size:
        pa, pb = _within_pairs(labels, big)
        ps = scores.get(pa, pb)
        comp = labels[pa]
        worst = pl.DataFrame({"c": comp, "p": ps}).group_by("c").agg(pl.col("p").min())
        failing = np.sort(worst.filter(pl.col("p") < min_score)["c"].to_numpy())
        if failing.size:
            order = np.argsort(comp, kind="stable")
            comp_sorted = comp[order]
            for c in failing:
                rows = np.flatnonzero(labels == c)
                lo, hi = np.searchsorted(comp_sorted, [c, c + 1])
                sel = order[lo:hi]
                ia = np.searchsorted(rows, pa[sel])  # rows is sorted
                ib = np.searchsorted(rows, pb[sel])
                S = np.eye(len(rows))
                S[ia, ib] = ps[sel]
                S[ib, ia] = ps[sel]
                labels[rows] = _split_dense(rows, S, threshold, min_score)
    # giant components that stayed giant (identical records by the hundred) are left whole
    return labels, scores
