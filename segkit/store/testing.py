"""Synthetic platform exports for tests and benchmarks (vectorised, deterministic).

``hubspot_frame(n)`` builds a HubSpot-style contacts export with HubSpot's headers and formats
(``Create Date`` as ``2026-03-01 14:05``, ``Country/Region`` as country names, phone numbers in
national and international shapes, lifecycle stage labels). ``mailchimp_frame`` and
``salesforce_frame`` do the same for those platforms.
"""

from __future__ import annotations

import numpy as np
import polars as pl

FIRST = ["Jane", "John", "Maria", "Ahmed", "Wei", "Olivia", "Liam", "Emma", "Noah", "Sofia",
         "Lukas", "Chloe", "Arjun", "Priya", "Lucas", "Ana", "Jonathan", "Katherine", "Mateo",
         "Hannah", "Pierre", "Camille", "Daan", "Fleur", "Carlos", "Lucia", "Rahul", "Ananya",
         "Gabriel", "Julia"]  # fmt: skip
LAST = ["Smith", "Johnson", "Garcia", "Müller", "Schmidt", "Martin", "Bernard", "de Vries",
        "Jansen", "Fernández", "López", "Sharma", "Patel", "Silva", "Santos", "Brown", "Taylor",
        "Wilson", "Dubois", "Moreau", "Kumar", "Oliveira", "Becker", "Visser", "Rossi",
        "Nguyen", "Kim", "Chen", "O'Brien", "Williams"]  # fmt: skip
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark Industries",
             "Wayne Enterprises", "Wonka", "Tyrell", "Soylent", "Cyberdyne", "Aperture",
             "Black Mesa", "Pied Piper", "Dunder Mifflin", "Oscorp", "Gringotts", "Monarch",
             "Nakatomi"]  # fmt: skip
CITIES = [("New York", "United States", "US"), ("San Francisco", "United States", "US"),
          ("London", "United Kingdom", "GB"), ("Manchester", "United Kingdom", "GB"),
          ("Berlin", "Germany", "DE"), ("Munich", "Germany", "DE"), ("Paris", "France", "FR"),
          ("Toronto", "Canada", "CA"), ("Amsterdam", "Netherlands", "NL"),
          ("Madrid", "Spain", "ES"), ("Mumbai", "India", "IN"), ("São Paulo", "Brazil", "BR")]
STAGES = ["Subscriber", "Lead", "Marketing Qualified Lead", "Sales Qualified Lead",
          "Opportunity", "Customer", "Evangelist", "Other"]  # fmt: skip
JOBS = ["Marketing Manager", "CEO", "Software Engineer", "Sales Director", "Analyst",
        "Head of Growth", "CTO", "Product Manager"]  # fmt: skip


def _pick(rng: np.random.Generator, values: list, n: int) -> pl.Series:
    return pl.Series(values).gather(rng.integers(0, len(values), n))


