"""Reading and writing Dataset folders: ``contacts.*``, ``events.*``, ``campaigns.*``.

Parquet and NDJSON carry their own types. CSV does not, so each column is read as text and its
type inferred: a column becomes an integer, float, boolean, date or datetime column when its
values parse as one. When nearly all values of a column parse (at least 90%) and a few do not,
that is a bad value, not a text column: the error names the file, the row and the column.
Nothing is half-loaded: every table is read and checked before a Dataset is returned.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import polars as pl

from segkit.data.dataset import Dataset
from segkit.errors import DataError

SUFFIXES = (".parquet", ".csv", ".ndjson", ".jsonl")
TABLES = ("contacts", "events", "campaigns")
# Columns that must hold a given type, whatever inference says.
REQUIRED_TYPES = {"events": {"timestamp": "datetime"}}
_MOSTLY = 0.9

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y")
_DATETIME_FORMATS = (
    None,  # polars' ISO-8601 inference (with or without T, fractions, offsets)
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
)


def _find(folder: Path, table: str) -> Path | None:
    found = [folder / f"{table}{s}" for s in SUFFIXES if (folder / f"{table}{s}").exists()]
    if len(found) > 1:
        raise DataError(
            f"{folder}: more than one file for table {table!r}: {', '.join(p.name for p in found)}",
            table=table,
            path=str(folder),
        )
    return found[0] if found else None


def read_dataset(folder: str | Path) -> Dataset:
    """Read ``contacts.*`` (required), ``events.*`` and ``campaigns.*`` from a folder.

    Files may be Parquet, CSV or NDJSON. Errors name the file, row and column.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: no such folder", path=str(folder))
    frames: dict[str, pl.DataFrame | None] = {}
    for table in TABLES:
        path = _find(folder, table)
        frames[table] = None if path is None else read_table(path, table=table)
    if frames["contacts"] is None:
        raise DataError(
            f"{folder}: no contacts file (looked for contacts{{{','.join(SUFFIXES)}}})",
            table="contacts",
            path=str(folder),
        )
    try:
        return Dataset(frames["contacts"], frames["events"], frames["campaigns"], name=folder.name)
    except DataError as exc:
        path = _find(folder, exc.table or "contacts")
        raise DataError(
            f"{path}: {exc}", table=exc.table, column=exc.column, rows=exc.rows, path=str(path)
        ) from None


