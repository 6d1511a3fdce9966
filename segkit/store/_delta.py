"""Thin helpers over the ``deltalake`` package: types, table creation, and writes that either land
at exactly the next table version or fail (no silent rebase onto someone else's commit).

Reads go through polars (``pl.scan_delta``); writes through polars ``write_delta`` or, for merge,
delete, restore and vacuum, through ``deltalake.DeltaTable``. Merge predicates only ever name
columns (``t.contact_id = s.contact_id``): values never reach SQL text.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl
from deltalake import CommitProperties, DeltaTable, TableFeatures, WriterProperties
from deltalake.exceptions import CommitFailedError

from segkit.store.errors import WorkspaceConflict

# Every write commits at exactly (read version + 1) or fails: a concurrent commit is a conflict,
# never silently merged into ours.
_STRICT = CommitProperties(max_commit_retries=0)

# Row groups of 128k rows (not a million): with events sorted by type and time as they are
# written, a scan for "page views in the last 30 days" skips most row groups by their
# statistics and decodes only the rest.
_WRITER = WriterProperties(max_row_group_size=128 * 1024)


def delta_frame(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with types every Delta reader understands.

    Categoricals/enums become strings, unsigned and small integers Int64, datetimes microsecond
    naive UTC (segkit's convention: naive means UTC), all-null columns strings.
    """
    return df.with_columns(
        pl.col(c).cast(t2) for c, t in df.schema.items() if (t2 := delta_dtype(t)) != t
    )


def delta_dtype(t: pl.DataType) -> pl.DataType:
    if isinstance(t, pl.Categorical | pl.Enum | pl.Null | pl.Object | pl.Time):
        return pl.String
    if t in (pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64, pl.Int8, pl.Int16, pl.Int32):
        return pl.Int64
    if t == pl.Float32:
        return pl.Float64
    if isinstance(t, pl.Datetime):
        return pl.Datetime("us")
    if isinstance(t, pl.Duration):
        return pl.Int64
    if isinstance(t, pl.List):
        return pl.List(delta_dtype(t.inner))
    return t


def naive_utc(df: pl.DataFrame) -> pl.DataFrame:
    """Zone-aware datetime columns converted to UTC and made naive."""
    return df.with_columns(
        pl.col(c).dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        for c, t in df.schema.items()
        if isinstance(t, pl.Datetime) and t.time_zone is not None
    )


def create(path: Path, empty: pl.DataFrame, stats_columns: Iterable[str], name: str) -> int:
    """Create a Delta table with the schema of ``empty`` (no rows); return its version (0).

    Column statistics are kept only for ``stats_columns`` (ids, timestamps): other values, such
    as emails, never appear in the transaction log.
    """
    config = {"delta.dataSkippingStatsColumns": ",".join(stats_columns)}
    delta_frame(empty).write_delta(
        str(path), mode="error",
        delta_write_options={"configuration": config, "name": name},
    )  # fmt: skip
    dt = DeltaTable(str(path))
    # naive datetimes are Delta's timestamp_ntz; enable it now so that a merge adding such a
    # column later does not fail (merge does not upgrade the protocol by itself)
    dt.alter.add_feature(TableFeatures.TimestampWithoutTimezone,
                         allow_protocol_versions_increase=True)  # fmt: skip
    dt.update_incremental()
    return dt.version()


def table(path: Path, version: int | None = None) -> DeltaTable:
    return DeltaTable(str(path), version=version)


_OPENER: ThreadPoolExecutor | None = None


def open_later(path: Path, version: int | None = None) -> Future[DeltaTable]:
    """``table(path, version)``, opened on a thread while the caller goes on. (No fork guard
    for the threads: deltalake itself refuses to run in a forked child.)"""
    global _OPENER
    if _OPENER is None:
        _OPENER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="segkit-delta-open")
    return _OPENER.submit(table, path, version)


def _conflict(path: Path, exc: Exception) -> WorkspaceConflict:
    return WorkspaceConflict(
        f"another writer committed to {path.name} at the same time ({exc}); nothing of this "
        "operation is visible: call ws.reload() and retry",
        path=str(path),
    )


def append(dt: DeltaTable, df: pl.DataFrame, *, evolve: bool = True) -> int:
    opts: dict[str, Any] = {"commit_properties": _STRICT, "writer_properties": _WRITER}
    if evolve:
        opts["schema_mode"] = "merge"
    try:
        delta_frame(df).write_delta(dt, mode="append", delta_write_options=opts)
    except CommitFailedError as exc:
        raise _conflict(Path(dt.table_uri), exc) from None
    dt.update_incremental()
    return dt.version()


def overwrite(dt: DeltaTable, df: pl.DataFrame) -> int:
    try:
        delta_frame(df).write_delta(
            dt, mode="overwrite",
            delta_write_options={"schema_mode": "overwrite", "commit_properties": _STRICT,
                                 "writer_properties": _WRITER},
        )  # fmt: skip
    except CommitFailedError as exc:
        raise _conflict(Path(dt.table_uri), exc) from None
    dt.update_incremental()
    return dt.version()


def _q(col: str) -> str:
    # column names are checked identifiers (see fields.check_name); quote anyway
    return "`" + col.replace("`", "``") + "`"


def merge(
    dt: DeltaTable,
    df: pl.DataFrame,
    key: str,
    *,
    update: bool = True,
    insert: bool = True,
    delete: bool = False,
) -> dict[str, Any]:
    """Merge ``df`` into the table on ``key``: matched rows get ``df``'s columns (only those
    columns), unmatched rows are inserted, or (``delete``) matched rows are deleted."""
    src = delta_frame(df)
    cols = {_q(c): f"s.{_q(c)}" for c in src.columns}
    merger = dt.merge(
        src.to_arrow(), predicate=f"t.{_q(key)} = s.{_q(key)}", source_alias="s",
        target_alias="t", merge_schema=not delete, commit_properties=_STRICT,
        writer_properties=_WRITER,
    )  # fmt: skip
    if delete:
        merger = merger.when_matched_delete()
    else:
        if update:
            merger = merger.when_matched_update({k: v for k, v in cols.items() if k != _q(key)}
                                                or cols)  # fmt: skip
        if insert:
            merger = merger.when_not_matched_insert(cols)
    try:
        metrics = merger.execute()
    except CommitFailedError as exc:
        raise _conflict(Path(dt.table_uri), exc) from None
    dt.update_incremental()
    return metrics


def restore(dt: DeltaTable, version: int) -> int:
    try:
        dt.restore(version, commit_properties=_STRICT)
    except CommitFailedError as exc:
        raise _conflict(Path(dt.table_uri), exc) from None
    dt.update_incremental()
    return dt.version()


def purge_history(dt: DeltaTable) -> list[str]:
    """Make every older version of the table unreadable and delete its files: vacuum every
    file the current version does not reference, checkpoint, and delete the log entries before
    the checkpoint (their statistics may mention erased values). Returns the removed files."""
    removed = dt.vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False,
                        full=True)  # fmt: skip
    dt.update_incremental()
    dt.alter.set_table_properties({"delta.logRetentionDuration": "interval 0 seconds"})
    dt.update_incremental()
    dt.create_checkpoint()
    time.sleep(0.002)  # the cut-off is "older than now"
    dt.cleanup_metadata()
    dt.update_incremental()
    dt.alter.set_table_properties({"delta.logRetentionDuration": "interval 30 days"})
    dt.update_incremental()
    # an interrupted earlier write may have left files no log mentions (vacuum full took them)
    return removed
