"""What a dashboard shows, one call away: pure polars computations over a segment and the base.

Every function takes a segment as ``seg_or_mask``: a :class:`~segkit.Segment` (evaluated with
``as_of`` and ``catalog``), a mask frame (``contact_id`` plus a boolean ``member`` column, or
exactly one boolean column, like ``seg.mask(...)``), a collection of contact ids, or ``None``
for everyone. Each builds one lazy plan and returns a small aggregated ``pl.DataFrame`` (never
per-contact rows), ready for :mod:`segkit.charts`.

>>> import polars as pl, segkit as sk
>>> from segkit import analysis
>>> contacts = pl.DataFrame({"contact_id": [1, 2, 3, 4], "country": ["US", "US", "DE", "FR"]})
>>> us = sk.Segment(sk.field("country") == "US", name="US")
>>> analysis.profile(us, contacts, fields=["country"]).select("value", "segment_share", "lift")
shape: (3, 3)
┌───────┬───────────────┬──────┐
│ value ┆ segment_share ┆ lift │
│ ---   ┆ ---           ┆ ---  │
│ str   ┆ f64           ┆ f64  │
╞═══════╪═══════════════╪══════╡
│ US    ┆ 1.0           ┆ 2.0  │
│ DE    ┆ 0.0           ┆ 0.0  │
│ FR    ┆ 0.0           ┆ 0.0  │
└───────┴───────────────┴──────┘
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from segkit import engine
from segkit.compile.polars import resolve_as_of
from segkit.data.dataset import Dataset
from segkit.segment import Segment

#: HubSpot's lifecycle stages, in funnel order (``other`` is outside the progression).
LIFECYCLE_STAGES: tuple[str, ...] = (
    "subscriber", "lead", "marketing_qualified_lead", "sales_qualified_lead", "opportunity",
    "customer", "evangelist", "other",
)  # fmt: skip

#: Age bands used by :func:`profile` for a field named ``age``: <18, 18-24, 25-34, ... 65+.
AGE_BREAKS: tuple[int, ...] = (18, 25, 35, 45, 55, 65)

#: The label of a missing value (null, or an empty list) in :func:`profile` and
#: :func:`lifecycle_funnel`.
MISSING = "(missing)"

#: A string column with more distinct values than this is an identifier, not an attribute, and
#: is left out of :func:`profile`'s default fields.
MAX_CATEGORIES = 50

_PROFILE_SCHEMA = {
    "field": pl.String, "value": pl.String, "segment_count": pl.Int64,
    "segment_share": pl.Float64, "base_count": pl.Int64, "base_share": pl.Float64,
    "lift": pl.Float64,
}  # fmt: skip

_DASH = "\u2013"  # en dash, for ranges: "25–34"


# -- the segment as a member column ---------------------------------------------------------------


def _member_expr(seg_or_mask: Any, ds: Dataset) -> pl.Expr:
    """``member`` over the contacts for everyone (None), a mask frame or a collection of ids."""
    if seg_or_mask is None:
        return pl.lit(True)
    if isinstance(seg_or_mask, pl.DataFrame | pl.LazyFrame):
        frame = seg_or_mask.lazy()
        schema = frame.collect_schema()
        if "contact_id" not in schema:
            raise ValueError("a mask frame needs a 'contact_id' column")
        flags = [c for c, t in schema.items() if c != "contact_id" and t == pl.Boolean]
        column = "member" if "member" in schema else (flags[0] if len(flags) == 1 else None)
        if column is None:
            raise ValueError(
                "a mask frame needs a boolean 'member' column (or exactly one boolean column); "
                f"found columns {list(schema)}"
            )
        ids = frame.filter(pl.col(column).fill_null(False)).select("contact_id")
        ids_series = ids.collect().get_column("contact_id")
    elif isinstance(seg_or_mask, pl.Series | Iterable) and not isinstance(seg_or_mask, str):
        ids_series = pl.Series("contact_id", list(seg_or_mask))
    else:
        raise TypeError(
            "expected a Segment, a mask frame (contact_id, member), a collection of contact ids "
            f"or None; found {type(seg_or_mask).__name__}"
        )
    id_type = ds.contacts_schema["contact_id"]
    ids_series = ids_series.cast(id_type, strict=False).drop_nulls()
    return pl.col("contact_id").is_in(ids_series.implode())


def _with_member(
    seg_or_mask: Any, ds: Dataset, columns: Sequence[str], as_of: Any, catalog: Any
) -> pl.LazyFrame:
    """The contacts' ``contact_id`` and ``columns`` with ``member`` (bool, never null)."""
    frame = ds.lazy_contacts().select("contact_id", *[c for c in columns if c != "contact_id"])
    if isinstance(seg_or_mask, Segment):
        mask = engine.mask(seg_or_mask, ds, as_of, catalog)  # evaluated once, eagerly
        return frame.join(mask.lazy(), on="contact_id", how="left").with_columns(
            pl.col("member").fill_null(False)
        )
    return frame.with_columns(member=_member_expr(seg_or_mask, ds))


