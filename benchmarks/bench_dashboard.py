"""Dashboard yardstick, measured in a real browser (Debian's chromium via Playwright).

    python benchmarks/bench_dashboard.py [--runs 3]

1. Time to first complete render of the segment explorer after the server is up: from
   navigation to the count label and the profile chart's marks being on screen. The server runs
   as `segkit dashboard` does, with a preheated kernel.
2. Edit latency: change a condition's value in the builder and wait until the count label shows
   the library's count for the new rule.

Targets (issue 7): first render under 5 s; an edit shows the new count in under 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port  # noqa: E402

import segkit as sk  # noqa: E402
from segkit import dashboards  # noqa: E402


def start(port: int) -> subprocess.Popen:
    env = dashboards.voila_env()
    cmd = dashboards.voila_command("segment_explorer", port, preheat=True)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    import socket

    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("voila did not start")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warm", type=float, default=20.0,
                    help="seconds to let the preheated kernel finish before the first visit")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    ws = dashboards.sample_workspace()
    data = ws.dataset()
    renders, edits = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(args.runs):
            port = _free_port()
            proc = start(port)
            try:
                time.sleep(args.warm)  # preheating happens before any viewer arrives
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                t0 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                page.locator(".segkit-count").wait_for(timeout=120_000)
                page.locator(".segkit-chart-profile svg .mark-rect path").first.wait_for(
                    state="attached", timeout=120_000)
                renders.append(time.perf_counter() - t0)
                page.locator(".segkit-add-condition").first.click()
                page.locator(".segkit-condition .segkit-field select").select_option(
                    label="Demographics › age")
                page.locator(".segkit-condition .segkit-op select").select_option(label="≥")
                box = page.locator(".segkit-condition .segkit-value input[placeholder='whole "
                                   "number']")
                box.wait_for(timeout=30_000)
                for age in (30, 40, 50):
                    n = sk.Segment({"all": [{"field": "age", "op": "ge", "value": age}]}).count(
                        data, as_of=dashboards.SAMPLE_AS_OF)
                    box.fill(str(age))
                    t1 = time.perf_counter()
                    box.press("Enter")
                    page.wait_for_function(
                        "n => document.querySelector('.segkit-count').innerText"
                        ".startsWith(n + ' of')", arg=f"{n:,}", timeout=30_000, polling=10)
                    edits.append(time.perf_counter() - t1)
                page.close()
            finally:
                os.killpg(proc.pid, 15)
                proc.wait(timeout=30)
        browser.close()
    print(f"first complete render: median {statistics.median(renders):.2f}s "
          f"(runs: {', '.join(f'{r:.2f}' for r in renders)}); target < 5 s")
    print(f"edit -> new count:     median {statistics.median(edits):.3f}s "
          f"(max {max(edits):.3f}s over {len(edits)} edits); target < 0.5 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