def _phones(rng: np.random.Generator, iso: pl.Series) -> pl.Series:
    n = len(iso)
    a = pl.Series(rng.integers(200, 999, n))
    b = pl.Series(rng.integers(2000000, 9999999, n))
    shape = pl.Series(rng.integers(0, 4, n))
    return pl.select(
        pl.when(iso == "US").then(
            pl.when(shape < 2).then(pl.format("({}) {}-{}", a, (b // 10000).cast(pl.String),
                                              (b % 10000).cast(pl.String).str.zfill(4)))
            .otherwise(pl.format("+1 {}-{}-{}", a, b // 10000, (b % 10000).cast(pl.String)
                                 .str.zfill(4))))
        .when(iso == "GB").then(pl.format("+44 20 {} {}", b // 1000, (b % 1000).cast(pl.String)
                                          .str.zfill(3)))  # fmt: skip
        .when(iso == "DE").then(pl.format("+49 30 {}", b))
        .when(iso == "FR").then(pl.format("+33 6 {} {}", b // 100, (b % 100).cast(pl.String)
                                          .str.zfill(2)))  # fmt: skip
        .otherwise(pl.format("+{} {}{}", pl.lit("61"), a, b))
    ).to_series()


def hubspot_frame(n: int, seed: int = 0, start_id: int = 1) -> pl.DataFrame:
    """A HubSpot contacts export of ``n`` rows (all text, as read from the CSV)."""
    rng = np.random.default_rng(seed)
    ids = pl.Series(np.arange(start_id, start_id + n))
    first, last = _pick(rng, FIRST, n), _pick(rng, LAST, n)
    ci = rng.integers(0, len(CITIES), n)
    city = pl.Series([c[0] for c in CITIES]).gather(ci)
    country = pl.Series([c[1] for c in CITIES]).gather(ci)
    iso = pl.Series([c[2] for c in CITIES]).gather(ci)
    company = _pick(rng, COMPANIES, n)
    created = pl.Series((np.datetime64("2023-01-01T00:00") + rng.integers(0, 3 * 365 * 24 * 60, n)
                        .astype("timedelta64[m]")).astype("datetime64[ms]")).dt.strftime("%Y-%m-%d %H:%M")
    return pl.DataFrame({
        "Record ID": ids.cast(pl.String),
        "First Name": first,
        "Last Name": last,
        "Email": pl.select(pl.format(
            "{}.{}{}@{}.com", pl.lit(first.str.to_lowercase()),
            pl.lit(last.str.to_lowercase().str.replace_all(r"[^a-z]", "")), pl.lit(ids),
            pl.lit(company.str.to_lowercase().str.replace_all(" ", "")))).to_series(),
        "Phone Number": _phones(rng, iso),
        "Company Name": company,
        "Job Title": _pick(rng, JOBS, n),
        "City": city,
        "Country/Region": country,
        "Lifecycle Stage": _pick(rng, STAGES, n),
        "Lead Status": _pick(rng, ["New", "Open", "In Progress", "Connected", ""], n),
        "Create Date": created,
        "Industry": _pick(rng, ["Software", "Retail", "Finance", "Healthcare"], n),
        "Original Source": _pick(rng, ["Organic Search", "Paid Search", "Social Media",
                                       "Referrals", "Offline Sources"], n),
        "Marketing contact status": _pick(rng, ["Marketing contact", "Non-marketing contact"], n),
        "Number of Employees": pl.Series(rng.integers(1, 5000, n)).cast(pl.String),
    })  # fmt: skip


def with_bad_rows(df: pl.DataFrame, rows: dict[int, tuple[str, str]]) -> pl.DataFrame:
    """``df`` with cells replaced: {row index (0-based): (column, value)}."""
    for i, (col, value) in rows.items():
        df = df.with_columns(df[col].scatter(i, value))
    return df


def mailchimp_frame(n: int, seed: int = 0) -> pl.DataFrame:
    """A Mailchimp audience export (subscribed members) of ``n`` rows."""
    hs = hubspot_frame(n, seed)
    rng = np.random.default_rng(seed + 1)
    tags = _pick(rng, ['"VIP","Newsletter"', '"Newsletter"', "", '"Customer"'], n)
    return pl.DataFrame({
        "Email Address": hs["Email"].str.to_uppercase(),
        "First Name": hs["First Name"],
        "Last Name": hs["Last Name"],
        "Address": pl.Series([""] * n),
        "Phone Number": hs["Phone Number"],
        "Birthday": pl.Series(rng.integers(1, 13, n)).cast(pl.String).str.zfill(2) + "/" +
        pl.Series(rng.integers(1, 29, n)).cast(pl.String).str.zfill(2),
        "MEMBER_RATING": pl.Series(rng.integers(1, 6, n)).cast(pl.String),
        "OPTIN_TIME": hs["Create Date"] + ":00",
        "OPTIN_IP": pl.Series([""] * n),
        "CONFIRM_TIME": hs["Create Date"] + ":30",
        "CONFIRM_IP": pl.Series([""] * n),
        "LATITUDE": pl.Series([""] * n),
        "LONGITUDE": pl.Series([""] * n),
        "GMTOFF": pl.Series([""] * n),
        "DSTOFF": pl.Series([""] * n),
        "TIMEZONE": pl.Series([""] * n),
        "CC": hs["Country/Region"].replace_strict({c[1]: c[2] for c in CITIES}),
        "REGION": pl.Series([""] * n),
        "LAST_CHANGED": hs["Create Date"] + ":45",
        "LEID": pl.Series(rng.integers(10**8, 10**9, n)).cast(pl.String),
        "EUID": pl.Series(rng.integers(10**8, 10**9, n)).cast(pl.String),
        "NOTES": pl.Series([""] * n),
        "TAGS": tags,
    })  # fmt: skip


def salesforce_frame(n: int, seed: int = 0) -> pl.DataFrame:
    """A Salesforce contacts report export (labels, US dates) of ``n`` rows."""
    hs = hubspot_frame(n, seed)
    created = hs["Create Date"].str.to_datetime("%Y-%m-%d %H:%M")
    rng = np.random.default_rng(seed + 2)
    return pl.DataFrame({
        "Contact ID": "003" + hs["Record ID"].str.zfill(12),
        "First Name": hs["First Name"],
        "Last Name": hs["Last Name"],
        "Title": hs["Job Title"],
        "Account Name": hs["Company Name"],
        "Email": hs["Email"],
        "Phone": hs["Phone Number"],
        "Mailing City": hs["City"],
        "Mailing Country": hs["Country/Region"],
        "Lead Source": _pick(rng, ["Web", "Phone Inquiry", "Partner Referral", "Trade Show"], n),
        "Birthdate": pl.Series(np.datetime64("1960-01-01") + rng.integers(0, 40 * 365, n)
                               .astype("timedelta64[D]")).dt.strftime("%-m/%-d/%Y"),
        "Created Date": created.dt.strftime("%-m/%-d/%Y, %-I:%M %p"),
        "Email Opt Out": _pick(rng, ["0", "0", "0", "1"], n),
    })  # fmt: skip
