"""Blocking, comparators and the EM model on their own; the ``segkit dedup`` command."""

from __future__ import annotations

import argparse

import numpy as np
import polars as pl
import pytest

from segkit.dedup.blocking import candidate_pairs
from segkit.dedup.cli import main, register
from segkit.dedup.compare import LEVELS, Encodings, compare_all
from segkit.dedup.find import prepare, resolve_settings
from segkit.dedup.model import fit, identity_conflict
from segkit.dedup.synthetic import make_contacts


def test_blocking_is_near_linear_and_caps_big_blocks():
    n = 4000
    norm = pl.DataFrame({
        "_row": np.arange(n, dtype=np.uint32),
        "last_name": ["smith"] * (n // 2) + [f"name{i % 500}" for i in range(n // 2)],
        "first_name": [f"f{i % 97}" for i in range(n)],
    })  # fmt: skip
    passes = [{"on": ["last_name"], "sort": "first_name"}]
    a, b, stats = candidate_pairs(norm, passes, max_block_size=20, window=3)
    assert (a < b).all()
    codes = a.astype(np.uint64) << 32 | b.astype(np.uint64)
    assert len(np.unique(codes)) == len(codes)
    # 2000 "smith"s would be ~2 million pairs cross-joined; sorted neighbourhood keeps 3 each
    assert len(a) < n * 4
    assert stats[0].oversized_blocks == 1 and stats[0].largest_block == n // 2


def test_blocking_skips_passes_on_absent_columns():
    norm = pl.DataFrame({"_row": np.arange(3, dtype=np.uint32), "email": ["a", "a", None]})
    a, b, stats = candidate_pairs(norm, [{"on": ["email"]}, {"on": ["phone"]}],
                                  max_block_size=20, window=3)  # fmt: skip
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 1)] and len(stats) == 1


def _compare(rows_a, rows_b, fields):
    frame = pl.DataFrame([*rows_a, *rows_b]).with_row_index("contact_id")
    s = resolve_settings(frame, fields=fields)
    norm, s = prepare(frame, s)
    n = len(rows_a)
    return compare_all(Encodings(norm, [["first_name", "last_name"]]
                                 if {"first_name", "last_name"} <= set(fields) else None),
                       dict(s.fields), np.arange(n), np.arange(n) + n)  # fmt: skip


def _labels(result, field):
    role = {"first_name": "first_name", "last_name": "last_name", "email": "email",
            "phone": "phone", "dob": "birth_date", "address": "address"}[field]  # fmt: skip
    return [None if lv < 0 else LEVELS[role][lv] for lv in result[field].level]


def test_comparators_levels():
    a = [
        {"first_name": "Robert", "last_name": "Smith", "email": "bob+x@gmail.com", "dob": "1980-03-07"},
        {"first_name": "Jon", "last_name": "Smyth", "email": "a.b@example.com", "dob": "1980-03-07"},
        {"first_name": "T", "last_name": "Garfer", "email": None, "dob": "19800307"},
        {"first_name": "Kydan", "last_name": "McCarthy", "email": "xavier@y.com", "dob": "1980-03-07"},
    ]  # fmt: skip
    b = [
        {"first_name": "Bob", "last_name": "smith", "email": "BOB@gmail.com", "dob": "1980-07-03"},
        {"first_name": "John", "last_name": "Smith", "email": "a.b@example.org", "dob": "1981-01-07"},
        {"first_name": "Theresa", "last_name": "Garfer", "email": "t@g.com", "dob": "19800317"},
        {"first_name": "McCarthy", "last_name": "Kydan", "email": "zed@y.com", "dob": "1990-01-01"},
    ]  # fmt: skip
    fields = {"first_name": "first_name", "last_name": "last_name", "email": "email", "dob": "birth_date"}
    r = _compare(a, b, fields)
    first = _labels(r, "first_name")
    assert first[0].endswith("nickname") and first[2].endswith("initial") and first[3] == "exact"
    assert _labels(r, "last_name")[3] == "exact"  # swapped first/last names are put back
    assert _labels(r, "email") == ["exact", "same mailbox or one typo", None, "different"]
    assert _labels(r, "dob") == [
        "one typo or day/month swapped", "within a year", "one typo or day/month swapped", "different"]  # fmt: skip
    assert r["email"].similarity[0] == 1.0 and np.isnan(r["email"].similarity[2])


