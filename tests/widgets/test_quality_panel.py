"""DataQualityPanel driven from Python."""

import polars as pl
import pytest

import segkit as sk
from segkit.widgets.quality import TABS, DataQualityPanel


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    from segkit.sample import generate

    ws = sk.Workspace.create(tmp_path_factory.mktemp("q") / "ws")
    ws.import_dataset(generate(contacts=800, seed=11))
    ws.import_contacts(pl.DataFrame({"email": ["ok@x.com", "broken"], "first_name": ["A", "B"]}))
    return ws


def test_tabs_render_their_library_calls(ws):
    panel = DataQualityPanel(ws, as_of="2026-11-01")
    assert "contacts" in panel.summary.value
    summary = panel.pages["Duplicates"].children[0].value
    assert "likely duplicate pairs" in summary and panel.report is not None
    for i, name in enumerate(TABS):
        panel.tabs.selected_index = i
        assert panel.pages[name].children, name
    assert "invalid email" in panel.pages["Rejected rows"].children[1].value
    assert panel.pages["Fields"].children[0].chart.to_dict()["mark"]["type"] == "bar"


def test_reviewer_only_when_editing_is_allowed(ws):
    read_only = DataQualityPanel(ws, as_of="2026-11-01")
    assert len(read_only.pages["Duplicates"].children) == 2
