"""Multi-pass blocking: candidate pairs that grow near-linearly with the number of contacts.

A *pass* groups contacts by a key (one or more normalised fields, e.g. ``last_name`` +
``first_name~initial``). Within a block of at most ``max_block_size`` contacts every pair is a
candidate. A larger block (a common surname, a shared office phone) is not cross-joined: its
contacts are sorted by the pass's ``sort`` key and each is paired with its next ``window``
neighbours (sorted neighbourhood). Each pass therefore yields at most
``n * max(max_block_size / 2, window)`` pairs; the passes' pairs are unioned.

Key parts are ``field`` or ``field~transform`` with a transform from :data:`TRANSFORMS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl


def soundex(e: pl.Expr) -> pl.Expr:
    """American Soundex of a folded name, vectorised (``robert`` and ``rupert`` -> ``R163``)."""
    letters = e.str.to_lowercase().str.replace_all(r"[^a-z]", "")
    first = letters.str.slice(0, 1).str.to_uppercase()
    codes = letters.str.replace_many(
        {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"),
         **dict.fromkeys("dt", "3"), "l": "4", **dict.fromkeys("mn", "5"), "r": "6",
         **dict.fromkeys("aeiouy", "0"), **dict.fromkeys("hw", "")}
    )  # fmt: skip
    for d in "0123456":
        codes = codes.str.replace_all(f"{d}+", d)
    rest = codes.str.slice(1).str.replace_all("0", "")
    out = (first + rest + "000").str.slice(0, 4)
    return pl.when(letters.str.len_chars() > 0).then(out)


TRANSFORMS: dict[str, Callable[[pl.Expr, str], pl.Expr]] = {
    "": lambda e, c: e,
    "initial": lambda e, c: e.str.slice(0, 1),
    "prefix3": lambda e, c: e.str.slice(0, 3),
    "soundex": lambda e, c: soundex(e),
    "year": lambda e, c: e.dt.year().cast(pl.String),
    "tail7": lambda e, c: e.str.replace_all(r"\D", "").str.slice(-7),
    # these read an auxiliary column the normaliser made
    "nick": lambda e, c: pl.col(f"{c}~nick"),
    "local": lambda e, c: pl.col(f"{c}~local"),
    "number": lambda e, c: pl.col(f"{c}~number"),
    "sorted": lambda e, c: pl.col(f"{c}~sorted"),
    "digits": lambda e, c: pl.col(f"{c}~digits"),
    "unordered": lambda e, c: pl.col(f"{c}~unordered"),  # first + last name in either order
}


def key_expr(part: str) -> pl.Expr:
    """The expression for one key part such as ``last_name~soundex``."""
    column, _, transform = part.partition("~")
    try:
        fn = TRANSFORMS[transform]
    except KeyError:
        raise ValueError(
            f"blocking key {part!r}: unknown transform {transform!r}; expected one of "
            f"{', '.join(t for t in TRANSFORMS if t)}"
        ) from None
    return fn(pl.col(column), column).cast(pl.String)


@dataclass(frozen=True)
class PassStats:
    """What one blocking pass produced."""

    name: str
    pairs: int
    blocks: int
    oversized_blocks: int
    largest_block: int


def _pass_pairs(
    norm: pl.DataFrame, on: list[str], sort: str | None, max_block_size: int, window: int
) -> tuple[pl.DataFrame, PassStats]:
    name = " + ".join(on)
    keys = norm.select(
        pl.col("_row"),
        *[key_expr(p).alias(f"_k{i}") for i, p in enumerate(on)],
        (key_expr(sort) if sort else pl.lit(None, pl.String)).alias("_s"),
    )
    kcols = [f"_k{i}" for i in range(len(on))]
    keys = keys.drop_nulls(kcols).filter(pl.all_horizontal(pl.col(kcols).str.len_chars() > 0))
    keys = keys.select("_row", "_s", pl.struct(kcols).hash(seed=7).alias("_k"))
    sized = keys.with_columns(_n=pl.len().over("_k"))
    small = sized.filter((pl.col("_n") >= 2) & (pl.col("_n") <= max_block_size)).select("_k", "_row")
    pairs = [
        small.join(small, on="_k", suffix="_b")
        .filter(pl.col("_row") < pl.col("_row_b"))
        .select(a=pl.col("_row"), b=pl.col("_row_b"))
    ]
    big = sized.filter(pl.col("_n") > max_block_size).sort(["_k", "_s", "_row"], nulls_last=True)
    for j in range(1, window + 1):
        pairs.append(
            big.select(
                a=pl.col("_row"),
                b=pl.col("_row").shift(-j),
                same=pl.col("_k") == pl.col("_k").shift(-j),
            )
            .filter(pl.col("same"))
            .select(pl.min_horizontal("a", "b").alias("a"), pl.max_horizontal("a", "b").alias("b"))
        )
    out = pl.concat(pairs)
    block_sizes = sized.group_by("_k").agg(pl.len())["len"]
    stats = PassStats(
        name=name + (f" (large blocks sorted by {sort})" if sort else ""),
        pairs=out.height,
        blocks=int((block_sizes >= 2).sum()),
        oversized_blocks=int((block_sizes > max_block_size).sum()),
        largest_block=int(block_sizes.max() or 0),
    )
    return out, stats


def candidate_pairs(
    norm: pl.DataFrame,
    passes: list[dict],
    *,
    max_block_size: int,
    window: int,
) -> tuple[np.ndarray, np.ndarray, list[PassStats]]:
    """Row-number pairs ``(a, b)`` with ``a < b``, unique and sorted, from all passes.

    ``norm`` must have a ``_row`` column (UInt32, 0..n-1) and every column the passes name.
    """
    frames = []
    stats = []
    for p in passes:
        on = list(p["on"])
        if not all(part.partition("~")[0] in norm.columns for part in on):
            continue
        sort = p.get("sort")
        if sort and sort.partition("~")[0] not in norm.columns:
            sort = None
        frame, st = _pass_pairs(norm, on, sort, max_block_size, window)
        frames.append(frame)
        stats.append(st)
    if not frames:
        empty = np.zeros(0, dtype=np.uint32)
        return empty, empty, stats
    codes = (
        pl.concat(frames)
        .select((pl.col("a").cast(pl.UInt64) * (1 << 32) + pl.col("b").cast(pl.UInt64)).alias("c"))
        .unique()
        .sort("c")["c"]
        .to_numpy()
    )
    a = (codes >> np.uint64(32)).astype(np.uint32)
    b = (codes & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    return a, b, stats
