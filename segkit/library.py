"""Ready segments: the ones marketers ask for first, as plain documents with documented defaults.

Each function returns a :class:`Segment`; print ``seg.to_json(indent=2)`` to copy and edit it.
They assume segkit's CRM vocabulary (the sample data's columns): ``email_status``,
``signup_at``, ``lifecycle_stage``, ``lead_status``, ``source_channel``, ``product``, ``age``,
``country``, ``tags`` and the events ``page_view`` (with ``page``), ``email_open``,
``email_click``, ``content_download`` and ``purchase`` (with ``amount``). Map your own columns
to these names on import, or edit the documents.

>>> from segkit import library
>>> library.repeat_customers(min_orders=3).describe()
'purchased at least three times'
>>> sorted(library.all())[:3]
['Age 25-34', 'Cold leads', 'Content downloaders']
"""

from __future__ import annotations

from collections.abc import Callable

from segkit.segment import Segment
from segkit.spec.builder import did, field
from segkit.spec.nodes import Not

OPEN_LEAD_STAGES = ["lead", "marketing_qualified_lead", "sales_qualified_lead", "opportunity"]


def _seg(rule, name: str, description: str) -> Segment:
    return Segment(rule, name=name, description=description)


# -- behaviour on the website -------------------------------------------------------------------


def homepage_visitors(days: int = 30) -> Segment:
    """Viewed the homepage in the last ``days`` days (default 30)."""
    return _seg(did("page_view", where=field("page").eq("homepage"), within_days=days),
                "Homepage visitors", f"Viewed the homepage in the last {days} days")  # fmt: skip


def product_page_visitors(days: int = 30) -> Segment:
    """Viewed a product page in the last ``days`` days (default 30)."""
    return _seg(did("page_view", where=field("page").eq("product"), within_days=days),
                "Product page visitors", f"Viewed a product page in the last {days} days")  # fmt: skip


def pricing_page_visitors(days: int = 30, min_views: int = 2) -> Segment:
    """Viewed the pricing page at least ``min_views`` times in ``days`` days (2 in 30)."""
    return _seg(
        did("page_view", where=field("page").eq("pricing"), within_days=days).at_least(min_views),
        "Pricing page visitors",
        f"Viewed pricing at least {min_views} times in the last {days} days",
    )


def repeat_visitors(min_visits: int = 3, days: int = 30) -> Segment:
    """At least ``min_visits`` page views in the last ``days`` days (3 in 30)."""
    return _seg(did("page_view", within_days=days).at_least(min_visits), "Repeat visitors",
                f"At least {min_visits} page views in the last {days} days")  # fmt: skip


def content_downloaders(days: int = 90) -> Segment:
    """Downloaded content (ebooks, whitepapers) in the last ``days`` days (default 90)."""
    return _seg(did("content_download", within_days=days), "Content downloaders",
                f"Downloaded content in the last {days} days")  # fmt: skip


# -- email ----------------------------------------------------------------------------------------


def email_subscribers() -> Segment:
    """Contacts whose email status is ``subscribed``."""
    return _seg(field("email_status").eq("subscribed"), "Email subscribers",
                "Email status is subscribed")  # fmt: skip


def new_subscribers(days: int = 30) -> Segment:
    """Subscribed contacts who signed up in the last ``days`` days (default 30)."""
    return _seg(field("email_status").eq("subscribed") & field("signup_at").within_last_days(days),
                "New subscribers", f"Subscribed, signed up in the last {days} days")  # fmt: skip


def inactive_subscribers(days: int = 90) -> Segment:
    """Subscribed contacts with no email open or click in the last ``days`` days (default 90)."""
    return _seg(
        field("email_status").eq("subscribed")
        & did(["email_open", "email_click"], within_days=days).never(),
        "Inactive subscribers",
        f"Subscribed, but no email opens or clicks in the last {days} days",
    )


# -- customers ----------------------------------------------------------------------------------


def current_customers() -> Segment:
    """Customers with exactly one order so far."""
    return _seg(did("purchase").exactly(1), "Current customers", "Exactly one purchase so far")


def repeat_customers(min_orders: int = 2) -> Segment:
    """Customers with at least ``min_orders`` orders (default 2)."""
    return _seg(did("purchase").at_least(min_orders), "Repeat customers",
                f"At least {min_orders} purchases")  # fmt: skip


def high_value_customers(min_total: float = 1000, days: int = 365) -> Segment:
    """Spent at least ``min_total`` (sum of purchase ``amount``) in ``days`` days (1000 in 365)."""
    return _seg(did("purchase", within_days=days).sum("amount").at_least(min_total),
                "High-value customers",
                f"Spent at least {min_total:g} in the last {days} days")  # fmt: skip


def inactive_customers(days: int = 180) -> Segment:
    """Bought before, but nothing in the last ``days`` days (default 180)."""
    return _seg(did("purchase") & did("purchase", within_days=days).never(),
                "Inactive customers", f"Bought before, but not in the last {days} days")  # fmt: skip


