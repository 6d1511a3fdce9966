"""Normalisers: the vectorised phone fast path agrees with phonenumbers; countries; dates."""

from __future__ import annotations

import datetime as dt

import phonenumbers
import polars as pl
import pytest

from segkit.store import normalize as N


def _examples() -> list[tuple[str, str, str]]:
    """(text, region, expected E.164) for example numbers of every region, in every format."""
    out = []
    fmts = (phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.E164,
            phonenumbers.PhoneNumberFormat.NATIONAL)
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            num = phonenumbers.example_number_for_type(region, kind)
            if num is None:
                continue
            want = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
            for f in fmts:
                out.append((phonenumbers.format_number(num, f), region, want))
    return out


def test_phone_fast_path_agrees_with_phonenumbers() -> None:
    cases = _examples()
    assert len(cases) > 1000
    text = pl.Series("phone", [c[0] for c in cases])
    region = pl.Series("country", [c[1] for c in cases])
    got, bad = N.phone(text, region, None)
    wrong = [(c, g) for c, g in zip(cases, got.to_list(), strict=True) if g != c[2]]
    assert wrong == []
    assert not bad.any()


@pytest.mark.parametrize(("text", "region", "want"), [
    ("(415) 555-0132", None, "+14155550132"),
    ("415.555.0132", "US", "+14155550132"),
    ("1-415-555-0132", "CA", "+14155550132"),
    ("+44 (0)20 7946 0958", "GB", "+442079460958"),
    ("+44 020 7946 0958", None, "+442079460958"),
    ("0049 30 123456", "DE", "+4930123456"),
    ("030 1234567", "DE", "+49301234567"),
    ("+39 06 1234 5678", "IT", "+390612345678"),
    ("+1 415 555 0132 ext. 12", "US", "+14155550132"),
])  # fmt: skip
def test_phone_shapes(text: str, region: str | None, want: str) -> None:
    got, bad = N.phone(pl.Series([text]), pl.Series([region], dtype=pl.String), "US")
    assert got.to_list() == [want] and not bad.any()


def test_phone_unreadable_kept() -> None:
    got, bad = N.phone(pl.Series(["call me", None, ""]), None, "US")
    assert got.to_list() == ["call me", None, None]
    assert bad.to_list() == [True, False, False]


def test_countries() -> None:
    got, unknown = N.country(pl.Series(["United States", "usa", "U.K.", "Deutschland", " fr ",
                                        "NLD", "Côte d'Ivoire", "Narnia", None]))  # fmt: skip
    assert got.to_list() == ["US", "US", "GB", "DE", "FR", "NL", "CI", "Narnia", None]
    assert unknown.to_list() == [False] * 7 + [True, False]


def test_dates_in_export_formats() -> None:
    s = pl.Series(["2026-03-01 14:05", "2026-03-01 14:05:09", "2026-03-01T14:05:09.000Z",
                   "3/1/2026", "3/1/2026, 2:05 PM", "2026-03-01", "1772373909000",
                   "2026-03-01T15:05:09+01:00", "31/31/2026", ""])  # fmt: skip
    got = N.parse_dates(s, pl.Datetime("us")).to_list()
    assert got[:8] == [dt.datetime(2026, 3, 1, 14, 5), dt.datetime(2026, 3, 1, 14, 5, 9),
                       dt.datetime(2026, 3, 1, 14, 5, 9), dt.datetime(2026, 3, 1),
                       dt.datetime(2026, 3, 1, 14, 5), dt.datetime(2026, 3, 1),
                       dt.datetime(2026, 3, 1, 14, 5, 9), dt.datetime(2026, 3, 1, 14, 5, 9)]
    assert got[8:] == [None, None]
    days = N.parse_dates(pl.Series(["1990-04-01", "04/01/1990", "01.04.1990"]), pl.Date)
    assert days.to_list() == [dt.date(1990, 4, 1)] * 3


def test_emails() -> None:
    e = pl.select(N.email(pl.lit(pl.Series(["  Jane@Acme.COM ", "", None])))).to_series()
    assert e.to_list() == ["jane@acme.com", None, None]
    ok = pl.select(N.email_ok(pl.lit(pl.Series(
        ["a@b.co", "o'brien+x@sub.example.org", "a@b", "a b@c.com", "a@b..com", "@b.com"]))))
    assert ok.to_series().to_list() == [True, True, False, False, False, False]
