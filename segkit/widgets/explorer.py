"""``SegmentExplorer``: pick or build a segment and see its size, profile, overlap, history and
members; save it to the catalog and download its members.

Every panel is one library call (``analysis.profile``, ``analysis.overlap``,
``ws.size_history``, ``seg.attrition``, ``seg.members``) rendered by a ``segkit.charts``
function; only the visible tab is recomputed after an edit, so the count stays instant.
"""

from __future__ import annotations

import html
from typing import Any

import altair as alt
import ipywidgets as w
import polars as pl

from segkit import _html, analysis, charts, library
from segkit.data.dataset import Dataset
from segkit.engine import evaluate_many
from segkit.errors import SegkitError
from segkit.privacy import mask_pii
from segkit.segment import Segment
from segkit.widgets.download import DownloadButton
from segkit.widgets.filter_builder import FilterBuilder

TABS = ("Profile", "Overlap", "Size over time", "Attrition", "Members")
PREVIEW_COLUMNS = ("contact_id", "first_name", "last_name", "email", "phone", "country", "city",
                   "company", "lifecycle_stage", "lead_status", "tags")  # fmt: skip


def _offline_chart(chart: alt.TopLevelMixin | None = None) -> alt.JupyterChart:
    """An altair chart widget that renders from the bundled Vega (no CDN)."""
    alt.JupyterChart.enable_offline()
    # SVG puts the marks in the page (inspectable, testable, crisp when printed)
    return alt.JupyterChart(chart if chart is not None else alt.Chart().mark_point(),
                            embed_options={"renderer": "svg", "actions": False})


