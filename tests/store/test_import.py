"""Importing contacts and events: presets, normalisation, rejects, atomicity, upsert counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from segkit.errors import DataError
from segkit.store import Workspace
from segkit.store.testing import (
    hubspot_frame,
    mailchimp_frame,
    salesforce_frame,
    with_bad_rows,
)


def test_three_bad_rows_among_10k(ws: Workspace, tmp_path: Path) -> None:
    df = with_bad_rows(hubspot_frame(10_000, seed=3), {
        41: ("Email", ""),                       # no key
        4999: ("Create Date", "2024-13-45 99:99"),  # unparseable date
        9998: ("Email", "jane at example"),      # invalid email
    })  # fmt: skip
    path = tmp_path / "hubspot.csv"
    df.write_csv(path)
    report = ws.import_contacts(path, preset="hubspot")
    assert (report.inserted, report.updated, report.unchanged) == (9_997, 0, 0)
    assert report.rejected["row"].to_list() == [42, 5000, 9999]
    reasons = report.rejected["reason"].to_list()
    assert reasons[0] == "no email (the import key)"
    assert "unparseable date in column 'Create Date'" in reasons[1] and "2024-13-45" in reasons[1]
    assert "invalid email 'jane at example'" in reasons[2]
    assert report.rejected["Create Date"][1] == "2024-13-45 99:99"  # the raw values
    assert ws.dataset().n_contacts == 9_997
    assert ws.version == 1 and ws.history()["operation"][0] == "import_contacts"
    # the rejects file in the workspace holds the same rows
    kept = pl.read_csv(report.rejects_path, infer_schema=False)
    assert kept["row"].to_list() == ["42", "5000", "9999"]
    assert kept["reason"].to_list() == reasons
    assert report.rejects_path.parent == ws.path / "rejects"
    html = report._repr_html_()
    assert "9,997" in html and "rejected" in html and "unparseable date" in html
    assert "3 rejected" in repr(report)


def test_unparseable_file_commits_nothing(ws: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"Email,First Name\na@b.com,Ann\n\"unterminated,quote\nx@y.com,X,extra,cols\n")
    with pytest.raises(DataError, match="cannot be parsed, nothing was imported"):
        ws.import_contacts(bad)
    binary = tmp_path / "garbage.parquet"
    binary.write_bytes(b"\x00\x01not parquet at all")
    with pytest.raises(DataError, match="cannot be parsed"):
        ws.import_contacts(binary)
    assert ws.version == 0 and ws.dataset().n_contacts == 0
    assert not any((ws.path / "rejects").iterdir())


def test_missing_key_column_commits_nothing(ws: Workspace) -> None:
    with pytest.raises(DataError, match="import key 'email' is not a column"):
        ws.import_contacts(pl.DataFrame({"name": ["x"]}))
    assert ws.version == 0


def test_upsert_counts_and_blank_cells_keep_values(ws: Workspace, hubspot_10k: Path) -> None:
    first = ws.import_contacts(hubspot_10k, preset="hubspot")
    assert first.inserted == 10_000
    again = ws.import_contacts(hubspot_10k, preset="hubspot")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 10_000)
    df = pl.read_csv(hubspot_10k, infer_schema=False)
    changed = df.head(100).with_columns(pl.lit("Chief Fun Officer").alias("Job Title"),
                                        pl.lit("").alias("City"))  # fmt: skip
    new = hubspot_frame(5, seed=99, start_id=50_000)
    rep = ws.import_contacts(pl.concat([changed, df.slice(100, 50), new]), preset="hubspot")
    assert (rep.inserted, rep.updated, rep.unchanged) == (5, 100, 50)
    c = ws.contacts()
    top = c.filter(pl.col("hubspot_record_id").cast(pl.Int64) <= 100)
    assert top["job_title"].unique().to_list() == ["Chief Fun Officer"]
    assert top["city"].null_count() == 0  # a blank cell does not erase
    assert c.height == 10_005
    assert c["contact_id"].max() == 10_005 and c["contact_id"].n_unique() == 10_005
    # an update that comes with inserts keeps every other field, the key included
    assert c["email"].null_count() == 0 and c["email"].n_unique() == 10_005
    assert top["first_name"].null_count() == 0


def test_hubspot_preset_mapping_and_normalisation(ws: Workspace) -> None:
    src = pl.DataFrame({
        "Record ID": ["101", "102"], "First Name": ["Jane", "Raj"], "Last Name": ["Doe", "Patel"],
        "Email": ["  Jane.Doe@ACME.com ", "raj@globex.in"],
        "Phone Number": ["(415) 555-0132", "+91 98200 12345"],
        "Company Name": ["Acme", "Globex"], "Country/Region": ["United States", "India"],
        "Lifecycle Stage": ["Marketing Qualified Lead", "customer"],
        "Lead Status": ["In Progress", ""], "Create Date": ["2024-03-01 14:05", "2023-12-31 23:59"],
        "Original Source": ["Organic Search", "Offline Sources"],
        "Date of birth": ["1990-04-01", ""], "Favourite Colour": ["blue", "green"],
    })  # fmt: skip
    rep = ws.import_contacts(src, preset="hubspot")
    assert rep.inserted == 2 and rep.n_rejected == 0
    assert rep.columns["Company Name"] == "company" and rep.columns["Favourite Colour"] == \
        "favourite_colour"  # fmt: skip
    assert "favourite_colour" in rep.new_fields
    c = ws.contacts().sort("hubspot_record_id")
    row = c.row(0, named=True)
    assert row["email"] == "jane.doe@acme.com"
    assert row["phone"] == "+14155550132"
    assert c["phone"][1] == "+919820012345"
    assert c["country"].to_list() == ["US", "IN"]
    assert row["lifecycle_stage"] == "marketing_qualified_lead"
    assert c["lifecycle_stage"][1] == "customer"
    assert row["lead_status"] == "in_progress" and c["lead_status"][1] is None
    assert row["signup_at"] == dt.datetime(2024, 3, 1, 14, 5)
    assert row["birth_date"] == dt.date(1990, 4, 1)
    assert row["source_channel"] == "organic" and c["source_channel"][1] == "event"
    assert row["favourite_colour"] == "blue"  # unknown columns are kept as custom fields
    assert c.schema["signup_at"] == pl.Datetime("us") and c.schema["birth_date"] == pl.Date


def test_mailchimp_preset(ws: Workspace, tmp_path: Path) -> None:
    df = mailchimp_frame(50, seed=4)
    path = tmp_path / "subscribed_members_export.csv"
    df.write_csv(path)
    rep = ws.import_contacts(path, preset="mailchimp")
    assert rep.inserted == 50 and rep.n_rejected == 0
    c = ws.contacts()
    assert c["email"].to_list() == df["Email Address"].str.to_lowercase().to_list()
    assert set(c["email_status"].unique()) == {"subscribed"}
    assert c.schema["signup_at"] == pl.Datetime("us") and c.schema["email_consent_at"] == \
        pl.Datetime("us")  # fmt: skip
    assert c.schema["member_rating"] == pl.Int64
    tags = dict(zip(df["Email Address"].str.to_lowercase(), df["TAGS"], strict=True))
    for email, got in c.select("email", "tags").iter_rows():
        want = [t.strip('"') for t in tags[email].split(",") if t]
        assert (got or []) == want
    assert set(c["country"]) <= {"US", "GB", "DE", "FR", "CA", "NL", "ES", "IN", "BR"}
    assert c["birthday"].str.contains(r"^\d\d/\d\d$").all()
    for col in ("optin_ip", "latitude", "leid" if "leid" in c.columns else "mailchimp_leid"):
        assert col in c.columns  # nothing dropped


def test_salesforce_preset(ws: Workspace) -> None:
    df = salesforce_frame(30, seed=6)
    rep = ws.import_contacts(df, preset="salesforce")
    assert rep.inserted == 30 and rep.n_rejected == 0
    c = ws.contacts()
    assert c.schema["birth_date"] == pl.Date and c.schema["signup_at"] == pl.Datetime("us")
    opted = c.filter(pl.col("email_opt_out"))
    assert opted["email_status"].unique().to_list() in ([], ["unsubscribed"])
    assert c["salesforce_id"].str.starts_with("003").all()
    first = df.row(0, named=True)
    got = c.filter(pl.col("salesforce_id") == first["Contact ID"]).row(0, named=True)
    m, d, y = (int(x) for x in first["Birthdate"].split("/"))
    assert got["birth_date"] == dt.date(y, m, d)
    assert got["job_title"] == first["Title"] and got["company"] == first["Account Name"]


def test_duplicate_keys_in_a_file(ws: Workspace) -> None:
    src = pl.DataFrame({"email": ["a@x.com", "b@x.com", "A@X.com "], "first_name": ["A1", "B", "A2"]})
    rep = ws.import_contacts(src)
    assert rep.inserted == 2
    assert rep.rejected["row"].to_list() == [1]
    assert "duplicate email: row 3" in rep.rejected["reason"][0]
    assert ws.contacts().filter(pl.col("email") == "a@x.com")["first_name"].item() == "A2"


def test_mapping_and_key(ws: Workspace) -> None:
    src = pl.DataFrame({"E-Mail": ["a@x.com"], "Vorname": ["Anna"], "Telefon": ["030 1234567"],
                        "Land": ["Deutschland"], "Intern": ["x"]})  # fmt: skip
    rep = ws.import_contacts(src, key="email", mapping={
        "E-Mail": "email", "Vorname": "first_name", "Telefon": "phone", "Land": "country",
        "Intern": None})  # fmt: skip
    assert rep.inserted == 1
    row = ws.contacts().row(0, named=True)
    assert row["phone"] == "+49301234567" and row["country"] == "DE"
    assert "intern" not in ws.contacts().columns
    with pytest.raises(DataError, match="does not have"):
        ws.import_contacts(src, mapping={"Nope": "email"})


def test_upsert_is_strict(ws: Workspace, people: pl.DataFrame) -> None:
    bad = people.with_columns(pl.Series("email", ["ok@x.com", "broken", "c@x.com", "d@x.com"]))
    with pytest.raises(DataError, match="nothing was written"):
        ws.upsert(bad)
    assert ws.version == 0
    rep = ws.upsert(people)
    assert rep.inserted == 4 and rep.n_rejected == 0
    rep = ws.upsert(people.with_columns(pl.col("seats") + 1).head(2))
    assert (rep.updated, rep.unchanged) == (2, 0)
    rep = ws.upsert(pl.DataFrame({"contact_id": [1], "city": ["Rome"]}), key="contact_id")
    assert rep.updated == 1 and ws.contacts()["city"][0] == "Rome"


def test_events_import(filled: Workspace, tmp_path: Path) -> None:
    ev = pl.DataFrame({
        "email": ["jane@acme.com", "JOHN@globex.com", "nobody@x.com", "jane@acme.com",
                  "jane@acme.com"],
        "event": ["page_view", "purchase", "page_view", "", "email_open"],
        "timestamp": ["2026-03-01 10:00", "3/2/2026 2:05 PM", "2026-03-01", "2026-03-01",
                      "not a date"],
        "amount": ["", "99.5", "", "", ""], "page": ["pricing", None, None, None, None],
    })  # fmt: skip
    path = tmp_path / "events.csv"
    ev.write_csv(path)
    rep = filled.import_events(path)
    assert rep.inserted == 2
    assert rep.rejected["row"].to_list() == [3, 4, 5]
    reasons = rep.rejected["reason"].to_list()
    assert "no contact with email 'nobody@x.com'" in reasons[0]
    assert reasons[1] == "no event type"
    assert "unparseable date in column 'timestamp'" in reasons[2]
    events = filled.events().sort("timestamp")
    assert events["timestamp"].to_list() == [dt.datetime(2026, 3, 1, 10), dt.datetime(2026, 3, 2, 14, 5)]
    assert events.schema["amount"] == pl.Float64 and events["amount"][1] == 99.5
    again = filled.import_events(path)
    assert (again.inserted, again.unchanged) == (0, 2)
    data = filled.dataset()
    assert data.n_events == 2
    by_id = filled.import_events(pl.DataFrame({"contact_id": [1, 999], "event": ["x", "x"],
                                               "timestamp": [dt.datetime(2026, 1, 1)] * 2}))
    assert by_id.inserted == 1 and "no contact with contact_id 999" in by_id.rejected["reason"][0]


def test_import_dataset_in_one_commit(ws: Workspace) -> None:
    from segkit import Dataset

    contacts = pl.DataFrame({"contact_id": [10, 20], "email": ["a@x.com", "b@x.com"],
                             "tags": [["vip"], []]})  # fmt: skip
    events = pl.DataFrame({"contact_id": [10, 20, 20], "event": ["purchase"] * 3,
                           "timestamp": [dt.datetime(2026, 1, d) for d in (1, 2, 3)],
                           "amount": [1.0, 2.0, 3.0]})  # fmt: skip
    campaigns = pl.DataFrame({"campaign_id": ["c1"], "name": ["Spring"]})
    reports = ws.import_dataset(Dataset(contacts, events, campaigns))
    assert ws.version == 1
    assert {t: r.inserted for t, r in reports.items()} == {"contacts": 2, "events": 3,
                                                           "campaigns": 1}
    data = ws.dataset()
    assert data.contacts["contact_id"].sort().to_list() == [10, 20]
    assert data.n_events == 3 and data.campaigns is not None
    ws2 = Workspace.create(ws.path.parent / "by-email")
    ws2.add_contact(email="z@x.com")
    ws2.import_dataset(Dataset(contacts, events), key="email")
    ev = ws2.events().join(ws2.contacts().select("contact_id", "email"), on="contact_id")
    assert ev.group_by("email").len().sort("email")["len"].to_list() == [1, 2]


SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.mark.skipif(not (SAMPLE / "hubspot_export.csv").exists(), reason="no sample_data")
def test_sample_exports_match_the_sample_contacts(ws: Workspace) -> None:
    truth = pl.read_parquet(SAMPLE / "contacts.parquet").with_columns(
        pl.col("email").str.to_lowercase())  # fmt: skip
    hs = ws.import_contacts(SAMPLE / "hubspot_export.csv", preset="hubspot")
    assert hs.n_rejected == 0 and hs.inserted + hs.unchanged + hs.updated > 450
    mc = ws.import_contacts(SAMPLE / "mailchimp_export.csv", preset="mailchimp")
    assert mc.n_rejected == 0 and mc.updated > 200  # ~60% are also in the HubSpot file
    got = ws.contacts().join(truth, on="email", suffix="_truth")
    assert got.height >= 400  # every HubSpot row, and the Mailchimp ones whose email is known
    for col in ("lifecycle_stage", "lead_status", "source_channel", "country", "first_name"):
        pairs = got.filter(pl.col(col).is_not_null() & pl.col(f"{col}_truth").is_not_null())
        agree = (pairs[col] == pairs[f"{col}_truth"]).mean()
        assert agree > 0.97, (col, agree)
    phones = got.filter(pl.col("phone").is_not_null() & pl.col("phone_truth").is_not_null())
    from segkit.store.normalize import phone

    want, _ = phone(phones["phone_truth"], phones["country_truth"])  # the truth is not E.164
    assert (phones["phone"] == want).mean() > 0.97
    assert phones["phone"].str.contains(r"^\+[1-9]\d{7,14}$").all()
    emails = ws.contacts()["email"]
    assert emails.null_count() == 0 and emails.n_unique() == emails.len()
