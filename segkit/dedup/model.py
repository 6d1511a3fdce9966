"""The Fellegi-Sunter model, fitted without labels by expectation-maximisation.

Each field compares to a level ``l`` (0 = disagree ... top = exact; -1 = missing). For true
duplicates a level occurs with probability ``m[l]``, for different people with ``u[l]``; a
pair's *match weight* is ``log2(prior odds) + sum over fields of log2(m[l] / u[l])`` (missing
fields add nothing) and its match probability is ``1 / (1 + 2 ** -weight)``.

EM fits ``m``, ``u`` and the share of duplicates among the *candidate* pairs, so the
probability is calibrated for the pairs blocking produced; ``u`` starts from each level's share
among all candidates (nearly all of which are different people). EM runs on the distinct comparison patterns with
their counts, not on pairs, so it costs the same for a thousand pairs or a hundred million.

Weights are made non-decreasing in the level (a closer agreement is never weaker evidence).
This matters because ``u`` is fitted on candidate pairs: blocking on ``last_name`` fills the
candidates with different people who share a surname, so *exact* surname agreement looks
weaker there than *close-but-not-exact* agreement, which no pass selects for. An exact level
therefore gets at least the weight of the looser levels below it (a running maximum).
Fitting ``u`` on random pairs instead and holding it fixed is not an option: candidate
non-matches agree on the blocked fields far more often than random pairs, and EM then calls
every candidate a match.

Households and colleagues share surname, address, phone and company: left alone, EM makes
"same household" its match class. Pairs whose *identity* fields (first name, full name, email,
birth date) all speak against a match are therefore held out of the match class during EM
(:func:`identity_conflict`), and the clustering never merges them automatically.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

_ALPHA = 0.5  # pseudo-count per level: no probability is ever exactly 0
_AGREE_BITS = 1.0  # an identity field "agrees" when it weighs more than this for a match
PLACE_ROLES = frozenset({"address", "city", "postal_code", "state", "country"})
_SHRINK = 20.0  # a level seen in n candidate pairs keeps n / (n + 20) of its weight


def _monotone(m: np.ndarray, u: np.ndarray, n: np.ndarray | None = None) -> np.ndarray:
    """log2(m/u), shrunk towards 0 for levels seen in few pairs, then a running maximum."""
    w = np.log2(np.asarray(m)) - np.log2(np.asarray(u))
    if n is not None:
        n = np.asarray(n, dtype=np.float64)
        w = w * n / (n + _SHRINK)
    return np.maximum.accumulate(w)


@dataclass(frozen=True)
class FieldParameters:
    """m and u probabilities of one field's levels (index 0 = disagree)."""

    name: str
    role: str
    labels: tuple[str, ...]
    m: tuple[float, ...]
    u: tuple[float, ...]
    counts: tuple[float, ...] | None = None  # candidate pairs seen at each level

    @property
    def weights(self) -> np.ndarray:
        """log2(m / u) per level, shrunk towards 0 where a level was seen in few pairs (a
        level nobody reached is no evidence), then raised where needed so a closer level never
        weighs less than a looser one (see the module notes on blocking)."""
        return _monotone(np.asarray(self.m), np.asarray(self.u),
                         None if self.counts is None else np.asarray(self.counts))  # fmt: skip


