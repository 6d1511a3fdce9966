"""Normalisers on nasty inputs: unicode names, phones in many national formats, emails."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from segkit.dedup import normalise as nz
from segkit.dedup.blocking import soundex

S = pl.Series


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("José Núñez", "jose nunez"),
        ("  ZOË   d'Arcy-Smith ", "zoe darcy smith"),
        ("Łukasz Żółć", "lukasz zolc"),
        ("Straße", "strasse"),
        ("Søren Ærø", "soren aero"),
        ("Björn Ångström", "bjorn angstrom"),
        ("Ｊｏｈｎ", "john"),  # full-width letters
        ("O’Brien", "obrien"),  # typographic apostrophe
        ("Nguyễn Thị", "nguyen thi"),
        ("N/A", None),
        ("   ", None),
        (None, None),
    ],
)
def test_fold_text(raw, expected):
    assert nz.fold_text(S([raw], dtype=pl.String)).to_list() == [expected]


def test_normalise_name_drops_titles_and_suffixes():
    out = nz.normalise_name(S(["Dr. Anne-Marie Smith", "MR JOHN SMITH JR.", "Prof Ümit", "Sr"]))
    assert out.to_list() == ["anne marie smith", "john smith", "umit", "sr"]


def test_nicknames():
    out = nz.nickname_key(S(["bob", "bobby", "robert", "liz", "kate", "zeynep", None]))
    assert out.to_list() == ["robert", "robert", "robert", "elizabeth", "katherine", "zeynep", None]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("John.Smith+newsletter@Gmail.com", "johnsmith@gmail.com"),
        ("j.o.h.n.smith@googlemail.com", "johnsmith@gmail.com"),
        ("John.Smith@Example.ORG", "john.smith@example.org"),  # dots matter off Gmail
        ("john.smith+crm+x@example.org", "john.smith@example.org"),
        ("  <ann@example.co.uk> ", "ann@example.co.uk"),
        ("mailto:Ann@Example.co.uk", "ann@example.co.uk"),
        ("not an email", None),
        ("two@@example.com", None),
        ("nodomain@", None),
        ("+tagonly@example.com", None),
        ("", None),
    ],
)
def test_normalise_email(raw, expected):
    assert nz.normalise_email(S([raw])).to_list() == [expected]


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(415) 555-0132", "US", "+14155550132"),
        ("415.555.0132", "US", "+14155550132"),
        ("1-415-555-0132", "US", "+14155550132"),
        ("+1 415 555 0132 ext. 12", "US", "+14155550132"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+44 (0)20 7946 0958", "GB", "+442079460958"),
        ("0044 20 7946 0958", "DE", "+442079460958"),
        ("0044 20 7946 0958", "US", "+442079460958"),  # 00: the international prefix
        ("0049 30 1234567", None, "+49301234567"),
        ("030 1234567", "DE", "+49301234567"),
        ("+49 (30) 1234-567", None, "+49301234567"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("0612345678", "FR", "+33612345678"),
        ("612 34 56 78", "ES", "+34612345678"),
        ("06 1234 5678", "IT", "+390612345678"),  # Italy keeps its leading zero
        ("(02) 9876 5432", "AU", "+61298765432"),
        ("090-1234-5678", "JP", "+819012345678"),
        ("12345", "US", None),  # too short to be a phone
        ("", "US", None),
    ],
)
def test_normalise_phone(raw, region, expected):
    assert nz.normalise_phone(S([raw]), region).to_list() == [expected]


def test_phone_region_per_row_and_unparseable_keeps_digits():
    out = nz.normalise_phone(S(["020 7946 0958", "030 1234567", "555-0132-999"]),
                             S(["GB", "DE", None]))  # fmt: skip
    assert out.to_list() == ["+442079460958", "+49301234567", "5550132999"]


def test_infer_phone_region():
    raw = S(["+44 20 7946 0958", "+44 161 496 0000", "+1 415 555 0132", "020 7946 0958"])
    assert nz.infer_phone_region(raw) == "GB"
    assert nz.infer_phone_region(S(["555 0132"])) is None


def test_country():
    out = nz.normalise_country(S(["Deutschland", "germany", "de", "U.S.A.", "United Kingdom",
                                  "Narnia", None]))  # fmt: skip
    assert out.to_list() == ["DE", "DE", "DE", "US", "GB", "narnia", None]
    assert nz.region_of_country(S(["France", "Narnia"])).to_list() == ["FR", None]


def test_address_company_postal_state():
    assert nz.normalise_address(S(["12 Baker Street, Apt. 4"])).to_list() == ["12 baker st apt 4"]
    assert nz.house_number(S(["12b baker st", "baker st"])).to_list() == ["12", None]
    assert nz.normalise_company(S(["The ACME Company, Inc.", "Müller GmbH & Co. KG", "Co"])).to_list() == [
        "acme", "muller", "co"]  # fmt: skip
    assert nz.normalise_postal_code(S(["sw1a 1aa", "02134-1234", "2000"])).to_list() == [
        "SW1A1AA", "02134", "2000"]  # fmt: skip
    assert nz.normalise_state(S(["New South Wales", "CA", "california"])).to_list() == [
        "nsw", "ca", "ca"]  # fmt: skip


def test_dates_keep_digits_of_impossible_dates():
    date, digits = nz.normalise_date(S(["1981-03-07", "07/03/1981", "19810231", "07.03.1981", "x", None]))
    assert date.to_list() == [dt.date(1981, 3, 7), dt.date(1981, 3, 7), None, dt.date(1981, 3, 7), None, None]
    assert digits.to_list() == ["19810307", "19810307", "19810231", "19810307", None, None]
    d2, g2 = nz.normalise_date(S([dt.date(2000, 1, 2)]))
    assert g2.to_list() == ["20000102"]


def test_soundex():
    names = S(["robert", "rupert", "rubin", "ashcraft", "tymczak", "pfister", "", None])
    out = pl.select(soundex(pl.lit(names))).to_series().to_list()
    assert out == ["R163", "R163", "R150", "A261", "T522", "P236", None, None]
