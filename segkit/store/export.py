"""Writing a segment's members in a format another tool's importer accepts.

Every format writes exactly one row per member (no join fans rows out, no row is skipped for a
missing email); the file is read back and the row count checked before returning.

``csv`` / ``parquet``
    Every contact field. CSV lists are ``;``-joined, dates ISO (``2026-03-01``), datetimes
    ``2026-03-01 14:05:09``.

``mailchimp`` (Audience > Import contacts > Upload a file)
    ``Email Address``, ``First Name``, ``Last Name``, ``Phone Number``, ``Company``, ``City``,
    ``Country`` (ISO code), ``Birthday`` (``MM/DD``, Mailchimp's birthday format),
    ``Signup Date`` (``YYYY-MM-DD``), ``TAGS`` (comma-separated, one quoted cell).

``hubspot`` (Contacts > Import > File from computer)
    ``Record ID`` (when the contact came from HubSpot: updates that record), ``Email``,
    ``First Name``, ``Last Name``, ``Phone Number``, ``Company Name``, ``Job Title``, ``City``,
    ``Country/Region``, ``Industry``, ``Lifecycle Stage`` (HubSpot's internal values such as
    ``marketingqualifiedlead``), ``Lead Status``, ``Date of birth`` (``YYYY-MM-DD``: choose
    "Year-month-day" in the import wizard).

``salesforce`` (Data Import Wizard, Contacts and Accounts; also Data Loader)
    ``First Name``, ``Last Name``, ``Email``, ``Phone``, ``Title``, ``Account Name``,
    ``Mailing City``, ``Mailing Country``, ``Birthdate`` (``YYYY-MM-DD``), ``Lead Source``,
    ``Email Opt Out`` (``true``/``false``, true when ``email_status`` is ``unsubscribed``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from segkit.errors import DataError
from segkit.store.reports import ExportReport

FORMATS = ("csv", "parquet", "mailchimp", "hubspot", "salesforce")

_HUBSPOT_STAGES = {
    "subscriber": "subscriber", "lead": "lead",
    "marketing_qualified_lead": "marketingqualifiedlead",
    "sales_qualified_lead": "salesqualifiedlead", "opportunity": "opportunity",
    "customer": "customer", "evangelist": "evangelist", "other": "other",
}  # fmt: skip


def _col(df: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name) if name in df.columns else pl.lit(None, dtype=pl.String)


def _text(df: pl.DataFrame, name: str) -> pl.Expr:
    if name not in df.columns:
        return pl.lit(None, dtype=pl.String)
    t = df.schema[name]
    if isinstance(t, pl.List):
        return pl.col(name).list.join(", ")
    return pl.col(name).cast(pl.String)


def _date(df: pl.DataFrame, name: str, fmt: str = "%Y-%m-%d") -> pl.Expr:
    if name not in df.columns:
        return pl.lit(None, dtype=pl.String)
    if isinstance(df.schema[name], pl.Date | pl.Datetime):
        return pl.col(name).dt.strftime(fmt)
    return pl.col(name).cast(pl.String)


def platform_frame(df: pl.DataFrame, fmt: str) -> pl.DataFrame:
    """The member rows with a platform's import headers and value formats."""
    if fmt == "mailchimp":
        tags = (pl.col("tags").list.join(",") if "tags" in df.columns
                and isinstance(df.schema["tags"], pl.List) else _text(df, "tags"))  # fmt: skip
        return df.select(
            _text(df, "email").alias("Email Address"),
            _text(df, "first_name").alias("First Name"),
            _text(df, "last_name").alias("Last Name"),
            _text(df, "phone").alias("Phone Number"),
            _text(df, "company").alias("Company"),
            _text(df, "city").alias("City"),
            _text(df, "country").alias("Country"),
            _date(df, "birth_date", "%m/%d").alias("Birthday"),
            _date(df, "signup_at").alias("Signup Date"),
            tags.alias("TAGS"),
        )
    if fmt == "hubspot":
        stage = _text(df, "lifecycle_stage")
        cols = [
            _text(df, "email").alias("Email"),
            _text(df, "first_name").alias("First Name"),
            _text(df, "last_name").alias("Last Name"),
            _text(df, "phone").alias("Phone Number"),
            _text(df, "company").alias("Company Name"),
            _text(df, "job_title").alias("Job Title"),
            _text(df, "city").alias("City"),
            _text(df, "country").alias("Country/Region"),
            _text(df, "industry").alias("Industry"),
            stage.replace(_HUBSPOT_STAGES).alias("Lifecycle Stage"),
            _text(df, "lead_status").alias("Lead Status"),
            _date(df, "birth_date").alias("Date of birth"),
        ]
        if "hubspot_record_id" in df.columns:
            cols.insert(0, _text(df, "hubspot_record_id").alias("Record ID"))
        return df.select(cols)
    if fmt == "salesforce":
        opt_out = (pl.col("email_status").cast(pl.String) == "unsubscribed").fill_null(False) \
            if "email_status" in df.columns else pl.lit(False)  # fmt: skip
        return df.select(
            _text(df, "first_name").alias("First Name"),
            _text(df, "last_name").alias("Last Name"),
            _text(df, "email").alias("Email"),
            _text(df, "phone").alias("Phone"),
            _text(df, "job_title").alias("Title"),
            _text(df, "company").alias("Account Name"),
            _text(df, "city").alias("Mailing City"),
            _text(df, "country").alias("Mailing Country"),
            _date(df, "birth_date").alias("Birthdate"),
            _text(df, "source_channel").alias("Lead Source"),
            pl.when(opt_out).then(pl.lit("true")).otherwise(pl.lit("false")).alias("Email Opt Out"),
        )
    raise DataError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def _csv_ready(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(
        pl.col(c).list.join(";") if isinstance(t, pl.List) and t.inner == pl.String
        else pl.col(c).cast(pl.List(pl.String)).list.join(";") if isinstance(t, pl.List)
        else pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S") if isinstance(t, pl.Datetime)
        else pl.col(c).struct.json_encode() if isinstance(t, pl.Struct)
        else pl.col(c)
        for c, t in df.schema.items()
    )  # fmt: skip


def write_export(rows: pl.DataFrame, path: Path, fmt: str, segment: str | None) -> ExportReport:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise DataError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    warnings = []
    if fmt == "parquet":
        out = rows
        out.write_parquet(path)
        written = pl.scan_parquet(path).select(pl.len()).collect().item()
    else:
        out = _csv_ready(rows) if fmt == "csv" else platform_frame(rows, fmt)
        out.write_csv(path, quote_style="necessary")
        written = pl.scan_csv(path, infer_schema=False).select(pl.len()).collect().item()
        if fmt != "csv":
            email = "Email Address" if fmt == "mailchimp" else "Email"
            missing = out[email].is_null().sum()
            if missing:
                warnings.append(f"{missing:,} member(s) have no email; {fmt}'s importer will "
                                "skip those rows")  # fmt: skip
    if written != rows.height:
        raise DataError(f"{path}: wrote {written} rows but the segment has {rows.height} "
                        "members; the file is incomplete", path=str(path))  # fmt: skip
    return ExportReport(path, fmt, rows.height, list(out.columns), segment, warnings)
