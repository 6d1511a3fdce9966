"""Comparison roles: what a column *is* decides how it is normalised, blocked and compared.

The set of roles is closed (:data:`ROLES`); an unknown role fails loudly with the closest names.
:func:`infer_roles` maps common CRM column names to roles.

>>> infer_roles({"contact_id": "Int64", "E-Mail": "String", "Mobile Phone": "String",
...              "FirstName": "String", "surname": "String", "Zip": "String", "email_opt_in": "Boolean"})
{'E-Mail': 'email', 'Mobile Phone': 'phone', 'FirstName': 'first_name', 'surname': 'last_name', 'Zip': 'postal_code'}
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from segkit.errors import DataError

ROLES: dict[str, str] = {
    "email": "email address: canonical mailbox (case, plus-tags, Gmail dots)",
    "phone": "phone number: E.164 via phonenumbers, region from a country column",
    "first_name": "given name: folded, nicknames known, Jaro-Winkler",
    "last_name": "family name: folded, Jaro-Winkler",
    "name": "full name: folded, token-set ratio (word order free)",
    "company": "organisation: legal forms removed, token-set ratio",
    "address": "street address: abbreviations unified, edit distance and token-set ratio",
    "city": "city or town: folded, Jaro-Winkler",
    "postal_code": "postal code: exact, or one typo",
    "state": "state, province or region: exact",
    "country": "country: ISO code, exact",
    "birth_date": "date of birth: exact, day/month swap, typo, within a year",
    "exact": "any value: exact agreement only",
    "text": "any text: folded, Jaro-Winkler",
}

# Roles that tell people apart; the others (surname, address, phone, company, place) are shared
# by households and colleagues. See segkit.dedup.model.identity_conflict.
IDENTITY_ROLES = frozenset({"first_name", "name", "email", "birth_date"})

# Normalised column name (lower case, non-alphanumerics removed) -> role.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "email": ("email", "emailaddress", "mail", "emailaddr", "primaryemail", "workemail",
              "personalemail", "contactemail"),
    "phone": ("phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "cell",
              "cellphone", "workphone", "homephone", "phonemobile", "mobilenumber", "msisdn"),
    "first_name": ("firstname", "givenname", "forename", "fname", "first", "given"),
    "last_name": ("lastname", "surname", "familyname", "lname", "last", "family"),
    "name": ("name", "fullname", "contactname", "personname", "displayname"),
    "company": ("company", "companyname", "organisation", "organization", "org", "employer",
                "account", "accountname", "business", "businessname", "firm"),
    "address": ("address", "streetaddress", "street", "address1", "addressline1", "addr",
                "mailingaddress", "postaladdress", "homeaddress"),
    "city": ("city", "town", "suburb", "locality", "municipality"),
    "postal_code": ("postalcode", "postcode", "zip", "zipcode", "postal", "plz"),
    "state": ("state", "province", "region", "county", "stateprovince", "stateorprovince"),
    "country": ("country", "countrycode", "countryname", "nation"),
    "birth_date": ("birthdate", "dateofbirth", "dob", "birthday", "bdate", "born"),
}  # fmt: skip
_LOOKUP = {syn: role for role, syns in _SYNONYMS.items() for syn in syns}

_TEXT_ROLES = set(ROLES) - {"birth_date", "exact"}


def _key(column: str) -> str:
    return re.sub(r"[^a-z0-9]", "", column.lower())


def role_for_column(column: str) -> str | None:
    """The role a column name suggests, or None."""
    key = _key(column)
    if key in _LOOKUP:
        return _LOOKUP[key]
    # "primary_email_address", "mobile_phone_2", "billing_zip" ...
    stripped = re.sub(r"\d+$", "", key)
    if stripped in _LOOKUP:
        return _LOOKUP[stripped]
    if re.search(r"e?mail(address)?$", key):
        return "email"
    if re.search(r"(phone|mobile|tel)(number)?$", key):
        return "phone"
    if re.search(r"(zip|postcode|postalcode)$", key):
        return "postal_code"
    if re.search(r"(dateofbirth|birthdate|dob)$", key):
        return "birth_date"
    return None


def infer_roles(schema: Mapping[str, object]) -> dict[str, str]:
    """Columns whose names are common CRM names, with their role, in column order.

    ``schema`` maps column name -> dtype (a polars schema or its string form). Text roles need a
    text column (a Boolean ``email_opt_in`` is no email); ``birth_date`` needs a date, datetime
    or text column. ``contact_id`` is never compared.
    """
    out: dict[str, str] = {}
    for column, dtype in schema.items():
        if column == "contact_id":
            continue
        role = role_for_column(column)
        if role is None:
            continue
        kind = str(dtype)
        if role == "birth_date":
            if not (kind.startswith(("Date", "String", "Utf8")) or kind in ("str",)):
                continue
        elif role in ("postal_code", "phone"):
            if not (kind.startswith(("String", "Utf8", "Int", "UInt")) or kind == "str"):
                continue
        elif role in _TEXT_ROLES and not (kind.startswith(("String", "Utf8", "Categorical",
                                                             "Enum")) or kind == "str"):
            continue
        out[column] = role
    return out


def check_fields(fields: Mapping[str, str], columns: list[str]) -> dict[str, str]:
    """Validate an explicit ``{column: role}`` mapping against the table's columns."""
    out: dict[str, str] = {}
    for column, role in fields.items():
        if column not in columns:
            close = difflib.get_close_matches(column, columns, n=3)
            hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
            raise DataError(
                f"fields: column {column!r} is not in the contacts table{hint}",
                table="contacts", column=column,
            )  # fmt: skip
        if column == "contact_id":
            raise DataError(
                "fields: 'contact_id' identifies contacts and cannot be compared",
                table="contacts", column=column,
            )  # fmt: skip
        if role not in ROLES:
            close = difflib.get_close_matches(str(role), list(ROLES), n=3)
            hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
            raise DataError(
                f"fields: column {column!r} has unknown role {role!r}; expected one of "
                f"{', '.join(ROLES)}{hint}",
                table="contacts", column=column,
            )  # fmt: skip
        out[column] = role
    if not out:
        raise DataError("fields: no columns to compare", table="contacts")
    return out
