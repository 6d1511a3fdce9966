"""Segment engine yardstick: segkit vs hand-written polars vs DuckDB SQL on the same data.

    python benchmarks/bench_engine.py [--contacts 1000000] [--events 10000000] [--repeat 5]

Data: the sample generator's contacts and a seeded sample of its events, in memory. Every
engine answers the same question (how many members; for the first 20 library segments, the
whole table of contact_id and 20 booleans) for the same segments, with the same semantics
(case-insensitive strings, windows counted back from as_of). Timings are the median of
--repeat rounds, each round running every segkit and hand-written polars query once (so a busy
spell of the machine does not land on one of them only); nothing is cached between calls.
Targets (issue 3): each single segment at or below DuckDB's time and within 1.2x hand-written
polars; 20 segments at once within 3x one segment; peak memory within 3x the data's in-memory
size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

import segkit as sk
from segkit import library

AS_OF = dt.datetime(2026, 11, 1)
OPEN_STAGES = ["lead", "marketing_qualified_lead", "sales_qualified_lead", "opportunity"]

HOT = sk.Segment(
    sk.field("lifecycle_stage").is_in(OPEN_STAGES)
    & sk.field("country").is_in(["US", "GB", "CA"])
    & sk.did("page_view", where=sk.field("page") == "pricing", within_days=30).at_least(2)
    & sk.did("email_click", within_days=14),
    name="Hot leads (4 conditions)",
)
REPEAT_HV = sk.Segment(
    sk.did("purchase", within_days=365).at_least(2)
    & sk.did("purchase", within_days=365).sum("amount").at_least(500)
    & ~sk.field("tags").has_any(["unsubscribed"]),
    name="Repeat high-value",
)
INACTIVE = sk.Segment(
    sk.field("email_status").eq("subscribed")
    & sk.did(["email_open", "email_click"], within_days=90).never(),
    name="Inactive subscribers",
)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    return interleaved({"": fn}, repeat)[""]


def interleaved(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, tuple[float, Any]]:
    """Each function's median time and last result over ``repeat`` rounds, each round running
    every function once: a busy spell of the machine slows all of them alike, so ratios between
    them hold (measured one after the other, one function's runs can all land in it)."""
    for fn in fns.values():
        fn()  # warm up (plan building, thread pools)
    times: dict[str, list[float]] = {k: [] for k in fns}
    results = dict.fromkeys(fns, 0)
    for _ in range(repeat):
        for key, fn in fns.items():
            t0 = time.perf_counter()
            results[key] = fn()
            times[key].append(time.perf_counter() - t0)
    return {k: (statistics.median(times[k]), results[k]) for k in fns}


# -- hand-written polars: what an expert would write for each question --------------------------


def polars_hot(c: pl.DataFrame, e: pl.DataFrame) -> int:
    ev = e.lazy().filter(pl.col("timestamp") <= AS_OF)
    pricing = (
        ev.filter(
            (pl.col("event") == "page_view")
            & (pl.col("page").str.to_lowercase() == "pricing")
            & (pl.col("timestamp") > AS_OF - dt.timedelta(days=30))
        )
        .group_by("contact_id").len().filter(pl.col("len") >= 2).select("contact_id")
    )  # fmt: skip
    clicks = ev.filter(
        (pl.col("event") == "email_click") & (pl.col("timestamp") > AS_OF - dt.timedelta(days=14))
    ).select("contact_id").unique()
    return (
        c.lazy()
        .filter(
            pl.col("lifecycle_stage").str.to_lowercase().is_in(pl.Series(OPEN_STAGES).implode())
            & pl.col("country").str.to_lowercase().is_in(pl.Series(["us", "gb", "ca"]).implode())
        )
        .join(pricing, on="contact_id", how="semi")
        .join(clicks, on="contact_id", how="semi")
        .select(pl.len()).collect().item()
    )  # fmt: skip


def polars_repeat_hv(c: pl.DataFrame, e: pl.DataFrame) -> int:
    buys = (
        e.lazy()
        .filter((pl.col("event") == "purchase") & (pl.col("timestamp") <= AS_OF)
                & (pl.col("timestamp") > AS_OF - dt.timedelta(days=365)))
        .group_by("contact_id")
        .agg(n=pl.len(), total=pl.col("amount").sum())
        .filter((pl.col("n") >= 2) & (pl.col("total") >= 500))
    )  # fmt: skip
    unsub = pl.col("tags").list.eval(pl.element().str.to_lowercase()).list.contains("unsubscribed")
    return (
        c.lazy().filter(~unsub.fill_null(False)).join(buys, on="contact_id", how="semi")
        .select(pl.len()).collect().item()
    )  # fmt: skip


def polars_inactive(c: pl.DataFrame, e: pl.DataFrame) -> int:
    active = e.lazy().filter(
        pl.col("event").is_in(pl.Series(["email_open", "email_click"]).implode())
        & (pl.col("timestamp") <= AS_OF)
        & (pl.col("timestamp") > AS_OF - dt.timedelta(days=90))
    ).select("contact_id")
    return (
        c.lazy().filter(pl.col("email_status").str.to_lowercase() == "subscribed")
        .join(active, on="contact_id", how="anti")
        .select(pl.len()).collect().item()
    )  # fmt: skip


def polars_twenty(c: pl.DataFrame, e: pl.DataFrame) -> pl.DataFrame:
    """The first 20 library segments (their default parameters), as an expert would write them
    in one plan: one aggregation over the events, one join, one boolean per segment."""
    def ago(days: int) -> dt.datetime:
        return AS_OF - dt.timedelta(days=days)

    kind, ts, page = pl.col("event"), pl.col("timestamp"), pl.col("page").str.to_lowercase()
    viewed = (kind == "page_view") & (ts > ago(30))
    bought = kind == "purchase"
    emailed90 = ((kind == "email_open") | (kind == "email_click")) & (ts > ago(90))
    downloaded = (kind == "content_download") & (ts > ago(90))
    clicked30 = (kind == "email_click") & (ts > ago(30))
    agg = (
        e.lazy().filter((ts <= AS_OF) & (viewed | bought | emailed90 | downloaded))
        .group_by("contact_id")
        .agg(home=(viewed & (page == "homepage")).sum(), product_views=(viewed & (page == "product")).sum(),
             pricing=(viewed & (page == "pricing")).sum(), views=viewed.sum(),
             downloads=downloaded.sum(), emailed=emailed90.sum(), clicked=clicked30.sum(),
             buys=bought.sum(), recent_buys=(bought & (ts > ago(180))).sum(),
             spend=pl.col("amount").filter(bought & (ts > ago(365))).sum(),
             first_buy=ts.filter(bought).min())
    )  # fmt: skip
    n = pl.col
    low = {k: pl.col(k).str.to_lowercase() for k in
           ("email_status", "lifecycle_stage", "lead_status", "product")}  # fmt: skip
    subscribed = low["email_status"] == "subscribed"
    open_lead = low["lifecycle_stage"].is_in(OPEN_STAGES)
    unsub = pl.col("tags").list.eval(pl.element().str.to_lowercase()).list.contains(
        "unsubscribed").fill_null(False)
    counts = ["home", "product_views", "pricing", "views", "downloads", "emailed", "clicked", "buys",
              "recent_buys", "spend"]  # fmt: skip
    return (
        c.lazy().join(agg, on="contact_id", how="left", maintain_order="left")
        .with_columns(n(k).fill_null(0) for k in counts)
        .select(
            "contact_id",
            (n("home") >= 1).alias("Homepage visitors"),
            (n("product_views") >= 1).alias("Product page visitors"),
            (n("pricing") >= 2).alias("Pricing page visitors"),
            (n("views") >= 3).alias("Repeat visitors"),
            (n("downloads") >= 1).alias("Content downloaders"),
            subscribed.alias("Email subscribers"),
            (subscribed & (n("signup_at") > ago(30)) & (n("signup_at") <= AS_OF))
            .fill_null(False).alias("New subscribers"),
            (subscribed & (n("emailed") == 0)).alias("Inactive subscribers"),
            (n("buys") == 1).alias("Current customers"),
            (n("buys") >= 2).alias("Repeat customers"),
            (n("spend") >= 1000).alias("High-value customers"),
            ((n("buys") >= 1) & (n("recent_buys") == 0)).alias("Inactive customers"),
            (n("buys") >= 1).alias("Conversion completed"),
            (n("buys") == 0).alias("Conversion not completed"),
            ((n("first_buy") > ago(30)) & (n("first_buy") <= AS_OF)).fill_null(False)
            .alias("Recently converted"),
            (low["product"] == "pro").fill_null(False).alias("Product: pro"),
            (open_lead & (low["lead_status"] == "cold")).fill_null(False).alias("Cold leads"),
            (open_lead & (low["lead_status"] == "warm")).fill_null(False).alias("Warm leads"),
            (open_lead & (low["lead_status"] == "hot")).fill_null(False).alias("Hot leads"),
            (open_lead & (n("pricing") >= 2) & (n("clicked") >= 1) & ~unsub)
            .alias("Engaged hot leads"),
        )
        .collect()
    )  # fmt: skip


# -- DuckDB SQL ---------------------------------------------------------------------------------

SQL = {
    "hot": """
        WITH ev AS (SELECT * FROM e WHERE timestamp <= TIMESTAMP '{as_of}'),
        pricing AS (SELECT contact_id FROM ev WHERE event = 'page_view'
                    AND lower(page) = 'pricing' AND timestamp > TIMESTAMP '{as_of}' - INTERVAL 30 DAY
                    GROUP BY contact_id HAVING count(*) >= 2),
        clicks AS (SELECT DISTINCT contact_id FROM ev WHERE event = 'email_click'
                   AND timestamp > TIMESTAMP '{as_of}' - INTERVAL 14 DAY)
        SELECT count(*) FROM c
        WHERE lower(lifecycle_stage) IN ('lead', 'marketing_qualified_lead',
                                         'sales_qualified_lead', 'opportunity')
          AND lower(country) IN ('us', 'gb', 'ca')
          AND contact_id IN (SELECT contact_id FROM pricing)
          AND contact_id IN (SELECT contact_id FROM clicks)""",
    "repeat_hv": """
        WITH buys AS (SELECT contact_id FROM e WHERE event = 'purchase'
                      AND timestamp <= TIMESTAMP '{as_of}'
                      AND timestamp > TIMESTAMP '{as_of}' - INTERVAL 365 DAY
                      GROUP BY contact_id HAVING count(*) >= 2 AND sum(amount) >= 500)
        SELECT count(*) FROM c
        WHERE NOT coalesce(list_contains(list_transform(tags, lambda x: lower(x)), 'unsubscribed'), false)
          AND contact_id IN (SELECT contact_id FROM buys)""",
    "inactive": """
        SELECT count(*) FROM c
        WHERE lower(email_status) = 'subscribed'
          AND contact_id NOT IN (SELECT contact_id FROM e
                                 WHERE event IN ('email_open', 'email_click')
                                 AND timestamp <= TIMESTAMP '{as_of}'
                                 AND timestamp > TIMESTAMP '{as_of}' - INTERVAL 90 DAY)""",
    # the first 20 library segments, as polars_twenty: the whole table (fetched as Arrow)
    "twenty": """
        WITH agg AS (
          SELECT contact_id,
            count(*) FILTER (WHERE event = 'page_view' AND timestamp > {ago30}
                             AND lower(page) = 'homepage') AS home,
            count(*) FILTER (WHERE event = 'page_view' AND timestamp > {ago30}
                             AND lower(page) = 'product') AS product_views,
            count(*) FILTER (WHERE event = 'page_view' AND timestamp > {ago30}
                             AND lower(page) = 'pricing') AS pricing,
            count(*) FILTER (WHERE event = 'page_view' AND timestamp > {ago30}) AS views,
            count(*) FILTER (WHERE event = 'content_download' AND timestamp > {ago90}) AS downloads,
            count(*) FILTER (WHERE event IN ('email_open', 'email_click')
                             AND timestamp > {ago90}) AS emailed,
            count(*) FILTER (WHERE event = 'email_click' AND timestamp > {ago30}) AS clicked,
            count(*) FILTER (WHERE event = 'purchase') AS buys,
            count(*) FILTER (WHERE event = 'purchase' AND timestamp > {ago180}) AS recent_buys,
            coalesce(sum(amount) FILTER (WHERE event = 'purchase' AND timestamp > {ago365}), 0)
              AS spend,
            min(timestamp) FILTER (WHERE event = 'purchase') AS first_buy
          FROM e
          WHERE timestamp <= {as_of_ts} AND (
            (event = 'page_view' AND timestamp > {ago30}) OR event = 'purchase'
            OR (event IN ('email_open', 'email_click', 'content_download')
                AND timestamp > {ago90}))
          GROUP BY contact_id),
        x AS (
          SELECT c.contact_id, c.signup_at, c.tags, lower(c.email_status) = 'subscribed' AS sub,
            lower(c.lifecycle_stage) IN ('lead', 'marketing_qualified_lead',
                                         'sales_qualified_lead', 'opportunity') AS open_lead,
            lower(c.lead_status) AS lead_status, lower(c.product) AS product,
            coalesce(home, 0) AS home, coalesce(product_views, 0) AS product_views,
            coalesce(pricing, 0) AS pricing, coalesce(views, 0) AS views,
            coalesce(downloads, 0) AS downloads, coalesce(emailed, 0) AS emailed,
            coalesce(clicked, 0) AS clicked, coalesce(buys, 0) AS buys,
            coalesce(recent_buys, 0) AS recent_buys, coalesce(spend, 0) AS spend, first_buy
          FROM c LEFT JOIN agg ON c.contact_id = agg.contact_id)
        SELECT contact_id,
          home >= 1 AS "Homepage visitors", product_views >= 1 AS "Product page visitors",
          pricing >= 2 AS "Pricing page visitors", views >= 3 AS "Repeat visitors",
          downloads >= 1 AS "Content downloaders", sub AS "Email subscribers",
          coalesce(sub AND signup_at > {ago30} AND signup_at <= {as_of_ts}, false)
            AS "New subscribers",
          sub AND emailed = 0 AS "Inactive subscribers", buys = 1 AS "Current customers",
          buys >= 2 AS "Repeat customers", spend >= 1000 AS "High-value customers",
          buys >= 1 AND recent_buys = 0 AS "Inactive customers",
          buys >= 1 AS "Conversion completed", buys = 0 AS "Conversion not completed",
          coalesce(first_buy > {ago30} AND first_buy <= {as_of_ts}, false)
            AS "Recently converted",
          coalesce(product = 'pro', false) AS "Product: pro",
          coalesce(open_lead AND lead_status = 'cold', false) AS "Cold leads",
          coalesce(open_lead AND lead_status = 'warm', false) AS "Warm leads",
          coalesce(open_lead AND lead_status = 'hot', false) AS "Hot leads",
          open_lead AND pricing >= 2 AND clicked >= 1 AND NOT coalesce(
            list_contains(list_transform(tags, lambda t: lower(t)), 'unsubscribed'), false)
            AS "Engaged hot leads"
        FROM x""",
}


def sql(key: str) -> str:
    """A query of SQL with the instants filled in."""
    def ts(when: dt.datetime) -> str:
        return f"TIMESTAMP '{when.isoformat(sep=' ')}'"

    agos = {f"ago{d}": ts(AS_OF - dt.timedelta(days=d)) for d in (30, 90, 180, 365)}
    return SQL[key].format(as_of=AS_OF.isoformat(sep=" "), as_of_ts=ts(AS_OF), **agos)


CACHE = Path(__file__).resolve().parent.parent / ".bench"


def load(contacts: int, events: int, seed: int) -> sk.Dataset:
    """The data, generated once into .bench/ by a separate process (so this process's peak
    memory is the engine's, not the generator's), then read into memory."""
    folder = CACHE / f"engine-{contacts}-{events}-{seed}"
    if not (folder / "events.parquet").exists():
        t0 = time.perf_counter()
        script = (
            "import sys, polars as pl; from segkit.sample import write_sample\n"
            f"write_sample({str(folder / 'raw')!r}, contacts={contacts}, seed={seed}, "
            "progress=False)\n"
            f"ev = pl.scan_parquet({str(folder / 'raw' / 'events.parquet')!r}).collect()\n"
            f"ev = ev.sample(n=min({events}, ev.height), seed={seed})"
            ".sort(['contact_id', 'timestamp'])\n"
            f"ev.write_parquet({str(folder / 'events.parquet')!r})\n"
            f"pl.read_parquet({str(folder / 'raw' / 'contacts.parquet')!r})"
            f".write_parquet({str(folder / 'contacts.parquet')!r})\n"
        )
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-c", script], check=True)
        print(f"generated into {folder} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    contacts_df = pl.read_parquet(folder / "contacts.parquet")
    events_df = pl.read_parquet(folder / "events.parquet")
    return sk.Dataset(contacts_df, events_df)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-duckdb", action="store_true")
    args = ap.parse_args(argv)

    data = load(args.contacts, args.events, args.seed)
    c, e = data.contacts, data.events
    assert e is not None
    size_mb = (c.estimated_size() + e.estimated_size()) / 2**20
    base_rss = rss_mb()
    print(f"data in memory: {size_mb:,.0f} MB; process RSS after loading: {base_rss:,.0f} MB")

    cases = [
        ("hot", HOT, polars_hot),
        ("repeat_hv", REPEAT_HV, polars_repeat_hv),
        ("inactive", INACTIVE, polars_inactive),
    ]
    # segkit and hand-written polars first: the peak memory reported is theirs, before DuckDB
    # (which copies the data into its own buffers) runs in this process
    twenty = dict(list(library.all().items())[:20])
    fns: dict[str, Callable[[], Any]] = {}
    for key, seg, hand in cases:
        fns[f"{key} segkit"] = lambda seg=seg: seg.count(data, as_of=AS_OF)
        fns[f"{key} polars"] = lambda hand=hand: hand(c, e)
        fns[f"{key} mask"] = lambda seg=seg: len(sk.evaluate_many([seg], data, as_of=AS_OF))
    fns["count_many"] = lambda: len(sk.count_many(twenty, data, as_of=AS_OF))
    fns["evaluate_many"] = lambda: len(sk.evaluate_many(twenty, data, as_of=AS_OF))
    fns["twenty polars"] = lambda: len(polars_twenty(c, e))
    got = interleaved(fns, args.repeat)
    peak = rss_mb()
    results = {}
    masks = []
    for key, seg, _hand in cases:
        (t_seg, n_seg), (t_pl, n_pl) = got[f"{key} segkit"], got[f"{key} polars"]
        masks.append(got[f"{key} mask"][0])
        results[key] = [seg.name, n_seg, t_seg, t_pl, None, n_seg == n_pl]
    t_many, t_eval = got["count_many"][0], got["evaluate_many"][0]
    # the twenty: every column of evaluate_many equals the hand-written plan's (and DuckDB's
    # column sums, below); "members" counts memberships over all twenty
    ours = sk.evaluate_many(twenty, data, as_of=AS_OF)
    sizes = ours.drop("contact_id").sum().row(0)
    results["twenty"] = ["20 library segments", sum(sizes), t_eval, got["twenty polars"][0],
                         None, ours.equals(polars_twenty(c, e))]  # fmt: skip

    duck = None
    if not args.no_duckdb:
        try:
            import duckdb

            duck = duckdb.connect()
            duck.register("c", c.to_arrow())
            duck.register("e", e.to_arrow())
        except ImportError:
            print("duckdb not installed (pip install duckdb): skipping the SQL column")
    if duck is not None:
        for key, _seg, _hand in cases:
            q = sql(key)
            t_db, n_db = timed(lambda q=q: duck.execute(q).fetchone()[0], args.repeat)
            results[key][4] = t_db
            results[key][5] = results[key][5] and n_db == results[key][1]
        t_db, table = timed(lambda: duck.execute(sql("twenty")).to_arrow_table(), args.repeat)
        theirs = pl.from_arrow(table).drop("contact_id").sum().row(0)  # type: ignore[union-attr]
        results["twenty"][4] = t_db
        results["twenty"][5] = results["twenty"][5] and theirs == sizes
    rows = [tuple(r) for r in results.values()]
    single_times = [r[2] for r in rows[:-1]]

    print(f"\n{'segment':<26}{'members':>10}{'segkit':>10}{'polars':>10}{'duckdb':>10}"
          f"{'vs pl':>8}{'vs db':>8}  same")  # fmt: skip
    for name, n, ts, tp, td, agree in rows:
        db = f"{td:10.3f}" if td is not None else f"{'-':>10}"
        vs_db = f"{ts / td:8.2f}" if td else f"{'-':>8}"
        print(f"{name:<26}{n:>10,}{ts:10.3f}{tp:10.3f}{db}{ts / tp:8.2f}{vs_db}  {agree}")
    one = statistics.median(single_times)
    mask = statistics.median(masks)
    print("(20 library segments: segkit's evaluate_many, the whole table in the contacts' order;\n"
          " hand-written polars the same, in one plan; DuckDB the same, unordered, as Arrow)")
    print("\n20 library segments at once (one plan, shared event aggregation):")
    print(f"  count_many    {t_many:.3f}s = {t_many / one:.2f}x one segment's count() "
          f"(median {one:.3f}s)")
    print(f"  evaluate_many {t_eval:.3f}s = {t_eval / mask:.2f}x one segment's "
          f"evaluate_many (median {mask:.3f}s)")
    print(f"peak RSS {peak:,.0f} MB = {peak / size_mb:.2f}x the data ({size_mb:,.0f} MB); "
          f"above the loaded baseline: {peak - base_rss:,.0f} MB")
    return 0 if all(r[-1] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
