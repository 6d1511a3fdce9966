"""Field comparators: two normalised values -> a discrete comparison level and a similarity.

Each role has one comparator in :data:`COMPARATORS` (loud on an unknown role). Comparators
work on whole arrays of pairs at once. Every normalised text column is dictionary-encoded once
(:class:`Encoded`: an integer code per contact, the distinct values once), so exact agreement
and missing values are integer comparisons, and string similarity is computed by rapidfuzz's
``process.cpdist`` (vectorised C++, GIL released) only for the *distinct* pairs of values that
are present and different, then spread back to the pairs. No Python loop runs over pairs.

Levels are ordered from 0 (disagree) up to the best (exact); ``-1`` means a value is missing
on one side, which the model treats as no evidence either way. ``LEVELS[role]`` names them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import distance, fuzz, process

MISSING = -1
_WORKERS = max(1, min(4, os.cpu_count() or 1))

LEVELS: dict[str, tuple[str, ...]] = {
    "first_name": ("different", "similar (Jaro-Winkler >= 0.80) or initial",
                   "close (Jaro-Winkler >= 0.92) or nickname", "exact"),
    "last_name": ("different", "similar (Jaro-Winkler >= 0.80)", "close (Jaro-Winkler >= 0.92)",
                  "exact"),
    "name": ("different", "similar (token set >= 0.75)", "close (token set >= 0.90)", "exact"),
    "email": ("different", "same mailbox or one typo", "exact"),
    "phone": ("different", "same last 7 digits or one typo", "exact"),
    "company": ("different", "similar (token set >= 0.75)", "close (token set >= 0.90)",
                "exact"),
    "address": ("different", "similar (token set >= 0.80)", "one or two typos", "exact"),
    "city": ("different", "close (Jaro-Winkler >= 0.90)", "exact"),
    "postal_code": ("different", "one typo", "exact"),
    "state": ("different", "exact"),
    "country": ("different", "exact"),
    "birth_date": ("different", "within a year", "one typo or day/month swapped", "exact"),
    "exact": ("different", "exact"),
    "text": ("different", "close (Jaro-Winkler >= 0.90)", "exact"),
}  # fmt: skip

_DISTANCES = (distance.Levenshtein.distance, distance.OSA.distance)


# Roles whose exact agreement is weighed by how common the value is (term frequency): two
# "Smith"s or two contacts in "London" say less than two "Oyelaran"s or two in "Tromsø".
TF_ROLES = frozenset({"first_name", "last_name", "name", "city", "company"})
TF_CLAMP = 4.0  # bits: the adjustment is kept within [-4, +4]


@dataclass(frozen=True)
class Compared:
    """One field compared over many pairs: ``level`` (int8, -1 missing), ``similarity``
    (float32 in [0, 1], NaN when missing) and, for term-frequency roles, ``tf`` (float32 bits
    added to the weight of exact agreements, 0 elsewhere)."""

    level: np.ndarray
    similarity: np.ndarray
    tf: np.ndarray | None = None


class Encoded:
    """A text column as integer codes (-1 for null) into its sorted distinct values."""

    def __init__(self, codes: np.ndarray, values: np.ndarray) -> None:
        self.codes = codes
        self.values = values  # numpy object array of str
        self._cache: dict[str, np.ndarray] = {}

    @classmethod
    def of(cls, columns: list[pl.Series]) -> list[Encoded]:
        """Encode one or more columns with one shared dictionary (codes comparable across)."""
        allvals = pl.concat([c.cast(pl.String) for c in columns]).drop_nulls().unique().sort()
        values = np.asarray(allvals.to_list(), dtype=object)
        if allvals.len() == 0:
            return [cls(np.full(len(c), -1, dtype=np.int64), values) for c in columns]
        enum = pl.Enum(allvals)
        out = []
        for c in columns:
            codes = c.cast(pl.String).cast(enum).to_physical().cast(pl.Int64).fill_null(-1)
            out.append(cls(codes.to_numpy(), values))
        return out

    def per_value(self, name: str, fn: Callable[[pl.Series], pl.Series]) -> np.ndarray:
        """``fn`` applied to the distinct values (cached), as a numpy array indexed by code."""
        if name not in self._cache:
            self._cache[name] = fn(pl.Series(self.values.tolist(), dtype=pl.String)).to_numpy()
        return self._cache[name]

    def per_value_codes(self, name: str, fn: Callable[[pl.Series], pl.Series]) -> np.ndarray:
        """Codes (-1 null) of ``fn`` applied to the distinct values: equal codes, equal results."""
        if name not in self._cache:
            derived = fn(pl.Series(self.values.tolist(), dtype=pl.String))
            (enc,) = Encoded.of([derived])
            self._cache[name] = enc.codes
        return self._cache[name]


def tf_adjustment(e: Encoded, codes: np.ndarray, equal: np.ndarray) -> np.ndarray:
    """Bits to add to an exact agreement on each value: ``log2(sum(p^2) / p_value)``.

    ``sum(p^2)`` is how often two random contacts agree on this field at all and ``p_value``
    how often they agree given one holds this value, so common values weigh less, rare ones
    more (Winkler's frequency-based matching); clamped to +-``TF_CLAMP``.
    """
    if "tf" not in e._cache:
        own = e.codes[e.codes >= 0]
        counts = np.bincount(own, minlength=len(e.values)).astype(np.float64)
        total = counts.sum()
        if total == 0:
            e._cache["tf"] = np.zeros(len(e.values), dtype=np.float32)
        else:
            p = counts / total
            s2 = float((p**2).sum())
            adj = np.log2(s2 / np.maximum(p, 1.0 / total))
            e._cache["tf"] = np.clip(adj, -TF_CLAMP, TF_CLAMP).astype(np.float32)
    out = np.zeros(len(codes), dtype=np.float32)
    out[equal] = e._cache["tf"][codes[equal]]
    return out


class Encodings:
    """Lazily built :class:`Encoded` columns of a normalised frame, shared across chunks."""

    def __init__(self, norm: pl.DataFrame, groups: list[list[str]] | None = None) -> None:
        self.norm = norm
        self._enc: dict[str, Encoded] = {}
        self._group_of = {c: g for g in (groups or []) for c in g}
        self._numeric: dict[str, np.ndarray] = {}

    def __getitem__(self, column: str) -> Encoded:
        if column not in self._enc:
            group = self._group_of.get(column, [column])
            for c, e in zip(group, Encoded.of([self.norm[c] for c in group]), strict=True):
                self._enc[c] = e
        return self._enc[column]

    def days(self, column: str) -> np.ndarray:
        """A Date column as float days since 1970 (NaN for null)."""
        if column not in self._numeric:
            s = self.norm[column]
            self._numeric[column] = s.to_physical().cast(pl.Float64).to_numpy()
        return self._numeric[column]


class Pairs:
    """The pairs ``(a[i], b[i])`` being compared and per-column codes of their two sides."""

    def __init__(self, enc: Encodings, a: np.ndarray, b: np.ndarray) -> None:
        self.enc = enc
        self.a = np.asarray(a, dtype=np.int64)
        self.b = np.asarray(b, dtype=np.int64)
        self.n = len(self.a)
        self._override: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def codes(self, column: str) -> tuple[Encoded, np.ndarray, np.ndarray]:
        e = self.enc[column]
        if column in self._override:
            return (e, *self._override[column])
        return e, e.codes[self.a], e.codes[self.b]

    def override(self, column: str, ca: np.ndarray, cb: np.ndarray) -> None:
        self._override[column] = (ca, cb)


def _base(ca: np.ndarray, cb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(present on both sides, exactly equal, present and different)."""
    present = (ca >= 0) & (cb >= 0)
    equal = present & (ca == cb)
    return present, equal, present & ~equal


def distinct_scores(
    values: np.ndarray, ca: np.ndarray, cb: np.ndarray, mask: np.ndarray, scorers: list, **kw
) -> list[np.ndarray]:
    """Each rapidfuzz scorer on the pairs where ``mask`` holds, computed once per distinct
    pair of values; 0 elsewhere. Distances come back as int32, similarities as float32."""
    outs = [np.zeros(len(ca), dtype=np.int32 if s in _DISTANCES else np.float32) for s in scorers]
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return outs
    width = np.int64(len(values) + 1)
    key = ca[idx] * width + cb[idx]
    # distinct keys and, per pair, which one it is (polars' dense rank: faster than np.unique)
    inverse = (pl.Series(key).rank("dense").to_numpy() - 1).astype(np.int64)
    uniq = np.empty(int(inverse.max()) + 1, dtype=np.int64)
    uniq[inverse] = key
    left = values[uniq // width].tolist()
    right = values[uniq % width].tolist()
    for out, scorer in zip(outs, scorers, strict=True):
        res = process.cpdist(left, right, scorer=scorer, workers=_WORKERS, **kw)
        out[idx] = res.reshape(-1)[inverse.reshape(-1)]
    return outs


def _edit_similarity(e: Encoded, ca: np.ndarray, cb: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """1 - distance / length of the longer string (the normalised edit similarity)."""
    lengths = e.per_value("len", lambda s: s.str.len_chars())
    la = np.where(ca >= 0, lengths[np.clip(ca, 0, None)], 0) if len(lengths) else np.zeros(len(ca))
    lb = np.where(cb >= 0, lengths[np.clip(cb, 0, None)], 0) if len(lengths) else np.zeros(len(cb))
    return np.clip(1.0 - dist / np.maximum(np.maximum(la, lb), 1), 0.0, 1.0).astype(np.float32)


def _finish(
    present: np.ndarray, level: np.ndarray, sim: np.ndarray, tf: np.ndarray | None = None
) -> Compared:
    level = np.where(present, level, MISSING).astype(np.int8)
    sim = np.where(present, sim, np.nan).astype(np.float32)
    return Compared(level, sim, tf)


def _cuts(sim: np.ndarray, cuts: tuple[float, ...]) -> np.ndarray:
    level = np.zeros(len(sim), dtype=np.int8)
    for i, cut in enumerate(cuts, start=1):
        level[sim >= cut] = i
    return level


def _jw_levels(pairs: Pairs, col: str, cuts: tuple[float, ...]) -> tuple[Compared, tuple]:
    e, ca, cb = pairs.codes(col)
    present, equal, diff = _base(ca, cb)
    (sim,) = distinct_scores(e.values, ca, cb, diff, [distance.JaroWinkler.normalized_similarity])
    sim[equal] = 1.0
    level = _cuts(sim, cuts)
    level[equal] = len(cuts) + 1
    return _finish(present, level, sim, tf_adjustment(e, ca, equal)), (e, ca, cb, diff)


def compare_first_name(pairs: Pairs, col: str) -> Compared:
    from segkit.dedup.normalise import nickname_key

    out, (e, ca, cb, diff) = _jw_levels(pairs, col, (0.80, 0.92))
    level, sim = out.level, out.similarity
    nick = e.per_value_codes("nick", nickname_key)
    na = np.where(ca >= 0, nick[np.clip(ca, 0, None)], -1) if len(nick) else ca
    nb = np.where(cb >= 0, nick[np.clip(cb, 0, None)], -1) if len(nick) else cb
    is_nick = diff & (na >= 0) & (na == nb)
    level[is_nick] = np.maximum(level[is_nick], 2)
    sim[is_nick] = np.maximum(sim[is_nick], 0.95)
    # "T" and "Theresa": an initial that fits counts as similar
    first = e.per_value_codes("initial", lambda s: s.str.slice(0, 1))
    lengths = e.per_value("len", lambda s: s.str.len_chars())
    if len(lengths):
        fa, fb = first[np.clip(ca, 0, None)], first[np.clip(cb, 0, None)]
        short = (lengths[np.clip(ca, 0, None)] == 1) | (lengths[np.clip(cb, 0, None)] == 1)
        initial = diff & short & (fa == fb) & (level == 0)
        level[initial] = 1
    return out


def compare_last_name(pairs: Pairs, col: str) -> Compared:
    return _jw_levels(pairs, col, (0.80, 0.92))[0]


def compare_text(pairs: Pairs, col: str) -> Compared:
    out = _jw_levels(pairs, col, (0.90,))[0]
    return Compared(out.level, out.similarity)  # no term frequencies for free text


def compare_city(pairs: Pairs, col: str) -> Compared:
    return _jw_levels(pairs, col, (0.90,))[0]


def _token_levels(pairs: Pairs, col: str, cuts: tuple[float, ...]) -> Compared:
    e, ca, cb = pairs.codes(col)
    present, equal, diff = _base(ca, cb)
    (tok,) = distinct_scores(e.values, ca, cb, diff, [fuzz.token_set_ratio])
    sim = tok / np.float32(100)
    sim[equal] = 1.0
    level = _cuts(sim, cuts)
    # token_set_ratio is 100 when one name's words are a subset of the other's: that is
    # "close", not "exact"
    level[diff & (level > len(cuts))] = len(cuts)
    level[equal] = len(cuts) + 1
    return _finish(present, level, sim, tf_adjustment(e, ca, equal))


def compare_name(pairs: Pairs, col: str) -> Compared:
    # words in alphabetical order: "smith john" and "john smith" are the same name
    return _token_levels(pairs, f"{col}~sorted", (0.75, 0.90))


def compare_company(pairs: Pairs, col: str) -> Compared:
    return _token_levels(pairs, col, (0.75, 0.90))


def compare_address(pairs: Pairs, col: str) -> Compared:
    e, ca, cb = pairs.codes(col)
    present, equal, diff = _base(ca, cb)
    (lev,) = distinct_scores(e.values, ca, cb, diff, [distance.Levenshtein.distance])
    edit = _edit_similarity(e, ca, cb, lev)
    # house numbers that differ are different addresses, however close the street name
    _, ha, hb = pairs.codes(f"{col}~number")
    number_clash = (ha >= 0) & (hb >= 0) & (ha != hb)
    # word-order-free similarity only where it can change the level (it is the costly one)
    (tok,) = distinct_scores(e.values, ca, cb, diff & ~number_clash & (lev > 2),
                             [fuzz.token_set_ratio])  # fmt: skip
    tok = tok / np.float32(100)
    sim = np.maximum(tok, edit)
    sim[equal] = 1.0
    level = np.zeros(pairs.n, dtype=np.int8)
    level[diff & (tok >= 0.80) & ~number_clash] = 1
    level[diff & (lev <= 2) & ~number_clash] = 2
    level[equal] = 3
    return _finish(present, level, sim)


def compare_email(pairs: Pairs, col: str) -> Compared:
    # no "similar mailbox" level: mailboxes are made of names, so a similar mailbox says
    # little more than the names do, and different people with one name have similar ones
    e, ca, cb = pairs.codes(col)
    present, equal, diff = _base(ca, cb)
    _, la, lb = pairs.codes(f"{col}~local")
    same_local = diff & (la >= 0) & (la == lb)
    (lev,) = distinct_scores(e.values, ca, cb, diff, [distance.Levenshtein.distance])
    sim = _edit_similarity(e, ca, cb, lev)
    sim[equal] = 1.0
    level = np.zeros(pairs.n, dtype=np.int8)
    level[same_local | (diff & (lev <= 1))] = 1
    level[equal] = 2
    return _finish(present, level, sim)


def compare_phone(pairs: Pairs, col: str) -> Compared:
    e, ca, cb = pairs.codes(col)
    present, equal, diff = _base(ca, cb)
    tail = e.per_value_codes("tail7", lambda s: s.str.replace_all(r"\D", "").str.slice(-7))
    ta = np.where(ca >= 0, tail[np.clip(ca, 0, None)], -1) if len(tail) else ca
    tb = np.where(cb >= 0, tail[np.clip(cb, 0, None)], -1) if len(tail) else cb
    (osa,) = distinct_scores(e.values, ca, cb, diff, [distance.OSA.distance])
    sim = _edit_similarity(e, ca, cb, osa)
    sim[equal] = 1.0
    level = np.zeros(pairs.n, dtype=np.int8)
    level[diff & (((ta >= 0) & (ta == tb)) | (osa <= 1))] = 1
    level[equal] = 2
    return _finish(present, level, sim)


def compare_postal_code(pairs: Pairs, col: str) -> Compared:
    e, ca, cb = pairs.codes(col)
    present, equal, diff = _base(ca, cb)
    (osa,) = distinct_scores(e.values, ca, cb, diff, [distance.OSA.distance])
    sim = _edit_similarity(e, ca, cb, osa)
    sim[equal] = 1.0
    level = np.zeros(pairs.n, dtype=np.int8)
    level[diff & (osa <= 1)] = 1
    level[equal] = 2
    return _finish(present, level, sim)


def compare_exact(pairs: Pairs, col: str) -> Compared:
    _, ca, cb = pairs.codes(col)
    present, equal, _ = _base(ca, cb)
    return _finish(present, equal.astype(np.int8), equal.astype(np.float32))


def compare_birth_date(pairs: Pairs, col: str) -> Compared:
    e, ca, cb = pairs.codes(f"{col}~digits")  # YYYYMMDD, kept for impossible dates too
    present, equal, diff = _base(ca, cb)
    (osa,) = distinct_scores(e.values, ca, cb, diff, [distance.OSA.distance])
    days = pairs.enc.days(col)
    da, db = days[pairs.a], days[pairs.b]
    ya, ma, dd_a = _ymd(da)
    yb, mb, dd_b = _ymd(db)
    swapped = diff & (ma == dd_b) & (dd_a == mb) & (ya == yb) & ~np.isnan(da) & ~np.isnan(db)
    with np.errstate(invalid="ignore"):
        within_year = diff & (np.abs(da - db) <= 365)
    sim = np.clip(1.0 - osa / 8.0, 0.0, 1.0).astype(np.float32)
    sim[swapped] = np.maximum(sim[swapped], 0.9)
    sim[equal] = 1.0
    level = np.zeros(pairs.n, dtype=np.int8)
    level[within_year] = 1
    level[swapped | (diff & (osa <= 1))] = 2
    level[equal] = 3
    return _finish(present, level, sim)


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.where(np.isnan(days), 0, days).astype("int64").astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(int)
    m = (d.astype("datetime64[M]") - d.astype("datetime64[Y]")).astype(int) + 1
    day = (d - d.astype("datetime64[M]")).astype(int) + 1
    return y, m, day


COMPARATORS: dict[str, Callable[[Pairs, str], Compared]] = {
    "first_name": compare_first_name,
    "last_name": compare_last_name,
    "name": compare_name,
    "email": compare_email,
    "phone": compare_phone,
    "company": compare_company,
    "address": compare_address,
    "city": compare_city,
    "postal_code": compare_postal_code,
    "state": compare_exact,
    "country": compare_exact,
    "birth_date": compare_birth_date,
    "exact": compare_exact,
    "text": compare_text,
}
assert set(COMPARATORS) == set(LEVELS)


def _swap_names(pairs: Pairs, first: str, last: str) -> None:
    """Where the b side's first and last names are swapped relative to a, swap them back.

    First and last names share one dictionary (see :func:`name_groups`), so codes compare
    across the two columns.
    """
    e, fa, fb = pairs.codes(first)
    _, la, lb = pairs.codes(last)
    ok = (fa >= 0) & (fb >= 0) & (la >= 0) & (lb >= 0)
    cand = ok & (fa != fb) & (la != lb) & ((fa == lb) | (la == fb))
    if not cand.any():
        return
    jw = distance.JaroWinkler.normalized_similarity
    straight = (distinct_scores(e.values, fa, fb, cand, [jw])[0]
                + distinct_scores(e.values, la, lb, cand, [jw])[0])  # fmt: skip
    crossed = (distinct_scores(e.values, fa, lb, cand, [jw])[0]
               + distinct_scores(e.values, la, fb, cand, [jw])[0])  # fmt: skip
    swap = cand & (crossed > straight + 0.2)
    if swap.any():
        pairs.override(first, fa, np.where(swap, lb, fb))
        pairs.override(last, la, np.where(swap, fb, lb))


def name_groups(fields: dict[str, str]) -> list[list[str]]:
    """Columns that share one dictionary: the first and last name, when there is one of each."""
    firsts = [c for c, r in fields.items() if r == "first_name"]
    lasts = [c for c, r in fields.items() if r == "last_name"]
    return [[firsts[0], lasts[0]]] if len(firsts) == 1 and len(lasts) == 1 else []


def compare_all(
    enc: Encodings, fields: dict[str, str], a: np.ndarray, b: np.ndarray
) -> dict[str, Compared]:
    """Compare every field for the pairs ``(a[i], b[i])`` of row numbers."""
    pairs = Pairs(enc, a, b)
    groups = name_groups(fields)
    if groups and pairs.n:
        _swap_names(pairs, *groups[0])
    out: dict[str, Compared] = {}
    for column, role in fields.items():
        try:
            fn = COMPARATORS[role]
        except KeyError:
            raise ValueError(f"no comparator for role {role!r}") from None
        out[column] = fn(pairs, column)
    return out
