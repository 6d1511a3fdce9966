"""segkit.sample: schema, determinism, streaming == in-memory, the planted correlations, the
planted duplicates, the exports, and the bundled sample_data/ folder."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import segkit
from segkit import library
from segkit.sample import (
    AB_WINNER_CAMPAIGN,
    DUP_KINDS,
    EVENT_TYPES,
    HUBSPOT_COLUMNS,
    MAILCHIMP_COLUMNS,
    REFERENCE_TIME,
    duplicates_truth,
    generate,
    write_exports,
    write_sample,
)
from segkit.sample import _vocab as V
from segkit.sample.cli import main as cli_main

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
N = 5_000
REF = REFERENCE_TIME
DAYS = dt.timedelta(days=1)

CONTACTS_SCHEMA = {
    "contact_id": pl.Int64, "email": pl.String, "first_name": pl.String,
    "last_name": pl.String, "phone": pl.String, "birth_date": pl.Date, "age": pl.Int64,
    "gender": pl.String, "country": pl.String, "city": pl.String, "job_title": pl.String,
    "company": pl.String, "interests": pl.List(pl.String), "preferred_channel": pl.String,
    "content_topics": pl.List(pl.String), "email_status": pl.String,
    "email_consent_at": pl.Datetime("us"), "source_channel": pl.String,
    "signup_at": pl.Datetime("us"), "first_purchase_at": pl.Datetime("us"),
    "lifecycle_stage": pl.String, "lead_status": pl.String, "tags": pl.List(pl.String),
    "product": pl.String, "industry": pl.String, "seats": pl.Int64, "nps": pl.Int64,
    "referral_code": pl.String,
}  # fmt: skip
EVENTS_SCHEMA = {
    "contact_id": pl.Int64, "event": pl.String, "timestamp": pl.Datetime("us"),
    "page": pl.String, "campaign_id": pl.String, "variant": pl.String, "form": pl.String,
    "content": pl.String, "amount": pl.Float64, "product": pl.String,
}  # fmt: skip
CAMPAIGNS_SCHEMA = {
    "campaign_id": pl.String, "name": pl.String, "channel": pl.String,
    "sent_at": pl.Datetime("us"), "variant": pl.String, "target_segment": pl.String,
    "subject": pl.String,
}  # fmt: skip
TRUTH_SCHEMA = {"contact_id": pl.Int64, "duplicate_of": pl.Int64, "kind": pl.String}


@pytest.fixture(scope="module")
def ds() -> segkit.Dataset:
    return generate(N, seed=0)


@pytest.fixture(scope="module")
def contacts(ds) -> pl.DataFrame:
    return ds.contacts


@pytest.fixture(scope="module")
def events(ds) -> pl.DataFrame:
    return ds.events


@pytest.fixture(scope="module")
def truth() -> pl.DataFrame:
    return duplicates_truth(N, seed=0)


def _of(events: pl.DataFrame, kind: str) -> pl.DataFrame:
    return events.filter(pl.col("event") == kind)


# -- shape ----------------------------------------------------------------------------------------


def test_schemas_exact(ds, truth):
    assert dict(ds.contacts.schema) == CONTACTS_SCHEMA
    assert dict(ds.events.schema) == EVENTS_SCHEMA
    assert dict(ds.campaigns.schema) == CAMPAIGNS_SCHEMA
    assert dict(truth.schema) == TRUTH_SCHEMA


def test_dataset_is_clean_as_of_reference_time(ds):
    report = ds.validate(now=REF)
    assert report.ok, str(report)
    assert len(report) == 0, str(report)


def test_ids_and_sizes(contacts, events, truth):
    n_dup = (N * 3 + 50) // 100
    ids = contacts["contact_id"]
    assert ids.to_list() == list(range(1, N + n_dup + 1))
    assert sorted(truth["contact_id"].to_list()) == list(range(N + 1, N + n_dup + 1))
    # ~46 events per contact (over half of them email sends: subscribers get one every week
    # or two)
    assert 35 <= events.height / contacts.height <= 60
    assert set(events["event"].unique()) == set(EVENT_TYPES)
    assert events.join(contacts, on="contact_id", how="anti").height == 0


def test_events_sorted_and_in_window(events, contacts):
    assert (
        events.select(
            (pl.col("contact_id").diff() > 0)
            | ((pl.col("contact_id").diff() == 0) & (pl.col("timestamp").diff() >= pl.duration()))
        )
        .to_series()[1:]
        .all()
    )
    assert events["timestamp"].min() >= REF - 730 * DAYS
    assert events["timestamp"].max() <= REF
    assert contacts["signup_at"].min() >= REF - 1096 * DAYS
    assert contacts["signup_at"].max() < REF
    # about three years of signups, growing over time
    years = contacts["signup_at"].dt.year().value_counts().sort("signup_at")
    assert years.height >= 3


def test_event_properties_by_type(events):
    by_type = {
        "page": "page_view", "form": "form_submit", "content": "content_download",
        "amount": "purchase", "product": "purchase",
    }  # fmt: skip
    for col, kind in by_type.items():
        has = events.filter(pl.col(col).is_not_null())["event"].unique().to_list()
        assert has == [kind], (col, has)
        assert _of(events, kind)[col].null_count() == 0, col
    camp = events.filter(pl.col("campaign_id").is_not_null())["event"].unique().sort().to_list()
    assert camp == ["email_click", "email_open", "email_send", "purchase"]
    for kind in ("email_send", "email_open", "email_click"):
        assert _of(events, kind)["campaign_id"].null_count() == 0
    assert set(_of(events, "page_view")["page"]) == set(V.PAGES)
    assert set(_of(events, "form_submit")["form"]) == set(V.FORMS)
    assert set(_of(events, "purchase")["product"]) == {"starter", "pro", "enterprise", "addon"}
    assert (_of(events, "purchase")["amount"] > 0).all()


def test_contact_values(contacts):
    orig = contacts.filter(pl.col("contact_id") <= N)
    assert set(contacts["country"]) <= set(V.COUNTRIES)
    assert set(contacts["gender"].drop_nulls()) == {"female", "male", "non_binary"}
    assert contacts["gender"].null_count() > 0
    assert set(contacts["email_status"]) == {"subscribed", "unsubscribed", "bounced", "pending"}
    assert set(contacts["lifecycle_stage"]) == set(V.LIFECYCLE_STAGES)
    assert set(contacts["lead_status"].drop_nulls()) == {"cold", "warm", "hot"}
    assert set(contacts["preferred_channel"].drop_nulls()) == set(V.PREFERRED_CHANNELS)
    assert set(contacts["source_channel"]) == set(V.SOURCE_CHANNELS)
    assert set(contacts["interests"].explode().drop_nulls()) == set(V.INTERESTS)
    assert set(contacts["tags"].explode().drop_nulls()) == set(V.TAGS)
    # each city is a real city of its country
    pairs = {(k, c) for k, cities in V.CITIES.items() for c, _r, _w in cities}
    got = contacts.select("country", "city").drop_nulls().unique().rows()
    assert set(got) <= pairs
    # nps 0-10 and mostly null
    nps = contacts["nps"]
    assert nps.drop_nulls().is_between(0, 10).all() and nps.null_count() > 0.8 * len(nps)
    # realistic nulls and some empty strings in optional text fields
    for col in ("phone", "job_title", "company"):
        assert contacts[col].null_count() > 0, col
        assert (contacts[col] == "").sum() > 0, col
    assert contacts["email"].null_count() == 0
    assert orig["email"].is_duplicated().sum() == 0
    assert contacts["email"].str.contains(r"^[^@\s]+@[^@\s]+\.[a-zA-Z.]+$").all()
    # mixed national phone formats
    ph = orig.filter(pl.col("phone").is_not_null() & (pl.col("phone") != ""))["phone"]
    assert ph.str.starts_with("+").mean() > 0.2 and (~ph.str.starts_with("+")).mean() > 0.2


def test_age_matches_birth_date(contacts):
    c = contacts.filter(pl.col("birth_date").is_not_null())
    bd = c["birth_date"].to_list()
    ages = c["age"].to_list()
    ref = REF.date()
    for b, a in list(zip(bd, ages, strict=True))[:500]:
        assert a == ref.year - b.year - ((b.month, b.day) > (ref.month, ref.day))
    assert c["age"].is_between(18, 80).all()
    assert contacts.filter(pl.col("birth_date").is_null())["age"].null_count() == (
        contacts["birth_date"].null_count()
    )


# -- determinism ------------------------------------------------------------------------------------


def test_same_seed_same_data():
    a, b = generate(800, seed=7), generate(800, seed=7)
    assert_frame_equal(a.contacts, b.contacts)
    assert_frame_equal(a.events, b.events)
    assert_frame_equal(a.campaigns, b.campaigns)


def test_different_seed_different_data():
    a, b = generate(800, seed=7), generate(800, seed=8)
    assert not a.contacts.equals(b.contacts)
    assert not a.events.equals(b.events)


def test_write_sample_equals_generate(tmp_path):
    n, chunk = 2_500, 1_000  # three chunks, to exercise the chunk boundaries and id ranges
    counts = write_sample(tmp_path, contacts=n, seed=5, progress=False, chunk_size=chunk)
    ds = generate(n, seed=5, chunk_size=chunk)
    read = segkit.read_dataset(tmp_path)
    assert_frame_equal(read.contacts, ds.contacts)
    assert_frame_equal(read.events, ds.events)
    assert_frame_equal(read.campaigns, ds.campaigns)
    truth = pl.read_parquet(tmp_path / "duplicates_truth.parquet")
    assert_frame_equal(truth, duplicates_truth(n, seed=5, chunk_size=chunk))
    assert counts == {
        "contacts": ds.n_contacts, "events": ds.n_events, "campaigns": ds.campaigns.height,
        "duplicates_truth": truth.height,
    }  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "campaigns.parquet", "contacts.parquet", "duplicates_truth.parquet", "events.parquet",
    ]  # fmt: skip
    # the chunked data is still globally sorted by contact id (duplicates come last)
    assert read.contacts["contact_id"].is_sorted()
    assert read.events["contact_id"].is_sorted()


def test_emails_unique_across_chunks():
    n = 3_000
    ds = generate(n, seed=4, chunk_size=400)  # eight chunks
    c = ds.contacts
    orig = c.filter(pl.col("contact_id") <= n)
    assert orig["email"].is_unique().all()
    # a duplicate's address is its original's (maybe re-cased or plus-addressed) or nobody's
    truth = duplicates_truth(n, seed=4, chunk_size=400)
    owners = orig.select(owner="contact_id", e=pl.col("email"))
    dup = truth.join(c.select("contact_id", e=pl.col("email").str.to_lowercase()), on="contact_id")
    hit = dup.join(owners, on="e")
    assert (hit["owner"] == hit["duplicate_of"]).all()


def test_stable_hash_is_pinned():
    # chunk ownership of email addresses depends on it: it must never change
    import pyarrow as pa

    from segkit.sample._chunk import _stable_hash

    got = _stable_hash(pa.array(["x", "maria.garcia@gmail.com", "a", "é@x"]).slice(1)).tolist()
    assert got == [12238926286465889024, 7696710088898715454, 12935789574022503605]


# -- the planted correlations ------------------------------------------------------------------------


def test_engagement_drives_open_rate(contacts, events):
    sends = _of(events, "email_send").group_by("contact_id").agg(sends=pl.len())
    opens = (
        _of(events, "email_open").unique(["contact_id", "campaign_id"])
        .group_by("contact_id").agg(opens=pl.len())
    )  # fmt: skip
    rate = (
        contacts.join(sends, on="contact_id").join(opens, on="contact_id", how="left")
        .fill_null(0).group_by("lead_status")
        .agg(rate=pl.col("opens").sum() / pl.col("sends").sum())
    )  # fmt: skip
    r = dict(rate.drop_nulls("lead_status").iter_rows())
    assert r["hot"] > r["warm"] > r["cold"]
    assert r["hot"] > 2 * r["cold"]


def test_engagement_drives_page_views_and_purchases(contacts, events):
    pv = _of(events, "page_view").group_by("contact_id").agg(pv=pl.len())
    buy = _of(events, "purchase").group_by("contact_id").agg(buys=pl.len())
    df = (
        contacts.join(pv, on="contact_id", how="left").join(buy, on="contact_id", how="left")
        .fill_null(0).group_by("lead_status").agg(pl.col("pv").mean(), pl.col("buys").mean())
    )  # fmt: skip
    d = {r["lead_status"]: r for r in df.to_dicts()}
    assert d["hot"]["pv"] > d["cold"]["pv"] * 2
    assert d["hot"]["buys"] > d["cold"]["buys"]


def test_buyers_visit_pricing_first(events):
    p = _of(events, "purchase").select("contact_id", pt="timestamp").with_row_index()
    pv = events.filter((pl.col("event") == "page_view") & (pl.col("page") == "pricing"))
    hit = (
        p.join(pv.select("contact_id", vt="timestamp"), on="contact_id")
        .filter((pl.col("vt") < pl.col("pt")) & (pl.col("vt") >= pl.col("pt") - 30 * DAYS))
    )  # fmt: skip
    share = hit["index"].n_unique() / p.height
    assert 0.8 <= share < 1.0, share


def test_repeat_buyers_cluster(contacts, events):
    counts = (
        contacts.select("contact_id")
        .join(_of(events, "purchase").group_by("contact_id").len(), on="contact_id", how="left")
        .fill_null(0)["len"]
    )  # fmt: skip
    buyers = counts.filter(counts > 0)
    assert 0.05 < len(buyers) / len(counts) < 0.3
    assert counts.var() > 1.8 * counts.mean()  # over-dispersed (a Poisson would be ~1)
    repeat = (buyers >= 2).mean()
    assert 0.15 < repeat < 0.6, repeat  # a minority of buyers buys again...
    top = buyers.sort(descending=True)
    assert top.head(len(top) // 5).sum() > 0.4 * top.sum()  # ...and they carry the revenue
    tags = contacts.filter(pl.col("tags").list.contains("repeat_buyer"))["contact_id"]
    multi = (
        _of(events, "purchase").group_by("contact_id").len().filter(pl.col("len") >= 2)
    )["contact_id"]  # fmt: skip
    assert set(tags) == set(multi)


def test_inactive_subscribers(contacts, events):
    subs = contacts.filter(
        (pl.col("email_status") == "subscribed") & (pl.col("signup_at") < REF - 180 * DAYS)
    )
    engaged = events.filter(pl.col("event").is_in(["email_open", "email_click", "page_view"]))
    recent = engaged.filter(pl.col("timestamp") > REF - 90 * DAYS).select("contact_id").unique()
    quiet = subs.join(recent, on="contact_id", how="anti")
    share = quiet.height / subs.height
    assert 0.15 < share < 0.8, share
    # they went quiet: most were active before, and still receive sends
    before = quiet.join(engaged.select("contact_id").unique(), on="contact_id").height
    assert before / quiet.height > 0.8
    sends = _of(events, "email_send").filter(pl.col("timestamp") > REF - 90 * DAYS)
    still = quiet.join(sends.select("contact_id").unique(), on="contact_id").height
    assert still / quiet.height > 0.5


def test_subscribers_get_an_email_every_week_or_two(contacts, events):
    # subscribed (and consented) for the whole last 90 days: a digest every other week, the
    # monthly newsletter, promotions... (at most one newsletter or digest in ten days)
    subs = contacts.filter(
        (pl.col("email_status") == "subscribed") & (pl.col("email_consent_at") < REF - 90 * DAYS)
    )
    sends = _of(events, "email_send")
    for days, lo in ((90, 5), (30, 2)):
        n = sends.filter(pl.col("timestamp") > REF - days * DAYS).group_by("contact_id").len()
        got = subs.join(n, on="contact_id", how="left").fill_null(0)["len"]
        assert got.median() >= lo, (days, got.median())
    # a digest never follows another digest or the newsletter within ten days
    regular = (
        sends.filter(pl.col("campaign_id").str.contains("-(digest|newsletter)$"))
        .sort("contact_id", "timestamp")
        .with_columns(gap=pl.col("timestamp").diff().over("contact_id"))
        .filter(pl.col("campaign_id").str.ends_with("-digest"))
    )  # fmt: skip
    assert regular["gap"].drop_nulls().min() > dt.timedelta(days=9.9)


def test_recent_month_has_normal_activity(events):
    # the 30 days before REFERENCE_TIME look like the months before them: no drop-off (and no
    # pile-up) of sends, opens, clicks, visits or unsubscribes
    e = events.with_columns(
        month=((pl.lit(REF) - pl.col("timestamp")).dt.total_seconds() // (30 * 86_400))
    ).filter(pl.col("month") < 7)
    k = {(t, mo): n for t, mo, n in e.group_by("event", "month").len().iter_rows()}
    for kind in ("email_send", "email_open", "email_click", "page_view", "unsubscribe"):
        last = k.get((kind, 0), 0)
        before = np.mean([k.get((kind, mo), 0) for mo in range(1, 7)])
        assert 0.75 * before <= last <= 1.6 * before, (kind, last, before)


def test_clicks_land_on_the_website(events):
    # an email click is followed, seconds later, by a page view of the campaign's landing page
    clicks = _of(events, "email_click").select("contact_id", "campaign_id", ct="timestamp")
    pv = _of(events, "page_view").select("contact_id", "page", vt="timestamp")
    hit = (
        clicks.with_row_index()
        .join(pv, on="contact_id")
        .filter(pl.col("vt").is_between(pl.col("ct"), pl.col("ct") + dt.timedelta(minutes=1)))
    )
    assert hit["index"].n_unique() > 0.9 * clicks.height
    page = dict(
        hit.with_columns(kind=pl.col("campaign_id").str.extract(r"cmp-\d{8}-(.+)$", 1))
        .group_by("kind").agg(pl.col("page").mode().first()).iter_rows()
    )  # fmt: skip
    assert page["digest"] == "blog" and page["black-friday"] == "pricing"


def test_in_market_leads_browse_pricing_and_click(contacts, events):
    # leads evaluating a purchase view pricing repeatedly and click emails meanwhile: those who
    # did both in the last 30 days are mostly hot leads, and their clicks are more likely
    last30 = events.filter(pl.col("timestamp") > REF - 30 * DAYS)
    pricing = (
        last30.filter(pl.col("page") == "pricing").group_by("contact_id").len()
        .filter(pl.col("len") >= 2).select("contact_id")
    )  # fmt: skip
    clicked = _of(last30, "email_click").select("contact_id").unique()
    both = contacts.join(pricing, on="contact_id", how="semi").join(
        clicked, on="contact_id", how="semi"
    )
    assert both.height > 0.002 * contacts.height
    assert (both["lead_status"] == "hot").mean() > 0.6
    got = _of(last30, "email_send").select("contact_id").unique()
    rate_in = pricing.join(got, on="contact_id").join(clicked, on="contact_id").height / max(
        1, pricing.join(got, on="contact_id").height
    )
    rate_all = clicked.join(got, on="contact_id").height / got.height
    assert rate_in > 3 * rate_all


def test_purchase_seasonality(events):
    p = _of(events, "purchase").with_columns(
        y=pl.col("timestamp").dt.year(), m=pl.col("timestamp").dt.month()
    )

    def per_day(year, months, days):
        return p.filter((pl.col("y") == year) & pl.col("m").is_in(months)).height / days

    peak, summer = per_day(2025, [11, 12], 61), per_day(2025, [6, 7, 8], 92)
    autumn = per_day(2025, [9, 10], 61)
    assert peak > 1.6 * summer, (peak, summer)
    assert peak > 1.3 * autumn
    assert per_day(2026, [6, 7, 8], 92) < per_day(2026, [3, 4, 5], 92)


def test_ab_winner_variant_b_converts_better(events, ds):
    camp = ds.campaigns
    ab = camp.filter(pl.col("variant").is_not_null())
    assert ab.group_by("campaign_id").len()["len"].to_list() == [2] * ab["campaign_id"].n_unique()
    assert AB_WINNER_CAMPAIGN in ab["campaign_id"].to_list()
    e = events.filter(pl.col("campaign_id") == AB_WINNER_CAMPAIGN)
    assert e["variant"].null_count() == 0
    k = {(v, t): n for v, t, n in e.group_by("variant", "event").len().iter_rows()}
    sends_a, sends_b = k[("A", "email_send")], k[("B", "email_send")]
    assert 0.8 < sends_a / sends_b < 1.25  # a fair split
    assert k[("B", "email_click")] / sends_b > 1.4 * k[("A", "email_click")] / sends_a
    assert k[("B", "purchase")] / sends_b > 1.5 * k.get(("A", "purchase"), 0) / sends_a
    # variants only on events of A/B campaigns
    with_var = events.filter(pl.col("variant").is_not_null())["campaign_id"].unique()
    assert set(with_var) == set(ab["campaign_id"])


def test_unsubscribed_stop_receiving(contacts, events):
    unsub = _of(events, "unsubscribe")
    assert unsub["contact_id"].is_unique().all()
    status = contacts.filter(pl.col("email_status") == "unsubscribed")["contact_id"]
    assert set(unsub["contact_id"]) == set(status)
    tagged = contacts.filter(pl.col("tags").list.contains("unsubscribed"))["contact_id"]
    assert set(tagged) == set(status)
    late = (
        _of(events, "email_send")
        .join(unsub.select("contact_id", ut="timestamp"), on="contact_id")
        .filter(pl.col("timestamp") > pl.col("ut"))
    )  # fmt: skip
    assert late.height == 0
    # they did receive sends before (and pending contacts never consented nor got any)
    had = _of(events, "email_send").join(unsub, on="contact_id", how="semi")["contact_id"]
    assert had.n_unique() > 0.8 * len(status)
    pending = contacts.filter(pl.col("email_status") == "pending")
    assert pending["email_consent_at"].null_count() == pending.height
    assert _of(events, "email_send").join(pending, on="contact_id", how="semi").height == 0
    sends = _of(events, "email_send").join(contacts, on="contact_id")
    assert (sends["timestamp"] >= sends["email_consent_at"]).all()


def test_source_channel_relates_to_conversion(contacts, events):
    buyers = _of(events, "purchase").select("contact_id").unique().with_columns(b=pl.lit(1))
    conv = (
        contacts.filter(pl.col("contact_id") <= N)
        .join(buyers, on="contact_id", how="left").fill_null(0)
        .group_by("source_channel").agg(pl.col("b").mean()).sort("b")
    )  # fmt: skip
    order = conv["source_channel"].to_list()
    assert order[-1] == "referral" and order[0] == "paid_ads", conv


def test_customers_are_exactly_the_buyers(contacts, events):
    first = _of(events, "purchase").group_by("contact_id").agg(f=pl.col("timestamp").min())
    c = contacts.join(first, on="contact_id", how="left")
    is_buyer = c["f"].is_not_null()
    assert (c["lifecycle_stage"].is_in(["customer", "evangelist"]) == is_buyer).all()
    assert c["first_purchase_at"].eq_missing(c["f"]).all()
    assert (c["product"].is_not_null() == is_buyer).all()
    assert set(c["product"].drop_nulls()) == {"starter", "pro", "enterprise"}
    # a buyer's first purchase is their plan
    firsts = (
        _of(events, "purchase").group_by("contact_id", maintain_order=True).first()
        .join(contacts.select("contact_id", plan="product"), on="contact_id")
    )  # fmt: skip
    assert (firsts["product"] == firsts["plan"]).all()


def test_lead_status_and_lifecycle_make_sense(contacts, events):
    demo = events.filter(pl.col("form") == "demo_request").select("contact_id").unique()
    sql = contacts.filter(pl.col("lifecycle_stage").is_in(["sales_qualified_lead", "opportunity"]))
    assert sql.join(events.filter(pl.col("event") == "form_submit"), on="contact_id",
                    how="anti").height == 0  # fmt: skip
    assert demo.height > 0
    assert contacts.filter(pl.col("lifecycle_stage") == "other")["lead_status"].null_count() > 0


# -- the ready segments of segkit.library ------------------------------------------------------------------


@pytest.fixture(scope="module")
def sizes(ds) -> dict[str, int]:
    return segkit.count_many(library.all(), ds, as_of=REF)


def test_ready_segments_are_plausible(sizes, contacts):
    n = contacts.height
    assert all(v > 0 for v in sizes.values()), {k: v for k, v in sizes.items() if v == 0}
    assert 0.08 <= sizes["Conversion completed"] / n <= 0.20
    assert 0.2 <= sizes["Repeat customers"] / sizes["Conversion completed"] <= 0.6
    assert sizes["Conversion completed"] + sizes["Conversion not completed"] == n
    # a small but real group of hot leads who browse pricing and click emails right now
    assert 0.002 <= sizes["Engaged hot leads"] / n <= 0.012, sizes["Engaged hot leads"]
    assert sizes["Engaged hot leads"] < sizes["Pricing page visitors"] < 0.1 * n
    # most subscribers open an email now and then; a third or so did not in 90 days
    share = sizes["Inactive subscribers"] / sizes["Email subscribers"]
    assert 0.25 <= share <= 0.45, share
    assert 0.6 * n <= sizes["Email subscribers"] <= 0.85 * n


def test_inactive_subscribers_are_the_unengaged(ds, contacts):
    members = library.inactive_subscribers().members(ds, as_of=REF)
    assert (members["lead_status"] == "cold").mean() > 0.7
    subs = contacts.filter(pl.col("email_status") == "subscribed")
    inactive = subs["contact_id"].is_in(members["contact_id"].implode())
    rate = dict(
        subs.with_columns(inactive=inactive).group_by("lead_status")
        .agg(pl.col("inactive").mean()).drop_nulls("lead_status").iter_rows()
    )  # fmt: skip
    assert rate["cold"] > 2 * rate["warm"] > 2 * rate["hot"], rate


# -- duplicates ------------------------------------------------------------------------------------------


def test_duplicates_planted(contacts, truth, events):
    assert truth.height == (N * 3 + 50) // 100
    assert truth["duplicate_of"].is_between(1, N).all()
    assert truth["duplicate_of"].is_unique().all()
    assert set(truth["kind"]) <= set(DUP_KINDS)
    assert truth["kind"].n_unique() >= 6
    dup_events = events.filter(pl.col("contact_id") > N)
    assert dup_events["contact_id"].n_unique() > 0.5 * truth.height  # a few events of their own
    assert _of(dup_events, "purchase").height == 0

    cols = ["contact_id", "email", "first_name", "last_name", "phone", "country"]
    j = truth.join(contacts.select(cols), on="contact_id").join(
        contacts.select(cols), left_on="duplicate_of", right_on="contact_id", suffix="_o"
    )
    assert (j["country"] == j["country_o"]).all()

    def kind(k):
        return j.filter(pl.col("kind") == k)

    ec = kind("email_case")
    assert (ec["email"] != ec["email_o"]).all()
    assert (ec["email"].str.to_lowercase() == ec["email_o"]).all()
    pa = kind("plus_address")
    assert (pa["email"].str.replace(r"\+[a-z0-9]+@", "@") == pa["email_o"]).all()
    sw = kind("swapped_names")
    assert (sw["first_name"].eq_missing(sw["last_name_o"])).all()
    assert (sw["last_name"].eq_missing(sw["first_name_o"])).all()
    ph = kind("phone_format")
    digits = r"\D"
    assert (ph["phone"] != ph["phone_o"]).all()
    same_number = ph.select(
        pl.col("phone").str.replace_all(digits, "").str.replace(r"^0+", "")
        .str.ends_with(pl.col("phone_o").str.replace_all(digits, "").str.slice(-7))
    ).to_series()  # fmt: skip
    assert same_number.all()
    nick = kind("nickname")
    for first, orig in nick.select("first_name", "first_name_o").iter_rows():
        assert V.NICKNAMES[orig] == first
    ty = kind("typo")
    changed = (ty["first_name"] != ty["first_name_o"]) | (ty["last_name"] != ty["last_name_o"])
    assert changed.all()
    mf = kind("missing_fields")
    assert mf["phone"].null_count() == mf.height


def test_emails_are_valid_for_import(contacts):
    # every address, the planted duplicates' too, passes segkit.store's email check: a typo in
    # the local part never makes a double, leading or trailing dot
    from segkit.store import normalize as N

    norm = contacts.select(N.email(pl.col("email")))
    assert norm.select(N.email_ok(pl.col("email"))).to_series().all()
    local = contacts["email"].str.split("@").list.first()
    assert not local.str.contains(r"^\.|\.$|\.\.").any()


def test_email_typos_stay_valid():
    from segkit.sample._chunk import _local_typo
    from segkit.store import normalize as N

    local = ["andre.nascimento", "a.b", "ab", "x", "jo.al.li", "anna_lee.b", "mia.k92"]
    rows = [(s, op, u / 10, c) for s in local for op in range(4) for u in range(10) for c in "ae"]
    df = pl.DataFrame(rows, schema=["s", "op", "u", "c"], orient="row")
    out = df.select(
        t=_local_typo(pl.col("s"), pl.col("op"), pl.col("u"), pl.col("c")), s=pl.col("s")
    )
    assert (out["t"] != out["s"]).all()  # always a real typo
    emails = out.select(e=pl.col("t") + "@gmail.com")
    assert emails.select(N.email_ok(pl.col("e"))).to_series().all()
    assert not out["t"].str.contains(r"^\.|\.$|\.\.").any()


def test_imports_into_a_workspace_without_rejects(tmp_path, ds):
    ws = segkit.Workspace.create(tmp_path / "ws")
    reports = ws.import_dataset(ds)  # raises if any row does not fit
    assert {t: r.n_rejected for t, r in reports.items()} == {
        "contacts": 0, "events": 0, "campaigns": 0,
    }  # fmt: skip
    assert reports["events"].inserted == ds.n_events
    # the exports' mess (case, spaces, blank rows, two date formats) is all readable
    write_exports(ds, tmp_path, n=500, seed=0)
    for name, preset in (("hubspot_export.csv", "hubspot"), ("mailchimp_export.csv", "mailchimp")):
        fresh = segkit.Workspace.create(tmp_path / preset)
        r = fresh.import_contacts(tmp_path / name, preset=preset)
        assert r.n_rejected == 0, r.rejected
        assert r.inserted == 500


# -- campaigns ---------------------------------------------------------------------------------------------


def test_campaigns(ds, events):
    camp = ds.campaigns
    assert 90 <= camp["campaign_id"].n_unique() <= 120
    assert camp.select("campaign_id", "variant").is_unique().all()
    assert set(camp["channel"]) == {"email"}
    assert camp["sent_at"].min() >= REF - 730 * DAYS and camp["sent_at"].max() < REF
    assert camp["target_segment"].null_count() == 0 and camp["subject"].null_count() == 0
    for kind in ("email_send", "email_open", "email_click", "purchase"):
        ids = _of(events, kind)["campaign_id"].drop_nulls().unique()
        assert set(ids) <= set(camp["campaign_id"]), kind
    # every (campaign, variant) pair in events is a row of campaigns
    pairs = events.filter(pl.col("campaign_id").is_not_null()).select("campaign_id", "variant")
    assert pairs.unique().join(camp, on=["campaign_id", "variant"], how="anti",
                               nulls_equal=True).height == 0  # fmt: skip
    # sends happen at the campaign's time (within a couple of hours)
    s = _of(events, "email_send").join(camp.unique("campaign_id"), on="campaign_id")
    lag = (s["timestamp"] - s["sent_at"]).dt.total_minutes()
    assert lag.min() >= 0 and lag.max() <= 120


# -- exports ---------------------------------------------------------------------------------------------


def _check_exports(folder: Path, contacts: pl.DataFrame) -> None:
    hs = pl.read_csv(folder / "hubspot_export.csv", infer_schema=False)
    mc = pl.read_csv(folder / "mailchimp_export.csv", infer_schema=False)
    assert hs.columns == HUBSPOT_COLUMNS
    assert mc.columns == MAILCHIMP_COLUMNS
    for df, email, date in ((hs, "Email", "Create Date"), (mc, "Email Address", "OPTIN_TIME")):
        assert 480 <= df.height <= 520
        blank = df.filter(pl.all_horizontal(pl.all().is_null()))
        assert 1 <= blank.height <= 20  # a few blank rows
        e = df[email].drop_nulls()
        assert (e != e.str.to_lowercase()).sum() > 10  # mixed case
        dates = df[date].drop_nulls()
        assert dates.str.contains(r"^\d{4}-\d{2}-\d{2} ").sum() > 50  # ISO
        assert dates.str.contains(r"^\d{2}/\d{2}/\d{4} ").sum() > 50  # MM/DD/YYYY
        spaced = df.select(
            pl.any_horizontal(pl.col(c).str.contains(r"^\s|\s$") for c in ("First Name", "Last Name"))
        ).to_series()  # fmt: skip
        assert spaced.sum() > 5  # leading/trailing spaces
        # the same people: every email is a contact's (after cleaning)
        known = set(contacts["email"].str.to_lowercase())
        assert set(e.str.strip_chars().str.to_lowercase()) <= known
    overlap = set(hs["Email"].drop_nulls().str.strip_chars().str.to_lowercase()) & set(
        mc["Email Address"].drop_nulls().str.strip_chars().str.to_lowercase()
    )
    assert len(overlap) > 200
    assert set(hs["Lifecycle Stage"].drop_nulls()) <= {
        "Subscriber", "Lead", "Marketing Qualified Lead", "Sales Qualified Lead", "Opportunity",
        "Customer", "Evangelist", "Other",
    }  # fmt: skip
    assert mc["Birthday"].drop_nulls().str.contains(r"^\d{2}/\d{2}$").all()
    assert mc["TAGS"].drop_nulls().str.starts_with('"').all()


def test_write_exports(tmp_path, ds, contacts):
    counts = write_exports(ds, tmp_path, n=500, seed=0)
    assert counts == {"hubspot_export.csv": 500, "mailchimp_export.csv": 500}
    _check_exports(tmp_path, contacts)


# -- CLI and the bundled sample ----------------------------------------------------------------------------


def test_cli_writes_a_folder(tmp_path, capsys):
    assert cli_main([str(tmp_path / "out"), "--contacts", "400", "--seed", "2",
                     "--no-progress", "--exports", "50"]) == 0  # fmt: skip
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["campaigns.parquet", "contacts.parquet", "duplicates_truth.parquet",
                     "events.parquet", "hubspot_export.csv", "mailchimp_export.csv"]  # fmt: skip
    assert "contacts: 412" in capsys.readouterr().out
    got = segkit.read_dataset(tmp_path / "out")
    assert_frame_equal(got.contacts, generate(400, seed=2).contacts)


@pytest.mark.skipif(not (SAMPLE_DIR / "contacts.parquet").exists(), reason="no sample_data/")
def test_bundled_sample_data_matches_generate():
    read = segkit.read_dataset(SAMPLE_DIR)
    ds = generate(20_000, seed=0)
    assert_frame_equal(read.contacts, ds.contacts)
    assert_frame_equal(read.events, ds.events)
    assert_frame_equal(read.campaigns, ds.campaigns)
    truth = pl.read_parquet(SAMPLE_DIR / "duplicates_truth.parquet")
    assert truth.height == 600 and dict(truth.schema) == TRUTH_SCHEMA
    assert truth["duplicate_of"].is_between(1, 20_000).all()
    assert read.validate(now=REF).ok
    total = sum(p.stat().st_size for p in SAMPLE_DIR.iterdir())
    assert total < 20 * 2**20
    _check_exports(SAMPLE_DIR, ds.contacts)
    readme = (SAMPLE_DIR / "README.md").read_text()
    for col in list(CONTACTS_SCHEMA) + list(EVENTS_SCHEMA) + list(CAMPAIGNS_SCHEMA):
        assert re.search(rf"`{col}`", readme), col


@pytest.mark.skipif(not (SAMPLE_DIR / "contacts.parquet").exists(), reason="no sample_data/")
def test_bundled_sample_data_imports_without_rejects(tmp_path):
    ws = segkit.Workspace.create(tmp_path / "ws")
    reports = ws.import_dataset(SAMPLE_DIR)  # raises if any row does not fit
    assert all(r.n_rejected == 0 for r in reports.values())
    for name, preset in (("hubspot_export.csv", "hubspot"), ("mailchimp_export.csv", "mailchimp")):
        r = segkit.Workspace.create(tmp_path / preset).import_contacts(SAMPLE_DIR / name,
                                                                        preset=preset)  # fmt: skip
        assert (r.inserted, r.n_rejected) == (500, 0), r.rejected


def test_reference_time_and_rng_streams():
    assert dt.datetime(2026, 11, 1) == REFERENCE_TIME
    assert REFERENCE_TIME.tzinfo is None
    # chunk streams are independent of the number of chunks before them
    from segkit.sample._chunk import chunk_rng

    assert (
        chunk_rng(0, 3).random()
        == np.random.default_rng(np.random.SeedSequence([0, 1, 3])).random()
    )
