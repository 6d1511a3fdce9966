"""find_duplicates end to end: evidence, explanations, determinism, review queue, clusters."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from segkit.dedup import DuplicateReport, find_duplicates
from segkit.dedup.cluster import cluster, components
from segkit.dedup.synthetic import make_contacts, truth_pairs
from segkit.errors import DataError


@pytest.fixture(scope="module")
def data() -> tuple[pl.DataFrame, pl.DataFrame]:
    return make_contacts(3000, seed=5)


@pytest.fixture(scope="module")
def report(data) -> DuplicateReport:
    return find_duplicates(data[0])


def _cluster_pairs(report: DuplicateReport) -> pl.DataFrame:
    cl = report.clusters
    return (
        cl.join(cl, on="cluster_id", suffix="_b")
        .filter(pl.col("contact_id") < pl.col("contact_id_b"))
        .select(contact_id_a="contact_id", contact_id_b="contact_id_b")
    )


def test_quality_on_planted_duplicates(data, report):
    truth = truth_pairs(data[1])
    found = _cluster_pairs(report)
    tp = found.join(truth, on=["contact_id_a", "contact_id_b"]).height
    precision, recall = tp / found.height, tp / truth.height
    assert precision > 0.93 and recall > 0.9, (precision, recall)


def test_pairs_have_explainable_evidence(report):
    pairs = report.pairs
    fields = list(report.settings.fields)
    assert {"contact_id_a", "contact_id_b", "score", "match_weight", "decision", "reason"} <= set(pairs.columns)
    for f in fields:
        assert {f"{f}_level", f"{f}_similarity", f"{f}_weight"} <= set(pairs.columns)
    assert report.evidence_columns == [f"{f}_{p}" for f in fields for p in ("level", "similarity", "weight")]
    assert pairs["score"].is_between(0, 1).all()
    assert (pairs["score"] >= report.review_threshold).all() or (pairs["decision"] == "match").all()
    # the per-field weights plus the prior add up to the match weight ...
    total = pairs.select(pl.sum_horizontal([f"{f}_weight" for f in fields])).to_series()
    assert np.allclose(total + report.model.prior_weight, pairs["match_weight"], atol=1e-3)
    # ... and the score is that weight as a probability
    expect = 1 / (1 + np.exp2(-pairs["match_weight"].to_numpy()))
    assert np.allclose(expect, pairs["score"].to_numpy(), atol=1e-9)
    # a missing value is no evidence either way
    for f in fields:
        missing = pairs.filter(pl.col(f"{f}_level") == "missing")
        assert (missing[f"{f}_weight"] == 0).all() and missing[f"{f}_similarity"].null_count() == missing.height
    assert pairs["contact_id_a"].dtype == report.clusters["contact_id"].dtype


def test_explain_matches_the_pair_row(report):
    row = report.pairs.row(0, named=True)
    table = report.explain(row["contact_id_a"], row["contact_id_b"])
    fields = list(report.settings.fields)
    assert table["field"].to_list() == [*fields, "(prior)", "(total)"]
    assert math.isclose(table["weight"][-1], row["match_weight"], abs_tol=1e-4)
    for f in fields:
        got = table.filter(pl.col("field") == f).row(0, named=True)
        assert got["level"] == row[f"{f}_level"]
        assert math.isclose(got["weight"], row[f"{f}_weight"], abs_tol=1e-4)
    with pytest.raises(DataError, match="no contact"):
        report.explain(row["contact_id_a"], -12345)


def test_clusters_and_summary(report):
    cl = report.clusters
    assert cl.columns == ["contact_id", "cluster_id"]
    assert cl["contact_id"].is_unique().all()
    assert (cl.group_by("cluster_id").len()["len"] >= 2).all()
    s = report.summary()
    assert s.contacts == 3000 and s.clusters == cl["cluster_id"].n_unique()
    assert s.duplicates == cl.height - s.clusters
    assert "clusters" in str(s) and "candidate pairs" in str(s)
    assert s.candidate_pairs < 3000 * 30  # near-linear, no cross join
    # every "match" pair is inside one cluster
    m = report.pairs.filter(pl.col("decision") == "match")
    lookup = dict(zip(cl["contact_id"], cl["cluster_id"], strict=True))
    assert all(lookup[a] == lookup[b] for a, b in zip(m["contact_id_a"], m["contact_id_b"], strict=True))


def test_review_queue(report):
    q = report.review_queue()
    assert q.height > 0
    assert (q["decision"] == "review").all()
    assert (q["score"] >= report.review_threshold).all()
    assert q["score"].is_sorted(descending=True)
    uncertain = q.filter(pl.col("reason") == "uncertain")
    assert (uncertain["score"] < report.threshold).all()
    # confident pairs the clustering kept apart are in the queue with the reason, never pairs
    # already in one cluster
    cl = report.clusters
    lookup = dict(zip(cl["contact_id"], cl["cluster_id"], strict=True))
    for a, b in zip(q["contact_id_a"], q["contact_id_b"], strict=True):
        assert lookup.get(a, ("a", a)) != lookup.get(b, ("b", b))
    assert set(q["reason"].unique()) <= {
        "uncertain", "not similar to the rest of a cluster",
        "identity fields disagree (household or colleague?)",
    }  # fmt: skip


def test_deterministic(data, report):
    again = find_duplicates(data[0])
    assert again.pairs.equals(report.pairs)
    assert again.clusters.equals(report.clusters)
    # row order of the input does not change what is found
    shuffled = find_duplicates(data[0].sample(fraction=1.0, shuffle=True, seed=1))
    a = _cluster_pairs(report).sort("contact_id_a", "contact_id_b")
    b = _cluster_pairs(shuffled).with_columns(
        pl.min_horizontal("contact_id_a", "contact_id_b").alias("x"),
        pl.max_horizontal("contact_id_a", "contact_id_b").alias("y"),
    ).select(contact_id_a="x", contact_id_b="y").sort("contact_id_a", "contact_id_b")
    overlap = a.join(b, on=["contact_id_a", "contact_id_b"]).height
    assert overlap >= 0.98 * max(a.height, b.height)


def test_threshold_arguments(data):
    strict = find_duplicates(data[0], threshold=0.999, review_threshold=0.5)
    assert strict.threshold == 0.999 and strict.review_threshold == 0.5
    assert (strict.confident_pairs()["score"] >= 0.999).all()
    assert (strict.pairs.filter(pl.col("decision") == "review")["score"] >= 0.5).all()


def test_explicit_fields(data):
    rep = find_duplicates(data[0], fields={"email": "email", "last_name": "last_name"})
    assert list(rep.settings.fields) == ["email", "last_name"] and not rep.settings.inferred
    assert {"email_weight", "last_name_weight"} <= set(rep.pairs.columns)
    assert "first_name_weight" not in rep.pairs.columns


def test_input_errors():
    with pytest.raises(DataError, match="contact_id"):
        find_duplicates(pl.DataFrame({"email": ["a@b.co"]}))
    with pytest.raises(DataError, match="not unique"):
        find_duplicates(pl.DataFrame({"contact_id": [1, 1], "email": ["a@b.co", "c@d.co"]}))
    with pytest.raises(DataError, match="empty"):
        find_duplicates(pl.DataFrame({"contact_id": [1, None], "email": ["a@b.co", "c@d.co"]}))
    with pytest.raises(DataError, match="DataFrame"):
        find_duplicates([1, 2, 3])


def test_tiny_and_lazy_inputs():
    one = find_duplicates(pl.DataFrame({"contact_id": [1], "email": ["a@b.co"]}))
    assert one.pairs.height == 0 and one.clusters.height == 0
    two = find_duplicates(pl.LazyFrame({
        "contact_id": ["x", "y", "z"],
        "email": ["Ann.Lee+crm@gmail.com", "annlee@gmail.com", "bob@example.org"],
        "first_name": ["Ann", "ann", "Bob"], "last_name": ["Lee", "LEE", "Stone"],
    }))  # fmt: skip
    assert two.pairs.filter(pl.col("contact_id_a") == "x")["contact_id_b"].to_list()[:1] == ["y"]


# -- no chaining ------------------------------------------------------------------------------


def test_components():
    labels = components(6, np.array([0, 1, 4]), np.array([1, 2, 5]))
    assert labels.tolist() == [0, 0, 0, 3, 4, 4]


def test_cluster_splits_a_chain_of_near_matches():
    # 0-1-2-3-4-5: every neighbour a confident match, everything further apart clearly not
    n = 6
    a = np.arange(n - 1)
    b = a + 1
    prob = np.full(n - 1, 0.99)

    def score(pa, pb):
        return np.where(np.abs(pa.astype(int) - pb.astype(int)) == 1, 0.99, 0.02)

    labels, scores = cluster(n, a, b, prob, threshold=0.9, min_score=0.5, score_pairs=score)
    sizes = np.bincount(labels, minlength=n)
    assert sizes.max() == 2  # pairs of neighbours, never the whole chain
    assert labels[0] != labels[5]
    assert len(scores.extra_a)  # the missing pairs were scored for the check


def test_cluster_keeps_a_mutually_similar_group():
    n = 4
    a, b = np.array([0, 1, 2]), np.array([1, 2, 3])
    prob = np.full(3, 0.97)
    labels, _ = cluster(n, a, b, prob, threshold=0.9, min_score=0.5,
                        score_pairs=lambda pa, pb: np.full(len(pa), 0.8))  # fmt: skip
    assert len(set(labels.tolist())) == 1


def _chain_people() -> pl.DataFrame:
    # Each record shares a lot with its neighbour, the ends share nothing but a first initial.
    rows = [
        ("c1", "Jordan", "Ellis", "jordan.ellis@example.com", "+1 212 555 0101", "1970-01-01", "1 Oak St"),
        ("c2", "Jordan", "Ellis", "jordan.ellis@example.com", "+1 212 555 0102", "1970-01-01", "2 Elm St"),
        ("c3", "Jordan", "Ellison", "j.ellison@example.net", "+1 212 555 0102", "1970-01-01", "2 Elm St"),
        ("c4", "Jordana", "Ellison", "j.ellison@example.net", "+1 646 555 0199", "1985-06-15", "4 Pine Rd"),
        ("c5", "Joanna", "Allison", "joanna.a@example.org", "+1 646 555 0199", "1985-06-15", "9 Birch Ave"),
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=["contact_id", "first_name", "last_name", "email", "phone",
                                      "birth_date", "address"], orient="row")  # fmt: skip


def test_no_chaining_end_to_end():
    base, _ = make_contacts(2000, seed=11)
    base = base.select(pl.col("contact_id").cast(pl.String), "first_name", "last_name", "email",
                       "phone", pl.col("birth_date").cast(pl.String), "address")  # fmt: skip
    contacts = pl.concat([base, _chain_people()])
    rep = find_duplicates(contacts)
    cl = rep.clusters.filter(pl.col("contact_id").str.starts_with("c"))
    lookup = dict(zip(cl["contact_id"], cl["cluster_id"], strict=True))
    # the ends of the chain are never one person
    assert lookup.get("c1", "1") != lookup.get("c5", "5")
    assert lookup.get("c1", "1") != lookup.get("c4", "4")
    # the strong direct link survives
    assert lookup.get("c1") is not None and lookup.get("c1") == lookup.get("c2")