def conversion_completed() -> Segment:
    """Made at least one purchase."""
    return _seg(did("purchase"), "Conversion completed", "Made at least one purchase")


def conversion_not_completed() -> Segment:
    """Never made a purchase."""
    return _seg(Not(did("purchase").node), "Conversion not completed", "Never made a purchase")


def recently_converted(days: int = 30) -> Segment:
    """First purchase in the last ``days`` days (conversion time; default 30).

    The format compares a field with a value, never two fields, so "converted within N days of
    signing up" needs a derived field (e.g. ``days_to_convert``) in the contacts table.
    """
    return _seg(did("purchase").first_at().within_last_days(days), "Recently converted",
                f"First purchase in the last {days} days")  # fmt: skip


def by_product(product: str = "pro") -> Segment:
    """Customers using a product (``product`` field; default ``pro``)."""
    return _seg(field("product").eq(product), f"Product: {product}",
                f"Uses the {product} product")  # fmt: skip


# -- leads --------------------------------------------------------------------------------------


def leads_by_status(status: str) -> Segment:
    """Open leads with lead status ``cold``, ``warm`` or ``hot``."""
    return _seg(field("lifecycle_stage").is_in(OPEN_LEAD_STAGES) & field("lead_status").eq(status),
                f"{status.capitalize()} leads", f"Open leads with lead status {status}")  # fmt: skip


def cold_leads() -> Segment:
    return leads_by_status("cold")


def warm_leads() -> Segment:
    return leads_by_status("warm")


def hot_leads() -> Segment:
    return leads_by_status("hot")


def engaged_hot_leads(days: int = 30, pricing_views: int = 2) -> Segment:
    """Hot by behaviour: an open lead who viewed pricing ``pricing_views`` times and clicked an
    email in the last ``days`` days, and is not unsubscribed."""
    return _seg(
        field("lifecycle_stage").is_in(OPEN_LEAD_STAGES)
        & did("page_view", where=field("page").eq("pricing"), within_days=days).at_least(
            pricing_views)
        & did("email_click", within_days=days)
        & ~field("tags").has_any(["unsubscribed"]),
        "Engaged hot leads",
        f"Open leads who viewed pricing {pricing_views}+ times and clicked an email in "
        f"{days} days",
    )


def cold_by_engagement(days: int = 90) -> Segment:
    """Cold by behaviour: open leads with no page view, open or click in ``days`` days."""
    return _seg(
        field("lifecycle_stage").is_in(OPEN_LEAD_STAGES)
        & did(["page_view", "email_open", "email_click"], within_days=days).never(),
        "Disengaged leads",
        f"Open leads with no visit, open or click in {days} days",
    )


# -- source and demographics --------------------------------------------------------------------


def by_source_channel(channel: str = "referral") -> Segment:
    """Contacts acquired through ``channel`` (organic, paid_ads, social, email_pitch, referral,
    event)."""
    return _seg(field("source_channel").eq(channel), f"Source: {channel}",
                f"Acquired through {channel.replace('_', ' ')}")  # fmt: skip


def age_band(lo: int = 25, hi: int = 34) -> Segment:
    """Contacts aged ``lo`` to ``hi`` inclusive (25-34)."""
    return _seg(field("age").between(lo, hi), f"Age {lo}-{hi}", f"Aged {lo} to {hi}")


def in_countries(countries: list[str] | None = None) -> Segment:
    """Contacts in the given ISO countries (default US and CA)."""
    countries = countries or ["US", "CA"]
    return _seg(field("country").is_in(countries), f"Country: {', '.join(countries)}",
                f"Located in {', '.join(countries)}")  # fmt: skip


def interested_in(topics: list[str] | None = None) -> Segment:
    """Contacts with any of these interests (default analytics, ai)."""
    topics = topics or ["analytics", "ai"]
    return _seg(field("interests").has_any(topics), f"Interested in {', '.join(topics)}",
                f"Interests include {' or '.join(topics)}")  # fmt: skip


READY: dict[str, Callable[[], Segment]] = {
    f.__name__: f  # type: ignore[misc]
    for f in (
        homepage_visitors, product_page_visitors, pricing_page_visitors, repeat_visitors,
        content_downloaders, email_subscribers, new_subscribers, inactive_subscribers,
        current_customers, repeat_customers, high_value_customers, inactive_customers,
        conversion_completed, conversion_not_completed, recently_converted, by_product,
        cold_leads, warm_leads, hot_leads, engaged_hot_leads, cold_by_engagement,
        by_source_channel, age_band, in_countries, interested_in,
    )
}  # fmt: skip


def all() -> dict[str, Segment]:  # noqa: A001 - library.all() reads naturally
    """Every ready segment with its defaults, by segment name."""
    segs = [make() for make in READY.values()]
    return {s.name: s for s in segs}  # type: ignore[misc]
