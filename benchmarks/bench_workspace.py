"""Yardsticks for the Delta Lake workspace (segkit.store).

    .venv/bin/python benchmarks/bench_workspace.py            # 1,000,000 contacts
    .venv/bin/python benchmarks/bench_workspace.py --contacts 200000 --quick

Targets (issue "Workspace: a persistent contact store on Delta Lake"):

- import a 1,000,000-row HubSpot-format CSV into an empty workspace: < 15 s
- upsert 10,000 changed contacts into 1,000,000: < 3 s
- ws.search: < 100 ms at 100,000 contacts, < 1 s at 1,000,000
- opening a workspace and counting a segment: < 20% over the in-memory time

Each figure is the best of ``--repeat`` runs unless said otherwise (first-search figures include
building the search index; "warm" ones reuse it). Files go to a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from segkit import Dataset, Segment  # noqa: E402
from segkit.store import Workspace  # noqa: E402
from segkit.store.testing import hubspot_frame  # noqa: E402

QUERIES = ["jane acme", "katherin", "mueller berlin", "wei hooli london", "0132", "smith"]

SEGMENTS = {
    "simple": {"version": 1, "name": "London customers", "rule": {"all": [
        {"field": "city", "op": "eq", "value": "London"},
        {"field": "lifecycle_stage", "op": "eq", "value": "customer"}]}},
    "events": {"version": 1, "name": "Hot leads", "rule": {"all": [
        {"field": "lifecycle_stage", "op": "in",
         "value": ["lead", "marketing_qualified_lead"]},
        {"event": "page_view", "where": {"field": "page", "op": "eq", "value": "pricing"},
         "within": {"last_days": 30}, "op": "ge", "value": 2},
        {"not": {"field": "tags", "op": "has_any", "value": ["unsubscribed"]}}]}},
}  # fmt: skip
AS_OF = dt.datetime(2026, 3, 1)


def timed(fn, repeat: int = 1):  # noqa: ANN001, ANN201
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def events_for(ids: np.ndarray, per_contact: int, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(ids) * per_contact
    kinds = np.array(["page_view", "email_open", "email_click", "purchase", "form_submit"])
    pages = np.array(["pricing", "blog", "docs", "homepage", "product"])
    minutes = rng.integers(0, 180 * 24 * 60, n)
    ts = (np.datetime64("2025-09-03T00:00") + minutes.astype("timedelta64[m]")).astype(
        "datetime64[us]")  # fmt: skip
    kind = kinds[rng.choice(5, n, p=[0.5, 0.25, 0.1, 0.05, 0.1])]
    frame = pl.DataFrame({
        "contact_id": rng.choice(ids, n),
        "event": kind,
        "timestamp": ts,
        "page": pages[rng.integers(0, 5, n)],
        "amount": rng.integers(10, 500, n).astype(float),
    })
    return frame.with_columns(
        pl.when(pl.col("event") == "page_view").then(pl.col("page")).alias("page"),
        pl.when(pl.col("event") == "purchase").then(pl.col("amount")).alias("amount"),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--search-small", type=int, default=100_000)
    ap.add_argument("--events-per-contact", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=5, help="open+count comparisons (median)")
    ap.add_argument("--dir", type=Path, default=None, help="work folder (default: a temp dir)")
    args = ap.parse_args()
    n = args.contacts
    tmp = args.dir or Path(tempfile.mkdtemp(prefix="segkit-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    results: list[tuple[str, str, str]] = []

    def report(name: str, value: float, target: str, unit: str = "s") -> None:
        shown = f"{value * 1000:.1f} ms" if unit == "ms" else f"{value:.2f} s"
        print(f"{name:<58} {shown:>12}   target {target}", flush=True)
        results.append((name, shown, target))

    print(f"work folder: {tmp}")
    t = time.perf_counter()
    csv = tmp / "hubspot.csv"
    hubspot_frame(n, seed=1).write_csv(csv)
    print(f"(wrote {n:,}-row HubSpot CSV, {csv.stat().st_size / 1e6:.0f} MB, in "
          f"{time.perf_counter() - t:.1f} s)")  # fmt: skip

    # 1. import into an empty workspace
    ws = Workspace.create(tmp / "ws")
    took, rep = timed(lambda: ws.import_contacts(csv, preset="hubspot"))
    assert rep.inserted == n, rep
    report(f"import {n:,}-row HubSpot CSV into an empty workspace", took, "< 15 s")

    # 2. upsert 10,000 changed contacts
    def upsert_once(round_: int):  # noqa: ANN202
        changed = (ws.contacts().sample(10_000, seed=round_)
                   .select("email", "job_title", "city")
                   .with_columns(pl.lit(f"Title v{round_}").alias("job_title")))  # fmt: skip
        t0 = time.perf_counter()
        r = ws.upsert(changed, key="email")
        took = time.perf_counter() - t0
        assert r.updated == 10_000, r
        return took

    ups = [upsert_once(i) for i in range(args.repeat)]
    report(f"upsert 10,000 changed contacts into {n:,}", min(ups), "< 3 s")

    # 3. search
    for size, target in ((args.search_small, "< 100 ms"), (n, "< 1 s")):
        if size == n:
            sws = Workspace.open(ws.path)
        else:
            sws = Workspace.create(tmp / f"ws-{size}")
            sws.import_contacts(hubspot_frame(size, seed=2), preset="hubspot")
            sws = Workspace.open(sws.path)
        first, _ = timed(lambda: sws.search(QUERIES[0]))  # noqa: B023
        warm = [timed(lambda q=q: sws.search(q), args.repeat)[0] for q in QUERIES]  # noqa: B023
        report(f"search at {size:,} contacts: first query (builds index)", first, target, "ms")
        report(f"search at {size:,} contacts: warm, median of {len(QUERIES)} queries",
               statistics.median(warm), target, "ms")  # fmt: skip
        report(f"search at {size:,} contacts: warm, slowest query", max(warm), target, "ms")

    # 4. open + count vs in memory
    ids = ws.contacts()["contact_id"].to_numpy()
    events = events_for(ids, args.events_per_contact)
    ws.reload()
    rep = ws.import_events(events, key="contact_id")
    assert rep.inserted > 0.99 * events.height, rep
    mem = Dataset(ws.contacts(), ws.events())
    for label, doc in SEGMENTS.items():
        seg = Segment.from_dict(doc)

        def open_count(s: Segment = seg) -> int:
            w = Workspace.open(tmp / "ws")
            return s.count(w.dataset(), as_of=AS_OF)

        # the machine's noise is larger than the effect: the median of --rounds comparisons,
        # each the best of --repeat runs on both sides
        pairs = []
        for _ in range(args.rounds):
            in_mem, count_mem = timed(lambda s=seg: s.count(mem, as_of=AS_OF), args.repeat)
            on_disk, count_disk = timed(open_count, args.repeat)
            assert count_mem == count_disk, (count_mem, count_disk)
            pairs.append((on_disk / in_mem, in_mem, on_disk))
        ratio, in_mem, on_disk = sorted(pairs)[len(pairs) // 2]
        report(f"count '{doc['name']}' ({label}), in memory", in_mem, "-", "ms")
        report(f"open workspace + count '{doc['name']}' ({label})", on_disk,
               f"<= {in_mem * 1.2 * 1000:.0f} ms (+20%)", "ms")  # fmt: skip
        print(f"{'':<58} {ratio - 1:+12.0%}   overhead (median of {args.rounds}; range "
              f"{min(pairs)[0] - 1:+.0%} to {max(pairs)[0] - 1:+.0%})", flush=True)

    print("\nsummary")
    for name, shown, target in results:
        print(f"  {name:<58} {shown:>12}   {target}")


if __name__ == "__main__":
    main()
