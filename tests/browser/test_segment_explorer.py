"""The segment explorer in a real browser: renders offline, counts what the library counts,
draws charts and downloads exactly the members."""

import csv
import io
import re
from pathlib import Path

import polars as pl

import segkit as sk
from segkit import dashboards

from .conftest import ARTIFACTS

# Harmless messages of the front-end stack, ignored by exact text only.
KNOWN_HARMLESS: set[str] = set()


def _count(page) -> int:
    text = page.locator(".segkit-count").inner_text()
    return int(re.match(r"\s*([\d,]+) of", text).group(1).replace(",", ""))


def test_explorer_renders_counts_charts_and_downloads(voila, page):
    server = voila("segment_explorer")
    p = page.page
    p.goto(server.url, wait_until="domcontentloaded")
    count = p.locator(".segkit-count")
    count.wait_for(timeout=90_000)
    p.wait_for_function("document.querySelector('.segkit-count').innerText.includes(' of ')")
    ws = dashboards.sample_workspace()
    data = ws.dataset()
    total = data.n_contacts
    assert _count(p) == total  # an empty rule: everyone

    # add a condition through the UI: country is US
    p.locator(".segkit-add-condition").first.click()
    p.locator(".segkit-condition .segkit-field select").select_option(
        label="Demographics › country")
    p.locator(".segkit-condition .segkit-op select").select_option(label="is")
    # the field change replaces the number box with a text box offering the common values
    value = p.locator(".segkit-condition .segkit-value input[placeholder='value']")
    value.wait_for(timeout=30_000)
    value.fill("US")
    value.press("Enter")
    expected = sk.Segment({"all": [{"field": "country", "op": "eq", "value": "US"}]}).count(
        data, as_of=dashboards.SAMPLE_AS_OF)
    try:
        p.wait_for_function(
            "n => document.querySelector('.segkit-count').innerText.startsWith(n + ' of')",
            arg=f"{expected:,}", timeout=60_000)
    finally:
        p.screenshot(path=str(ARTIFACTS / "segment_explorer-edit.png"), full_page=True)
    assert _count(p) == expected, page.page.locator(".segkit-message").inner_text()

    # the profile chart has drawn marks
    marks = p.locator(".segkit-chart-profile svg .mark-rect path, "
                      ".segkit-chart-profile svg .mark-bar path")
    marks.first.wait_for(state="attached", timeout=30_000)
    assert marks.count() > 0

    # the CSV download holds exactly the members, in Mailchimp's import format
    with p.expect_download(timeout=60_000) as info:
        p.locator(".segkit-download button").click()
    body = Path(info.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and list(rows[0])[:3] == ["Email Address", "First Name", "Last Name"]
    members = sk.Segment({"all": [{"field": "country", "op": "eq", "value": "US"}]}).members(
        data, as_of=dashboards.SAMPLE_AS_OF)
    assert len(rows) == members.height == expected
    assert sorted(r["Email Address"] for r in rows) == sorted(
        members["email"].fill_null("").to_list())

    p.screenshot(path=str(ARTIFACTS / "segment_explorer.png"), full_page=True)
    errors = [e for e in page.console_errors if e not in KNOWN_HARMLESS]
    assert not errors, errors
    assert not page.outside, page.outside
    assert isinstance(pl.DataFrame(rows), pl.DataFrame)


def test_explorer_is_read_only_unless_allowed(voila, page):
    server = voila("segment_explorer")
    page.page.goto(server.url)
    page.page.locator(".segkit-count").wait_for(timeout=90_000)
    assert page.page.locator(".segkit-save").count() == 0
