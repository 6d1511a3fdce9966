"""``DataQualityPanel``: duplicates, missing and invalid values, rejected import rows, freshness.

Each tab shows one library call: ``sk.find_duplicates``, ``quality.field_quality``,
``quality.recent_rejects``, ``quality.event_freshness`` (with ``analysis.activity``). Tabs are
computed when first opened. The duplicate reviewer (which merges) only appears when editing is
allowed.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import polars as pl

from segkit import _html, analysis, charts, quality
from segkit.privacy import mask_pii
from segkit.widgets.explorer import _offline_chart

TABS = ("Duplicates", "Fields", "Rejected rows", "Freshness")


class DataQualityPanel(w.VBox):
    """The data-quality view of a workspace (see the module docstring)."""

    def __init__(self, workspace: Any, *, as_of: Any = None, allow_edit: bool = False,
                 show_pii: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.add_class("segkit-quality")
        self.workspace = workspace
        self.data = workspace.dataset()
        self.as_of = as_of
        self.allow_edit = allow_edit
        self.show_pii = show_pii
        self.pages = {name: w.VBox() for name in TABS}
        for name, page in self.pages.items():
            page.add_class(f"segkit-quality-{name.lower().replace(' ', '-')}")
        self.tabs = w.Tab(children=list(self.pages.values()), titles=list(TABS))
        self.tabs.add_class("segkit-tabs")
        self.tabs.observe(lambda _: self.render(), names="selected_index")
        self.summary = w.HTML()
        self.summary.add_class("segkit-quality-summary")
        self._done: set[str] = set()
        self.report = None
        self.children = [self.summary, self.tabs]
        self.summary.value = self._summary()
        self.render()

    def _summary(self) -> str:
        n = self.data.n_contacts
        events = self.data.n_events
        return (f"<p><b>{n:,}</b> contacts, <b>{events:,}</b> events · workspace version "
                f"{self.workspace.version}</p>")  # fmt: skip

    def render(self, name: str | None = None) -> None:
        name = name or TABS[self.tabs.selected_index or 0]
        if name in self._done:
            return
        self._done.add(name)
        page = self.pages[name]
        if name == "Duplicates":
            page.children = self._duplicates()
        elif name == "Fields":
            table = quality.field_quality(self.data, as_of=self.as_of)
            page.children = [_offline_chart(charts.field_quality(table)),
                             w.HTML(_html.table(_rounded(table), attrs=_html.STYLED))]  # fmt: skip
        elif name == "Rejected rows":
            rejects = quality.recent_rejects(self.workspace)
            shown = rejects if self.show_pii else mask_pii(rejects)
            note = "no rejected rows in recent imports" if rejects.is_empty() else \
                f"{rejects.height:,} rejected row(s), newest import first"  # fmt: skip
            page.children = [w.HTML(f"<p>{note}</p>"),
                             w.HTML(_html.table(shown.head(200), attrs=_html.STYLED))]
        else:
            fresh = quality.event_freshness(self.data, as_of=self.as_of)
            act = analysis.activity(None, self.data, as_of=self.as_of, freq="1w",
                                    within_days=182)  # fmt: skip
            page.children = [w.HTML(_html.table(_rounded(fresh), attrs=_html.STYLED)),
                             _offline_chart(charts.activity(act, metric="count"))]  # fmt: skip

    def _duplicates(self) -> list[w.Widget]:
        from segkit.dedup import find_duplicates

        self.report = find_duplicates(self.data.contacts)
        report = self.report
        pairs = report.pairs
        n_clusters = report.clusters["cluster_id"].n_unique() if report.clusters.height else 0
        queue = report.review_queue()
        head = w.HTML(
            f"<p><b>{pairs.height:,}</b> likely duplicate pairs in <b>{n_clusters:,}</b> "
            f"clusters; <b>{queue.height:,}</b> pairs need a human decision.</p>"
        )
        head.add_class("segkit-duplicates-summary")
        cols = [c for c in ("contact_id_a", "contact_id_b", "score", "decision", "reason")
                if c in pairs.columns]  # fmt: skip
        table = w.HTML(_html.table(_rounded(pairs.select(cols).head(50)), attrs=_html.STYLED))
        out: list[w.Widget] = [head, table]
        if self.allow_edit:
            try:
                from segkit.widgets.duplicate_reviewer import DuplicateReviewer
            except ImportError:  # pragma: no cover - the reviewer ships with the widgets
                return out
            out.append(DuplicateReviewer(report, self.workspace, show_pii=self.show_pii))
        return out


def _rounded(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col(pl.Float64).round(3))
