"""Write the tutorial notebooks from the cell sources below (stored without outputs).

    python tools/make_notebooks.py

Notebooks are generated so their diffs stay readable and no output is ever committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS: dict[str, list[tuple[str, str]]] = {}


def notebook(path: str, cells: list[tuple[str, str]]) -> None:
    NOTEBOOKS[path] = cells


notebook("notebooks/01_quickstart.ipynb", [
    ("md", """# segkit quickstart

Open the bundled sample CRM (20,000 contacts with two years of behaviour), count a ready-made
segment, look at what it means, and chart it. Everything runs offline."""),
    ("code", """import segkit as sk
from segkit import library, charts

charts.enable_offline()          # charts render without any CDN
data = sk.read_dataset("../sample_data")
data"""),
    ("md", """Segments are evaluated *as of* a moment; the sample data ends on 1 November 2026."""),
    ("code", """AS_OF = "2026-11-01"
hot = library.engaged_hot_leads()
print(hot.describe())
hot.count(data, as_of=AS_OF)"""),
    ("md", """A segment is a plain JSON document: copy it, edit it, save it."""),
    ("code", """print(hot.to_json(indent=2))"""),
    ("md", """Which condition shrinks the audience most? The attrition waterfall tells."""),
    ("code", """steps = hot.attrition(data, as_of=AS_OF)
charts.attrition(steps)"""),
    ("md", """Every ready segment at once, in one plan:"""),
    ("code", """sizes = sk.count_many(library.all(), data, as_of=AS_OF)
charts.segment_sizes(sizes, total=data.n_contacts)"""),
    ("md", """Build your own with the Python API, and ask why a contact is in it."""),
    ("code", """mine = sk.Segment(
    sk.field("country").is_in(["US", "CA"])
    & sk.did("purchase", within_days=365).sum("amount").at_least(500),
    name="North American big spenders",
)
members = mine.members(data, as_of=AS_OF)
print(mine.describe(), "->", members.height, "contacts")
mine.explain(data, members["contact_id"][0], as_of=AS_OF)"""),
    ("md", """Or visually: the filter builder edits the same document and counts as you go."""),
    ("code", """builder = sk.FilterBuilder(data, mine, as_of=AS_OF)
builder"""),
])


SCRATCH = """import os, tempfile
from pathlib import Path

# a scratch folder for this tutorial's workspace (the test suite points SEGKIT_SCRATCH elsewhere)
scratch = Path(os.environ.get("SEGKIT_SCRATCH") or tempfile.mkdtemp(prefix="segkit-"))"""

notebook("notebooks/02_import_and_clean.ipynb", [
    ("md", """# Import and clean

Bring in contacts exported from HubSpot and Mailchimp, see what could not be imported and why,
then find and merge duplicates - every step one commit you can undo."""),
    ("code", SCRATCH + """

import segkit as sk

ws = sk.Workspace.create(scratch / "crm")
ws"""),
    ("md", """## HubSpot and Mailchimp exports

Presets map each platform's export headers to segkit's fields (unknown columns become custom
fields, never dropped). Emails are trimmed and lower-cased, phones turned into E.164, countries
into ISO codes, and both platforms' date formats parsed."""),
    ("code", """hubspot = ws.import_contacts("../sample_data/hubspot_export.csv", preset="hubspot")
hubspot"""),
    ("code", """mailchimp = ws.import_contacts("../sample_data/mailchimp_export.csv", preset="mailchimp")
mailchimp"""),
    ("md", """Rows that cannot be imported are never dropped silently: each is listed with its source
row and the reason, and written to the workspace's rejects folder."""),
    ("code", """mailchimp.rejected"""),
    ("md", """The same people appear in both exports: the second import updated them (matched on
email) instead of creating copies. Every import is one commit in the history:"""),
    ("code", """ws.history()"""),
    ("md", """## Duplicates

Now the whole bundled CRM, which has about 3% planted near-duplicates (typos, swapped names,
other phone formats)."""),
    ("code", """crm = sk.Workspace.create(scratch / "full")
crm.import_dataset("../sample_data")
report = sk.find_duplicates(crm.contacts())
report.summary()"""),
    ("code", """report.settings"""),
    ("md", """Each pair comes with its evidence: per field, how similar the values are and how much
that weighs."""),
    ("code", """a, b = report.pairs.row(0, named=True)["contact_id_a"], report.pairs.row(0, named=True)["contact_id_b"]
report.explain(a, b)"""),
    ("md", """Merge the confident clusters in one commit (the survivor keeps the most recent
non-empty value per field, the union of tags and interests, the earliest signup, and every
event); the uncertain pairs wait for a person."""),
    ("code", """before = crm.dataset()
result = crm.merge(report)
result"""),
    ("code", """assert crm.dataset().n_events == before.n_events   # no event lost
report.review_queue().head()"""),
    ("code", """reviewer = sk.DuplicateReviewer(report, crm)
reviewer"""),
    ("md", """Every merge is audited and can be undone:"""),
    ("code", """crm.unmerge(result.merge_id)
assert crm.dataset().n_contacts == before.n_contacts"""),
])

