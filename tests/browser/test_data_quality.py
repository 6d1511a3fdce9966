"""The data-quality dashboard in a real browser: renders offline, every tab draws."""

from .conftest import ARTIFACTS

TABS = ("Fields", "Rejected rows", "Freshness")


def test_data_quality_renders_every_tab_offline(voila, page):
    server = voila("data_quality")
    p = page.page
    p.goto(server.url, wait_until="domcontentloaded")
    p.locator(".segkit-duplicates-summary").wait_for(timeout=120_000)
    assert "likely duplicate pairs" in p.locator(".segkit-duplicates-summary").inner_text()
    assert p.locator(".segkit-reviewer").count() == 0  # read-only: no merging
    for name in TABS:
        p.get_by_role("tab", name=name).click()
        css = f".segkit-quality-{name.lower().replace(' ', '-')}"
        p.locator(f"{css} > *").first.wait_for(timeout=60_000)
    marks = p.locator(".segkit-quality-fields svg .mark-rect path")
    p.get_by_role("tab", name="Fields").click()
    marks.first.wait_for(state="attached", timeout=60_000)
    assert marks.count() > 0
    p.screenshot(path=str(ARTIFACTS / "data_quality.png"), full_page=True)
    assert not page.console_errors, page.console_errors
    assert not page.outside, page.outside
