"""Contact fields: the standard ones and their types, names of custom fields, dtype names."""

from __future__ import annotations

import difflib
import re
from typing import Any

import polars as pl

from segkit.errors import DataError

# The standard contact fields (the sample data's schema) and their types. An import that maps a
# column onto one of these converts it to this type; anything else is a custom field.
STANDARD_FIELDS: dict[str, pl.DataType] = {
    "contact_id": pl.Int64(),
    "email": pl.String(),
    "first_name": pl.String(),
    "last_name": pl.String(),
    "phone": pl.String(),
    "birth_date": pl.Date(),
    "age": pl.Int64(),
    "gender": pl.String(),
    "country": pl.String(),
    "city": pl.String(),
    "job_title": pl.String(),
    "company": pl.String(),
    "interests": pl.List(pl.String),
    "preferred_channel": pl.String(),
    "content_topics": pl.List(pl.String),
    "email_status": pl.String(),
    "email_consent_at": pl.Datetime("us"),
    "source_channel": pl.String(),
    "signup_at": pl.Datetime("us"),
    "first_purchase_at": pl.Datetime("us"),
    "lifecycle_stage": pl.String(),
    "lead_status": pl.String(),
    "tags": pl.List(pl.String),
    "product": pl.String(),
    "industry": pl.String(),
    "seats": pl.Int64(),
    "nps": pl.Int64(),
    "referral_code": pl.String(),
}

# The columns a new workspace's contacts table starts with (others are added when first written).
CORE_CONTACT_COLUMNS = (
    "contact_id", "email", "first_name", "last_name", "phone", "company", "job_title", "city",
    "country", "tags",
)  # fmt: skip

EVENT_FIELDS: dict[str, pl.DataType] = {
    "contact_id": pl.Int64(),
    "event": pl.String(),
    "timestamp": pl.Datetime("us"),
    "page": pl.String(),
    "campaign_id": pl.String(),
    "variant": pl.String(),
    "form": pl.String(),
    "content": pl.String(),
    "amount": pl.Float64(),
    "product": pl.String(),
}

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def snake(header: str) -> str:
    """A field name for a column header: ``"Country/Region"`` -> ``country_region``."""
    s = re.sub(r"[^0-9a-zA-Z]+", "_", str(header).strip()).strip("_").lower()
    s = re.sub(r"_+", "_", s)[:63]
    if not s:
        return "field"
    return "f_" + s if s[0].isdigit() else s


def check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise DataError(
            f"invalid field name {name!r}: use lower-case letters, digits and _ (at most 63, "
            f"not starting with a digit), e.g. {snake(str(name))!r}",
            table="contacts", column=str(name),
        )  # fmt: skip
    return name


_DTYPES: dict[str, pl.DataType] = {
    "string": pl.String(), "str": pl.String(), "text": pl.String(),
    "int": pl.Int64(), "integer": pl.Int64(), "int64": pl.Int64(),
    "float": pl.Float64(), "number": pl.Float64(), "float64": pl.Float64(),
    "bool": pl.Boolean(), "boolean": pl.Boolean(),
    "date": pl.Date(),
    "datetime": pl.Datetime("us"), "timestamp": pl.Datetime("us"),
    "list": pl.List(pl.String), "list[string]": pl.List(pl.String), "list[str]": pl.List(pl.String),
    "tags": pl.List(pl.String),
}  # fmt: skip


def parse_dtype(dtype: Any) -> pl.DataType:
    """A polars dtype, or one of the names ``string``, ``int``, ``float``, ``bool``, ``date``,
    ``datetime``, ``list[string]``."""
    if isinstance(dtype, str):
        key = dtype.strip().lower()
        if key in _DTYPES:
            return _DTYPES[key]
        raise DataError(f"unknown type {dtype!r}; use one of {', '.join(sorted(set(_DTYPES)))}")
    if isinstance(dtype, type) and issubclass(dtype, pl.DataType):
        dtype = dtype()
    if isinstance(dtype, pl.DataType):
        from segkit.store._delta import delta_dtype

        return delta_dtype(dtype)
    raise DataError(f"unknown type {dtype!r}: give a polars dtype or a name such as 'string'")


def unknown_field(name: str, known: list[str], table: str = "contacts") -> DataError:
    close = difflib.get_close_matches(name, known, n=3)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    return DataError(
        f"{table} has no field {name!r}{hint}; add it first with ws.add_field({name!r}, dtype)",
        table=table, column=name,
    )  # fmt: skip