notebook("notebooks/03_build_segments.ipynb", [
    ("md", """# Build segments

Three views of one thing: the filter builder, the Python API and the JSON document. Then save
segments to a workspace's catalog, refresh them as behaviour changes, and see who entered and who
left."""),
    ("code", SCRATCH + """

import segkit as sk
from segkit import library

AS_OF = "2026-11-01"
ws = sk.Workspace.create(scratch / "crm")
ws.import_dataset("../sample_data")
data = ws.dataset()
data"""),
    ("md", """## The Python API

`sk.field(...)` starts a field condition, `sk.did(...)` an event condition; `&`, `|` and `~`
combine them."""),
    ("code", """lapsed_vips = sk.Segment(
    sk.field("tags").has_any(["vip"])
    & sk.did("purchase")
    & sk.did("purchase", within_days=180).never(),
    name="Lapsed VIPs",
    description="VIP buyers with no purchase in six months",
)
lapsed_vips"""),
    ("md", """## The same segment as JSON

This document is what the widget edits, the catalog stores and `git diff` shows."""),
    ("code", """print(lapsed_vips.to_json(indent=2))
assert sk.Segment.from_json(lapsed_vips.to_json()) == lapsed_vips"""),
    ("md", """## The builder

Loading a segment fills the builder; editing it changes `builder.segment`, and the count follows
as you go."""),
    ("code", """builder = sk.FilterBuilder(ws, lapsed_vips, as_of=AS_OF)
builder"""),
    ("code", """builder.segment == lapsed_vips, builder.count"""),
    ("md", """## Why is someone in it?"""),
    ("code", """members = lapsed_vips.members(data, as_of=AS_OF)
lapsed_vips.explain(data, members["contact_id"][0], as_of=AS_OF)"""),
    ("md", """## Save, refresh, and see what changed

Dynamic segments are re-evaluated at every refresh; each refresh stores a membership snapshot.
Here we refresh "as of" two dates a month apart, as a nightly job would."""),
    ("code", """ws.save_segment(lapsed_vips)
ws.save_segment(library.engaged_hot_leads())
ws.refresh(as_of="2026-10-01")
ws.refresh(as_of=AS_OF)
changes = ws.changes("Lapsed VIPs")
changes"""),
    ("code", """ws.size_history("Lapsed VIPs")"""),
    ("code", """ws.history().head(8)"""),
])

notebook("notebooks/04_profile_and_compare.ipynb", [
    ("md", """# Profile and compare segments

Who is in a segment, compared with everyone? How do segments overlap? How did their sizes move?"""),
    ("code", SCRATCH + """

import segkit as sk
from segkit import analysis, charts, library

charts.enable_offline()
AS_OF = "2026-11-01"
data = sk.read_dataset("../sample_data")
repeat = library.repeat_customers()"""),
    ("md", """## Lift: what is over-represented in the segment

`lift` is the share of the segment with a value divided by the share of the whole base: above 1,
the value is more common among members."""),
    ("code", """profile = analysis.profile(repeat, data, as_of=AS_OF, top=6)
profile.sort("lift", descending=True).head(10)"""),
    ("code", """charts.profile(profile, field="source_channel")"""),
    ("md", """## Overlap between segments"""),
    ("code", """segments = {name: library.all()[name] for name in [
    "Repeat customers", "High-value customers", "Email subscribers", "Inactive subscribers",
    "Content downloaders"]}
masks = sk.evaluate_many(segments, data, as_of=AS_OF)
overlap = analysis.overlap(masks)
charts.overlap(overlap)"""),
    ("md", """## Distributions and the lifecycle funnel"""),
    ("code", """charts.numeric_distribution(analysis.numeric_distribution(repeat, data, "age", as_of=AS_OF))"""),
    ("code", """charts.lifecycle_funnel(analysis.lifecycle_funnel(data))"""),
    ("md", """## Sizes over time

A workspace keeps a membership snapshot per refresh; here, one a month over the last half year."""),
    ("code", """ws = sk.Workspace.create(scratch / "crm")
ws.import_dataset("../sample_data")
for seg in segments.values():
    ws.save_segment(seg)
import datetime as dt
for months_back in range(6, -1, -1):
    ws.refresh(as_of=dt.datetime(2026, 11, 1) - dt.timedelta(days=30 * months_back))
charts.size_history({name: ws.size_history(name) for name in segments})"""),
    ("code", """charts.activity(analysis.activity(repeat, data, as_of=AS_OF, freq="1mo"))"""),
])

notebook("dashboards/segment_explorer.ipynb", [
    ("md", """# Segment explorer

Pick a saved or ready-made segment, or build one; see its size, who is in it and how it
compares with the rest of the base."""),
    ("code", """# Everything here runs before a viewer arrives (Voila preheats this kernel).
import altair as alt

from segkit import dashboards

alt.JupyterChart.enable_offline()   # charts from the bundled Vega: no CDN"""),
    ("code", """dashboards.explorer_app()"""),
])


notebook("dashboards/data_quality.ipynb", [
    ("md", """# Data quality

Duplicates, missing and invalid values per field, rows the last imports rejected, and how fresh
each event feed is."""),
    ("code", """import altair as alt

from segkit import dashboards

alt.JupyterChart.enable_offline()"""),
    ("code", """dashboards.quality_app()"""),
])


def build(check: bool = False) -> int:
    stale = []
    for rel, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=[
            new_markdown_cell(src) if kind == "md" else new_code_cell(src)
            for kind, src in cells
        ])  # fmt: skip
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}  # fmt: skip
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"cell-{i}"
        text = nbformat.writes(nb) + "\n"
        path = ROOT / rel
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    if stale:
        print("out of date (run python tools/make_notebooks.py):", *stale)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(build(check="--check" in sys.argv))
