"""The workspace folder: its marker file, its tables, the ``_commits`` journal and the lock.

Each user-level write changes one or more data tables (each change a Delta commit) and then
appends one row to the ``_commits`` Delta table naming the version of every data table after
the operation. That append is the atomic point: readers resolve "the workspace at version N" to
the row ``version == N`` and scan each table at its recorded version, so they never see a
half-finished operation, and a writer killed before its append leaves table versions nobody
refers to (the next writer restores those tables to their recorded versions before writing).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import fcntl
import getpass
import json
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import polars as pl
from deltalake import DeltaTable

from segkit.store import _delta
from segkit.store.errors import WorkspaceConflict, WorkspaceError
from segkit.store.fields import CORE_CONTACT_COLUMNS, EVENT_FIELDS, STANDARD_FIELDS

FORMAT = "segkit-workspace"
# 1: the first layout; 2: adds merges/ and pair_decisions/ (LATER_TABLES). A format-1
# workspace opens as it is and becomes format 2 with its first write (add_missing_tables),
# so that a segkit that knows only format 1 refuses it instead of writing around those tables.
FORMAT_VERSION = 2
MARKER = "segkit-workspace.json"
JOURNAL = "_commits"
LOCK = ".segkit.lock"
REJECTS = "rejects"

# table name -> (empty frame giving its initial schema, columns with statistics in the log)
TABLES: dict[str, tuple[pl.DataFrame, tuple[str, ...]]] = {
    "contacts": (
        pl.DataFrame(schema={c: STANDARD_FIELDS[c] for c in CORE_CONTACT_COLUMNS}),
        ("contact_id",),
    ),
    "events": (
        pl.DataFrame(schema={c: EVENT_FIELDS[c] for c in ("contact_id", "event", "timestamp")}),
        ("contact_id", "timestamp"),
    ),
    "campaigns": (pl.DataFrame(schema={"campaign_id": pl.String}), ("campaign_id",)),
    "segments": (
        pl.DataFrame(schema={"name": pl.String, "definition": pl.String, "static": pl.Boolean,
                             "members": pl.List(pl.Int64), "saved_at": pl.Datetime("us")}),
        ("name",),
    ),  # fmt: skip
    "snapshots": (
        pl.DataFrame(schema={"snapshot": pl.Int64, "segment": pl.String,
                             "as_of": pl.Datetime("us"), "taken_at": pl.Datetime("us"),
                             "size": pl.Int64, "static": pl.Boolean,
                             "definition": pl.String}),
        ("snapshot",),
    ),  # fmt: skip
    "memberships": (
        pl.DataFrame(schema={"snapshot": pl.Int64, "segment": pl.String,
                             "contact_id": pl.Int64}),
        ("snapshot", "contact_id"),
    ),  # fmt: skip
    # the merge audit (segkit/store/merge.py): one row per contact of each merged cluster
    "merges": (
        pl.DataFrame(schema={"entry": pl.String, "merge_id": pl.Int64, "survivor_id": pl.Int64,
                             "contact_id": pl.Int64, "survivor": pl.Boolean,
                             "fields": pl.List(pl.String), "rules": pl.String,
                             "contact": pl.String, "events": pl.String, "n_events": pl.Int64,
                             "static_segments": pl.List(pl.String),
                             "merged_at": pl.Datetime("us"), "unmerged_in": pl.Int64,
                             "unmerged_at": pl.Datetime("us")}),
        ("merge_id", "survivor_id", "contact_id"),
    ),  # fmt: skip
    # a person's decisions on candidate duplicate pairs (ws.decide, DuplicateReviewer)
    "pair_decisions": (
        pl.DataFrame(schema={"pair": pl.String, "contact_id_a": pl.Int64,
                             "contact_id_b": pl.Int64, "decision": pl.String,
                             "score": pl.Float64, "merge_id": pl.Int64, "note": pl.String,
                             "decided_at": pl.Datetime("us"), "user": pl.String}),
        ("contact_id_a", "contact_id_b"),
    ),  # fmt: skip
}
DATA_TABLES = tuple(TABLES)
# tables of format 2: a format-1 workspace has no folder for them (created empty on its first
# write, see add_missing_tables) and no journal column (read as their version 0: empty)
LATER_TABLES = ("merges", "pair_decisions")

JOURNAL_SCHEMA = pl.Schema({
    "version": pl.Int64, "time": pl.Datetime("us"), "operation": pl.String,
    "message": pl.String, "rows_affected": pl.Int64, "details": pl.String, "user": pl.String,
    **{f"{t}_version": pl.Int64 for t in DATA_TABLES},
})  # fmt: skip

LAYOUT_DOC = f"""\
A segkit workspace is one folder:

  {MARKER}   format marker: {{"format": "{FORMAT}", "format_version": {FORMAT_VERSION}, ...}}
  contacts/              Delta table, one row per contact (contact_id Int64 + fields)
  events/                Delta table, one row per event (contact_id, event, timestamp, ...)
  campaigns/             Delta table (campaign_id + properties)
  segments/              Delta table, the segment catalog (name, definition JSON, static,
                         members of a static segment, saved_at)
  snapshots/             Delta table, one row per segment per refresh (size, as_of)
  memberships/           Delta table, member ids per segment per refresh
  merges/                Delta table, the merge audit: one row per contact of each merged
                         cluster (merge_id, survivor_id, contact_id, fields it supplied, its
                         previous row and moved events as JSON, unmerged_in)
  pair_decisions/        Delta table, decisions on candidate duplicate pairs (pair, ids,
                         decision "merge" or "not_duplicate", score, merge_id, decided_at)
  {JOURNAL}/              Delta table, one row per workspace commit: version, time, operation,
                         message, rows_affected, details (JSON), user and the Delta version of
                         every table above after the operation
  {REJECTS}/               CSV files of rows an import could not take (row, reason, raw values)
  {LOCK}           lock file for writers on this machine

