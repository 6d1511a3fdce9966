"""Data quality: missing and invalid values per field, freshness of events, recent rejects.

Each function is one library call a dashboard (``dashboards/data_quality.ipynb``) or a script can
make; all vectorised polars.

>>> import polars as pl, segkit as sk
>>> contacts = pl.DataFrame({"contact_id": [1, 2, 3], "email": ["a@b.co", "nope", None]})
>>> field_quality(sk.Dataset(contacts)).select("field", "missing", "invalid").row(1)
('email', 1, 1)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl

from segkit.compile.polars import resolve_as_of
from segkit.data.dataset import Dataset
from segkit.privacy import EMAIL, PHONE

EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
ISO_COUNTRY_RE = r"^[A-Z]{2}$"


def _invalid(name: str, dtype: pl.DataType, now: dt.datetime) -> pl.Expr | None:
    """A rule that marks a present value as invalid, for the fields we know how to check."""
    col = pl.col(name)
    lname = name.lower()
    if dtype == pl.String:
        if lname in EMAIL or lname.endswith("_email"):
            return ~col.str.contains(EMAIL_RE)
        if lname in PHONE or lname.endswith("_phone"):
            digits = col.str.replace_all(r"\D", "").str.len_chars()
            return (digits < 7) | (digits > 15)
        if lname in ("country", "country_code"):
            return ~col.str.contains(ISO_COUNTRY_RE)
        return None
    if dtype.is_numeric() and lname == "age":
        return (col < 0) | (col > 120)
    if dtype.is_numeric() and lname == "nps":
        return (col < 0) | (col > 10)
    if isinstance(dtype, pl.Date):
        return (col > pl.lit(now.date())) | (col < pl.lit(dt.date(1900, 1, 1)))
    if isinstance(dtype, pl.Datetime):
        value = col.dt.replace_time_zone(None) if dtype.time_zone else col
        return value > pl.lit(now)
    return None


def _missing(name: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if dtype == pl.String:
        return col.is_null() | (col.str.strip_chars() == "")
    if isinstance(dtype, pl.List):
        return col.is_null() | (col.list.len() == 0)
    return col.is_null()


def field_quality(data: Dataset | pl.DataFrame, as_of: Any = None) -> pl.DataFrame:
    """Per contact field: ``type``, ``missing`` (null, blank or empty list) and ``invalid``
    (present but wrong: malformed emails and phones, non-ISO countries, ages outside 0-120,
    dates after ``as_of`` or before 1900), their shares, ``distinct`` values and an example of
    an invalid value."""
    frame = data.lazy_contacts() if isinstance(data, Dataset) else data.lazy()
    schema = frame.collect_schema()
    now = resolve_as_of(as_of)
    exprs: list[pl.Expr] = [pl.len().alias("__rows")]
    checked: list[str] = []
    for name, dtype in schema.items():
        exprs.append(_missing(name, dtype).sum().alias(f"{name}__missing"))
        if not isinstance(dtype, pl.List):
            exprs.append(pl.col(name).n_unique().alias(f"{name}__distinct"))
        rule = _invalid(name, dtype, now)
        if rule is not None:
            bad = (rule & ~_missing(name, dtype)).fill_null(False)
            exprs.append(bad.sum().alias(f"{name}__invalid"))
            exprs.append(pl.col(name).filter(bad).first().cast(pl.String)
                         .alias(f"{name}__example"))  # fmt: skip
            checked.append(name)
    row = frame.select(exprs).collect().row(0, named=True)
    n = row["__rows"]
    records = []
    for name, dtype in schema.items():
        missing = row[f"{name}__missing"]
        invalid = row.get(f"{name}__invalid") if name in checked else None
        records.append({
            "field": name, "type": str(dtype), "rows": n, "missing": missing,
            "missing_share": missing / n if n else 0.0, "invalid": invalid,
            "invalid_share": (invalid / n if n else 0.0) if invalid is not None else None,
            "distinct": row.get(f"{name}__distinct"),
            "example_invalid": row.get(f"{name}__example") if name in checked else None,
        })  # fmt: skip
    return pl.DataFrame(records, schema={
        "field": pl.String, "type": pl.String, "rows": pl.Int64, "missing": pl.Int64,
        "missing_share": pl.Float64, "invalid": pl.Int64, "invalid_share": pl.Float64,
        "distinct": pl.Int64, "example_invalid": pl.String,
    })  # fmt: skip


def event_freshness(data: Dataset, as_of: Any = None) -> pl.DataFrame:
    """Per event type: ``total``, ``last_seen``, ``days_since`` the last one, and how many
    happened in the last 7 and 30 days before ``as_of`` (default now). Stale feeds stand out."""
    events = data.lazy_events()
    schema = {"event": pl.String, "total": pl.Int64, "last_seen": pl.Datetime("us"),
              "days_since": pl.Float64, "last_7_days": pl.Int64, "last_30_days": pl.Int64}  # fmt: skip
    if events is None:
        return pl.DataFrame(schema=schema)
    now = resolve_as_of(as_of)
    ts_dtype = data.events_schema["timestamp"]  # type: ignore[index]
    ts = pl.col("timestamp")
    if getattr(ts_dtype, "time_zone", None):
        ts = ts.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return (
        events.with_columns(ts.cast(pl.Datetime("us")).alias("timestamp"))
        .filter(pl.col("timestamp") <= now)
        .group_by("event")
        .agg(
            total=pl.len(),
            last_seen=pl.col("timestamp").max(),
            last_7_days=(pl.col("timestamp") > now - dt.timedelta(days=7)).sum(),
            last_30_days=(pl.col("timestamp") > now - dt.timedelta(days=30)).sum(),
        )
        .with_columns(days_since=(pl.lit(now) - pl.col("last_seen")).dt.total_seconds() / 86400)
        .select(list(schema))
        .cast(schema)  # type: ignore[arg-type]
        .sort("days_since")
        .collect()
    )


def recent_rejects(workspace: Any, limit: int = 500) -> pl.DataFrame:
    """The rows the workspace's latest imports could not take, newest file first: ``file``,
    ``row`` (in the source), ``reason`` and the raw values."""
    folder = Path(workspace.path) / "rejects"
    files = sorted(folder.glob("*.csv"), key=lambda p: p.stat().st_mtime, reverse=True)
    frames = []
    total = 0
    for path in files:
        frame = pl.read_csv(path, infer_schema=False).with_columns(file=pl.lit(path.name))
        frames.append(frame)
        total += frame.height
        if total >= limit:
            break
    if not frames:
        return pl.DataFrame(schema={"file": pl.String, "row": pl.String, "reason": pl.String})
    out = pl.concat(frames, how="diagonal_relaxed").head(limit)
    first = [c for c in ("file", "row", "reason") if c in out.columns]
    return out.select(first + [c for c in out.columns if c not in first])
