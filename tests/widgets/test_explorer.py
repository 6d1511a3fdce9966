"""SegmentExplorer driven from Python: picking, editing, panels, masking, download, saving."""

import csv
import io

import polars as pl
import pytest

import segkit as sk
from segkit import library
from segkit.widgets.explorer import TABS, SegmentExplorer

AS_OF = "2026-11-01"


@pytest.fixture(scope="module")
def data():
    from segkit.sample import generate

    return generate(contacts=1500, seed=3)


@pytest.fixture
def explorer(data):
    return SegmentExplorer(data, as_of=AS_OF)


def test_picking_a_library_segment_loads_it(explorer, data):
    explorer.picker.value = ("library", "Repeat customers")
    seg = library.repeat_customers()
    assert explorer.builder.value == seg.to_dict()["rule"] or \
        explorer.builder.value == {"all": [seg.to_dict()["rule"]]}
    n = seg.count(data, as_of=AS_OF)
    assert explorer.builder.count_label.value.startswith(f"<b>{n:,}</b> of")


def test_every_panel_renders_valid_vega_lite(explorer):
    explorer.picker.value = ("library", "Email subscribers")
    explorer.refresh_panels(everything=True)
    for name in ("Profile", "Attrition"):
        spec = explorer.charts[name].chart.to_dict()  # validates against the schema
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert "no saved segments" in explorer.tab_notes["Overlap"].value  # a Dataset has none
    assert "save the segment" in explorer.tab_notes["Size over time"].value
    assert "members" in explorer.members_table.value


def test_only_the_visible_tab_is_recomputed_after_an_edit(explorer):
    explorer.tabs.selected_index = TABS.index("Members")
    explorer.builder.root.add_condition({"field": "country", "op": "eq", "value": "US"})
    assert "Profile" in explorer._stale and "Members" not in explorer._stale


def test_members_are_masked_unless_asked(data):
    masked = SegmentExplorer(data, as_of=AS_OF, segment=library.email_subscribers())
    html = masked.members_html()
    assert "•••@" in html and "personal data masked" in html
    shown = SegmentExplorer(data, as_of=AS_OF, segment=library.email_subscribers(),
                            show_pii=True)
    first = library.email_subscribers().members(data, as_of=AS_OF)["email"].drop_nulls()[0]
    assert first in shown.members_html(limit=2000)


def test_download_is_exactly_the_members_in_mailchimp_format(data):
    seg = library.repeat_customers()
    ex = SegmentExplorer(data, as_of=AS_OF, segment=seg)
    sent = []
    ex.download.send = lambda content, buffers: sent.append((content, buffers))
    ex.download._on_msg(ex.download, {"event": "click"}, [])
    content, (body,) = sent[0]
    assert content == {"event": "file", "filename": "segment-members.csv", "mime": "text/csv"}
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert len(rows) == seg.count(data, as_of=AS_OF)
    assert list(rows[0])[:4] == ["Email Address", "First Name", "Last Name", "Phone Number"]


def test_a_dataset_explorer_cannot_save(explorer):
    assert explorer.save_button not in explorer.children[2].children
    explorer.save()
    assert "not allowed" in explorer.status.value


def test_incomplete_rule_keeps_panels_quiet(explorer):
    row = explorer.builder.root.add_condition()
    row.field.value = "country"
    assert explorer.segment is None
    assert explorer.download.disabled
    assert "finish the rule" in explorer.tab_notes["Profile"].value
    assert isinstance(explorer.data.contacts, pl.DataFrame)
    assert sk.FilterBuilder  # the lazily imported widget is reachable from the top level
