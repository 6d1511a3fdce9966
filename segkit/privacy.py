"""Masking personal data for display: what a dashboard shows unless ``show_pii=True``.

>>> import polars as pl
>>> df = pl.DataFrame({"email": ["jane.doe@acme.com"], "phone": ["+14155550123"],
...                    "first_name": ["Jane"], "last_name": ["Doe"], "country": ["US"]})
>>> mask_pii(df).row(0)
('j•••@acme.com', '•••••••0123', 'J.', 'D.', 'US')
"""

from __future__ import annotations

import polars as pl

EMAIL = ("email", "email_address")
PHONE = ("phone", "phone_number", "mobile")
NAMES = ("first_name", "last_name", "name", "full_name")
HIDDEN = ("address", "street", "birth_date", "date_of_birth", "postal_code", "zip")


def mask_pii(df: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """Emails keep their first letter and domain, phones their last four digits, names their
    initial; addresses, birth dates and postal codes are hidden."""
    cols = set(df.collect_schema().names())
    exprs = []
    for c in EMAIL:
        if c in cols:
            e = pl.col(c).cast(pl.String)
            exprs.append(pl.concat_str(e.str.slice(0, 1), pl.lit("•••@"),
                                       e.str.split("@").list.last()).alias(c))  # fmt: skip
    for c in PHONE:
        if c in cols:
            digits = pl.col(c).cast(pl.String).str.replace_all(r"\D", "")
            exprs.append(pl.concat_str(pl.lit("•••••••"), digits.str.slice(-4)).alias(c))
    for c in NAMES:
        if c in cols:
            e = pl.col(c).cast(pl.String).str.strip_chars()
            exprs.append(pl.when(e.str.len_chars() > 0).then(
                pl.concat_str(e.str.slice(0, 1).str.to_uppercase(), pl.lit("."))).alias(c))
    for c in HIDDEN:
        if c in cols:
            exprs.append(pl.when(pl.col(c).is_not_null()).then(pl.lit("•••")).alias(c))
    return df.with_columns(exprs) if exprs else df