def identity_conflict(
    levels: list[np.ndarray],
    identity: list[bool],
    min_fields: int = 2,
    weights: list[np.ndarray] | None = None,
) -> np.ndarray:
    """True where at least ``min_fields`` identity fields are present on both sides and none
    of them agrees: an agreement is one of the field's two best levels with a positive weight,
    or any level weighing more than 1 bit for a match (without ``weights``: any level above 0).

    Identity fields (first name, full name, email, birth date) tell people apart; the others
    (surname, address, phone, company, ...) are shared by households and co-workers. A pair
    whose identity fields all disagree is two people who share a home or an office, however
    much else agrees. One disagreeing field alone is not enough: a typo or a wrong birth date
    happens to duplicates too.

    >>> lev = [np.array([0, 0, 3, -1]), np.array([0, 2, 0, 0])]
    >>> identity_conflict(lev, [True, True]).tolist()
    [True, False, False, False]
    """
    n = len(levels[0]) if levels else 0
    if min_fields <= 0:
        return np.zeros(n, dtype=bool)
    present = np.zeros(n, dtype=np.int32)
    agree = np.zeros(n, dtype=bool)
    for j, (lev, ident) in enumerate(zip(levels, identity, strict=True)):
        if not ident:
            continue
        present += lev >= 0
        if weights is None:
            agree |= lev > 0
        else:
            w = np.asarray(weights[j])
            top = len(w) - 1
            # close agreement (one of the two best levels) for a match, or strong evidence
            agrees = ((w > 0) & (np.arange(len(w)) >= top - 1)) | (w > _AGREE_BITS)
            agree |= (lev >= 0) & agrees[np.clip(lev, 0, None)]
    return (present >= min_fields) & ~agree