def _member_frame(seg_or_mask: Any, ds: Dataset, as_of: Any, catalog: Any) -> pl.LazyFrame:
    """``contact_id`` and ``member`` for every contact of ``ds``."""
    return _with_member(seg_or_mask, ds, [], as_of, catalog)


def _counts() -> list[pl.Expr]:
    return [
        pl.col("member").sum().cast(pl.Int64).alias("segment_count"),
        pl.len().cast(pl.Int64).alias("base_count"),
    ]


def _share(count: str, total: str) -> pl.Expr:
    return pl.when(pl.col(total) > 0).then(pl.col(count) / pl.col(total))


# -- kinds of columns -----------------------------------------------------------------------------


def _kind(dtype: pl.DataType) -> str | None:
    if isinstance(dtype, pl.String | pl.Categorical | pl.Enum | pl.Boolean):
        return "category"
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.String | pl.Categorical | pl.Enum):
        return "list"
    if dtype.is_numeric():
        return "number"
    if isinstance(dtype, pl.Date | pl.Datetime):
        return "time"
    return None


#: Columns that identify a person rather than describe one, left out of :func:`profile`'s
#: default fields (as is any ``*_id`` column).
IDENTIFIERS = frozenset({
    "id", "email", "phone", "name", "full_name", "first_name", "last_name", "referral_code",
})  # fmt: skip


def _is_identifier(name: str) -> bool:
    low = name.lower()
    return low in IDENTIFIERS or low.endswith("_id")


def _fmt_num(v: float) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _band_labels(edges: Sequence[float], integer: bool, open_low: bool, open_high: bool) -> list:
    """Labels of the bands between ``edges``: ``[e0, e1)``, ... (``<e1`` / ``en+`` when open)."""
    labels = []
    n = len(edges) - 1
    for i in range(n):
        lo, hi = edges[i], edges[i + 1]
        if i == 0 and open_low:
            labels.append(f"<{_fmt_num(hi)}")
        elif i == n - 1 and open_high:
            labels.append(f"{_fmt_num(lo)}+")
        elif integer:
            last = int(hi) - 1
            labels.append(str(int(lo)) if last == int(lo) else f"{int(lo)}{_DASH}{last}")
        else:
            labels.append(f"{_fmt_num(lo)}{_DASH}{_fmt_num(hi)}")
    return labels


def _nice_step(span: float, target: int, integer: bool) -> float:
    raw = max(span, 1e-12) / target
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10) if not integer else (1, 2, 5, 10):
        if m * mag >= raw:
            step = m * mag
            break
    return max(1, int(round(step))) if integer else step


def _bin_index(col: pl.Expr, breaks: Sequence[float]) -> pl.Expr:
    """0 below ``breaks[0]``, i between ``breaks[i-1]`` and ``breaks[i]``, null when null."""
    if not breaks:
        return pl.when(col.is_not_null()).then(pl.lit(0, pl.Int64))
    above = pl.sum_horizontal([(col >= b).cast(pl.Int64) for b in breaks])
    return pl.when(col.is_not_null()).then(above)


# -- profile --------------------------------------------------------------------------------------