class SegmentExplorer(w.VBox):
    """Builder + live count + profile / overlap / size over time / attrition / members,
    with save (when editing is allowed) and a members download in Mailchimp's import format.

    ``source`` is a Workspace (saved segments, history, save) or a Dataset.
    """

    def __init__(
        self,
        source: Any,
        *,
        as_of: Any = None,
        show_pii: bool = False,
        allow_edit: bool = True,
        segment: Segment | None = None,
    ) -> None:
        super().__init__()
        self.add_class("segkit-explorer")
        self.workspace = None if isinstance(source, Dataset) else source
        self.data: Dataset = source if isinstance(source, Dataset) else source.dataset()
        self.as_of = as_of
        self.show_pii = show_pii
        self.allow_edit = allow_edit and self.workspace is not None
        self.library = library.all()
        self.builder = FilterBuilder(self.data, as_of=as_of, catalog=self._saved())

        self.picker = w.Dropdown(options=self._picker_options(), value="",
                                 description="Start from", layout=w.Layout(width="34em"),
                                 style={"description_width": "6em"})  # fmt: skip
        self.picker.add_class("segkit-picker")
        self.picker.observe(self._on_pick, names="value")

        self.status = w.HTML()
        self.status.add_class("segkit-status")
        self.save_button = w.Button(description="Save to catalog", icon="save",
                                    button_style="primary")  # fmt: skip
        self.save_button.add_class("segkit-save")
        self.save_button.on_click(lambda _: self.save())
        self.download = DownloadButton(self._members_csv, description="Download CSV (Mailchimp)",
                                       filename="segment-members.csv",
                                       layout=w.Layout(width="auto"))  # fmt: skip
        actions = [self.builder.name, self.download]
        if self.allow_edit:
            actions.insert(1, self.save_button)

        self.charts = {name: _offline_chart() for name in TABS[:4]}
        for name, chart in self.charts.items():
            chart.add_class(f"segkit-chart-{name.lower().replace(' ', '-')}")
        self.members_table = w.HTML()
        self.members_table.add_class("segkit-members")
        self.tab_notes = {name: w.HTML() for name in TABS}
        pages = [w.VBox([self.tab_notes[n], self.charts[n]]) for n in TABS[:4]]
        pages.append(w.VBox([self.tab_notes["Members"], self.members_table]))
        self.tabs = w.Tab(children=pages, titles=list(TABS))
        self.tabs.add_class("segkit-tabs")
        self.tabs.observe(lambda _: self.refresh_panels(), names="selected_index")
        self._stale: set[str] = set(TABS)

        self.builder.on_change(lambda _: self._on_edit())
        self.children = [self.picker, self.builder, w.HBox(actions), self.status, self.tabs]
        if segment is not None:
            self.builder.load(segment)
        self._on_edit()

    # -- catalog --------------------------------------------------------------------------------

    def _saved(self) -> dict[str, Any]:
        if self.workspace is None:
            return {}
        return dict(self.workspace.segments)

    def _picker_options(self) -> list[tuple[str, Any]]:
        opts: list[tuple[str, Any]] = [("— build your own —", "")]
        opts += [(f"saved · {n}", ("saved", n)) for n in sorted(self._saved())]
        opts += [(f"library · {n}", ("library", n)) for n in self.library]
        return opts

    def _on_pick(self, change: dict) -> None:
        choice = change["new"]
        if not choice:
            return
        kind, name = choice
        seg = self._saved()[name] if kind == "saved" else self.library[name]
        if not isinstance(seg, Segment):  # a static segment: show its definition if kept
            seg = getattr(seg, "segment", None) or Segment({"segment": name}, name=name)
        self.builder.load(seg)

    # -- reacting -------------------------------------------------------------------------------

    @property
    def segment(self) -> Segment | None:
        return self.builder.segment

    def _on_edit(self) -> None:
        self._stale = set(TABS)
        self.download.disabled = self.segment is None
        self.refresh_panels()

    def refresh_panels(self, everything: bool = False) -> None:
        """Recompute the visible tab (or every tab) for the current segment."""
        names = TABS if everything else (TABS[self.tabs.selected_index or 0],)
        for name in names:
            if name in self._stale:
                self._stale.discard(name)
                self._render(name)

    def _render(self, name: str) -> None:
        seg, note = self.segment, self.tab_notes[name]
        if seg is None:
            note.value = "<i>finish the rule to see this panel</i>"
            return
        try:
            note.value = ""
            if name == "Profile":
                table = analysis.profile(seg, self.data, as_of=self.as_of,
                                         catalog=self._saved() or None, top=8)  # fmt: skip
                self.charts[name].chart = charts.profile(table, columns=3)
            elif name == "Overlap":
                saved = {n: s for n, s in self._saved().items() if isinstance(s, Segment)}
                if not saved:
                    note.value = "<i>no saved segments to compare with</i>"
                    return
                current = seg.with_name("(this segment)")
                masks = evaluate_many({"(this segment)": current, **saved}, self.data,
                                      as_of=self.as_of, catalog=self._saved())  # fmt: skip
                self.charts[name].chart = charts.overlap(analysis.overlap(masks))
            elif name == "Size over time":
                history = self._history(seg)
                if history is None:
                    note.value = "<i>save the segment and refresh the workspace to track its " \
                                 "size over time</i>"  # fmt: skip
                    return
                self.charts[name].chart = charts.size_history(history)
            elif name == "Attrition":
                table = seg.attrition(self.data, as_of=self.as_of, catalog=self._saved() or None)
                self.charts[name].chart = charts.attrition(table)
            else:
                self.members_table.value = self.members_html()
        except SegkitError as exc:
            note.value = f"<span style='color:#b42318'>{html.escape(str(exc))}</span>"

    def _history(self, seg: Segment) -> pl.DataFrame | None:
        if self.workspace is None or not seg.name or seg.name not in self._saved():
            return None
        frame = self.workspace.size_history(seg.name)
        return frame if frame.height else None

    # -- members --------------------------------------------------------------------------------

    def members(self) -> pl.DataFrame:
        """The current segment's member rows (unmasked: for export)."""
        if self.segment is None:
            raise SegkitError("the segment is not complete yet")
        return self.segment.members(self.data, as_of=self.as_of, catalog=self._saved() or None)

    def members_html(self, limit: int = 25) -> str:
        rows = self.members()
        cols = [c for c in PREVIEW_COLUMNS if c in rows.columns]
        shown = rows.select(cols).head(limit)
        if not self.show_pii:
            shown = mask_pii(shown)
        note = "" if self.show_pii else " · personal data masked"
        head = f"<p><b>{rows.height:,}</b> members{note}; showing {shown.height}</p>"
        return head + _html.table(shown, attrs=_html.STYLED)

    def _members_csv(self) -> bytes:
        from segkit.store.export import platform_frame

        return platform_frame(self.members(), "mailchimp").write_csv().encode("utf-8")

    # -- saving ---------------------------------------------------------------------------------

    def save(self) -> None:
        """Save the current segment in the workspace's catalog (one commit)."""
        if not self.allow_edit or self.workspace is None:
            self.status.value = "<span style='color:#b42318'>saving is not allowed here</span>"
            return
        seg = self.segment
        if seg is None or not seg.name:
            self.status.value = "<span style='color:#b42318'>give the segment a name first</span>"
            return
        try:
            self.workspace.save_segment(seg)
        except SegkitError as exc:
            self.status.value = f"<span style='color:#b42318'>{html.escape(str(exc))}</span>"
            return
        self.builder.catalog = self._saved()
        with self.picker.hold_trait_notifications():
            self.picker.options = self._picker_options()
            self.picker.value = ""
        self.status.value = f"<span style='color:#1a7f37'>saved “{html.escape(seg.name)}”</span>"
        self._on_edit()