def test_phone_and_address_levels():
    a = [{"phone": "+1 415 555 0132", "address": "12 Baker Street"},
         {"phone": "(415) 555-0132", "address": "12 Baker St"},
         {"phone": "+1 415 555 0132", "address": "14 Baker Street"}]  # fmt: skip
    b = [{"phone": "415.555.0132", "address": "12 Bakr Street"},
         {"phone": "+44 20 555 0132", "address": "Baker Street 12"},
         {"phone": "+1 415 555 9999", "address": "12 Baker Street"}]  # fmt: skip
    r = _compare(a, b, {"phone": "phone", "address": "address"})
    assert _labels(r, "phone") == ["exact", "same last 7 digits or one typo", "different"]
    # a different house number is a different address, however close the rest
    assert _labels(r, "address") == ["one or two typos", "similar (token set >= 0.80)", "different"]


def test_em_recovers_parameters():
    rng = np.random.default_rng(0)
    n, prior = 200_000, 0.05
    match = rng.random(n) < prior
    m = [np.array([0.05, 0.15, 0.8]), np.array([0.1, 0.9]), np.array([0.02, 0.08, 0.9])]
    u = [np.array([0.9, 0.07, 0.03]), np.array([0.7, 0.3]), np.array([0.85, 0.1, 0.05])]
    levels = []
    for mm, uu in zip(m, u, strict=True):
        lev = np.where(match, rng.choice(len(mm), n, p=mm), rng.choice(len(uu), n, p=uu))
        lev[rng.random(n) < 0.05] = -1  # some missing
        levels.append(lev.astype(np.int8))
    model = fit(levels, names=["x", "y", "z"], roles=["text", "exact", "text"],
                labels=[("0", "1", "2"), ("0", "1"), ("0", "1", "2")])  # fmt: skip
    assert model.converged and abs(model.prior - prior) < 0.01
    for f, mm, uu in zip(model.fields, m, u, strict=True):
        assert np.allclose(f.m, mm, atol=0.03) and np.allclose(f.u, uu, atol=0.03)
    frame = model.to_frame()
    assert frame.columns == ["field", "role", "level", "label", "m", "u", "weight", "pairs"]
    assert "Fellegi-Sunter" in str(model)


def test_identity_conflict():
    lev = [np.array([0, 0, 3, -1, 0]), np.array([0, 2, 0, 0, -1])]
    assert identity_conflict(lev, [True, True]).tolist() == [True, False, False, False, False]
    assert identity_conflict(lev, [True, True], min_fields=1).tolist() == [True, False, False, True, True]
    assert not identity_conflict(lev, [True, True], min_fields=0).any()


def test_cli(tmp_path, capsys):
    contacts, _ = make_contacts(600, seed=2)
    folder = tmp_path / "data"
    folder.mkdir()
    contacts.write_csv(folder / "contacts.csv")
    out = tmp_path / "pairs.csv"
    assert main([str(folder), "--out", str(out), "--clusters", str(tmp_path / "cl.parquet")]) == 0
    printed = capsys.readouterr().out
    assert "600 contacts" in printed and "wrote" in printed
    pairs = pl.read_csv(out)
    assert {"contact_id_a", "contact_id_b", "score", "email_weight"} <= set(pairs.columns)
    assert pl.read_parquet(tmp_path / "cl.parquet").columns == ["contact_id", "cluster_id"]
    # a single file works too, and errors are reported, not raised
    contacts.write_parquet(tmp_path / "c.parquet")
    assert main([str(tmp_path / "c.parquet"), "--out", str(tmp_path / "p.parquet"),
                 "--field", "email=email", "--show-settings"]) == 0  # fmt: skip
    assert "fields given" in capsys.readouterr().out
    assert main([str(tmp_path / "nope.csv")]) == 2
    assert main([str(tmp_path / "c.parquet"), "--field", "email"]) == 2
    assert "COLUMN=ROLE" in capsys.readouterr().err


def test_register_adds_the_subcommand():
    parser = argparse.ArgumentParser(prog="segkit")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["dedup", "x.csv", "--threshold", "0.95"])
    assert args.command == "dedup" and args.threshold == 0.95 and callable(args.func)


_SAME = {"birth_date": ("2000-01-02", "02.01.2000"), "email": ("A@x.org", "a@X.org"),
         "phone": ("+1 415 555 0132", "+14155550132"), "exact": ("A1", " A1 ")}  # fmt: skip


@pytest.mark.parametrize("role", sorted(LEVELS))
def test_every_role_compares(role):
    """Two spellings of one value compare at the top level; a missing value at -1."""
    v1, v2 = _SAME.get(role, ("Alpha 1", "alpha 1"))
    frame = pl.DataFrame({"contact_id": [1, 2, 3], "v": [v1, v2, None]})
    s = resolve_settings(frame, fields={"v": role})
    norm, s = prepare(frame, s)
    res = compare_all(Encodings(norm), dict(s.fields), np.array([0, 0]), np.array([1, 2]))["v"]
    assert res.level.tolist() == [len(LEVELS[role]) - 1, -1]
