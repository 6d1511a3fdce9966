"""Messy CSV exports of some of the sample's people, as HubSpot and Mailchimp write them.

The mess is the usual one: mixed-case emails, a few blank rows, dates in two formats (ISO and
MM/DD/YYYY), leading/trailing spaces, country names or codes, empty cells.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import polars as pl

from segkit.data.dataset import Dataset
from segkit.sample import _vocab as V

HUBSPOT_COLUMNS = [
    "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Job Title",
    "City", "Country/Region", "Lifecycle Stage", "Lead Status", "Create Date", "Original Source",
    "Industry", "Seats", "NPS Score", "Referral Code",
]  # fmt: skip
MAILCHIMP_COLUMNS = [
    "Email Address", "First Name", "Last Name", "Address", "Phone Number", "Birthday", "TAGS",
    "MEMBER_RATING", "OPTIN_TIME", "CONFIRM_TIME", "LAST_CHANGED", "COUNTRY", "CC", "REGION",
    "LEID",
]  # fmt: skip

_SOURCE_LABEL = {
    "organic": "Organic Search", "paid_ads": "Paid Search", "social": "Social Media",
    "email_pitch": "Email Marketing", "referral": "Referrals", "event": "Offline Sources",
}  # fmt: skip
_REGION = {f"{k}|{c}": r for k, cities in V.CITIES.items() for c, r, _w in cities}
_STREET = {k: V.STREETS[V.COUNTRY_LOCALE[k]] for k in V.COUNTRIES}


def _rows(data: Dataset, idx: np.ndarray) -> pl.DataFrame:
    """The contacts at row positions ``idx`` (in that order), eager or lazy input alike."""
    order = pl.DataFrame({"__row": idx.astype(np.uint32), "__pos": np.arange(len(idx))})
    lf = data.lazy_contacts().with_row_index("__row")
    return (
        lf.join(order.lazy(), on="__row", how="inner").sort("__pos").drop("__row", "__pos")
    ).collect()


def _fmt_dt(col: str, us_share: pl.Expr, seconds: bool) -> pl.Expr:
    iso = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return (
        pl.when(us_share)
        .then(pl.col(col).dt.strftime("%m/%d/%Y %H:%M"))
        .otherwise(pl.col(col).dt.strftime(iso))
    )


def _mess(df: pl.DataFrame, rng: np.random.Generator, email_col: str, pad_cols: list[str]):
    """Mixed-case emails, stray spaces, then ~1.5% blank rows spliced in."""
    n = df.height
    case = rng.choice(3, n, p=[0.8, 0.12, 0.08])
    df = df.with_columns(
        pl.when(pl.lit(pl.Series(case == 1)))
        .then(pl.col(email_col).str.to_titlecase())
        .when(pl.lit(pl.Series(case == 2)))
        .then(pl.col(email_col).str.to_uppercase())
        .otherwise(pl.col(email_col))
        .alias(email_col)
    )
    for col in pad_cols:
        pad = rng.choice(3, n, p=[0.94, 0.03, 0.03])
        df = df.with_columns(
            pl.when(pl.lit(pl.Series(pad == 1)))
            .then(pl.concat_str(pl.lit(" "), pl.col(col)))
            .when(pl.lit(pl.Series(pad == 2)))
            .then(pl.concat_str(pl.col(col), pl.lit("  ")))
            .otherwise(pl.col(col))
            .alias(col)
        )
    df = df.with_columns(pl.all().cast(pl.String))
    n_blank = max(1, int(round(n * 0.015)))
    blank = pl.DataFrame({c: [None] * n_blank for c in df.columns}, schema=df.schema)
    pos = np.r_[np.arange(n), rng.integers(0, n + 1, n_blank) - 0.5]
    out = (
        pl.concat([df, blank]).with_columns(__pos=pl.Series(pos)).sort("__pos", maintain_order=True)
    )
    return out.drop("__pos")


def write_exports(data: Dataset, out_dir: str | os.PathLike, n: int = 500, seed: int = 0):
    """Write ``hubspot_export.csv`` and ``mailchimp_export.csv`` (~``n`` rows each) for some of
    ``data``'s contacts into ``out_dir``; the two overlap (~60% of Mailchimp's people are also in
    HubSpot's file). Returns the number of data rows (blank rows excluded) of each file."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    total = data.n_contacts
    # like HubSpot and Mailchimp, an export holds an address (in any case) once: a planted
    # duplicate that shares its original's address is not in them
    flags = (
        data.lazy_contacts()
        .select(
            unique=pl.col("email").str.to_lowercase().is_first_distinct(),
            mailable=pl.col("email_status").is_in(["subscribed", "unsubscribed"])
            & pl.col("email_consent_at").is_not_null(),
        )
        .collect()
    )
    unique = flags["unique"].to_numpy()
    pool = np.nonzero(unique)[0]
    n_hs = min(n, len(pool))
    hs_idx = rng.choice(pool, n_hs, replace=False)
    hs = _rows(data, hs_idx)

    us = pl.lit(pl.Series(rng.random(hs.height) < 0.4))
    code = pl.lit(pl.Series(rng.random(hs.height) < 0.3))
    hub = hs.select(
        pl.lit(74_100_000_000).add(pl.col("contact_id") * 3).alias("Record ID"),
        pl.col("first_name").alias("First Name"),
        pl.col("last_name").alias("Last Name"),
        pl.col("email").alias("Email"),
        pl.col("phone").alias("Phone Number"),
        pl.col("company").alias("Company Name"),
        pl.col("job_title").alias("Job Title"),
        pl.col("city").alias("City"),
        pl.when(code).then(pl.col("country"))
        .otherwise(pl.col("country").replace_strict(V.COUNTRY_NAMES, default=None))
        .alias("Country/Region"),
        pl.col("lifecycle_stage").str.replace_all("_", " ").str.to_titlecase()
        .alias("Lifecycle Stage"),
        pl.col("lead_status").str.to_titlecase().alias("Lead Status"),
        _fmt_dt("signup_at", us, seconds=False).alias("Create Date"),
        pl.col("source_channel").replace_strict(_SOURCE_LABEL, default=None)
        .alias("Original Source"),
        pl.col("industry").alias("Industry"),
        pl.col("seats").alias("Seats"),
        pl.col("nps").alias("NPS Score"),
        pl.col("referral_code").alias("Referral Code"),
    )  # fmt: skip
    hub = _mess(hub, rng, "Email", ["First Name", "Last Name", "Company Name"])
    hub.write_csv(out / "hubspot_export.csv", null_value="")

    # Mailchimp: the audience's subscribed (and a few unsubscribed) members, overlapping HubSpot
    status = flags["mailable"].to_numpy() & unique
    in_hs = np.zeros(total, bool)
    in_hs[hs_idx] = True
    pool_hs = np.nonzero(status & in_hs)[0]
    pool_other = np.nonzero(status & ~in_hs)[0]
    n_mc = min(n, len(pool_hs) + len(pool_other))
    k_hs = min(len(pool_hs), int(round(n_mc * 0.6)))
    k_other = min(len(pool_other), n_mc - k_hs)
    mc_idx = np.r_[rng.choice(pool_hs, k_hs, replace=False),
                   rng.choice(pool_other, k_other, replace=False)]  # fmt: skip
    mc_idx = mc_idx[rng.permutation(len(mc_idx))]
    mc = _rows(data, mc_idx)
    m = mc.height
    us = pl.lit(pl.Series(rng.random(m) < 0.25))
    street_no = pl.lit(pl.Series(rng.integers(1, 400, m)))
    street_pick = pl.lit(pl.Series(rng.random(m)))
    zip_ = pl.lit(pl.Series(rng.integers(10000, 99999, m)))
    has_addr = pl.lit(pl.Series(rng.random(m) < 0.55))
    changed = pl.lit(pl.Series(rng.random(m)))
    region = pl.concat_str(pl.col("country"), pl.lit("|"), pl.col("city")).replace_strict(
        _REGION, default=None
    )
    streets = pl.col("country").replace_strict(
        {k: v for k, v in _STREET.items()}, default=None, return_dtype=pl.List(pl.String)
    )
    street = streets.list.get(
        (street_pick * streets.list.len()).floor().cast(pl.Int64), null_on_oob=True
    )
    rating = (
        pl.when(pl.col("lead_status") == "hot").then(pl.lit(4) + (street_pick > 0.5).cast(pl.Int64))
        .when(pl.col("lead_status") == "warm").then(pl.lit(3))
        .when(pl.col("email_status") == "unsubscribed").then(pl.lit(1))
        .otherwise(pl.lit(1) + (street_pick > 0.4).cast(pl.Int64))
    )  # fmt: skip
    ref = pl.lit(np.datetime64("2026-11-01T00:00:00", "us"))
    last_changed = pl.col("email_consent_at") + (ref - pl.col("email_consent_at")) * changed
    mail = mc.with_columns(last_changed=last_changed).select(
        pl.col("email").alias("Email Address"),
        pl.col("first_name").alias("First Name"),
        pl.col("last_name").alias("Last Name"),
        pl.when(has_addr & pl.col("city").is_not_null())
        .then(pl.concat_str(street_no.cast(pl.String), pl.lit(" "), street, pl.lit("  "),
                            pl.col("city"), pl.lit("  "), region.fill_null(""), pl.lit("  "),
                            zip_.cast(pl.String), pl.lit("  "), pl.col("country")))
        .alias("Address"),
        pl.col("phone").alias("Phone Number"),
        pl.col("birth_date").dt.strftime("%m/%d").alias("Birthday"),
        pl.when(pl.col("tags").list.len() > 0)
        .then(pl.col("tags").list.eval(pl.format('"{}"', pl.element())).list.join(","))
        .alias("TAGS"),
        rating.alias("MEMBER_RATING"),
        _fmt_dt("signup_at", us, seconds=True).alias("OPTIN_TIME"),
        _fmt_dt("email_consent_at", us, seconds=True).alias("CONFIRM_TIME"),
        _fmt_dt("last_changed", us, seconds=True).alias("LAST_CHANGED"),
        pl.col("country").replace_strict(V.COUNTRY_NAMES, default=None).alias("COUNTRY"),
        pl.col("country").alias("CC"),
        region.alias("REGION"),
        (pl.lit(100_000_000) + pl.col("contact_id") * 7 % 900_000_000).alias("LEID"),
    )  # fmt: skip
    mail = _mess(mail, rng, "Email Address", ["First Name", "Last Name"])
    mail.write_csv(out / "mailchimp_export.csv", null_value="")
    return {"hubspot_export.csv": hs.height, "mailchimp_export.csv": mc.height}