def read_table(path: str | Path, *, table: str | None = None) -> pl.DataFrame:
    """Read one Parquet, CSV or NDJSON file into a typed DataFrame."""
    path = Path(path)
    table = table or path.stem
    if not path.exists():
        raise DataError(f"{path}: no such file", table=table, path=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            df = pl.read_parquet(path)
        elif suffix in (".ndjson", ".jsonl"):
            df = pl.read_ndjson(path)
        elif suffix == ".csv":
            df = _read_csv_typed(path, table)
        else:
            raise DataError(
                f"{path}: unknown file type {suffix!r} (use one of {', '.join(SUFFIXES)})",
                table=table,
                path=str(path),
            )
    except DataError:
        raise
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot be read: {exc}", table=table, path=str(path)) from None
    return _coerce_required(df, path, table)


def write_dataset(data: Dataset, folder: str | Path, *, format: str = "parquet") -> Path:
    """Write a Dataset's tables into ``folder`` as ``contacts.parquet`` etc."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        frame = getattr(data, table)
        if frame is None:
            continue
        out = folder / f"{table}.{format}"
        if format == "parquet":
            frame.write_parquet(out)
        elif format == "ndjson":
            frame.write_ndjson(out)
        elif format == "csv":
            # CSV has no lists: write them as JSON arrays, which read_table parses back
            list_cols = [c for c, t in frame.schema.items() if isinstance(t, pl.List)]
            frame.with_columns(
                pl.when(pl.col(c).is_not_null()).then(
                    pl.struct(pl.col(c).alias("v")).struct.json_encode().str.slice(5).str.head(-1)
                ).alias(c)
                for c in list_cols
            ).write_csv(out)
        else:
            raise ValueError(f"unknown format {format!r}: use parquet, csv or ndjson")
    return folder


# -- CSV inference ----------------------------------------------------------------------------


def _read_csv_typed(path: Path, table: str) -> pl.DataFrame:
    raw = pl.read_csv(path, infer_schema=False)
    raw = raw.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in raw.columns)
    required = REQUIRED_TYPES.get(table, {})
    out = []
    for col in raw.columns:
        out.append(_infer_column(raw[col], path, table, required.get(col)))
    return pl.DataFrame(out)


def _candidates(s: pl.Series) -> list[tuple[str, pl.Series]]:
    """Each type the column could be, in order of preference, with the parsed series (null
    where a value did not parse)."""
    cands: list[tuple[str, pl.Series]] = []
    digits = s.str.replace_all(",", "")
    # "02134" is a postal code, not the number 2134: leading zeros keep a column as text
    if not s.str.contains(r"^[+-]?0\d").any():
        cands.append(("int", digits.cast(pl.Int64, strict=False)))
        cands.append(("float", digits.cast(pl.Float64, strict=False)))
    cands.append(("bool", s.str.to_lowercase().replace_strict(
        {"true": True, "false": False}, default=None, return_dtype=pl.Boolean,
    )))  # fmt: skip
    # exports mix formats ("2026-03-01" and "03/01/2026"): take whichever parses each value
    dates = [s.str.to_date(f, strict=False) for f in _DATE_FORMATS]
    cands.append(("date", pl.select(pl.coalesce(dates)).to_series()))
    dts = []
    for f in _DATETIME_FORMATS:
        try:
            parsed = s.str.to_datetime(f, strict=False, time_unit="us", time_zone="UTC")
        except pl.exceptions.PolarsError:
            continue
        dts.append(parsed.dt.replace_time_zone(None))
    if dts:
        cands.append(("datetime", pl.select(pl.coalesce(dts)).to_series()))
    if s.drop_nulls().str.starts_with("[").all():
        with contextlib.suppress(pl.exceptions.PolarsError):
            cands.append(("list", s.str.json_decode(pl.List(pl.String))))
    return cands


_WORDS = {"datetime": "a datetime", "date": "a date", "int": "an integer", "float": "a number",
          "bool": "true or false"}  # fmt: skip


def _infer_column(s: pl.Series, path: Path, table: str, required: str | None) -> pl.Series:
    present = s.is_not_null()
    n = int(present.sum())
    if n == 0 and not required:
        return s
    best: tuple[str, pl.Series, int] | None = None
    for kind, parsed in _candidates(s):
        if required and kind != required:
            continue
        ok = int((parsed.is_not_null() & present).sum())
        if ok == n:
            return parsed.alias(s.name)
        if kind in _WORDS and (best is None or ok > best[2]):
            best = (kind, parsed, ok)
    if best is None or not (required or best[2] >= _MOSTLY * n):
        return s  # a text column
    kind, parsed, _ = best
    bad_mask = present & parsed.is_null()
    bad = bad_mask.arg_true().head(5).to_list()
    rows = [i + 1 for i in bad]
    detail = ", ".join(f"row {r}: {s[i]!r}" for r, i in zip(rows, bad, strict=True))
    raise DataError(
        f"{path}: column {s.name!r} must hold {_WORDS[kind]} in every row, but "
        f"{int(bad_mask.sum())} value(s) do not parse ({detail}); rows are numbered from 1 "
        "after the header",
        table=table,
        column=s.name,
        rows=rows,
        path=str(path),
    )


def _coerce_required(df: pl.DataFrame, path: Path, table: str) -> pl.DataFrame:
    """Make sure columns with a required type have it (e.g. events.timestamp)."""
    for col, kind in REQUIRED_TYPES.get(table, {}).items():
        if col in df.columns and kind == "datetime":
            dtype = df.schema[col]
            if dtype == pl.String:
                parsed = df[col].str.to_datetime(strict=False, time_unit="us")
                bad = (df[col].is_not_null() & parsed.is_null()).arg_true().head(5).to_list()
                if bad:
                    rows = [i + 1 for i in bad]
                    raise DataError(
                        f"{path}: column {col!r} must hold a datetime in every row, but row "
                        f"{rows[0]} holds {df[col][bad[0]]!r}",
                        table=table, column=col, rows=rows, path=str(path),
                    )  # fmt: skip
                df = df.with_columns(parsed)
            elif dtype == pl.Date:
                df = df.with_columns(pl.col(col).cast(pl.Datetime("us")))
    return df