def profile(
    seg_or_mask: Any,
    data: Any,
    as_of: Any = None,
    catalog: Any = None,
    fields: Sequence[str] | None = None,
    top: int | None = 10,
    *,
    bins: Mapping[str, Sequence[float]] | None = None,
) -> pl.DataFrame:
    """The segment against the whole base, attribute by attribute.

    One row per (``field``, ``value``): ``segment_count`` and ``base_count`` (contacts with that
    value), ``segment_share`` and ``base_share`` (of the segment's / the base's contacts) and
    ``lift`` = ``segment_share / base_share`` (above 1: over-represented in the segment).

    ``fields`` defaults to the string and boolean columns with at most :data:`MAX_CATEGORIES`
    distinct values (identifiers such as ``email`` left out, see :data:`IDENTIFIERS`), every list-of-strings column (exploded: a contact counts once per distinct
    value, so shares need not add up to 1), and the numeric columns (identifiers excepted),
    binned: ``age`` in :data:`AGE_BREAKS` bands, others in about 8 round-width bins from their
    minimum to their maximum; ``bins={"seats": [10, 50, 200]}`` sets breaks. Date and datetime
    fields are binned by year (month for spans under 3 years) when asked for. Missing values
    (null, empty list) are the value :data:`MISSING`.

    Rows come field by field in ``fields`` order; within a field, categories by segment count
    (then base count, then value), the ``top`` first; bins in order, all of them.

    >>> import polars as pl, segkit as sk
    >>> contacts = pl.DataFrame({"contact_id": [1, 2, 3, 4], "age": [19, 30, 33, 70],
    ...                          "tags": [["vip"], ["vip", "beta"], [], ["beta"]]})
    >>> mask = pl.DataFrame({"contact_id": [1, 2], "member": [True, True]})
    >>> profile(mask, contacts).select("field", "value", "segment_count", "base_count", "lift")
    shape: (6, 5)
    ┌───────┬───────────┬───────────────┬────────────┬──────┐
    │ field ┆ value     ┆ segment_count ┆ base_count ┆ lift │
    │ ---   ┆ ---       ┆ ---           ┆ ---        ┆ ---  │
    │ str   ┆ str       ┆ i64           ┆ i64        ┆ f64  │
    ╞═══════╪═══════════╪═══════════════╪════════════╪══════╡
    │ age   ┆ 18–24     ┆ 1             ┆ 1          ┆ 2.0  │
    │ age   ┆ 25–34     ┆ 1             ┆ 2          ┆ 1.0  │
    │ age   ┆ 65+       ┆ 0             ┆ 1          ┆ 0.0  │
    │ tags  ┆ vip       ┆ 2             ┆ 2          ┆ 2.0  │
    │ tags  ┆ beta      ┆ 1             ┆ 2          ┆ 1.0  │
    │ tags  ┆ (missing) ┆ 0             ┆ 1          ┆ 0.0  │
    └───────┴───────────┴───────────────┴────────────┴──────┘
    """
    ds = engine._dataset(data)
    schema = ds.contacts_schema
    bins = dict(bins or {})
    kinds = {name: _kind(dtype) for name, dtype in schema.items()}
    if fields is None:
        chosen = [n for n, k in kinds.items() if k in ("category", "list", "number")
                  and not _is_identifier(n)]  # fmt: skip
    else:
        chosen = list(dict.fromkeys(fields))
        for name in chosen:
            if name not in schema:
                raise ValueError(f"profile: no column {name!r} in contacts; "
                                 f"found {list(schema)[:20]}")  # fmt: skip
            if kinds[name] is None:
                raise ValueError(f"profile: cannot profile {name!r} of type {schema[name]}")
    contacts = ds.lazy_contacts()

    # one pass for what the fields' treatment depends on: cardinality, ranges
    stats_exprs: list[pl.Expr] = []
    for name in chosen:
        kind = kinds[name]
        if kind == "category" and fields is None:
            stats_exprs.append(pl.col(name).approx_n_unique().alias(f"{name}\0n"))
        elif (kind == "number" and name not in bins and name != "age") or kind == "time":
            stats_exprs += [pl.col(name).min().alias(f"{name}\0min"),
                            pl.col(name).max().alias(f"{name}\0max")]  # fmt: skip
    stats = contacts.select(stats_exprs).collect().row(0, named=True) if stats_exprs else {}
    if fields is None:
        chosen = [n for n in chosen if kinds[n] != "category" or stats[f"{n}\0n"] <= MAX_CATEGORIES]

    base = _with_member(seg_or_mask, ds, chosen, as_of, catalog)
    parts = [
        _profile_field(base, name, kinds[name], schema[name], stats, bins, top) for name in chosen
    ]
    if not parts:
        return pl.DataFrame(schema=_PROFILE_SCHEMA)
    totals = base.select(pl.col("member").sum().alias("__seg"), pl.len().alias("__all"))
    out = (
        pl.concat(parts, how="vertical")
        .join(totals, how="cross", maintain_order="left")
        .with_columns(
            segment_share=_share("segment_count", "__seg"),
            base_share=_share("base_count", "__all"),
        )
        .with_columns(
            lift=pl.when(pl.col("base_share") > 0).then(
                pl.col("segment_share") / pl.col("base_share")
            )
        )  # fmt: skip
        .select(list(_PROFILE_SCHEMA))
    )
    return out.collect().cast(_PROFILE_SCHEMA)  # type: ignore[arg-type]