Every table is a plain Delta Lake table (readable by Spark, Databricks, DuckDB, Trino; naive
datetimes are Delta timestamp_ntz, meaning UTC). The workspace version is the `version` column
of `{JOURNAL}`; the state at version N is each table at the version recorded in that row.
"""


@dataclass(frozen=True)
class Commit:
    """One row of the journal: the workspace at ``version``."""

    version: int
    time: _dt.datetime
    operation: str
    message: str
    rows_affected: int
    tables: Mapping[str, int]
    details: Mapping[str, Any] = field(default_factory=dict)
    user: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Commit:
        return cls(
            version=row["version"], time=row["time"], operation=row["operation"],
            message=row["message"] or "", rows_affected=row["rows_affected"] or 0,
            tables={t: row.get(f"{t}_version") or 0 for t in DATA_TABLES},
            details=json.loads(row["details"] or "{}"), user=row.get("user"),
        )  # fmt: skip

    def to_row(self) -> dict[str, Any]:
        return {
            "version": self.version, "time": self.time, "operation": self.operation,
            "message": self.message, "rows_affected": self.rows_affected,
            "details": json.dumps(dict(self.details), default=str, sort_keys=True),
            "user": self.user, **{f"{t}_version": self.tables[t] for t in DATA_TABLES},
        }  # fmt: skip


def now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)


def user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return None


# -- marker -------------------------------------------------------------------------------------


def write_marker(root: Path) -> None:
    from segkit import __version__

    doc = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "created_at": now().isoformat(),
        "created_by": f"segkit {__version__}", "tables": [*DATA_TABLES, JOURNAL],
        "layout": "see segkit.store.LAYOUT (docs: segkit/store/_journal.py)",
    }  # fmt: skip
    _write_json(root / MARKER, doc)


def _write_json(path: Path, doc: dict[str, Any]) -> None:
    """Write ``path`` atomically (a reader sees the old file or the new one, never half)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    os.replace(tmp, path)


def read_marker(root: Path) -> dict[str, Any]:
    path = root / MARKER
    if not root.is_dir():
        raise WorkspaceError(f"{root}: no such folder (create one with Workspace.create)",
                             path=str(root))  # fmt: skip
    if not path.exists():
        raise WorkspaceError(
            f"{root} is not a segkit workspace (no {MARKER}); create one with "
            "Workspace.create(path) or `segkit init PATH`", path=str(root),
        )  # fmt: skip
    try:
        doc = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise WorkspaceError(f"{path}: unreadable workspace marker ({exc})", path=str(path)) \
            from None  # fmt: skip
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise WorkspaceError(
            f"{path}: unknown format {doc.get('format') if isinstance(doc, dict) else doc!r} "
            f"(expected {FORMAT!r})", path=str(path),
        )  # fmt: skip
    fv = doc.get("format_version")
    if not isinstance(fv, int) or fv < 1:
        raise WorkspaceError(f"{path}: invalid format_version {fv!r}", path=str(path))
    if fv > FORMAT_VERSION:
        raise WorkspaceError(
            f"{root} was written by a newer segkit (workspace format {fv}); this segkit reads "
            f"formats up to {FORMAT_VERSION}: upgrade segkit to open it", path=str(root),
        )  # fmt: skip
    return doc


