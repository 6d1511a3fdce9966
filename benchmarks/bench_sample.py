"""Benchmark segkit.sample.write_sample: rows written, seconds, peak RSS.

    python benchmarks/bench_sample.py                  # 1,000,000 contacts into a temp folder
    python benchmarks/bench_sample.py --contacts 10000000 --out /tmp/sample10m --keep

Peak RSS is the process's maximum resident set size (resource.getrusage), which includes the
interpreter and the imported libraries.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


def _peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return rss / (2**20 if sys.platform == "darwin" else 2**10)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--contacts", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="output folder (default: a temporary folder, removed after)")
    p.add_argument("--keep", action="store_true", help="keep the output folder")
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--json", action="store_true", help="print one JSON line only")
    args = p.parse_args(argv)

    from segkit.sample import write_sample

    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="segkit-sample-"))
    rss_before = _peak_rss_mb()
    t0 = time.perf_counter()
    counts = write_sample(out, contacts=args.contacts, seed=args.seed,
                          progress=not args.no_progress)  # fmt: skip
    seconds = time.perf_counter() - t0
    size = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
    result = {
        "contacts_requested": args.contacts,
        **{f"rows_{k}": v for k, v in counts.items()},
        "rows_total": sum(counts.values()),
        "seconds": round(seconds, 2),
        "events_per_second": round(counts["events"] / seconds),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "rss_after_imports_mb": round(rss_before, 1),
        "bytes_written": size,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    if not (args.keep or args.out):
        shutil.rmtree(out, ignore_errors=True)
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>24}: {v:,}" if isinstance(v, int | float) else f"{k:>24}: {v}")
        print(f"{'output':>24}: {out}{'' if args.keep or args.out else ' (removed)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