def _profile_field(
    base: pl.LazyFrame, name: str, kind: str | None, dtype: pl.DataType, stats: dict,
    bins: Mapping[str, Sequence[float]], top: int | None,
) -> pl.LazyFrame:  # fmt: skip
    col = pl.col(name)
    if kind in ("category", "list"):
        if kind == "list":
            frame = base.select("member", col.list.unique().alias("__v")).explode(
                "__v", empty_as_null=True, keep_nulls=True
            )
        else:
            frame = base.select("member", col.alias("__v"))
        counted = (
            frame.group_by(pl.col("__v").cast(pl.String).fill_null(MISSING).alias("value"))
            .agg(_counts())
            .sort(["segment_count", "base_count", "value"], descending=[True, True, False])
        )
        if top is not None:
            counted = counted.head(top)
        return counted.select(pl.lit(name).alias("field"), "value", "segment_count", "base_count")

    if kind == "time":
        lo, hi = stats[f"{name}\0min"], stats[f"{name}\0max"]
        span_days = (hi - lo).days if lo is not None and hi is not None else 0
        every, fmt = ("1y", "%Y") if span_days > 3 * 365 else ("1mo", "%Y-%m")
        key = col.dt.truncate(every)
        return (
            base.group_by(key.alias("__k"))
            .agg(_counts())
            .sort("__k", nulls_last=True)
            .select(
                pl.lit(name).alias("field"),
                pl.col("__k").dt.strftime(fmt).fill_null(MISSING).alias("value"),
                "segment_count",
                "base_count",
            )  # fmt: skip
        )

    # numbers: bands
    integer = dtype.is_integer()
    if name in bins or name == "age":
        breaks = sorted(bins.get(name, AGE_BREAKS))
        edges = [-math.inf, *breaks, math.inf]
        labels = _band_labels(edges, integer, open_low=True, open_high=True)
    else:
        lo, hi = stats[f"{name}\0min"], stats[f"{name}\0max"]
        if lo is None or hi is None or (isinstance(lo, float) and not math.isfinite(hi - lo)):
            breaks, labels = [], [MISSING if lo is None else f"{_fmt_num(lo)}"]
        else:
            # a small integer range (an NPS of 0-10) keeps one bin per value
            small = integer and hi - lo < 12
            step = 1 if small else _nice_step(float(hi - lo), 8, integer)
            start = math.floor(lo / step) * step
            edges = [start]
            while edges[-1] <= hi:
                edges.append(start + len(edges) * step)
            edges = [int(e) if integer else round(e, 12) for e in edges]
            breaks = edges[1:-1]
            labels = _band_labels(edges, integer, open_low=False, open_high=False)
    mapping = dict(enumerate(labels))
    return (
        base.group_by(_bin_index(col, breaks).alias("__b"))
        .agg(_counts())
        .sort("__b", nulls_last=True)
        .select(
            pl.lit(name).alias("field"),
            pl.col("__b")
            .replace_strict(mapping, default=MISSING, return_dtype=pl.String)
            .alias("value"),
            "segment_count",
            "base_count",
        )  # fmt: skip
    )


# -- overlap --------------------------------------------------------------------------------------


