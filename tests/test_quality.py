"""Data-quality calls: missing and invalid values, freshness, rejects."""

import datetime as dt

import polars as pl

import segkit as sk
from segkit import quality


def test_field_quality_counts_missing_and_invalid():
    contacts = pl.DataFrame({
        "contact_id": [1, 2, 3, 4],
        "email": ["a@b.co", "not-an-email", "  ", None],
        "phone": ["+1 415 555 0123", "12", None, "020 7946 0958"],
        "country": ["US", "usa", "DE", None],
        "age": [30, 150, None, -1],
        "birth_date": [dt.date(1990, 1, 1), dt.date(2030, 1, 1), None, dt.date(1850, 1, 1)],
        "tags": [["a"], [], None, ["b"]],
        "email_status": ["subscribed", "pending", None, "bounced"],
    })
    q = quality.field_quality(sk.Dataset(contacts), as_of="2026-11-01")
    by = {r["field"]: r for r in q.iter_rows(named=True)}
    assert (by["email"]["missing"], by["email"]["invalid"]) == (2, 1)
    assert by["email"]["example_invalid"] == "not-an-email"
    assert (by["phone"]["missing"], by["phone"]["invalid"]) == (1, 1)
    assert (by["country"]["missing"], by["country"]["invalid"]) == (1, 1)
    assert (by["age"]["missing"], by["age"]["invalid"]) == (1, 2)
    assert by["birth_date"]["invalid"] == 2
    assert by["tags"]["missing"] == 2 and by["tags"]["invalid"] is None
    assert by["email_status"]["invalid"] is None  # a status, not an address
    assert by["email"]["missing_share"] == 0.5


def test_event_freshness_ignores_the_future_and_ranks_stale_feeds_last():
    as_of = dt.datetime(2026, 11, 1)
    events = pl.DataFrame({
        "contact_id": [1, 1, 1, 1],
        "event": ["open", "open", "purchase", "open"],
        "timestamp": [as_of - dt.timedelta(days=1), as_of - dt.timedelta(days=20),
                      as_of - dt.timedelta(days=90), as_of + dt.timedelta(days=1)],
    })
    fresh = quality.event_freshness(sk.Dataset(pl.DataFrame({"contact_id": [1]}), events),
                                    as_of=as_of)
    assert fresh["event"].to_list() == ["open", "purchase"]
    assert fresh.row(0, named=True)["total"] == 2
    assert fresh.row(0, named=True)["last_7_days"] == 1
    assert fresh.row(0, named=True)["last_30_days"] == 2
    assert fresh.row(1, named=True)["days_since"] == 90.0


def test_recent_rejects_reads_the_rejects_folder(tmp_path):
    (tmp_path / "rejects").mkdir()
    pl.DataFrame({"row": [3], "reason": ["invalid email"], "Email": ["x"]}).write_csv(
        tmp_path / "rejects" / "a.csv")
    class Ws:  # only the path matters
        path = tmp_path
    out = quality.recent_rejects(Ws())
    assert out.columns[:3] == ["file", "row", "reason"] and out["reason"][0] == "invalid email"


def test_progress_bars_only_when_wanted(capsys):
    from segkit._progress import Stages, wanted

    assert not wanted(None, 10) and wanted(None, 50_000) and wanted(True, 1) and not wanted(False, 10**6)
    with Stages(["a", "b"], "work", True) as s:
        s.done("a")
        s.done("b")
    assert "work" in capsys.readouterr().err
