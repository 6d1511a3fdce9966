"""The email campaigns of the sample: 106 over the two years before REFERENCE_TIME.

Subscribers hear from the business every week or two: a tips digest to all subscribers every
other Thursday, the monthly newsletter to those who opted into it, and promotions, webinar
invites, product updates, win-back and demo invites on top.

A/B tests are stored as one row per variant sharing ``campaign_id`` and ``name`` (``variant`` is
"A" or "B", each with its own subject line); every other campaign has one row with a null
``variant``. So the key of the campaigns table is ``(campaign_id, variant)``, and events of an A/B
campaign carry both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from segkit.sample._vocab import INTERESTS, PAGES

# Targeting rules the generator knows how to apply (evaluated at send time).
RULE_NEWSLETTER = "newsletter"  # consented and opted into the newsletter
RULE_ALL = "all"  # every consented contact
RULE_DIGEST = "digest"  # every consented contact, minus those inactive for 180+ days (sunset)
# and those who got the newsletter or a digest in the last ten days (frequency cap)
RULE_CUSTOMERS = "customers"  # bought before the send
RULE_HOT = "hot"  # highly engaged, not (yet) a customer
RULE_INACTIVE = "inactive"  # no activity for 90+ days before the send
RULE_INTEREST = "interest"  # has a given interest

AB_WINNER_CAMPAIGN = "cmp-20251125-black-friday"
"""The A/B test whose variant B truly converts better (more clicks and attributed purchases
per send); the other A/B tests have no real difference."""


@dataclass(frozen=True)
class CampaignSpec:
    campaign_id: str
    name: str
    sent_at: dt.datetime
    target_segment: str
    rule: str
    interest: int  # index into INTERESTS for RULE_INTEREST, else -1
    coverage: float  # share of the targeted contacts actually sent to
    open_factor: float
    click_factor: tuple[float, float]  # (A or no variant, B)
    buy_factor: tuple[float, float]
    revive: float  # chance that a contact who went quiet opens it anyway
    ab: bool
    subjects: tuple[str, ...]  # one, or (A, B)
    promo: bool
    landing: int  # index into PAGES: where a click on it lands


@dataclass(frozen=True)
class CampaignPlan:
    specs: tuple[CampaignSpec, ...]
    frame: pl.DataFrame  # the campaigns table

    @property
    def ids(self) -> list[str]:
        return [s.campaign_id for s in self.specs]


_NEWSLETTER_SUBJECTS = [
    "5 segmentation ideas you can use this week", "What we shipped this month",
    "Your monthly dose of growth tactics", "The metrics that actually predict churn",
    "Inside our customer of the month", "New templates, new integrations",
    "How top teams run win-back campaigns", "Your data, your rules: consent made simple",
    "Three dashboards every marketer needs", "The subject lines that won this quarter",
    "From lead to loyal: lifecycle basics", "Ask me anything: our analytics team answers",
    "Small tweaks, big open rates", "What 2,000 marketers told us about AI",
    "The quiet power of re-engagement", "Stop guessing: test your send times",
    "Benchmarks: how does your list compare?", "Customer stories from around the world",
    "The one report your CFO will love", "Spring cleaning for your contact list",
    "Webinar recap and slides inside", "Personalisation without the creepiness",
    "Our roadmap for the next quarter", "A year of product updates in one email",
]  # fmt: skip


_DIGEST_SUBJECTS = [
    "3 quick wins for your next campaign", "The segment we use every Monday",
    "Tip: clean your list in 10 minutes", "How to write subject lines people open",
    "What to send to a new subscriber", "A faster way to find your best customers",
    "One chart that explains churn", "Template: the welcome series that converts",
    "Tip: test one thing at a time", "How to re-engage a quiet subscriber",
    "The 5-minute weekly CRM check-up", "Stop sending to everyone: segment first",
    "From the blog: lifecycle stages, explained", "Tip: use lead scores without the guesswork",
    "Ideas for your holiday campaigns", "How often should you email? Our data",
    "The simplest attribution model that works", "Tip: personalise beyond the first name",
    "What your open rate is hiding", "How our customers plan a quarter of emails",
    "Tip: sunset inactive contacts (kindly)", "Dashboards your team will actually read",
    "The anatomy of a great landing page", "Tip: tag contacts the moment they convert",
    "How to run an A/B test you can trust", "Small lists, big results: three stories",
]  # fmt: skip

_PAGE = {p: i for i, p in enumerate(PAGES)}


def _first_tuesday(year: int, month: int) -> dt.date:
    d = dt.date(year, month, 1)
    return d + dt.timedelta(days=(1 - d.weekday()) % 7)


def build_campaigns(seed: int) -> CampaignPlan:
    """The campaign plan and table for a seed (the structure is fixed; times of day, subject
    lines and small open-rate differences depend on the seed)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    specs: list[tuple] = []

    def add(date, slug, name, target, rule, *, interest=-1, coverage=0.9, open_f=1.0,
            click=(1.0, 1.0), buy=(1.0, 1.0), revive=0.0, ab=False, subjects=(), promo=False,
            landing="blog"):  # fmt: skip
        specs.append((date, slug, name, target, rule, interest, coverage, open_f, click, buy,
                      revive, ab, subjects, promo, _PAGE[landing]))  # fmt: skip

    # a tips digest to all subscribers every other Thursday (the last one three days before
    # REFERENCE_TIME), skipping those inactive for 180+ days
    order = rng.permutation(len(_DIGEST_SUBJECTS))
    last = dt.date(2026, 10, 29)
    for i in range(52):
        d = last - dt.timedelta(days=14 * (51 - i))
        add(d, "digest", f"Tips digest – {d:%d %b %Y}", "All subscribers", RULE_DIGEST,
            coverage=0.92, open_f=0.9, click=(0.8, 0.8), buy=(0.4, 0.4),
            subjects=(_DIGEST_SUBJECTS[order[i % len(order)]],))  # fmt: skip

    # monthly newsletter, first Tuesday of each month
    order = rng.permutation(len(_NEWSLETTER_SUBJECTS))
    for i in range(24):
        y, m = 2024 + (10 + i) // 12, (10 + i) % 12 + 1
        d = _first_tuesday(y, m)
        add(d, "newsletter", f"Monthly newsletter – {d:%B %Y}", "Newsletter subscribers",
            RULE_NEWSLETTER, coverage=0.8, subjects=(_NEWSLETTER_SUBJECTS[order[i]],))  # fmt: skip
    # quarterly product updates to customers
    for y, q, m in [(2025, 1, 1), (2025, 2, 4), (2025, 3, 7), (2025, 4, 10), (2026, 1, 1),
                    (2026, 2, 4), (2026, 3, 7), (2026, 4, 10)]:  # fmt: skip
        d = dt.date(y, m, 15)
        add(d, "product-update", f"Product update Q{q} {y}", "Customers", RULE_CUSTOMERS,
            coverage=0.97, open_f=1.25, subjects=(f"What's new in Q{q}: features you asked for",),
            landing="product")  # fmt: skip
    # webinars, by interest
    webinars = [
        (dt.date(2025, 2, 18), "AI for marketers", "ai", "AI enthusiasts", False),
        (dt.date(2025, 5, 20), "Analytics 101", "analytics", "Analytics fans", False),
        (dt.date(2025, 9, 16), "Ecommerce growth playbook", "ecommerce", "Ecommerce shoppers",
         False),
        (dt.date(2026, 2, 17), "Segmentation masterclass", "marketing", "Marketing pros", True),
        (dt.date(2026, 5, 19), "AI agents in your CRM", "ai", "AI enthusiasts", False),
        (dt.date(2026, 9, 15), "Design systems for brands", "design", "Design lovers", False),
    ]  # fmt: skip
    for d, title, topic, target, ab in webinars:
        subjects = (
            (f"Live: {title} (free seat inside)", f"You're invited: {title}")
            if ab else (f"Webinar: {title}",)
        )  # fmt: skip
        add(d, "webinar-" + title.lower().replace(" ", "-"), f"Webinar invite: {title}", target,
            RULE_INTEREST, interest=INTERESTS.index(topic), coverage=0.9, open_f=1.05,
            ab=ab, subjects=subjects, landing="homepage")  # fmt: skip
    # promotions
    promos = [
        (dt.date(2024, 11, 26), "black-friday", "Black Friday 2024", False, (1.0, 1.0)),
        (dt.date(2024, 12, 10), "holiday-sale", "Holiday sale 2024", False, (1.0, 1.0)),
        (dt.date(2025, 3, 18), "spring-sale", "Spring sale 2025", False, (1.0, 1.0)),
        (dt.date(2025, 7, 8), "summer-sale", "Summer sale 2025", False, (1.0, 1.0)),
        (dt.date(2025, 11, 25), "black-friday", "Black Friday 2025", True, (2.0, 2.2)),
        (dt.date(2025, 12, 9), "holiday-sale", "Holiday sale 2025", False, (1.0, 1.0)),
        (dt.date(2026, 3, 17), "spring-sale", "Spring sale 2026", True, (1.0, 1.0)),
        (dt.date(2026, 7, 7), "summer-sale", "Summer sale 2026", False, (1.0, 1.0)),
    ]  # fmt: skip
    for d, slug, name, ab, lift in promos:
        if ab:
            subjects = (f"{name}: 25% off all plans", f"⏰ 48 hours only: {name} starts now")
            click, buy = (1.0, lift[0]), (1.0, lift[1])
        else:
            subjects = (f"{name}: save up to 25%",)
            click, buy = (1.0, 1.0), (1.0, 1.0)
        add(d, slug, name, "All subscribers", RULE_ALL, coverage=0.75, open_f=1.1,
            click=click, buy=(buy[0] * 2.0, buy[1] * 2.0), ab=ab, subjects=subjects, promo=True,
            landing="pricing")  # fmt: skip
    # re-engagement of contacts who went quiet
    for d in [dt.date(2025, 4, 29), dt.date(2025, 10, 28), dt.date(2026, 4, 28),
              dt.date(2026, 10, 27)]:  # fmt: skip
        add(d, "win-back", f"Re-engagement {d:%b %Y}", "Inactive subscribers", RULE_INACTIVE,
            coverage=1.0, open_f=1.0, revive=0.04, subjects=("We miss you – here's what you missed",),
            landing="homepage")  # fmt: skip
    # nurture for hot leads
    for d in [dt.date(2025, 1, 28), dt.date(2025, 6, 24), dt.date(2026, 1, 27),
              dt.date(2026, 6, 23)]:  # fmt: skip
        add(d, "hot-leads", f"Demo invite {d:%b %Y}", "Hot leads", RULE_HOT, coverage=0.95,
            open_f=1.15, click=(1.3, 1.3), buy=(1.5, 1.5),
            subjects=("Ready to see it live? Book a 20-minute demo",), landing="product")  # fmt: skip

    specs.sort(key=lambda s: s[0])
    hours = rng.integers(13, 17, len(specs))
    minutes = rng.choice([0, 0, 15, 30, 45], len(specs))
    jitter = rng.lognormal(0.0, 0.08, len(specs))
    out: list[CampaignSpec] = []
    for i, s in enumerate(specs):
        (d, slug, name, target, rule, interest, coverage, open_f, click, buy, revive, ab,
         subjects, promo, landing) = s  # fmt: skip
        sent = dt.datetime(d.year, d.month, d.day, int(hours[i]), int(minutes[i]))
        out.append(CampaignSpec(
            campaign_id=f"cmp-{d:%Y%m%d}-{slug}", name=name, sent_at=sent,
            target_segment=target, rule=rule, interest=interest, coverage=coverage,
            open_factor=float(open_f * jitter[i]), click_factor=click, buy_factor=buy,
            revive=revive, ab=ab, subjects=tuple(subjects), promo=promo, landing=landing,
        ))  # fmt: skip
    rows = []
    for s in out:
        variants = ["A", "B"] if s.ab else [None]
        for v, subject in zip(variants, s.subjects, strict=True):
            rows.append({"campaign_id": s.campaign_id, "name": s.name, "channel": "email",
                         "sent_at": s.sent_at, "variant": v, "target_segment": s.target_segment,
                         "subject": subject})  # fmt: skip
    frame = pl.DataFrame(
        rows,
        schema={"campaign_id": pl.String, "name": pl.String, "channel": pl.String,
                "sent_at": pl.Datetime("us"), "variant": pl.String,
                "target_segment": pl.String, "subject": pl.String},
    )  # fmt: skip
    return CampaignPlan(tuple(out), frame)
