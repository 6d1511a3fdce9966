"""Reading an import source and turning it into typed, normalised rows plus rejected rows.

Everything here is vectorised: per-column conversions and per-row reasons are polars
expressions; only phone numbers outside the common shapes go through ``phonenumbers`` one
distinct value at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from segkit.errors import DataError
from segkit.store import normalize as N
from segkit.store.fields import EVENT_FIELDS, STANDARD_FIELDS, snake
from segkit.store.presets import PRESET_TYPES, Preset, translate_values

ROW = "__row"
_REASON = "__reason"


def read_source(source: Any) -> tuple[pl.DataFrame, str]:
    """The source as a DataFrame (CSV columns as text) and a name for reports."""
    if isinstance(source, pl.LazyFrame):
        source = source.collect()
    if isinstance(source, pl.DataFrame):
        return source, "a DataFrame"
    if not isinstance(source, str | Path):
        raise DataError(f"cannot import from {type(source).__name__}: give a CSV, Parquet or "
                        "NDJSON path or a polars DataFrame")  # fmt: skip
    path = Path(source)
    if not path.is_file():
        raise DataError(f"{path}: no such file", path=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            df = pl.read_csv(path, infer_schema=False, separator="\t" if suffix == ".tsv" else ",",
                             encoding="utf8")  # fmt: skip
            df = df.rename({c: c.lstrip("\ufeff").strip() for c in df.columns})
        elif suffix == ".parquet":
            df = pl.read_parquet(path)
        elif suffix in (".ndjson", ".jsonl"):
            df = pl.read_ndjson(path)
        else:
            raise DataError(f"{path}: unknown file type {suffix!r} (use .csv, .parquet or "
                            ".ndjson)", path=str(path))  # fmt: skip
    except DataError:
        raise
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot be parsed, nothing was imported: {exc}",
                        path=str(path)) from None  # fmt: skip
    if df.width == 0:
        raise DataError(f"{path}: no columns, nothing was imported", path=str(path))
    return df, str(path)


@dataclass
class Prepared:
    frame: pl.DataFrame  # typed rows to write, with ROW
    rejected: pl.DataFrame  # row, reason, raw values (text)
    columns: dict[str, str]  # source header -> field
    warnings: list[str] = field(default_factory=list)


def map_columns(headers: list[str], preset: Preset | None, mapping: Mapping[str, str | None] | None,
                key: str, reserved: tuple[str, ...] = ()) -> dict[str, str | None]:  # fmt: skip
    """Source header -> field name (None: skipped on purpose by ``mapping``)."""
    mapping = dict(mapping or {})
    unknown = [h for h in mapping if h not in headers]
    if unknown:
        raise DataError(f"mapping names column(s) {unknown} that the source does not have; its "
                        f"columns are {headers}")  # fmt: skip
    out: dict[str, str | None] = {}
    taken: set[str] = set()
    for h in headers:
        if h in mapping:
            f = mapping[h]
        elif preset is not None and preset.field_for(h):
            f = preset.field_for(h)
        else:
            f = snake(h)
        if f is not None:
            if f in reserved and f != key:
                f = f"source_{f}"
            if f in taken and h not in mapping:  # e.g. Mailchimp's COUNTRY and CC
                f = snake(h)
            base, i = f, 2
            while f in taken:
                f, i = f"{base}_{i}", i + 1
            taken.add(f)
        out[h] = f
    return out


def _raw_text(raw: pl.DataFrame) -> pl.DataFrame:
    """Every column as text, for the rejects file."""
    exprs = []
    for c, t in raw.schema.items():
        if t == pl.String or c == ROW:
            exprs.append(pl.col(c))
        elif isinstance(t, pl.List | pl.Array):
            exprs.append(pl.col(c).cast(pl.List(pl.String), strict=False).list.join(", "))
        elif isinstance(t, pl.Struct):
            exprs.append(pl.col(c).struct.json_encode())
        else:
            exprs.append(pl.col(c).cast(pl.String, strict=False))
    return raw.select(exprs)


def _reasons(reasons: list[tuple[pl.Series, str, pl.Series | None]], n: int) -> pl.Series:
    """One text per row naming every problem of the row (null for good rows); the texts are
    built only for the rows that have a problem."""
    out = pl.Series(_REASON, [None] * n, dtype=pl.String)
    if not reasons:
        return out
    any_bad = pl.select(pl.any_horizontal([m.fill_null(False) for m, _, _ in reasons])).to_series()
    idx = any_bad.arg_true()
    if idx.len() == 0:
        return out
    parts = []
    for mask, text, values in reasons:
        m = mask.fill_null(False).gather(idx)
        if values is None:
            msg = pl.lit(text)
        else:
            v = values.gather(idx).cast(pl.String).str.strip_chars()
            msg = pl.format(text, pl.lit(v))
        parts.append(pl.when(pl.lit(m)).then(msg))
    sub = pl.select(pl.concat_str(parts, separator="; ", ignore_nulls=True)).to_series()
    return out.scatter(idx, sub)


def prepare(
    raw: pl.DataFrame,
    *,
    table: str,
    schema: Mapping[str, pl.DataType],
    key: str,
    preset: Preset | None = None,
    mapping: Mapping[str, str | None] | None = None,
    phone_region: str | None = "US",
    dedupe_key: bool = True,
) -> Prepared:
    """Map, convert and normalise ``raw`` for ``table`` ("contacts" or "events")."""
    headers = list(raw.columns)
    reserved = ("contact_id",) if table == "contacts" else ()
    cols = map_columns(headers, preset, mapping, key, reserved)
    if key not in cols.values() and not (table == "events" and key in ("email", "contact_id")
                                         and key in cols.values()):  # fmt: skip
        raise DataError(
            f"the import key {key!r} is not a column of the source (its columns map to "
            f"{sorted(v for v in cols.values() if v)}); pass key=... or mapping={{'Header': "
            f"{key!r}}}", column=key,
        )  # fmt: skip
    raw = raw.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    # rows with no value at all (exports often end with some) are skipped, and counted
    empty = [(pl.col(h).is_null() | (pl.col(h).str.strip_chars() == "")).fill_null(True)
             if t == pl.String else pl.col(h).is_null()
             for h, t in raw.schema.items() if h != ROW]  # fmt: skip
    blank = raw.select(pl.all_horizontal(empty)).to_series() if empty else None
    n_blank = int(blank.sum()) if blank is not None else 0
    if n_blank:
        raw = raw.filter(~blank)
    df = raw.select(ROW, *[pl.col(h).alias(f) for h, f in cols.items() if f is not None])
    # text cells are trimmed; a blank cell is no value (only columns that need it are touched)
    text = [c for c, t in df.schema.items() if t == pl.String]
    if text:
        needs = df.select(pl.col(c).str.contains(r"^\s|\s$").any() | (pl.col(c) == "").any()
                          for c in text).row(0)  # fmt: skip
        df = df.with_columns(N.blank_to_null(pl.col(c).str.strip_chars()).alias(c)
                             for c, need in zip(text, needs, strict=True) if need)  # fmt: skip
    header_of = {f: h for h, f in cols.items() if f is not None}
    df = translate_values(df, preset)
    known = EVENT_FIELDS if table == "events" else STANDARD_FIELDS
    reasons: list[tuple[pl.Series, str, pl.Series | None]] = []  # mask, text, value
    warnings: list[str] = []
    if n_blank:
        warnings.append(f"{n_blank:,} blank row(s) (no value in any column) were skipped")
    converted: list[pl.Series] = [df[ROW]]
    list_seps = dict(preset.list_separators) if preset else {}
    date_formats = preset.date_formats if preset else ()
    for f in df.columns:
        if f == ROW:
            continue
        s = df[f]
        target = schema.get(f) or known.get(f) or PRESET_TYPES.get(f)
        if target is None:
            out = N.infer(s) if s.dtype == pl.String else s
            converted.append(out.alias(f))
            continue
        out, bad = N.convert(s, target, date_formats=date_formats, list_separator=list_seps.get(f))
        if bad.any():
            what = ("a date" if isinstance(target, pl.Date | pl.Datetime) else
                    "a number" if target in (pl.Int64, pl.Float64) else
                    "true/false" if target == pl.Boolean else f"a {target}")  # fmt: skip
            word = "unparseable date" if what == "a date" else f"not {what}"
            reasons.append((bad, f"{word} in column {header_of[f]!r}: '{{}}'", s))
        converted.append(out)
    df = pl.DataFrame(converted)

    # normalise what identifies a person
    if "email" in df.columns and df.schema["email"] == pl.String:
        raw_email = df["email"]
        df = df.with_columns(N.email(pl.col("email")))
        invalid = df.select(pl.col("email").is_not_null() & ~N.email_ok(pl.col("email"))) \
            .to_series()  # fmt: skip
        if invalid.any():
            reasons.append((invalid, "invalid email '{}'", raw_email))
    if "country" in df.columns and df.schema["country"] == pl.String:
        iso, unknown = N.country(df["country"])
        df = df.with_columns(iso)
        if unknown.any():
            sample = df.filter(unknown)["country"].unique().head(5).to_list()
            warnings.append(f"{int(unknown.sum()):,} country value(s) are not a known country "
                            f"and were kept as given (e.g. {sample})")  # fmt: skip
    for ph in ("phone", "mobile_phone"):
        if ph in df.columns and df.schema[ph] == pl.String:
            region = df["country"] if "country" in df.columns else None
            e164, bad = N.phone(df[ph], region, phone_region)
            df = df.with_columns(e164)
            if bad.any():
                warnings.append(f"{int(bad.sum()):,} {ph} value(s) could not be read as phone "
                                "numbers and were kept as given")  # fmt: skip
    if table == "events":
        for req, word in (("event", "no event type"), ("timestamp", "no timestamp")):
            if req in df.columns:
                reasons.append((df[req].is_null(), word, None))
    if key in df.columns:
        words = {"email": "no email (the import key)"}
        reasons.append((df[key].is_null(), words.get(key, f"no {key} (the import key)"), None))
    if preset is not None and preset.derive is not None:
        df = preset.derive(df)

    df = df.with_columns(_reasons(reasons, df.height).alias(_REASON))
    if dedupe_key and key in df.columns and df[key].is_duplicated().any():
        ok = pl.col(_REASON).is_null()
        last = pl.col(ROW).filter(ok).max().over(key)
        df = df.with_columns(
            pl.when(ok & (pl.col(ROW) != last) & pl.col(key).is_not_null())
            .then(pl.format(f"duplicate {key}: row {{}} has the same {key} and is imported "
                            "instead", last))
            .otherwise(pl.col(_REASON)).alias(_REASON)
        )  # fmt: skip
    bad_rows = df.filter(pl.col(_REASON).is_not_null()).select(ROW, _REASON)
    bad_raw = raw.select(ROW, *headers).filter(pl.col(ROW).is_in(bad_rows[ROW].implode()))
    rejected = (
        bad_rows.join(_raw_text(bad_raw).rename(
            {h: f"{h} (source)" for h in headers if h in ("row", "reason")}), on=ROW, how="left")
        .rename({ROW: "row", _REASON: "reason"})
        .sort("row")
    )  # fmt: skip
    good = df.filter(pl.col(_REASON).is_null()).drop(_REASON)
    return Prepared(good, rejected, {h: f for h, f in cols.items() if f is not None}, warnings)
