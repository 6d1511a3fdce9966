"""Role inference from CRM column names, explicit fields, settings round trip."""

from __future__ import annotations

import polars as pl
import pytest

from segkit.dedup.find import resolve_settings
from segkit.dedup.roles import ROLES, check_fields, infer_roles, role_for_column
from segkit.dedup.settings import DedupSettings, default_blocking
from segkit.errors import DataError


@pytest.mark.parametrize(
    ("column", "role"),
    [
        ("email", "email"), ("E-Mail", "email"), ("Email Address", "email"),
        ("work_email", "email"), ("primary_email_2", "email"),
        ("phone", "phone"), ("Mobile Phone", "phone"), ("telephone", "phone"), ("cell", "phone"),
        ("FirstName", "first_name"), ("given_name", "first_name"), ("forename", "first_name"),
        ("LastName", "last_name"), ("surname", "last_name"), ("family_name", "last_name"),
        ("name", "name"), ("Full Name", "name"), ("company", "company"),
        ("Organization", "company"), ("account_name", "company"),
        ("address", "address"), ("street_address", "address"), ("address_1", "address"),
        ("city", "city"), ("suburb", "city"), ("town", "city"),
        ("zip", "postal_code"), ("Postcode", "postal_code"), ("billing_zip", "postal_code"),
        ("state", "state"), ("province", "state"), ("country", "country"),
        ("country_code", "country"), ("dob", "birth_date"), ("date_of_birth", "birth_date"),
        ("birthday", "birth_date"),
        ("contact_id", None), ("email_status", None), ("email_opt_in", None), ("age", None),
        ("job_title", None), ("lifecycle_stage", None),
    ],
)  # fmt: skip
def test_role_for_column(column, role):
    assert role_for_column(column) == role


def test_infer_roles_checks_types():
    schema = {
        "contact_id": pl.Int64, "email": pl.String, "email_opt_in": pl.Boolean,
        "first_name": pl.String, "last_name": pl.String, "phone": pl.String,
        "birth_date": pl.Date, "zip": pl.Int64, "company": pl.String, "age": pl.Int64,
        "country": pl.String, "city": pl.Int64,  # a numeric "city" is no city
    }  # fmt: skip
    assert infer_roles(schema) == {
        "email": "email", "first_name": "first_name", "last_name": "last_name",
        "phone": "phone", "birth_date": "birth_date", "zip": "postal_code",
        "company": "company", "country": "country",
    }  # fmt: skip


def test_check_fields_errors_name_the_problem():
    cols = ["contact_id", "mail", "fname"]
    assert check_fields({"mail": "email"}, cols) == {"mail": "email"}
    with pytest.raises(DataError, match="unknown role 'emial'.*did you mean 'email'"):
        check_fields({"mail": "emial"}, cols)
    with pytest.raises(DataError, match="'mial' is not in the contacts table.*'mail'"):
        check_fields({"mial": "email"}, cols)
    with pytest.raises(DataError, match="contact_id"):
        check_fields({"contact_id": "exact"}, cols)
    with pytest.raises(DataError, match="no columns"):
        check_fields({}, cols)


def test_resolve_settings_inferred_and_printed():
    frame = pl.DataFrame({"contact_id": [1], "Email": ["a@b.co"], "surname": ["x"],
                          "given_name": ["y"], "notes": ["z"]})  # fmt: skip
    s = resolve_settings(frame)
    assert s.inferred and s.fields == {"Email": "email", "surname": "last_name",
                                       "given_name": "first_name"}  # fmt: skip
    text = str(s)
    assert "inferred from column names" in text
    for column in ("Email", "surname", "given_name"):
        assert column in text
    assert "Blocking passes" in text and "Auto-merge from match probability 0.99" in text
    explicit = resolve_settings(frame, fields={"notes": "text"}, threshold=0.2)
    assert explicit.fields == {"notes": "text"} and not explicit.inferred
    assert explicit.threshold == 0.2 and explicit.review_threshold == 0.2


def test_no_recognisable_columns():
    with pytest.raises(DataError, match="fields="):
        resolve_settings(pl.DataFrame({"contact_id": [1], "foo": ["x"]}))


def test_settings_round_trip_and_validation():
    s = DedupSettings(fields={"email": "email", "last_name": "last_name"}, threshold=0.95,
                      blocking=({"on": ["email"], "sort": None},), notes=("x",))  # fmt: skip
    d = s.to_dict()
    assert d["version"] == 1
    assert DedupSettings.from_dict(d) == s
    assert DedupSettings.from_dict(d).to_dict() == d
    with pytest.raises(DataError, match="unknown key"):
        DedupSettings.from_dict({**d, "colour": 1})
    with pytest.raises(DataError, match="version"):
        DedupSettings.from_dict({**d, "version": 99})
    with pytest.raises(DataError, match="probability"):
        DedupSettings(threshold=1.5)
    with pytest.raises(DataError, match="must not exceed"):
        DedupSettings(threshold=0.5, review_threshold=0.8)


def test_default_blocking_uses_present_roles_only():
    passes = default_blocking({"e": "email", "ln": "last_name", "fn": "first_name", "d": "birth_date"})
    keys = [tuple(p["on"]) for p in passes]
    assert ("e",) in keys and ("ln",) in keys and ("fn~nick",) in keys and ("d",) in keys
    assert all(part.partition("~")[0] in {"e", "ln", "fn", "d"} for k in keys for part in k)
    assert set(ROLES) >= {"email", "phone", "birth_date"}