def add_missing_tables(root: Path, jdt: DeltaTable) -> dict[str, int]:
    """Bring an older-format workspace to :data:`FORMAT_VERSION`: create the tables of
    :data:`LATER_TABLES` it lacks (empty), add their columns to the journal (nullable: older
    rows read as version 0) and, once they exist, rewrite the marker. Called by each writer
    under the lock; returns the versions of the tables it created."""
    have = {f.name for f in jdt.schema().fields}
    missing = [f"{t}_version" for t in DATA_TABLES if f"{t}_version" not in have]
    if missing:
        from deltalake import Field

        jdt.alter.add_columns([Field(c, "long", nullable=True) for c in missing])
        jdt.update_incremental()
    created = {}
    for name in LATER_TABLES:
        if not (root / name / "_delta_log").is_dir():
            empty, stats = TABLES[name]
            created[name] = _delta.create(root / name, empty, stats, name)
    doc = read_marker(root)
    if doc["format_version"] < FORMAT_VERSION:
        from segkit import __version__

        _write_json(root / MARKER, {**doc, "format_version": FORMAT_VERSION,
                                    "upgraded_by": f"segkit {__version__}",
                                    "upgraded_at": now().isoformat()})  # fmt: skip
    return created


# -- journal ------------------------------------------------------------------------------------