def overlap(masks: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """How segments overlap, from ``sk.evaluate_many(...)`` (``contact_id`` + one boolean
    column per segment).

    One row per ordered pair (``a``, ``b``), the diagonal included, in the columns' order:
    ``both`` (members of both), ``a_count``, ``b_count``, ``jaccard`` (both / either; null when
    neither has members) and ``share_of_a`` (both / a_count; null when ``a`` is empty). The
    co-membership matrix is one select of sums of products.

    >>> masks = pl.DataFrame({"contact_id": [1, 2, 3, 4], "x": [True, True, True, False],
    ...                       "y": [False, True, True, True]})
    >>> overlap(masks)
    shape: (4, 7)
    ┌─────┬─────┬──────┬─────────┬─────────┬─────────┬────────────┐
    │ a   ┆ b   ┆ both ┆ a_count ┆ b_count ┆ jaccard ┆ share_of_a │
    │ --- ┆ --- ┆ ---  ┆ ---     ┆ ---     ┆ ---     ┆ ---        │
    │ str ┆ str ┆ i64  ┆ i64     ┆ i64     ┆ f64     ┆ f64        │
    ╞═════╪═════╪══════╪═════════╪═════════╪═════════╪════════════╡
    │ x   ┆ x   ┆ 3    ┆ 3       ┆ 3       ┆ 1.0     ┆ 1.0        │
    │ x   ┆ y   ┆ 2    ┆ 3       ┆ 3       ┆ 0.5     ┆ 0.666667   │
    │ y   ┆ x   ┆ 2    ┆ 3       ┆ 3       ┆ 0.5     ┆ 0.666667   │
    │ y   ┆ y   ┆ 3    ┆ 3       ┆ 3       ┆ 1.0     ┆ 1.0        │
    └─────┴─────┴──────┴─────────┴─────────┴─────────┴────────────┘
    """
    frame = masks.lazy()
    schema = frame.collect_schema()
    names = [c for c in schema if c != "contact_id"]
    wrong = [c for c in names if schema[c] != pl.Boolean]
    if wrong:
        raise TypeError(f"overlap: expected boolean segment columns, found {wrong} "
                        f"({[str(schema[c]) for c in wrong]})")  # fmt: skip
    pairs = [(i, j) for i in range(len(names)) for j in range(i, len(names))]
    exprs = [
        (pl.col(names[i]).fill_null(False) & pl.col(names[j]).fill_null(False))
        .sum().cast(pl.Int64).alias(f"{i},{j}")
        for i, j in pairs
    ]  # fmt: skip
    row = frame.select(exprs).collect().row(0) if exprs else ()
    both = {pair: int(v) for pair, v in zip(pairs, row, strict=True)}
    ordered = [(i, j) for i in range(len(names)) for j in range(len(names))]
    table = pl.DataFrame(
        {
            "a": [names[i] for i, _ in ordered],
            "b": [names[j] for _, j in ordered],
            "both": [both[(min(i, j), max(i, j))] for i, j in ordered],
            "a_count": [both[(i, i)] for i, _ in ordered],
            "b_count": [both[(j, j)] for _, j in ordered],
        },
        schema={
            "a": pl.String,
            "b": pl.String,
            "both": pl.Int64,
            "a_count": pl.Int64,
            "b_count": pl.Int64,
        },  # fmt: skip
    )
    union = pl.col("a_count") + pl.col("b_count") - pl.col("both")
    return table.with_columns(
        jaccard=pl.when(union > 0).then(pl.col("both") / union),
        share_of_a=pl.when(pl.col("a_count") > 0).then(pl.col("both") / pl.col("a_count")),
    ).cast({"jaccard": pl.Float64, "share_of_a": pl.Float64})


# -- numeric distribution -------------------------------------------------------------------------


def numeric_distribution(
    seg_or_mask: Any,
    data: Any,
    field: str,
    bins: int | Sequence[float] = 20,
    as_of: Any = None,
    catalog: Any = None,
) -> pl.DataFrame:
    """A histogram of a numeric contact field, the segment's against everyone's.

    ``bins`` is a number of equal-width bins from the field's minimum to its maximum (over all
    contacts; for an integer field the width is a whole number, ``ceil((max - min + 1) / bins)``,
    so there may be fewer bins), or the bin edges (values outside them are left out). Bins are
    ``[bin_start, bin_end)``, the last one closed. One row per bin, empty bins included:
    ``bin``, ``bin_start``, ``bin_end``, ``segment_count``, ``base_count``, and the shares of
    the counted (non-null, in range) values: ``segment_share``, ``base_share``.

    >>> contacts = pl.DataFrame({"contact_id": [1, 2, 3, 4, 5], "x": [0.0, 1.0, 2.5, 3.0, 4.0]})
    >>> numeric_distribution([1, 2], contacts, "x", bins=2)
    shape: (2, 7)
    ┌─────┬───────────┬─────────┬───────────────┬────────────┬───────────────┬────────────┐
    │ bin ┆ bin_start ┆ bin_end ┆ segment_count ┆ base_count ┆ segment_share ┆ base_share │
    │ --- ┆ ---       ┆ ---     ┆ ---           ┆ ---        ┆ ---           ┆ ---        │
    │ i64 ┆ f64       ┆ f64     ┆ i64           ┆ i64        ┆ f64           ┆ f64        │
    ╞═════╪═══════════╪═════════╪═══════════════╪════════════╪═══════════════╪════════════╡
    │ 0   ┆ 0.0       ┆ 2.0     ┆ 2             ┆ 2          ┆ 1.0           ┆ 0.4        │
    │ 1   ┆ 2.0       ┆ 4.0     ┆ 0             ┆ 3          ┆ 0.0           ┆ 0.6        │
    └─────┴───────────┴─────────┴───────────────┴────────────┴───────────────┴────────────┘
    """
    ds = engine._dataset(data)
    schema = ds.contacts_schema
    if field not in schema:
        raise ValueError(f"numeric_distribution: no column {field!r} in contacts")
    dtype = schema[field]
    if not dtype.is_numeric():
        raise TypeError(f"numeric_distribution: {field!r} is {dtype}, not a number")
    col = pl.col(field)
    if isinstance(bins, int):
        if bins < 1:
            raise ValueError("bins must be at least 1")
        lo, hi = ds.lazy_contacts().select(col.min().alias("lo"), col.max().alias("hi")) \
            .collect().row(0)  # fmt: skip
        if lo is None:
            edges: list[float] = []
        elif dtype.is_integer():
            width = max(1, math.ceil((hi - lo + 1) / bins))
            n = math.ceil((hi - lo + 1) / width)
            edges = [lo + i * width for i in range(n + 1)]
        elif hi == lo:
            edges = [lo, hi]
        else:
            edges = [lo + (hi - lo) * i / bins for i in range(bins)] + [hi]
    else:
        edges = sorted(float(e) for e in bins)
        if len(edges) < 2:
            raise ValueError("bins as edges needs at least two values")
    edges = [float(e) for e in edges]
    n_bins = max(len(edges) - 1, 0)
    grid = pl.LazyFrame(
        {"bin": list(range(n_bins)), "bin_start": edges[:-1], "bin_end": edges[1:]},
        schema={"bin": pl.Int64, "bin_start": pl.Float64, "bin_end": pl.Float64},
    )
    base = _with_member(seg_or_mask, ds, [field], as_of, catalog)
    if n_bins:
        base = base.filter(col.is_between(edges[0], edges[-1]))
    counted = base.group_by(_bin_index(col, edges[1:-1]).alias("bin")).agg(_counts())
    out = (
        grid.join(counted, on="bin", how="left", maintain_order="left")
        .with_columns(pl.col("segment_count", "base_count").fill_null(0))
        .with_columns(
            segment_share=pl.col("segment_count") / pl.col("segment_count").sum(),
            base_share=pl.col("base_count") / pl.col("base_count").sum(),
        )
        .with_columns(pl.col("segment_share", "base_share").fill_nan(None))
    )
    return out.collect()


# -- lifecycle funnel -----------------------------------------------------------------------------


def _stage_key(expr: pl.Expr) -> pl.Expr:
    """``Marketing Qualified Lead``, ``marketingqualifiedlead`` and ``marketing_qualified_lead``
    are one stage."""
    return expr.cast(pl.String).str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")


def lifecycle_funnel(
    data: Any,
    seg_or_mask: Any = None,
    as_of: Any = None,
    catalog: Any = None,
    *,
    field: str = "lifecycle_stage",
    stages: Sequence[str] = LIFECYCLE_STAGES,
) -> pl.DataFrame:
    """Contacts per lifecycle stage in HubSpot's order, for everyone or a segment's members.

    One row per stage of ``stages`` (zero counts included; values match whatever their case and
    separators, so HubSpot's ``marketingqualifiedlead`` is ``marketing_qualified_lead``), then
    any other value found, largest first, and :data:`MISSING`. Columns: ``stage``, ``step``
    (1, 2, ...), ``count``, ``share`` (of the contacts counted), ``reached`` (at this stage or a
    later one of the progression; null for ``other`` and values outside ``stages``) and
    ``conversion`` (``reached`` over the previous stage's ``reached``).

    >>> contacts = pl.DataFrame({"contact_id": [1, 2, 3, 4],
    ...                          "lifecycle_stage": ["lead", "customer", "Lead", "other"]})
    >>> lifecycle_funnel(contacts).filter(pl.col("count") > 0)
    shape: (3, 6)
    ┌──────────┬──────┬───────┬───────┬─────────┬────────────┐
    │ stage    ┆ step ┆ count ┆ share ┆ reached ┆ conversion │
    │ ---      ┆ ---  ┆ ---   ┆ ---   ┆ ---     ┆ ---        │
    │ str      ┆ i64  ┆ i64   ┆ f64   ┆ i64     ┆ f64        │
    ╞══════════╪══════╪═══════╪═══════╪═════════╪════════════╡
    │ lead     ┆ 2    ┆ 2     ┆ 0.5   ┆ 3       ┆ 1.0        │
    │ customer ┆ 6    ┆ 1     ┆ 0.25  ┆ 1       ┆ 1.0        │
    │ other    ┆ 8    ┆ 1     ┆ 0.25  ┆ null    ┆ null       │
    └──────────┴──────┴───────┴───────┴─────────┴────────────┘
    """
    ds = engine._dataset(data)
    if field not in ds.contacts_schema:
        raise ValueError(f"lifecycle_funnel: no column {field!r} in contacts")
    stages = list(stages)
    progression = [s for s in stages if re.sub(r"[^a-z0-9]", "", s.lower()) != "other"]
    frame = ds.lazy_contacts().select("contact_id", field)
    if seg_or_mask is not None:
        members = _member_frame(seg_or_mask, ds, as_of, catalog).filter("member")
        frame = frame.join(members.select("contact_id"), on="contact_id", how="semi")
    counted = frame.group_by(_stage_key(pl.col(field)).alias("__key")).agg(
        pl.len().cast(pl.Int64).alias("count"),
        pl.col(field).cast(pl.String).first().alias("__raw"),
    )
    known = pl.LazyFrame(
        {
            "stage": stages,
            "step": list(range(1, len(stages) + 1)),
            "__prog": [s in progression for s in stages],
        },
        schema={"stage": pl.String, "step": pl.Int64, "__prog": pl.Boolean},
    ).with_columns(_stage_key(pl.col("stage")).alias("__key"))
    listed = known.join(counted.select("__key", "count"), on="__key", how="left",
                        maintain_order="left")  # fmt: skip
    unlisted = (
        counted.join(known, on="__key", how="anti")
        .sort(
            [pl.col("__key").is_null(), pl.col("count"), pl.col("__raw")],
            descending=[False, True, False],
        )  # fmt: skip
        .select(
            pl.col("__raw").fill_null(MISSING).alias("stage"),
            (pl.int_range(pl.len(), dtype=pl.Int64) + len(stages) + 1).alias("step"),
            pl.lit(False).alias("__prog"),
            "__key",
            "count",
        )
    )
    prog = pl.col("__prog")
    reached = pl.when(prog).then(pl.col("count")).otherwise(0).cum_sum(reverse=True)
    out = (
        pl.concat([listed, unlisted], how="vertical")
        .with_columns(pl.col("count").fill_null(0))
        .with_columns(
            share=pl.col("count") / pl.col("count").sum(),
            reached=pl.when(prog).then(reached),
        )
        .with_columns(
            conversion=pl.when(prog & (pl.col("step") > 1))
            .then(pl.col("reached") / pl.col("reached").shift(1))
            .fill_nan(None)
        )
        .with_columns(pl.col("share").fill_nan(None))
        .select("stage", "step", "count", "share", "reached", "conversion")
    )
    return out.collect().cast({"reached": pl.Int64, "conversion": pl.Float64})


# -- activity -------------------------------------------------------------------------------------


def activity(
    seg_or_mask: Any,
    data: Any,
    as_of: Any = None,
    freq: str = "1w",
    events: Sequence[str] | None = None,
    catalog: Any = None,
    *,
    within_days: int | None = None,
    complete: bool = True,
) -> pl.DataFrame:
    """Events per period and event type, the segment's members against everyone.

    Events up to ``as_of`` (and after ``as_of - within_days`` when given) of the types in
    ``events`` (default all), of known contacts, counted per ``freq`` period (polars durations:
    ``1d``, ``1w`` - weeks start on Monday -, ``1mo``, ``1q``, ``1y``). With ``complete`` (the
    default) the period still running at ``as_of`` is left out, so a trend does not end with a
    spurious drop.
    One row per (``period``, ``event``) from the first period with events (the window's first
    with ``within_days``) to the last one before ``as_of``, zeros included: ``segment_count``, ``base_count`` and the rates per contact,
    ``segment_per_contact`` (per member) and ``base_per_contact``. Membership is evaluated once,
    at ``as_of``.

    >>> import datetime as dt
    >>> contacts = pl.DataFrame({"contact_id": [1, 2]})
    >>> events = pl.DataFrame({"contact_id": [1, 2, 2], "event": ["open", "open", "open"],
    ...     "timestamp": [dt.datetime(2026, 1, 5), dt.datetime(2026, 1, 6), dt.datetime(2026, 1, 20)]})
    >>> activity([1], Dataset(contacts, events), as_of="2026-02-01").select(
    ...     "period", "segment_count", "base_count", "base_per_contact")
    shape: (3, 4)
    ┌─────────────────────┬───────────────┬────────────┬──────────────────┐
    │ period              ┆ segment_count ┆ base_count ┆ base_per_contact │
    │ ---                 ┆ ---           ┆ ---        ┆ ---              │
    │ datetime[μs]        ┆ i64           ┆ i64        ┆ f64              │
    ╞═════════════════════╪═══════════════╪════════════╪══════════════════╡
    │ 2026-01-05 00:00:00 ┆ 1             ┆ 2          ┆ 1.0              │
    │ 2026-01-12 00:00:00 ┆ 0             ┆ 0          ┆ 0.0              │
    │ 2026-01-19 00:00:00 ┆ 0             ┆ 1          ┆ 0.5              │
    └─────────────────────┴───────────────┴────────────┴──────────────────┘
    """
    ds = engine._dataset(data)
    ev = ds.lazy_events()
    if ev is None:
        raise ValueError("activity needs an events table (Dataset(contacts, events))")
    when = resolve_as_of(as_of)
    ts_type = ds.events_schema["timestamp"]  # type: ignore[index]
    ts = pl.col("timestamp")
    if isinstance(ts_type, pl.Datetime) and ts_type.time_zone is not None:
        ts = ts.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    elif isinstance(ts_type, pl.Date):
        ts = ts.cast(pl.Datetime("us"))
    ev = ev.select("contact_id", pl.col("event").cast(pl.String), ts.alias("timestamp"))
    keep = pl.col("timestamp") <= when
    if within_days is not None:
        keep &= pl.col("timestamp") > when - _dt.timedelta(days=within_days)
    if events is not None:
        keep &= pl.col("event").is_in(pl.Series(list(events), dtype=pl.String).implode())
    members = _member_frame(seg_or_mask, ds, when, catalog)
    totals = members.select(pl.col("member").sum().alias("__seg"), pl.len().alias("__all"))
    counted = (
        ev.filter(keep)
        .join(members, on="contact_id", how="inner")
        .group_by(
            pl.col("timestamp").dt.truncate(freq).cast(pl.Datetime("us")).alias("period"), "event"
        )
        .agg(_counts())
    )
    # periods from the first with events (or the window's start) to the last before as_of
    last = pl.lit(when).dt.truncate(freq)
    if complete:
        last = last.dt.offset_by(f"-{freq}")
        counted = counted.filter(pl.col("period") <= last)
    first = pl.coalesce(pl.col("period").min(), last)
    if within_days is not None:
        first = pl.lit(when - _dt.timedelta(days=within_days)).dt.truncate(freq)
    periods = counted.select(
        pl.datetime_range(first, last, interval=freq, time_unit="us").alias("period")
    ).filter(pl.col("period").is_not_null())
    if events is not None:
        types = pl.LazyFrame({"event": list(events)}, schema={"event": pl.String}).unique(
            maintain_order=True)  # fmt: skip
    else:
        types = counted.select(pl.col("event").unique().sort())
    out = (
        periods.join(types, how="cross")
        .join(counted, on=["period", "event"], how="left")
        .with_columns(pl.col("segment_count", "base_count").fill_null(0))
        .join(totals, how="cross")
        .with_columns(
            segment_per_contact=_share("segment_count", "__seg"),
            base_per_contact=_share("base_count", "__all"),
        )
        .sort("period", "event")
        .select(
            "period",
            "event",
            "segment_count",
            "base_count",
            "segment_per_contact",
            "base_per_contact",
        )  # fmt: skip
    )
    return out.collect()


__all__ = [
    "AGE_BREAKS",
    "IDENTIFIERS",
    "LIFECYCLE_STAGES",
    "MAX_CATEGORIES",
    "MISSING",
    "activity",
    "lifecycle_funnel",
    "numeric_distribution",
    "overlap",
    "profile",
]
