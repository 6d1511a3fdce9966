"""Results of workspace operations; each shows itself as text and in a notebook."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from segkit import _html


@dataclass
class ImportReport:
    """What an import or upsert did.

    ``inserted``, ``updated``, ``unchanged`` count rows of the source; ``rejected`` holds the rows
    that were not imported: ``row`` (1-based data row of the source, after the header),
    ``reason``, then the raw values. ``rejects_path`` is the CSV copy kept in the workspace.
    """

    table: str
    source: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"row": pl.Int64, "reason": pl.String}))  # fmt: skip
    rejects_path: Path | None = None
    version: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    new_fields: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def n_rejected(self) -> int:
        return self.rejected.height

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged + self.n_rejected

    def summary(self) -> str:
        s = (f"{self.table} from {self.source}: {self.inserted:,} inserted, {self.updated:,} "
             f"updated, {self.unchanged:,} unchanged, {self.n_rejected:,} rejected")  # fmt: skip
        if self.version is not None:
            s += f" (workspace version {self.version})"
        return s

    def __repr__(self) -> str:
        lines = [self.summary()]
        if self.new_fields:
            lines.append(f"  new fields: {', '.join(self.new_fields)}")
        for w in self.warnings:
            lines.append(f"  warning: {w}")
        if self.n_rejected:
            lines.append(f"  rejected rows ({self.rejects_path}):")
            for row, reason in self.rejected.select("row", "reason").head(10).iter_rows():
                lines.append(f"    row {row}: {reason}")
            if self.n_rejected > 10:
                lines.append(f"    ... {self.n_rejected - 10:,} more")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<td style='padding:0 1em'><b>{n:,}</b><br><small>{label}</small></td>"
            for n, label in ((self.inserted, "inserted"), (self.updated, "updated"),
                             (self.unchanged, "unchanged"), (self.n_rejected, "rejected"))
        )  # fmt: skip
        out = [f"<div class='segkit-import'><b>Import into {html.escape(self.table)}</b> "
               f"<small>from {html.escape(self.source)}"
               + (f", workspace version {self.version}" if self.version is not None else "")
               + f", {self.seconds:.2f} s</small>", f"<table><tr>{cells}</tr></table>"]  # fmt: skip
        if self.new_fields:
            out.append(f"<p>New fields: {html.escape(', '.join(self.new_fields))}</p>")
        for w in self.warnings:
            out.append(f"<p>&#9888; {html.escape(w)}</p>")
        if self.n_rejected:
            out.append(f"<p>Rejected rows (kept in <code>{html.escape(str(self.rejects_path))}"
                       "</code>):</p>" + _html.table(self.rejected, limit=10))  # fmt: skip
        return "".join(out) + "</div>"


@dataclass
class ExportReport:
    """A written export: ``rows`` always equals the segment's count."""

    path: Path
    format: str
    rows: int
    columns: list[str]
    segment: str | None = None
    warnings: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        s = f"exported {self.rows:,} contacts of {self.segment or 'the segment'} to {self.path} " \
            f"({self.format})"  # fmt: skip
        return "\n".join([s, *(f"  warning: {w}" for w in self.warnings)])

    def _repr_html_(self) -> str:
        warn = "".join(f"<p>&#9888; {html.escape(w)}</p>" for w in self.warnings)
        return (f"<div><b>Exported {self.rows:,} contacts</b> of "
                f"{html.escape(self.segment or 'the segment')} to <code>{html.escape(str(self.path))}"
                f"</code> ({html.escape(self.format)}): {html.escape(', '.join(self.columns))}"
                f"{warn}</div>")  # fmt: skip


@dataclass
class SegmentChanges:
    """Who entered and who left a segment between two membership snapshots."""

    segment: str
    before: int | None  # snapshot ids
    after: int
    entered: pl.DataFrame
    left: pl.DataFrame

    def to_frame(self) -> pl.DataFrame:
        """``contact_id`` and ``change`` ("entered"/"left") with the contact columns."""
        return pl.concat([
            self.entered.with_columns(change=pl.lit("entered")),
            self.left.with_columns(change=pl.lit("left")),
        ], how="diagonal_relaxed").select("change", pl.exclude("change"))  # fmt: skip

    def __repr__(self) -> str:
        since = f"snapshot {self.before}" if self.before is not None else "the start"
        return (f"{self.segment}: {self.entered.height:,} entered, {self.left.height:,} left "
                f"(snapshot {self.after} vs {since})")  # fmt: skip

    def _repr_html_(self) -> str:
        return (f"<div><b>{html.escape(self.segment)}</b>: {self.entered.height:,} entered, "
                f"{self.left.height:,} left (snapshot {self.after} vs "
                f"{self.before if self.before is not None else 'none'})"
                f"<p>Entered</p>{_html.table(self.entered, limit=10)}"
                f"<p>Left</p>{_html.table(self.left, limit=10)}"
                "</div>")  # fmt: skip