class Journal:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / JOURNAL
        self._reader: DeltaTable | None = None  # kept up to date by head()
        self._newest: tuple[int, Commit] | None = None  # (journal table version, its head)

    def create(self, tables: Mapping[str, int]) -> Commit:
        _delta.create(self.path, pl.DataFrame(schema=JOURNAL_SCHEMA), ("version",), JOURNAL)
        first = Commit(0, now(), "create", "workspace created", 0, dict(tables), {}, user())
        _delta.append(self.table(), pl.DataFrame([first.to_row()], schema=JOURNAL_SCHEMA),
                      evolve=False)  # fmt: skip
        return first

    def table(self) -> DeltaTable:
        try:
            return DeltaTable(str(self.path))
        except Exception as exc:  # noqa: BLE001 - deltalake raises several kinds
            raise WorkspaceError(f"{self.path}: cannot read the commit journal ({exc})",
                                 path=str(self.path)) from None  # fmt: skip

    def frame(self, dt: DeltaTable | None = None) -> pl.LazyFrame:
        return pl.scan_delta(dt if dt is not None else self.table())

    def newest(self) -> Commit:
        """The newest commit, for readers (opening a workspace, ``Workspace.head()``).

        The journal only ever grows by appending one row per commit, so its newest Delta log
        entry is, as a rule, that append: one file holding the newest row, named in the log
        entry itself. Reading the entry (a directory listing and a small JSON) and that file
        costs a fraction of a millisecond; opening the journal as a Delta table costs ~2 ms,
        on every open. Anything else in the newest entry (a compaction, a vacuum, an
        overwrite, several files) takes the general way, :meth:`head`."""
        try:
            found = self._newest_append()
        except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
            found = None
        return found if found is not None else self.head()[0]

    def _newest_append(self) -> Commit | None:
        log = self.path / "_delta_log"
        entries = [e.name for e in os.scandir(log)
                   if len(e.name) == 25 and e.name.endswith(".json") and e.name[:20].isdigit()]
        if not entries:
            return None
        name = max(entries)  # zero-padded: the newest Delta version
        version = int(name[:20])
        if self._newest is not None and self._newest[0] == version:
            return self._newest[1]
        actions = [json.loads(line) for line in (log / name).read_text().splitlines() if line]
        info = next((a["commitInfo"] for a in actions if "commitInfo" in a), {})
        adds = [a["add"] for a in actions if "add" in a]
        if info.get("operation") != "WRITE" or \
                info.get("operationParameters", {}).get("mode") != "Append" or \
                len(adds) != 1 or any(k not in ("commitInfo", "add") for a in actions for k in a):
            return None  # fmt: skip
        top = json.loads(adds[0]["stats"])["maxValues"]["version"]
        path = unquote(adds[0]["path"])
        if "://" in path or adds[0].get("deletionVector"):
            return None
        rows = pl.read_parquet(self.path / path)
        hits = (rows.get_column("version") == top).arg_true()
        if hits.len() != 1:
            return None
        commit = Commit.from_row(rows.row(hits[0], named=True))
        self._newest = (version, commit)  # what head() would find at this journal version
        return commit

    def head(self) -> tuple[Commit, DeltaTable]:
        """The newest commit and the journal table at its version (for appending the next).

        The journal's log is read once and then followed incrementally; the newest row is read
        with a filter on its version (the log's "version" statistics let the scan skip every
        other file), and not again while the journal has not moved."""
        if self._reader is None:
            self._reader = self.table()
        else:
            try:
                self._reader.update_incremental()
            except Exception as exc:  # noqa: BLE001 - deltalake raises several kinds
                raise WorkspaceError(f"{self.path}: cannot read the commit journal ({exc})",
                                     path=str(self.path)) from None  # fmt: skip
        dt = self._reader
        if self._newest is None or self._newest[0] != dt.version():
            newest = pl.DataFrame(dt.get_add_actions(flatten=True)).get_column(
                "max.version", default=None)  # fmt: skip
            lf = self.frame(dt)
            if newest is not None and newest.len() and not newest.has_nulls():
                lf = lf.filter(pl.col("version") == newest.max())  # read one file, not all
            rows = lf.sort("version", descending=True).head(1).collect()
            if rows.height == 0:
                raise WorkspaceError(f"{self.path}: the commit journal is empty",
                                     path=str(self.path))  # fmt: skip
            self._newest = (dt.version(), Commit.from_row(rows.row(0, named=True)))
        return self._newest[1], dt

    def at(self, version: int | str | _dt.datetime) -> Commit:
        lf = self.frame()
        if isinstance(version, str | _dt.datetime | _dt.date):
            when = _as_datetime(version)
            rows = lf.filter(pl.col("time") <= when).sort("version", descending=True).head(1)
            rows = rows.collect()
            if rows.height == 0:
                raise WorkspaceError(f"the workspace did not exist yet at {when:%Y-%m-%d %H:%M:%S}"
                                     " UTC", path=str(self.root))  # fmt: skip
        else:
            if isinstance(version, bool) or not isinstance(version, int):
                raise WorkspaceError(f"version must be an int, a datetime or an ISO string, "
                                     f"found {version!r}")  # fmt: skip
            rows = lf.filter(pl.col("version") == version).collect()
            if rows.height == 0:
                head = lf.select(pl.col("version").max()).collect().item()
                raise WorkspaceError(f"no version {version} (versions are 0..{head})",
                                     path=str(self.root))  # fmt: skip
        commit = Commit.from_row(rows.row(0, named=True))
        erased = self.erased_after(commit.version)
        if erased is not None:
            raise WorkspaceError(
                f"version {commit.version} is before the erasure at version {erased} "
                "(ws.forget / ws.purge_history): the files of older versions were deleted, so "
                "they cannot be read or restored", path=str(self.root),
            )  # fmt: skip
        return commit

    def erased_after(self, version: int) -> int | None:
        """The latest purge of old files (after ``forget``) later than ``version``, if any:
        versions before it cannot be read any more."""
        purged = pl.col("operation").is_in(["forget", "purge_history"])
        return (self.frame().filter(purged & (pl.col("version") > version))
                .select(pl.col("version").max()).collect().item())  # fmt: skip

    def append(self, dt: DeltaTable, commit: Commit) -> None:
        """Append ``commit`` as the next version of ``dt`` exactly (compare-and-swap)."""
        try:
            _delta.append(dt, pl.DataFrame([commit.to_row()], schema=JOURNAL_SCHEMA),
                          evolve=False)  # fmt: skip
        except WorkspaceConflict as exc:
            raise WorkspaceConflict(
                f"another writer committed workspace version {commit.version} first; nothing of "
                f"this {commit.operation!r} is visible: call ws.reload() and retry",
                path=str(self.root), base=commit.version - 1,
            ) from exc  # fmt: skip


def _as_datetime(v: str | _dt.datetime | _dt.date) -> _dt.datetime:
    if isinstance(v, str):
        try:
            v = _dt.datetime.fromisoformat(v)
        except ValueError:
            raise WorkspaceError(f"not an ISO date or datetime: {v!r}") from None
    if isinstance(v, _dt.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(_dt.UTC).replace(tzinfo=None)
        return v
    return _dt.datetime(v.year, v.month, v.day, 23, 59, 59, 999999)


# -- lock ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def locked(root: Path, timeout: float) -> Iterator[None]:
    """Exclusive lock on the workspace's lock file (released by the OS if the process dies)."""
    path = root / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise WorkspaceConflict(
                        f"{root}: another writer has held the workspace lock for {timeout:.0f} s; "
                        "retry when it is done", path=str(root),
                    ) from None  # fmt: skip
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
