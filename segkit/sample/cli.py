"""Command line of the sample generator.

``python -m segkit.sample OUT_DIR`` (or ``segkit sample --out OUT_DIR`` once wired into
``segkit.cli``) writes the four Parquet tables and the two CSV exports.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("out_dir", nargs="?", help="folder to write (default: sample_data)")
    parser.add_argument("--out", dest="out_opt", metavar="DIR", help="same as OUT_DIR")
    parser.add_argument("--contacts", type=int, default=20_000,
                        help="original contacts (plus ~3%% planted duplicates); default 20000")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--exports", type=int, default=500, metavar="N",
                        help="rows of each CSV export (0: none); default 500")  # fmt: skip
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def run(args: argparse.Namespace) -> int:
    import polars as pl

    from segkit.data.dataset import Dataset
    from segkit.sample import write_exports, write_sample

    if args.out_dir and args.out_opt and args.out_dir != args.out_opt:
        print("give the output folder once (OUT_DIR or --out)", file=sys.stderr)
        return 2
    out = Path(args.out_opt or args.out_dir or "sample_data")
    t0 = time.perf_counter()
    counts = write_sample(out, contacts=args.contacts, seed=args.seed,
                          progress=not args.no_progress)  # fmt: skip
    if args.exports > 0:
        data = Dataset(pl.scan_parquet(out / "contacts.parquet"))
        counts.update(write_exports(data, out, n=args.exports, seed=args.seed))
    took = time.perf_counter() - t0
    parts = ", ".join(f"{k}: {v:,}" for k, v in counts.items())
    print(f"wrote {out} in {took:.1f}s ({parts})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m segkit.sample",
        description="Generate realistic, correlated sample CRM data (contacts, events, campaigns, "
        "planted duplicates) as Parquet, plus messy HubSpot/Mailchimp CSV exports.",
    )
    return run(add_arguments(parser).parse_args(argv))