@dataclass(frozen=True)
class FellegiSunter:
    """A fitted model: per-field parameters and the prior share of duplicates among candidates."""

    fields: tuple[FieldParameters, ...]
    prior: float
    iterations: int = 0
    converged: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)
    identity: tuple[str, ...] = ()  # fields that identify a person (see identity_conflict)
    identity_min_fields: int = 2

    @property
    def prior_weight(self) -> float:
        return float(np.log2(self.prior / (1.0 - self.prior)))

    def weight_tables(self) -> list[np.ndarray]:
        return [f.weights for f in self.fields]

    def field_weights(
        self, levels: list[np.ndarray], adjust: list[np.ndarray | None] | None = None
    ) -> list[np.ndarray]:
        """Per field, the weight each pair's level contributes (0 where missing), plus the
        term-frequency adjustment of exact agreements where given (see ``compare``)."""
        out = []
        adjust = adjust or [None] * len(levels)
        for table, lev, adj in zip(self.weight_tables(), levels, adjust, strict=True):
            w = table[np.clip(lev, 0, None)].astype(np.float32)
            if adj is not None:
                w = w + adj
            w[lev < 0] = 0.0
            out.append(w)
        place = [j for j, f in enumerate(self.fields) if f.role in PLACE_ROLES]
        if len(place) > 1:
            # people move: street, postal code, city and state then all differ together, which
            # is one piece of evidence, not four. Only the strongest disagreement counts.
            neg = np.stack([np.minimum(out[j], 0.0) for j in place])
            keep = np.argmin(neg, axis=0)
            for k, j in enumerate(place):
                out[j] = np.where((out[j] < 0) & (keep != k), np.float32(0.0), out[j])
        return out

    def identity_conflict(self, levels: list[np.ndarray]) -> np.ndarray:
        """Pairs whose identity fields (enough of them present) all speak against a match."""
        mask = [f.name in self.identity for f in self.fields]
        return identity_conflict(levels, mask, self.identity_min_fields, self.weight_tables())

    def score(
        self, levels: list[np.ndarray], adjust: list[np.ndarray | None] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(match weight, match probability) of each pair."""
        total = np.full(len(levels[0]) if levels else 0, self.prior_weight, dtype=np.float64)
        for w in self.field_weights(levels, adjust):
            total += w
        prob = 1.0 / (1.0 + np.exp2(-np.clip(total, -60, 60)))
        return total, prob

    def to_frame(self) -> pl.DataFrame:
        """One row per field and level: label, m, u and the match weight (log2 m/u)."""
        rows = []
        for f in self.fields:
            for i, (label, m, u, w) in enumerate(zip(f.labels, f.m, f.u, f.weights, strict=True)):
                rows.append({"field": f.name, "role": f.role, "level": i, "label": label,
                             "m": m, "u": u, "weight": float(w),
                             "pairs": None if f.counts is None else f.counts[i]})  # fmt: skip
        return pl.DataFrame(rows)

    def to_dict(self) -> dict:
        return {
            "prior": self.prior,
            "iterations": self.iterations,
            "converged": self.converged,
            "identity": list(self.identity),
            "identity_min_fields": self.identity_min_fields,
            "fields": [
                {"name": f.name, "role": f.role, "labels": list(f.labels), "m": list(f.m),
                 "u": list(f.u), "counts": None if f.counts is None else list(f.counts)}
                for f in self.fields
            ],
        }  # fmt: skip

    def __str__(self) -> str:
        lines = [f"Fellegi-Sunter model: prior {self.prior:.4g} among candidate pairs "
                 f"({self.iterations} EM iterations{'' if self.converged else ', not converged'})"]  # fmt: skip
        for f in self.fields:
            lines.append(f"  {f.name} ({f.role}{', identity' if f.name in self.identity else ''})")
            counts = f.counts or (float("nan"),) * len(f.labels)
            for label, m, u, w, c in zip(f.labels, f.m, f.u, f.weights, counts, strict=True):
                lines.append(f"    {label:<45} m={m:.4f} u={u:.4f} weight={w:+.2f} "
                             f"({c:,.0f} pairs)")  # fmt: skip
        return "\n".join(lines)


# m and u per role (levels from "different" up to "exact"), used instead of EM when there are
# too few candidate pairs to learn from (a handful of contacts). Plain, conservative guesses.
DEFAULTS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "first_name": ((0.05, 0.05, 0.15, 0.75), (0.85, 0.05, 0.05, 0.05)),
    "last_name": ((0.03, 0.04, 0.13, 0.80), (0.90, 0.04, 0.03, 0.03)),
    "name": ((0.03, 0.04, 0.13, 0.80), (0.90, 0.04, 0.03, 0.03)),
    "email": ((0.10, 0.10, 0.80), (0.995, 0.004, 0.001)),
    "phone": ((0.15, 0.05, 0.80), (0.995, 0.004, 0.001)),
    "company": ((0.15, 0.05, 0.10, 0.70), (0.95, 0.02, 0.01, 0.02)),
    "address": ((0.20, 0.05, 0.10, 0.65), (0.99, 0.005, 0.003, 0.002)),
    "city": ((0.15, 0.05, 0.80), (0.90, 0.02, 0.08)),
    "postal_code": ((0.15, 0.05, 0.80), (0.95, 0.02, 0.03)),
    "state": ((0.10, 0.90), (0.80, 0.20)),
    "country": ((0.05, 0.95), (0.40, 0.60)),
    "birth_date": ((0.05, 0.02, 0.08, 0.85), (0.95, 0.04, 0.005, 0.005)),
    "exact": ((0.20, 0.80), (0.90, 0.10)),
    "text": ((0.20, 0.10, 0.70), (0.90, 0.05, 0.05)),
}
MIN_PAIRS_FOR_EM = 100
DEFAULT_PRIOR = 0.1


def level_frequencies(levels: np.ndarray, n_levels: int) -> np.ndarray:
    """Smoothed share of each level among the pairs where the field is present."""
    present = levels[levels >= 0]
    counts = np.bincount(present, minlength=n_levels).astype(np.float64) + _ALPHA
    return counts / counts.sum()


def _patterns(levels: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of the level matrix and how often each occurs, in a stable order."""
    frame = pl.DataFrame({f"f{i}": lev for i, lev in enumerate(levels)})
    grouped = frame.group_by(frame.columns).len().sort(frame.columns)
    return grouped.select(frame.columns).to_numpy().astype(np.int64), grouped["len"].to_numpy()


def fit(
    levels: list[np.ndarray],
    *,
    names: list[str],
    roles: list[str],
    labels: list[tuple[str, ...]],
    identity: list[bool] | None = None,
    identity_min_fields: int = 2,
    max_iter: int = 200,
    tol: float = 1e-6,
) -> FellegiSunter:
    """Fit m, u and the prior on candidate pairs by EM."""
    n_fields = len(levels)
    identity = list(identity or [False] * n_fields)
    ident = tuple(n for n, i in zip(names, identity, strict=True) if i)
    if n_fields == 0 or len(levels[0]) < MIN_PAIRS_FOR_EM:
        params = tuple(
            FieldParameters(n, r, lab, DEFAULTS[r][0], DEFAULTS[r][1])
            for n, r, lab in zip(names, roles, labels, strict=True)
        )
        note = (f"{len(levels[0]) if levels else 0} candidate pairs are too few to learn from "
                f"(EM needs {MIN_PAIRS_FOR_EM}): default parameters used")  # fmt: skip
        return FellegiSunter(params, prior=DEFAULT_PRIOR, iterations=0, converged=True,
                             notes=(note,), identity=ident,
                             identity_min_fields=identity_min_fields)  # fmt: skip
    pats, counts = _patterns(levels)
    counts = counts.astype(np.float64)
    pat_levels = [pats[:, j] for j in range(n_fields)]
    # known non-matches (identity fields all disagree) may not join the match class
    conflict = identity_conflict(pat_levels, identity, identity_min_fields)
    sizes = [len(lab) for lab in labels]
    # u starts at each level's share among all candidate pairs (nearly all are non-matches).
    # Starting it at random pairs' shares instead lets EM settle on a large cluster of
    # non-matches that blocking made look alike (e.g. same mailbox at another domain).
    u = []
    for j in range(n_fields):
        has = pats[:, j] >= 0
        c = np.bincount(pats[has, j], weights=counts[has], minlength=sizes[j]) + _ALPHA
        u.append(c / c.sum())
    m = []
    for k in sizes:
        init = np.full(k, 0.15 / max(k - 1, 1))
        init[-1] = 0.85
        m.append(init / init.sum())
    present = [pats[:, j] >= 0 for j in range(n_fields)]
    idx = [np.clip(pats[:, j], 0, None) for j in range(n_fields)]
    level_counts = [np.bincount(idx[j][present[j]], weights=counts[present[j]], minlength=sizes[j])
                    for j in range(n_fields)]  # fmt: skip

    def loglik_ratio(m, u):
        llr = np.zeros(len(pats))
        for j in range(n_fields):
            llr += np.where(present[j], np.log(m[j][idx[j]]) - np.log(u[j][idx[j]]), 0.0)
        return llr

    # start the prior at the share of candidates the starting parameters call a match
    llr0 = loglik_ratio(m, u)
    prior = float(np.clip((counts * ((llr0 > 0) & ~conflict)).sum() / counts.sum(), 1e-4, 0.5))
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - `it` is reported after the loop
        llr = loglik_ratio(m, u)
        logit = np.log(prior) - np.log1p(-prior) + llr
        g = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        g[conflict] = 0.0
        wm = counts * g
        wu = counts * (1.0 - g)
        new_prior = float(np.clip(wm.sum() / counts.sum(), 1e-9, 1 - 1e-9))
        new_m, new_u = [], []
        for j in range(n_fields):
            k = sizes[j]
            pm = np.bincount(idx[j][present[j]], weights=wm[present[j]], minlength=k) + _ALPHA
            pu = np.bincount(idx[j][present[j]], weights=wu[present[j]], minlength=k) + _ALPHA
            new_m.append(pm / pm.sum())
            new_u.append(pu / pu.sum())
        delta = max(
            abs(new_prior - prior),
            max(float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True)),
            max(float(np.abs(a - b).max()) for a, b in zip(new_u, u, strict=True)),
        )
        prior, m, u = new_prior, new_m, new_u
        weights = [_monotone(mm, uu, nn) for mm, uu, nn in zip(m, u, level_counts, strict=True)]
        conflict = identity_conflict(pat_levels, identity, identity_min_fields, weights)
        if delta < tol:
            converged = True
            break
    params = tuple(
        FieldParameters(n, r, lab, tuple(float(x) for x in mm), tuple(float(x) for x in uu),
                        tuple(float(x) for x in nn))
        for n, r, lab, mm, uu, nn in zip(names, roles, labels, m, u, level_counts, strict=True)
    )  # fmt: skip
    return FellegiSunter(params, prior=prior, iterations=it, converged=converged,
                         identity=ident, identity_min_fields=identity_min_fields)  # fmt: skip
