"""Import presets: how HubSpot, Mailchimp and Salesforce exports map onto segkit fields.

Headers match case-insensitively (spaces collapsed). A header no preset or mapping names becomes
a custom field named after it in snake case (``"Marketing contact status"`` ->
``marketing_contact_status``): nothing is dropped. Values of a few fields are translated to
segkit's vocabulary (``"Marketing Qualified Lead"`` -> ``marketing_qualified_lead``).

HubSpot (contacts export, "All properties" or default columns; dates ``2026-03-01 14:05``)

=============================  ======================================
``Record ID``, ``Contact ID``  ``hubspot_record_id`` (custom)
``First Name``                 ``first_name``
``Last Name``                  ``last_name``
``Email``                      ``email`` (normalised; the default key)
``Phone Number``               ``phone`` (E.164)
``Mobile Phone Number``        ``mobile_phone`` (custom, E.164)
``Company Name``               ``company``
``Job Title``                  ``job_title``
``City``                       ``city``
``State/Region``               ``state`` (custom)
``Country/Region``             ``country`` (ISO alpha-2)
``Postal Code``                ``postal_code`` (custom, text)
``Lifecycle Stage``            ``lifecycle_stage`` (``Marketing Qualified Lead`` ->
                               ``marketing_qualified_lead``; internal values too)
``Lead Status``                ``lead_status`` (lower snake case: ``In Progress`` ->
                               ``in_progress``)
``Create Date``                ``signup_at``
``Became a Customer Date``     ``first_purchase_at``
``Date of birth``              ``birth_date``
``Gender``                     ``gender`` (lower case)
``Industry``                   ``industry``
``Original Source``            ``source_channel`` (``Organic Search`` -> ``organic``,
                               ``Paid Search``/``Paid Social`` -> ``paid_ads``,
                               ``Social Media`` -> ``social``, ``Referrals`` -> ``referral``,
                               ``Offline Sources`` -> ``event``, ``Email Marketing`` ->
                               ``email_pitch``, ``Direct Traffic`` -> ``direct``, others snake
                               case)
``Seats``, ``NPS Score``         ``seats``, ``nps`` (integers)
``Referral Code``              ``referral_code``
``Tags``                       ``tags`` (``;``-separated, HubSpot's multi-checkbox separator)
``Interests``                  ``interests`` (``;``-separated)
=============================  ======================================

Mailchimp (audience export: subscribed, unsubscribed or cleaned CSV; dates
``2026-03-01 14:05:09``)

=================================  ======================================
``Email Address`` (``EMAIL``)      ``email``
``First Name`` (``FNAME``)         ``first_name``
``Last Name`` (``LNAME``)          ``last_name``
``Phone Number`` (``PHONE``)       ``phone``
``Address`` (``ADDRESS``)          ``address`` (custom)
``Birthday`` (``BIRTHDAY``)        ``birthday`` (custom text ``MM/DD``: no year)
``Company``                        ``company``
``MEMBER_RATING``                  ``member_rating`` (custom, int)
``OPTIN_TIME``                     ``signup_at``
``CONFIRM_TIME``                   ``email_consent_at``
``COUNTRY``, else ``CC``            ``country`` (``CC`` is kept as ``cc`` when both exist)
``REGION``                         ``region`` (custom)
``TAGS``                           ``tags`` (``"a","b"`` or ``a, b``)
``LAST_CHANGED``                   ``mailchimp_last_changed`` (custom)
``LEID``, ``EUID``                 ``mailchimp_leid``, ``mailchimp_euid`` (custom)
``UNSUB_TIME``                     ``unsubscribed_at`` (custom datetime)
``CLEAN_TIME``                     ``cleaned_at`` (custom datetime)
=================================  ======================================

``email_status`` is derived when the file has no such column: ``unsubscribed`` where
``UNSUB_TIME`` is set, ``bounced`` where ``CLEAN_TIME`` is set, else ``subscribed`` (the
subscribed export has neither column). Other columns (``OPTIN_IP``, ``CONFIRM_IP``,
``LATITUDE``, ``LONGITUDE``, ``GMTOFF``, ``DSTOFF``, ``TIMEZONE``, ``NOTES``, ``UNSUB_*``,
``CLEAN_*``) become custom fields of the same name in snake case.

Salesforce (Contacts or Leads, report export with labels or Data Loader export with API names;
dates ``3/1/2026``, ``3/1/2026, 2:05 PM`` or ``2026-03-01T14:05:09.000Z``)

===============================================  ======================================
``Contact ID``, ``Lead ID``, ``Id``              ``salesforce_id`` (custom)
``First Name``, ``FirstName``                    ``first_name``
``Last Name``, ``LastName``                      ``last_name``
``Email``                                        ``email``
``Phone``                                        ``phone``
``Mobile``, ``Mobile Phone``, ``MobilePhone``    ``mobile_phone`` (custom)
``Title``                                        ``job_title``
``Account Name``, ``Account.Name``, ``Company``  ``company``
``Mailing City``, ``MailingCity``, ``City``      ``city``
``Mailing State/Province``, ``MailingState``     ``state`` (custom)
``Mailing Country``, ``MailingCountry``,
``Country``                                      ``country``
``Birthdate``                                    ``birth_date``
``Lead Source``, ``LeadSource``                  ``source_channel`` (lower snake case)
``Created Date``, ``CreatedDate``                ``signup_at``
``Email Opt Out``, ``HasOptedOutOfEmail``        ``email_opt_out`` (custom bool)
``Industry``                                     ``industry``
``Lead Status``, ``Status``                      ``lead_status`` (lower snake case)
===============================================  ======================================

``email_status`` is derived as ``unsubscribed`` where ``Email Opt Out`` is true (left empty
otherwise) when the file has no such column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import polars as pl

from segkit.errors import DataError


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    columns: Mapping[str, str]
    # field -> {lower-cased source value: segkit value}; "snake" in snake_values lower-snakes
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    snake_values: tuple[str, ...] = ()
    list_separators: Mapping[str, str] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    derive: Callable[[pl.DataFrame], pl.DataFrame] | None = None

    def field_for(self, header: str) -> str | None:
        return self._lookup().get(_key(header))

    def _lookup(self) -> dict[str, str]:
        return {_key(h): f for h, f in self.columns.items()}


def _key(header: str) -> str:
    return " ".join(str(header).strip().lower().split())


_LIFECYCLE = {
    "subscriber": "subscriber", "lead": "lead",
    "marketing qualified lead": "marketing_qualified_lead",
    "marketingqualifiedlead": "marketing_qualified_lead", "mql": "marketing_qualified_lead",
    "sales qualified lead": "sales_qualified_lead",
    "salesqualifiedlead": "sales_qualified_lead", "sql": "sales_qualified_lead",
    "opportunity": "opportunity", "customer": "customer", "evangelist": "evangelist",
    "other": "other",
}  # fmt: skip

_HUBSPOT_SOURCES = {
    "organic search": "organic", "paid search": "paid_ads", "paid social": "paid_ads",
    "social media": "social", "organic social": "social", "referrals": "referral",
    "offline sources": "event", "email marketing": "email_pitch", "direct traffic": "direct",
    "other campaigns": "other_campaigns", "ai referrals": "ai_referral",
}  # fmt: skip


def _mailchimp_status(df: pl.DataFrame) -> pl.DataFrame:
    if "email_status" in df.columns:
        return df
    unsub = pl.col("unsubscribed_at").is_not_null() if "unsubscribed_at" in df.columns \
        else pl.lit(False)  # fmt: skip
    clean = pl.col("cleaned_at").is_not_null() if "cleaned_at" in df.columns else pl.lit(False)
    return df.with_columns(
        pl.when(unsub).then(pl.lit("unsubscribed")).when(clean).then(pl.lit("bounced"))
        .otherwise(pl.lit("subscribed")).alias("email_status")
    )  # fmt: skip


def _salesforce_status(df: pl.DataFrame) -> pl.DataFrame:
    if "email_status" in df.columns or "email_opt_out" not in df.columns:
        return df
    if df.schema["email_opt_out"] != pl.Boolean:
        return df
    return df.with_columns(
        pl.when(pl.col("email_opt_out")).then(pl.lit("unsubscribed")).otherwise(None)
        .cast(pl.String).alias("email_status")
    )  # fmt: skip


HUBSPOT = Preset(
    name="hubspot",
    title="HubSpot contacts export",
    columns={
        "Record ID": "hubspot_record_id", "Contact ID": "hubspot_record_id",
        "First Name": "first_name", "Last Name": "last_name", "Email": "email",
        "Phone Number": "phone", "Mobile Phone Number": "mobile_phone",
        "Company Name": "company", "Job Title": "job_title", "City": "city",
        "State/Region": "state", "Country/Region": "country", "Country": "country",
        "Postal Code": "postal_code", "Lifecycle Stage": "lifecycle_stage",
        "Lead Status": "lead_status", "Create Date": "signup_at",
        "Became a Customer Date": "first_purchase_at", "Date of birth": "birth_date",
        "Gender": "gender", "Industry": "industry", "Original Source": "source_channel",
        "Tags": "tags", "Interests": "interests", "NPS Score": "nps", "Seats": "seats",
        "Referral Code": "referral_code",
    },
    values={"lifecycle_stage": _LIFECYCLE, "source_channel": _HUBSPOT_SOURCES},
    snake_values=("lifecycle_stage", "lead_status", "source_channel", "gender"),
    list_separators={"tags": ";", "interests": ";", "content_topics": ";"},
    date_formats=("%Y-%m-%d %H:%M", "%Y-%m-%d"),
)  # fmt: skip

MAILCHIMP = Preset(
    name="mailchimp",
    title="Mailchimp audience export",
    columns={
        "Email Address": "email", "EMAIL": "email", "First Name": "first_name",
        "FNAME": "first_name", "Last Name": "last_name", "LNAME": "last_name",
        "Phone Number": "phone", "PHONE": "phone", "Address": "address", "ADDRESS": "address",
        "Birthday": "birthday", "BIRTHDAY": "birthday", "Company": "company",
        "MEMBER_RATING": "member_rating", "OPTIN_TIME": "signup_at",
        "CONFIRM_TIME": "email_consent_at", "COUNTRY": "country", "CC": "country",
        "REGION": "region", "TAGS": "tags",
        "LAST_CHANGED": "mailchimp_last_changed", "LEID": "mailchimp_leid",
        "EUID": "mailchimp_euid", "UNSUB_TIME": "unsubscribed_at", "CLEAN_TIME": "cleaned_at",
    },
    list_separators={"tags": ","},
    date_formats=("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"),
    derive=_mailchimp_status,
)  # fmt: skip

SALESFORCE = Preset(
    name="salesforce",
    title="Salesforce contacts or leads export",
    columns={
        "Contact ID": "salesforce_id", "Lead ID": "salesforce_id", "Id": "salesforce_id",
        "First Name": "first_name", "FirstName": "first_name", "Last Name": "last_name",
        "LastName": "last_name", "Email": "email", "Phone": "phone", "Mobile": "mobile_phone",
        "Mobile Phone": "mobile_phone", "MobilePhone": "mobile_phone", "Title": "job_title",
        "Account Name": "company", "Account.Name": "company", "Company": "company",
        "Mailing City": "city", "MailingCity": "city", "City": "city",
        "Mailing State/Province": "state", "MailingState": "state",
        "Mailing Country": "country", "MailingCountry": "country", "Country": "country",
        "Birthdate": "birth_date", "Lead Source": "source_channel",
        "LeadSource": "source_channel", "Created Date": "signup_at",
        "CreatedDate": "signup_at", "Email Opt Out": "email_opt_out",
        "HasOptedOutOfEmail": "email_opt_out", "Industry": "industry",
        "Lead Status": "lead_status", "Status": "lead_status",
    },
    snake_values=("source_channel", "lead_status"),
    date_formats=("%m/%d/%Y", "%m/%d/%Y, %I:%M %p", "%Y-%m-%dT%H:%M:%S%.fZ"),
    derive=_salesforce_status,
)  # fmt: skip

# custom fields a preset types on its own (they are not standard fields)
PRESET_TYPES: dict[str, pl.DataType] = {
    "member_rating": pl.Int64(),
    "unsubscribed_at": pl.Datetime("us"),
    "cleaned_at": pl.Datetime("us"),
    "mailchimp_last_changed": pl.Datetime("us"),
    "email_opt_out": pl.Boolean(),
    "birthday": pl.String(),
    "postal_code": pl.String(),
    "hubspot_record_id": pl.String(),
    "salesforce_id": pl.String(),
    "mobile_phone": pl.String(),
}

PRESETS: dict[str, Preset] = {p.name: p for p in (HUBSPOT, MAILCHIMP, SALESFORCE)}


def get(preset: str | Preset | None) -> Preset | None:
    if preset is None or isinstance(preset, Preset):
        return preset
    try:
        return PRESETS[str(preset).lower()]
    except KeyError:
        raise DataError(
            f"unknown preset {preset!r}; use one of {', '.join(sorted(PRESETS))}"
        ) from None


def translate_values(df: pl.DataFrame, preset: Preset | None) -> pl.DataFrame:
    """Map a preset's platform values onto segkit's (vectorised)."""
    if preset is None:
        return df
    out = []
    for col in df.columns:
        if df.schema[col] != pl.String:
            continue
        table = preset.values.get(col)
        snake = col in preset.snake_values
        if not table and not snake:
            continue

        def tr(s: pl.Series, table: Mapping[str, str] | None = table, snake: bool = snake
               ) -> pl.Series:  # fmt: skip
            key = s.str.strip_chars().str.to_lowercase()
            fallback = key.str.replace_all(r"[^0-9a-z]+", "_").str.strip_chars("_") if snake \
                else s  # fmt: skip
            if not table:
                return fallback
            return key.replace_strict(dict(table), default=None, return_dtype=pl.String) \
                .fill_null(fallback)  # fmt: skip

        from segkit.store.normalize import by_unique

        out.append(by_unique(df[col], tr))
    return df.with_columns(out) if out else df
