"""``Workspace``: a persistent contact store in one folder of Delta Lake tables.

>>> import tempfile, os
>>> from segkit.store import Workspace
>>> ws = Workspace.create(os.path.join(tempfile.mkdtemp(), "crm"))
>>> cid = ws.add_contact(email=" Jane@Acme.com ", first_name="Jane", company="Acme")
>>> ws.dataset().contacts.select("contact_id", "email").row(0)
(1, 'jane@acme.com')
>>> ws.history()["operation"].to_list()
['add_contact', 'create']

Consistency model (see ``segkit/store/_journal.py``): every write is one workspace commit;
a reader pins each table at the version its commit recorded (snapshot isolation across tables);
writers hold a lock file for the whole write and commit optimistically: a Workspace object
whose version is behind the head when it writes raises :class:`WorkspaceConflict` instead of
overwriting a change it has not seen. ``ws.reload()`` moves it to the head.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as _dt
import html
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import polars as pl
from deltalake import DeltaTable

from segkit.data.dataset import Dataset
from segkit.errors import DataError, SegmentError
from segkit.store import _delta
from segkit.store import _journal as J
from segkit.store import merge as _merge
from segkit.store import normalize as N
from segkit.store.errors import WorkspaceConflict, WorkspaceError
from segkit.store.fields import STANDARD_FIELDS, check_name, parse_dtype, unknown_field
from segkit.store.importing import ROW, Prepared, prepare, read_source
from segkit.store.presets import get as get_preset
from segkit.store.reports import ExportReport, ImportReport, SegmentChanges

_DATASET_TABLES = ("contacts", "events", "campaigns")


def WorkspaceDataset(contacts, events=None, campaigns=None, **kw) -> Dataset:  # noqa: N802
    """A :class:`Dataset` read from a workspace. ``contact_id`` is unique, non-null Int64 there
    by construction (assigned by the workspace, the merge key of every write), so the full-column
    uniqueness scan is skipped: opening a workspace reads no data until a query needs it."""
    data = Dataset(contacts, events, campaigns, unique_ids=True, **kw)
    dtype = data.contacts_schema.get("contact_id")
    if dtype != pl.Int64:
        raise DataError(f"contacts.contact_id must be Int64 in a workspace, found {dtype}",
                        table="contacts", column="contact_id")  # fmt: skip
    return data


class _Tx:
    """One write in progress: the head it started from and the table versions it produced."""

    def __init__(self, ws: Workspace, head: J.Commit, jdt: DeltaTable) -> None:
        self.ws = ws
        self.head = head
        self.jdt = jdt
        self.versions: dict[str, int] = dict(head.tables)
        self.rows_affected = 0
        self.details: dict[str, Any] = {}
        self.message: str | None = None
        self._dts: dict[str, DeltaTable] = {}
        self.touched: set[str] = set()

    @property
    def next_version(self) -> int:
        return self.head.version + 1

    def scan(self, table: str) -> pl.LazyFrame:
        return pl.scan_delta(self.ws._snapshot(table, self.versions[table]))

    def schema(self, table: str) -> pl.Schema:
        return self.scan(table).collect_schema()

    def dt(self, table: str) -> DeltaTable:
        """The table, first restored to its recorded version if an interrupted writer left a
        newer one (its half-done change was never committed to the workspace)."""
        if table not in self._dts:
            dt = _delta.table(self.ws.path / table)
            recorded = self.versions[table]
            if dt.version() != recorded:
                if dt.version() < recorded:
                    raise WorkspaceError(f"{self.ws.path / table}: table is older than the "
                                         "workspace journal says; the folder was tampered with")
                _delta.restore(dt, recorded)
                self.versions[table] = dt.version()  # same content, recorded from now on
                self.touched.add(table)
            self._dts[table] = dt
        return self._dts[table]

    def has_rows(self, table: str) -> bool:
        return len(self.ws._snapshot(table, self.versions[table]).file_uris()) > 0

    def _after(self, table: str) -> None:
        self.versions[table] = self._dts[table].version()
        self.touched.add(table)

    def append(self, table: str, df: pl.DataFrame) -> None:
        if df.height == 0 and set(df.columns) <= set(self.schema(table)):
            return
        if table == "events":
            # clustered by type and time: row-group statistics let scans skip other types and
            # times
            df = df.sort("event", "timestamp", nulls_last=True)
        _delta.append(self.dt(table), df)
        self._after(table)

    def overwrite(self, table: str, df: pl.DataFrame) -> None:
        _delta.overwrite(self.dt(table), df)
        self._after(table)

    def merge(self, table: str, df: pl.DataFrame, key: str, **kw: Any) -> dict[str, Any]:
        if df.height == 0:
            return {}
        out = _delta.merge(self.dt(table), df, key, **kw)
        self._after(table)
        return out

    def delete_keys(self, table: str, keys: pl.Series) -> int:
        if keys.len() == 0:
            return 0
        out = _delta.merge(self.dt(table), keys.unique().to_frame(), keys.name, delete=True)
        self._after(table)
        return int(out.get("num_target_rows_deleted", 0))

    def restore(self, table: str, version: int) -> None:
        if self.versions[table] == version:
            return
        _delta.restore(self.dt(table), version)
        self._after(table)

    def rollback(self) -> None:
        """Best effort: put touched tables back at their recorded versions."""
        for table in self.touched:
            with contextlib.suppress(Exception):
                dt = _delta.table(self.ws.path / table)
                if dt.version() != self.head.tables[table]:
                    _delta.restore(dt, self.head.tables[table])


class Workspace:
    """A contact store on Delta Lake: import, edit, history and undo, a segment catalog with
    membership snapshots, export, erasure and search. Create one with :meth:`create`, open one
    with :meth:`open`."""

    FORMAT_VERSION = J.FORMAT_VERSION
    LAYOUT = J.LAYOUT_DOC
    lock_timeout = 30.0

    def __init__(self, path: Path, head: J.Commit, journal: J.Journal | None = None) -> None:
        self.path = path
        self._head = head
        self._journal = journal or J.Journal(path)
        self._search_cache: tuple[int, Any] | None = None
        # (table, table version) -> its Delta snapshot: a version never changes, so reading its
        # log once serves every later scan of it (a few recent ones are kept)
        self._snapshots: collections.OrderedDict[tuple[str, int], DeltaTable] = \
            collections.OrderedDict()  # fmt: skip
        # snapshots being opened on threads, by (table, version); version None is the newest,
        # whatever its number (see open() and _snapshot())
        self._opening: dict[tuple[str, int | None], Future[DeltaTable]] = {}

    # -- create / open ---------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], *, exist_ok: bool = False) -> Workspace:
        """Create a workspace in ``path`` (a new or empty folder)."""
        root = Path(path)
        if (root / J.MARKER).exists():
            if exist_ok:
                return cls.open(root)
            raise WorkspaceError(f"{root} is already a segkit workspace (open it with "
                                 "Workspace.open)", path=str(root))  # fmt: skip
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise WorkspaceError(f"{root} exists and is not an empty folder; a workspace needs "
                                 "a folder of its own", path=str(root))  # fmt: skip
        root.mkdir(parents=True, exist_ok=True)
        with J.locked(root, cls.lock_timeout):
            versions = {name: _delta.create(root / name, empty, stats, name)
                        for name, (empty, stats) in J.TABLES.items()}  # fmt: skip
            head = J.Journal(root).create(versions)
            (root / J.REJECTS).mkdir(exist_ok=True)
            J.write_marker(root)  # last: a folder without it is not a workspace
        return cls(root, head)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Workspace:
        """Open an existing workspace (a clear error for a folder of unknown or newer format)."""
        root = Path(path)
        J.read_marker(root)
        # the tables a Dataset reads are most likely wanted at their newest versions: open them
        # while the journal says which versions those are
        opening = {(t, None): _delta.open_later(root / t) for t in _DATASET_TABLES}
        journal = J.Journal(root)
        ws = cls(root, journal.newest(), journal)
        ws._opening = opening
        return ws

    @property
    def version(self) -> int:
        """The workspace version this object last read or wrote (its base for writes)."""
        return self._head.version

    def head(self) -> J.Commit:
        """The newest commit (read from disk now)."""
        return self._journal.newest()

    def reload(self) -> Workspace:
        """Move this object to the newest version (after a :class:`WorkspaceConflict`)."""
        self._head = self.head()
        return self

    def _commit_at(self, version: int | str | _dt.datetime | None) -> J.Commit:
        if version is None:
            self._head = self.head()
            return self._head
        return self._journal.at(version)

    # -- reading ---------------------------------------------------------------------------------

    def _snapshot(self, table: str, version: int) -> DeltaTable:
        key = (table, version)
        if key not in self._snapshots:
            # the newest version open() started opening: kept under its own number (a Delta
            # version never changes; one ahead of the journal is never named by a commit)
            newest = self._opening.pop((table, None), None)
            if newest is not None and newest.exception() is None:
                self._remember((table, newest.result().version()), newest.result())
        if key in self._snapshots:
            self._snapshots.move_to_end(key)
            return self._snapshots[key]
        opening = self._opening.pop(key, None)
        dt = opening.result() if opening is not None else _delta.table(self.path / table, version)
        return self._remember(key, dt)

    def _remember(self, key: tuple[str, int], dt: DeltaTable) -> DeltaTable:
        self._snapshots[key] = dt
        while len(self._snapshots) > 16:
            self._snapshots.popitem(last=False)
        return dt

    def _open_later(self, commit: J.Commit, tables: Iterable[str]) -> None:
        """Start opening the snapshots of ``tables`` at ``commit`` on threads, side by side
        (opening a Delta table is mostly reading its log, which deltalake does without the GIL):
        :meth:`_snapshot` then waits for them."""
        for t in tables:
            key = (t, commit.tables[t])
            if key not in self._snapshots and key not in self._opening \
                    and (t, None) not in self._opening:  # fmt: skip
                self._opening[key] = _delta.open_later(self.path / t, key[1])

    def _scan(self, table: str, commit: J.Commit) -> pl.LazyFrame:
        return pl.scan_delta(self._snapshot(table, commit.tables[table]))

    def dataset(self, version: int | str | _dt.datetime | None = None) -> Dataset:
        """The workspace as a :class:`Dataset` (lazy tables pinned to one version).

        ``version``: a workspace version (int), a datetime or ISO string (the state at that
        time, UTC), or None for the newest. The Dataset keeps reading that snapshot whatever
        is committed later; ``.collect()`` it to keep it in memory.
        """
        commit = self._commit_at(version)
        self._open_later(commit, _DATASET_TABLES)
        contacts = self._scan("contacts", commit)
        events = self._scan("events", commit) if self._has_rows("events", commit) else None
        campaigns = self._scan("campaigns", commit) if self._has_rows("campaigns", commit) \
            else None  # fmt: skip
        return WorkspaceDataset(contacts, events, campaigns,
                                name=f"{self.path.name}@{commit.version}")

    def _has_rows(self, table: str, commit: J.Commit) -> bool:
        return len(self._snapshot(table, commit.tables[table]).file_uris()) > 0

    def contacts(self, version: int | str | _dt.datetime | None = None) -> pl.DataFrame:
        """The contacts table, sorted by ``contact_id``."""
        return self._scan("contacts", self._commit_at(version)).sort("contact_id").collect()

    def events(self, version: int | str | _dt.datetime | None = None) -> pl.DataFrame:
        return self._scan("events", self._commit_at(version)).collect()

    def campaigns(self, version: int | str | _dt.datetime | None = None) -> pl.DataFrame:
        return self._scan("campaigns", self._commit_at(version)).collect()

    @property
    def n_contacts(self) -> int:
        """Number of contacts at the newest version."""
        return self._scan("contacts", self._commit_at(None)).select(pl.len()).collect().item()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r}, version {self.version})"

    def _repr_html_(self) -> str:
        commit = self._commit_at(None)
        n = self._scan("contacts", commit).select(pl.len()).collect().item()
        ne = self._scan("events", commit).select(pl.len()).collect().item()
        segs = self._scan("segments", commit).select(pl.len()).collect().item()
        return (f"<div><b>segkit workspace</b> <code>{html.escape(str(self.path))}</code>: "
                f"version {commit.version} ({html.escape(commit.operation)}, "
                f"{commit.time:%Y-%m-%d %H:%M} UTC); {n:,} contacts, {ne:,} events, "
                f"{segs} saved segments</div>")  # fmt: skip

    # -- writing machinery -----------------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self, operation: str, message: str | None) -> Iterator[_Tx]:
        with J.locked(self.path, self.lock_timeout):
            head, jdt = self._journal.head()
            if head.version != self._head.version:
                raise WorkspaceConflict(
                    f"the workspace changed since this Workspace read it (you are at version "
                    f"{self._head.version}, the newest is {head.version}: {head.operation!r}, "
                    f"{head.message!r}); nothing was written: call ws.reload() and retry the "
                    f"{operation}", path=str(self.path), base=self._head.version,
                    head=head.version,
                )  # fmt: skip
            tx = _Tx(self, head, jdt)
            tx.message = message
            for table, created in J.add_missing_tables(self.path, jdt).items():
                tx.versions[table] = created  # a workspace older than the table
                tx.touched.add(table)
            try:
                yield tx
                commit = J.Commit(
                    version=tx.next_version, time=J.now(), operation=operation,
                    message=tx.message or operation, rows_affected=int(tx.rows_affected),
                    tables=dict(tx.versions), details=tx.details, user=J.user(),
                )  # fmt: skip
                self._journal.append(jdt, commit)
            except BaseException:
                tx.rollback()
                raise
            self._head = commit

    # -- contacts: single edits ------------------------------------------------------------------

    def _conform(self, df: pl.DataFrame, schema: Mapping[str, pl.DataType], *,
                 allow_new: bool, phone_region: str | None = "US") -> pl.DataFrame:  # fmt: skip
        """``df`` converted to the table's types, with normalised email/phone/country; one
        DataError naming the field and value if a value does not fit."""
        out = []
        for c in df.columns:
            s = df[c]
            target = schema.get(c) or STANDARD_FIELDS.get(c)
            if target is None:
                if not allow_new:
                    raise unknown_field(c, sorted(set(schema) | set(STANDARD_FIELDS)))
                check_name(c)
                out.append(N.infer(s) if s.dtype == pl.String else s)
                continue
            if s.dtype == pl.Null:
                out.append(pl.Series(c, [None] * len(s), dtype=target))
                continue
            if isinstance(s.dtype, pl.List) != isinstance(target, pl.List) and target != pl.String:
                raise DataError(f"contacts.{c} holds {target}; found {s.dtype} value "
                                f"{s.drop_nulls()[0]!r}", table="contacts", column=c)  # fmt: skip
            if target == pl.String and (isinstance(s.dtype, pl.List) or s.dtype == pl.Boolean):
                raise DataError(f"contacts.{c} holds text; found {s.dtype} value "
                                f"{s.drop_nulls()[0]!r}", table="contacts", column=c)  # fmt: skip
            conv, bad = N.convert(s, target)
            if bad.any():
                v = s.filter(bad)[0]
                raise DataError(f"contacts.{c} holds {_words(target)}; {v!r} is not one",
                                table="contacts", column=c)  # fmt: skip
            out.append(conv)
        df = pl.DataFrame(out, schema={s.name: s.dtype for s in out}) if out else df
        if "email" in df.columns:
            df = df.with_columns(N.email(pl.col("email")))
            bad = df.filter(pl.col("email").is_not_null() & ~N.email_ok(pl.col("email")))
            if bad.height:
                raise DataError(f"invalid email {bad['email'][0]!r}", table="contacts",
                                column="email")  # fmt: skip
        if "country" in df.columns:
            df = df.with_columns(N.country(df["country"])[0])
        for ph in ("phone", "mobile_phone"):
            if ph in df.columns and df.schema[ph] == pl.String:
                region = df["country"] if "country" in df.columns else None
                df = df.with_columns(N.phone(df[ph], region, phone_region)[0])
        return df

    def _check_unique_email(self, tx: _Tx, df: pl.DataFrame, exclude_ids: list[int]) -> None:
        if "email" not in df.columns:
            return
        emails = df["email"].drop_nulls()
        if emails.len() == 0:
            return
        dup = (tx.scan("contacts").filter(pl.col("email").is_in(emails.implode())
                                           & ~pl.col("contact_id").is_in(exclude_ids))
               .select("contact_id", "email").collect())  # fmt: skip
        if dup.height:
            raise DataError(f"a contact with email {dup['email'][0]!r} exists already "
                            f"(contact_id {dup['contact_id'][0]}); update it with "
                            "ws.update(contact_id, ...)", table="contacts", column="email")
        if emails.is_duplicated().any():
            raise DataError(f"email {emails.filter(emails.is_duplicated())[0]!r} appears twice",
                            table="contacts", column="email")  # fmt: skip

    def add_contact(self, message: str | None = None, **fields: Any) -> int:
        """Add one contact; returns its new ``contact_id``. Fields must exist (standard fields
        are added on first use; custom ones with :meth:`add_field`)."""
        if "contact_id" in fields:
            raise DataError("contact_id is assigned by the workspace; leave it out",
                            table="contacts", column="contact_id")  # fmt: skip
        with self._write("add_contact", message) as tx:
            schema = tx.schema("contacts")
            row = self._conform(pl.DataFrame({k: [v] for k, v in fields.items()}, strict=False)
                                if fields else pl.DataFrame(), schema, allow_new=False)
            self._check_unique_email(tx, row, [])
            new_id = self._max_id(tx) + 1
            row = row.with_columns(pl.lit(new_id, dtype=pl.Int64).alias("contact_id")) \
                if row.width else pl.DataFrame({"contact_id": [new_id]})  # fmt: skip
            tx.append("contacts", row)
            tx.rows_affected = 1
            tx.details = {"contact_id": new_id, "fields": sorted(fields)}
            tx.message = message or f"add contact {new_id}"
        return new_id

    def _max_id(self, tx: _Tx) -> int:
        """The highest id ever given out: live contacts and merged-away ones (which an unmerge
        brings back), so a new contact never takes an id that history still refers to."""
        ids = [tx.scan("contacts").select(pl.col("contact_id").max()).collect().item()]
        if "merges" in tx.versions and tx.has_rows("merges"):
            ids.append(tx.scan("merges").select(pl.col("contact_id").max()).collect().item())
        return int(max((i for i in ids if i is not None), default=0))

    def update(self, contact_id: int, message: str | None = None, **fields: Any) -> None:
        """Change fields of one contact (``None`` empties a field)."""
        if not fields:
            raise DataError("update() needs at least one field=value")
        if "contact_id" in fields:
            raise DataError("contact_id cannot change", table="contacts", column="contact_id")
        with self._write("update", message) as tx:
            schema = tx.schema("contacts")
            exists = tx.scan("contacts").filter(pl.col("contact_id") == contact_id) \
                .select(pl.len()).collect().item()  # fmt: skip
            if not exists:
                raise DataError(f"no contact with contact_id {contact_id!r}", table="contacts",
                                column="contact_id")  # fmt: skip
            row = self._conform(pl.DataFrame({k: [v] for k, v in fields.items()}, strict=False),
                                schema, allow_new=False)  # fmt: skip
            self._check_unique_email(tx, row, [contact_id])
            row = row.with_columns(pl.lit(contact_id, dtype=pl.Int64).alias("contact_id"))
            tx.merge("contacts", row, "contact_id", insert=False)
            tx.rows_affected = 1
            tx.details = {"contact_id": contact_id, "fields": sorted(fields)}
            tx.message = message or f"update contact {contact_id}: {', '.join(sorted(fields))}"

    def add_field(self, name: str, dtype: Any = "string", message: str | None = None) -> None:
        """Add a custom contact field (``dtype``: a polars type or ``"string"``, ``"int"``,
        ``"float"``, ``"bool"``, ``"date"``, ``"datetime"``, ``"list[string]"``)."""
        check_name(name)
        target = parse_dtype(dtype)
        with self._write("add_field", message) as tx:
            schema = tx.schema("contacts")
            if name in schema:
                raise DataError(f"contacts already has a field {name!r} ({schema[name]})",
                                table="contacts", column=name)  # fmt: skip
            from deltalake import Schema

            empty = _delta.delta_frame(pl.DataFrame(schema={name: target}))
            fields = list(Schema.from_arrow(empty.to_arrow().schema).fields)
            dt = tx.dt("contacts")
            dt.alter.add_columns(fields)
            dt.update_incremental()
            tx._after("contacts")
            tx.details = {"field": name, "dtype": str(target)}
            tx.message = message or f"add field {name} ({target})"

    def delete(self, ids: Any, message: str | None = None) -> int:
        """Delete contacts (ids, a DataFrame with ``contact_id``, a Segment or a saved
        segment's name) and their events; returns how many contacts were deleted. History
        keeps them (restore brings them back); use :meth:`forget` to erase."""
        with self._write("delete", message) as tx:
            keys = self._target_ids(tx, ids)
            n = tx.delete_keys("contacts", keys)
            ne = tx.delete_keys("events", keys)
            tx.rows_affected = n
            tx.details = {"contacts": n, "events": ne}
            tx.message = message or f"delete {n} contact(s) and {ne} event(s)"
        return n

    def _target_ids(self, tx: _Tx, target: Any) -> pl.Series:
        from segkit.segment import Segment

        if isinstance(target, str):
            target = self._catalog_at(tx)[0].get(target) or _raise_unknown_segment(
                target, list(self._catalog_at(tx)[0]))  # fmt: skip
        if isinstance(target, Segment):
            data = self._dataset_tx(tx)
            ids = target.mask(data, catalog=self._catalog_at(tx)[1])
            s = ids.filter(pl.col("member"))["contact_id"]
        elif isinstance(target, pl.DataFrame):
            s = target["contact_id"]
        elif isinstance(target, pl.Series):
            s = target
        elif isinstance(target, int) and not isinstance(target, bool):
            s = pl.Series([target])
        elif isinstance(target, Iterable):
            s = pl.Series(list(target))
        else:
            raise DataError(f"expected contact ids, a Segment or a segment name; found "
                            f"{type(target).__name__}")  # fmt: skip
        try:
            return s.cast(pl.Int64).alias("contact_id")
        except pl.exceptions.PolarsError:
            raise DataError("contact ids must be integers", column="contact_id") from None

    def _dataset_tx(self, tx: _Tx) -> Dataset:
        return WorkspaceDataset(tx.scan("contacts"),
                                tx.scan("events") if tx.has_rows("events") else None, None,
                                name=f"{self.path.name}@{tx.head.version}")  # fmt: skip

    def tag(self, target: Any, *tags: str, message: str | None = None) -> int:
        """Add tags to contacts (ids, a Segment or a saved segment's name); returns how many
        contacts changed."""
        return self._retag(target, tags, add=True, message=message)

    def untag(self, target: Any, *tags: str, message: str | None = None) -> int:
        """Remove tags from contacts; returns how many contacts changed."""
        return self._retag(target, tags, add=False, message=message)

    def _retag(self, target: Any, tags: tuple[str, ...], *, add: bool,
               message: str | None) -> int:  # fmt: skip
        tags = tuple(t.strip() for t in tags if isinstance(t, str) and t.strip())
        if not tags:
            raise DataError("give at least one tag (a non-empty string)")
        op = "tag" if add else "untag"
        with self._write(op, message) as tx:
            ids = self._target_ids(tx, target)
            schema = tx.schema("contacts")
            cur = tx.scan("contacts").filter(pl.col("contact_id").is_in(ids.implode()))
            have = pl.col("tags") if "tags" in schema else pl.lit(None, dtype=pl.List(pl.String))
            lit = pl.lit(pl.Series(list(tags), dtype=pl.String).implode())
            old = have.fill_null(pl.lit([], dtype=pl.List(pl.String)))
            drop = pl.element().is_in(pl.Series(list(tags), dtype=pl.String).implode())
            new = (old.list.concat(lit).list.unique(maintain_order=True) if add
                   else old.list.eval(pl.element().filter(~drop)))  # fmt: skip
            rows = (cur.select("contact_id", old.alias("old"), new.alias("tags"))
                    .filter(pl.col("old").list.sort() != pl.col("tags").list.sort())
                    .drop("old").collect())  # fmt: skip
            tx.merge("contacts", rows, "contact_id", insert=False)
            tx.rows_affected = rows.height
            tx.details = {"tags": list(tags), "contacts": rows.height}
            tx.message = message or f"{op} {rows.height} contact(s): {', '.join(tags)}"
        return rows.height

    # -- contacts: bulk --------------------------------------------------------------------------

    def import_contacts(
        self,
        source: Any,
        preset: str | None = None,
        key: str = "email",
        mapping: Mapping[str, str | None] | None = None,
        *,
        message: str | None = None,
        phone_region: str | None = "US",
    ) -> ImportReport:
        """Import contacts from a CSV/Parquet/NDJSON file or DataFrame: upsert on ``key``.

        ``preset`` ("hubspot", "mailchimp", "salesforce") maps that platform's export headers;
        ``mapping`` ({"Header": "field"}, None to skip a column) overrides it. Unknown columns
        become custom fields. Rows without a key, with an invalid email or an unparseable
        value of a typed field are rejected (see ``report.rejected`` and the rejects CSV);
        every other row is committed in one commit. Empty cells do not erase known values.
        National phone numbers without a country are read as ``phone_region``'s.
        """
        return self._import_contacts(source, preset, key, mapping, message, phone_region,
                                     strict=False, operation="import_contacts")  # fmt: skip

    def upsert(self, df: Any, key: str = "email", message: str | None = None) -> ImportReport:
        """Insert or update contacts from a DataFrame, matching on ``key``. Unlike
        :meth:`import_contacts`, a row that does not fit raises (nothing is written)."""
        return self._import_contacts(df, None, key, None, message, "US", strict=True,
                                     operation="upsert")  # fmt: skip

    def _import_contacts(self, source: Any, preset: Any, key: str, mapping: Any,
                         message: str | None, phone_region: str | None, *, strict: bool,
                         operation: str) -> ImportReport:  # fmt: skip
        t0 = time.perf_counter()
        pre = get_preset(preset)
        raw, name = read_source(source)
        with self._write(operation, message) as tx:
            schema = tx.schema("contacts")
            prep = prepare(raw, table="contacts", schema=schema, key=key, preset=pre,
                           mapping=mapping, phone_region=phone_region)  # fmt: skip
            if strict and prep.rejected.height:
                r = prep.rejected.row(0, named=True)
                raise DataError(f"{prep.rejected.height} row(s) do not fit, nothing was written; "
                                f"row {r['row']}: {r['reason']}", table="contacts",
                                rows=prep.rejected["row"].head(10).to_list())  # fmt: skip
            report = self._upsert_contacts(tx, prep, key, name)
            report.rejects_path = self._write_rejects(tx, prep, "contacts", name)
            tx.rows_affected = report.inserted + report.updated
            tx.details = {"source": name, "preset": pre.name if pre else None, "key": key,
                          "inserted": report.inserted, "updated": report.updated,
                          "unchanged": report.unchanged, "rejected": prep.rejected.height,
                          "rejects": str(report.rejects_path) if report.rejects_path else None}
            tx.message = message or (f"{operation.replace('_', ' ')} from {Path(name).name}: "
                                     f"{report.inserted} inserted, {report.updated} updated")
        report.version = self.version
        report.seconds = time.perf_counter() - t0
        return report

    def _upsert_contacts(self, tx: _Tx, prep: Prepared, key: str, name: str) -> ImportReport:
        src = prep.frame.drop(ROW)
        schema = tx.schema("contacts")
        new_fields = [c for c in src.columns if c not in schema]
        if key == "contact_id":
            if src.schema["contact_id"] not in (pl.Int64, pl.Int32, pl.UInt32, pl.UInt64):
                try:
                    src = src.with_columns(pl.col("contact_id").cast(pl.Int64))
                except pl.exceptions.PolarsError:
                    raise DataError("contact_id must be an integer to be used as the key; use "
                                    "key='email' and keep the source id as a custom field",
                                    column="contact_id") from None  # fmt: skip
            src = src.with_columns(pl.col("contact_id").cast(pl.Int64))
        cur = tx.scan("contacts")
        cols = [c for c in src.columns if c != "contact_id" and c != key]
        if key not in schema:
            matched_ids = pl.DataFrame(schema={key: src.schema[key], "contact_id": pl.Int64})
        else:
            keys = src[key].implode()
            sel = ["contact_id"] if key == "contact_id" else ["contact_id", key]
            matched_ids = cur.select(sel).filter(pl.col(key).is_in(keys)).collect()
        if key != "contact_id":
            src = src.join(matched_ids, on=key, how="left")
        else:
            src = src.with_columns(pl.col("contact_id").is_in(matched_ids["contact_id"].implode())
                                   .alias("__known"))  # fmt: skip
        known = pl.col("__known") if key == "contact_id" else pl.col("contact_id").is_not_null()
        src = src.with_columns(known.alias("__known"))
        new = src.filter(~pl.col("__known")).drop("__known")
        old = src.filter(pl.col("__known")).drop("__known")
        if key != "contact_id" and new.height:
            start = self._max_id(tx) + 1
            new = new.with_columns(pl.int_range(start, start + new.height, dtype=pl.Int64)
                                   .alias("contact_id"))  # fmt: skip
        updated = pl.DataFrame()
        n_unchanged = 0
        if old.height:
            have = [c for c in cols if c in schema]
            current = (cur.filter(pl.col("contact_id").is_in(old["contact_id"].implode()))
                       .select("contact_id", *have).collect())  # fmt: skip
            keep = [key] if key != "contact_id" else []  # rows keep their key (unchanged)
            j = old.select("contact_id", *keep, *cols).join(current, on="contact_id", how="left",
                                                             suffix="__cur")  # fmt: skip
            merged = [pl.coalesce(pl.col(c), pl.col(f"{c}__cur")).alias(c) if c in have
                      else pl.col(c) for c in cols]  # fmt: skip
            differs = [pl.col(c).ne_missing(pl.col(f"{c}__cur")) if c in have
                       else pl.col(c).is_not_null() for c in cols]  # fmt: skip
            j = j.with_columns(merged).with_columns(
                pl.any_horizontal(differs).alias("__changed") if differs else pl.lit(False)
                .alias("__changed"))  # fmt: skip
            updated = j.filter(pl.col("__changed")).select("contact_id", *keep, *cols)
            n_unchanged = old.height - updated.height
        if updated.height:
            both = pl.concat([updated, new.select("contact_id", *[c for c in new.columns
                                                                 if c != "contact_id"])],
                             how="diagonal_relaxed") if new.height else updated  # fmt: skip
            tx.merge("contacts", both, "contact_id")
        elif new.height:
            tx.append("contacts", new)
        return ImportReport(
            table="contacts", source=name, inserted=new.height, updated=updated.height,
            unchanged=n_unchanged, rejected=prep.rejected, columns=prep.columns,
            new_fields=new_fields, warnings=prep.warnings,
        )  # fmt: skip

    def _write_rejects(self, tx: _Tx, prep: Prepared, table: str, name: str) -> Path | None:
        if prep.rejected.height == 0:
            return None
        folder = self.path / J.REJECTS
        folder.mkdir(exist_ok=True)
        stem = Path(name).stem if name != "a DataFrame" else "dataframe"
        path = folder / f"v{tx.next_version:06d}-{table}-{N_safe(stem)}.csv"
        prep.rejected.write_csv(path)
        return path

    def import_events(
        self,
        source: Any,
        key: str | None = None,
        mapping: Mapping[str, str | None] | None = None,
        *,
        message: str | None = None,
    ) -> ImportReport:
        """Append events (``contact_id`` or ``email``, ``event``, ``timestamp``, properties).

        ``key``: "contact_id" or "email" (default: whichever the source has). Rows of unknown
        contacts, without an event type or with an unparseable timestamp are rejected; rows
        identical to an event already stored are counted as unchanged and not added again.
        """
        t0 = time.perf_counter()
        raw, name = read_source(source)
        with self._write("import_events", message) as tx:
            report = self._import_events_tx(tx, raw, name, key, mapping, None)
            tx.rows_affected = report.inserted
            tx.details = {"source": name, "inserted": report.inserted,
                          "unchanged": report.unchanged, "rejected": report.n_rejected}
            tx.message = message or f"import events from {Path(name).name}: " \
                f"{report.inserted} added"  # fmt: skip
        report.version = self.version
        report.seconds = time.perf_counter() - t0
        return report

    def _import_events_tx(self, tx: _Tx, raw: pl.DataFrame, name: str, key: str | None,
                          mapping: Any, id_map: pl.DataFrame | None) -> ImportReport:  # fmt: skip
        ev_schema = tx.schema("events")
        cols = {(mapping or {}).get(c, c) for c in raw.columns}
        if key is None:
            key = "contact_id" if "contact_id" in cols else "email"
        if key not in ("contact_id", "email"):
            raise DataError(f"events are matched to contacts by 'contact_id' or 'email', not "
                            f"{key!r}")  # fmt: skip
        prep = prepare(raw, table="events", schema={**ev_schema, "email": pl.String()}, key=key,
                       mapping=mapping, dedupe_key=False)  # fmt: skip
        df = prep.frame
        if id_map is not None:  # source contact ids -> workspace ids
            df = df.join(id_map, left_on="contact_id", right_on="source_id", how="left") \
                .with_columns(pl.col("new_id").alias("contact_id")).drop("new_id")  # fmt: skip
        if key == "email":
            emails = tx.scan("contacts").select("contact_id", "email").filter(
                pl.col("email").is_in(df["email"].drop_nulls().unique().implode())).collect()
            df = df.drop("contact_id", strict=False).join(emails, on="email", how="left")
            unknown = df.filter(pl.col("contact_id").is_null())
            reason = pl.format("no contact with email '{}'", pl.col("email"))
            df = df.filter(pl.col("contact_id").is_not_null()).drop("email")
        else:
            df = df.with_columns(pl.col("contact_id").cast(pl.Int64, strict=False))
            ids = tx.scan("contacts").select("contact_id").filter(
                pl.col("contact_id").is_in(df["contact_id"].drop_nulls().unique().implode())
            ).collect()["contact_id"]  # fmt: skip
            ok = pl.col("contact_id").is_in(ids.implode())
            unknown = df.filter(~ok.fill_null(False))
            reason = pl.format("no contact with contact_id {}", pl.col("contact_id"))
            df = df.filter(ok.fill_null(False))
        rejected = prep.rejected
        if unknown.height:
            raw_text = raw.with_row_index("row", offset=1).with_columns(
                pl.col("row").cast(pl.Int64)).select("row", *[pl.col(c).cast(pl.String, strict=False)
                                                              for c in raw.columns])  # fmt: skip
            more = unknown.select(pl.col(ROW).alias("row"), reason.alias("reason")) \
                .join(raw_text, on="row", how="left")  # fmt: skip
            rejected = pl.concat([rejected, more], how="diagonal_relaxed").sort("row")
        df = df.drop(ROW)
        # events already stored (same values in every column) are not added twice
        common = [c for c in df.columns if c in ev_schema]
        before = df.height
        if tx.has_rows("events"):
            existing = tx.scan("events").select(common).filter(
                pl.col("contact_id").is_in(df["contact_id"].unique().implode())).collect()
            df = df.join(existing.unique(), on=common, how="anti", nulls_equal=True)
        unchanged = before - df.height
        tx.append("events", df)
        prep = Prepared(df, rejected, prep.columns, prep.warnings)
        path = self._write_rejects(tx, prep, "events", name)
        return ImportReport(table="events", source=name, inserted=df.height, unchanged=unchanged,
                            rejected=rejected, rejects_path=path, columns=prep.columns,
                            new_fields=[c for c in df.columns if c not in ev_schema],
                            warnings=prep.warnings)  # fmt: skip

    def import_dataset(self, source: Any, key: str = "contact_id",
                       message: str | None = None) -> dict[str, ImportReport]:  # fmt: skip
        """Import a segkit Dataset (or a folder read with :func:`segkit.read_dataset`):
        contacts, events and campaigns in one commit. ``key="contact_id"`` keeps the ids;
        ``key="email"`` matches contacts by email and renumbers events accordingly."""
        from segkit.data.io import read_dataset

        data = source if isinstance(source, Dataset) else read_dataset(source)
        t0 = time.perf_counter()
        name = data.name or "a Dataset"
        reports: dict[str, ImportReport] = {}
        with self._write("import_dataset", message) as tx:
            contacts = data.contacts
            schema = tx.schema("contacts")
            src = contacts if key == "contact_id" else contacts.rename(
                {"contact_id": "source_contact_id"})  # fmt: skip
            prep = prepare(src, table="contacts", schema=schema, key=key)
            if prep.rejected.height:
                r = prep.rejected.row(0, named=True)
                raise DataError(f"contacts: {prep.rejected.height} row(s) do not fit, nothing "
                                f"was imported; row {r['row']}: {r['reason']}", table="contacts")
            reports["contacts"] = self._upsert_contacts(tx, prep, key, name)
            id_map = None
            if key != "contact_id":
                id_map = (tx.scan("contacts").select(pl.col("contact_id").alias("new_id"),
                                                     pl.col("source_contact_id").alias("source_id"))
                          .filter(pl.col("source_id").is_not_null()).collect())  # fmt: skip
            if data.events is not None:
                reports["events"] = self._import_events_tx(tx, data.events, name, "contact_id",
                                                           None, id_map)  # fmt: skip
                if reports["events"].n_rejected:
                    r = reports["events"].rejected.row(0, named=True)
                    raise DataError(f"events: {reports['events'].n_rejected} row(s) do not fit, "
                                    f"nothing was imported; row {r['row']}: {r['reason']}",
                                    table="events")  # fmt: skip
            if data.campaigns is not None:
                reports["campaigns"] = self._upsert_campaigns(tx, data.campaigns, name)
            tx.rows_affected = sum(r.inserted + r.updated for r in reports.values())
            tx.details = {t: {"inserted": r.inserted, "updated": r.updated} for t, r in
                          reports.items()}  # fmt: skip
            tx.message = message or f"import dataset {name}: " + ", ".join(
                f"{r.inserted + r.updated} {t}" for t, r in reports.items())  # fmt: skip
        for r in reports.values():
            r.version = self.version
            r.seconds = time.perf_counter() - t0
        return reports

    def import_campaigns(self, source: Any, message: str | None = None) -> ImportReport:
        """Insert or update campaigns on ``campaign_id``."""
        raw, name = read_source(source)
        with self._write("import_campaigns", message) as tx:
            report = self._upsert_campaigns(tx, raw, name)
            tx.rows_affected = report.inserted + report.updated
            tx.message = message or f"import {report.inserted + report.updated} campaign(s)"
        report.version = self.version
        return report

    def _upsert_campaigns(self, tx: _Tx, df: pl.DataFrame, name: str) -> ImportReport:
        if "campaign_id" not in df.columns:
            raise DataError("campaigns need a 'campaign_id' column", table="campaigns")
        df = _delta.delta_frame(df)
        cur = tx.scan("campaigns").collect()
        if cur.height == 0:
            tx.overwrite("campaigns", df)
            return ImportReport(table="campaigns", source=name, inserted=df.height)
        df = df.with_columns(pl.col("campaign_id").cast(cur.schema["campaign_id"]))
        known = df["campaign_id"].is_in(cur["campaign_id"].implode())
        tx.merge("campaigns", df, "campaign_id")
        return ImportReport(table="campaigns", source=name, inserted=int((~known).sum()),
                            updated=int(known.sum()))  # fmt: skip

    # -- history ---------------------------------------------------------------------------------

    def history(self, limit: int | None = None) -> pl.DataFrame:
        """Every commit, newest first: ``version``, ``time`` (UTC), ``operation``,
        ``rows_affected``, ``message``, ``user``, ``details`` (JSON)."""
        lf = self._journal.frame().select("version", "time", "operation", "rows_affected",
                                          "message", "user", "details")  # fmt: skip
        lf = lf.sort("version", descending=True)
        return (lf.head(limit) if limit else lf).collect()

    def restore(self, version: int | str | _dt.datetime, message: str | None = None) -> int:
        """Make the workspace as it was at ``version`` again, as a new commit (history is kept:
        the restore itself can be undone). Returns the new version."""
        target = self._journal.at(version)
        with self._write("restore", message) as tx:
            for table in J.DATA_TABLES:
                tx.restore(table, target.tables[table])
            tx.rows_affected = tx.scan("contacts").select(pl.len()).collect().item()
            tx.details = {"restored_to": target.version, "tables": sorted(tx.touched)}
            tx.message = message or f"restore version {target.version} ({target.operation})"
        return self.version

    # -- privacy ---------------------------------------------------------------------------------

    def forget(self, contact_ids: Any, message: str | None = None) -> int:
        """Erase contacts and everything about them: their rows and events in the current
        version and in every file of older versions (files are rewritten and vacuumed, and the
        Delta logs before the erasure deleted), their ids in segment snapshots and static
        segments, and rejects rows that mention their emails. The journal records that an
        erasure of N contacts happened, not who.

        Time travel to versions before the erasure is gone afterwards: ``dataset(version)`` and
        ``restore(version)`` of an older version raise :class:`WorkspaceError`. Readers that
        hold an older snapshot open lose it. Returns the number of contacts erased.
        """
        with self._write("forget", message) as tx:
            ids = self._target_ids(tx, contact_ids)
            ids = _merge.forget_ids(tx, ids)  # merged records are one person; audit rows go
            emails = self._all_emails(ids)
            n = tx.delete_keys("contacts", ids)
            tx.delete_keys("events", ids)
            tx.delete_keys("memberships", ids)
            segs = tx.scan("segments").collect()
            statics = segs.filter(pl.col("static") & pl.col("members").list.eval(
                pl.element().is_in(ids.implode())).list.any())  # fmt: skip
            if statics.height:
                tx.merge("segments", statics.with_columns(pl.col("members").list.set_difference(
                    pl.lit(ids.implode()))), "name", insert=False)  # fmt: skip
            # a segment rule that names an erased email is rewritten: it matched no one anyway
            if emails:
                hit = segs.filter(pl.col("definition").str.to_lowercase().str.contains_any(
                    emails))  # fmt: skip
                redact = pl.col("definition").str.replace_many(
                    emails, ["[erased]"] * len(emails), ascii_case_insensitive=True)
                if hit.height:
                    tx.merge("segments", hit.with_columns(redact), "name", insert=False)
                snaps = tx.scan("snapshots").collect()
                if snaps["definition"].str.to_lowercase().str.contains_any(emails).any():
                    tx.overwrite("snapshots", snaps.with_columns(redact))
            tx.rows_affected = n
            tx.details = {"erased": n}
            tx.message = message or f"erased {n} contact(s) (right to erasure)"
        # After the commit: purge every older file and log entry of the data tables.
        self.purge_history(_emails=emails)
        return n

    def purge_history(self, _emails: list[str] | None = None) -> int:
        """Delete every file and log entry that only older versions use, in every table (the
        second half of :meth:`forget`, which calls it; run it again if a ``forget`` was
        interrupted, or to reclaim disk space). Time travel and restore to versions before it
        are gone afterwards. Returns the new version."""
        with J.locked(self.path, self.lock_timeout):
            head, jdt = self._journal.head()
            J.add_missing_tables(self.path, jdt)  # a write like any other: older formats first
            for table in J.DATA_TABLES:
                _delta.purge_history(_delta.table(self.path / table))
            # the purge added table versions (vacuum, properties): record them, same data
            tables = {t: _delta.table(self.path / t).version() for t in J.DATA_TABLES}
            c = J.Commit(head.version + 1, J.now(), "purge_history",
                         "deleted the files and logs of older versions", 0, tables,
                         {"after": head.version}, J.user())  # fmt: skip
            self._journal.append(jdt, c)
            self._head = c
            self._scrub_rejects(_emails or [])
        self._search_cache = None
        return self.version

    def _all_emails(self, ids: pl.Series) -> list[str]:
        """Every email these contacts ever had, in any file of the contacts table."""
        files = sorted((self.path / "contacts").glob("*.parquet"))
        found: set[str] = set()
        for f in files:
            try:
                df = pl.read_parquet(f, columns=None)
            except Exception:  # noqa: BLE001 - a half-written file of a killed writer
                continue
            if "email" in df.columns and "contact_id" in df.columns:
                found.update(df.filter(pl.col("contact_id").is_in(ids.implode()))["email"]
                             .drop_nulls().to_list())  # fmt: skip
        return sorted(e.lower() for e in found if e)

    def _scrub_rejects(self, emails: list[str]) -> None:
        if not emails:
            return
        for path in (self.path / J.REJECTS).glob("*.csv"):
            text = path.read_text(errors="replace")
            low = text.lower()
            if not any(e in low for e in emails):
                continue
            df = pl.read_csv(path, infer_schema=False)
            hit = pl.any_horizontal(pl.col(c).fill_null("").str.to_lowercase()
                                    .str.contains_any(emails) for c in df.columns)  # fmt: skip
            keep = df.filter(~hit)
            tmp = path.with_suffix(".tmp")
            keep.write_csv(tmp)
            os.replace(tmp, path)

    # -- duplicates: merge, unmerge, dedupe, pair decisions ---------------------------------------

    def merge(self, cluster_or_ids: Any, rules: Mapping[str, str] | None = None, *,
              survivor: Any = "oldest", message: str | None = None,
              ) -> _merge.MergeResult:  # fmt: skip
        """Fold duplicate contacts into one surviving contact per cluster, in one commit.

        ``cluster_or_ids``: a list of contact ids (one cluster), a DataFrame with
        ``contact_id`` and ``cluster_id`` (many clusters), or a DuplicateReport (its confident
        clusters, minus those holding a pair decided "not a duplicate"). ``rules`` overrides
        the survivorship rule of a field (``most_recent``, ``survivor``, ``min``, ``max``,
        ``union``); ``survivor``: ``"oldest"`` (smallest id, the default), ``"most_recent"``,
        ``"most_complete"`` or contact ids. Events move to the survivor, static segments list
        it instead; the ``merges`` table records which record gave which value, and
        :meth:`unmerge` undoes it. See :mod:`segkit.store.merge`.

        >>> import tempfile, os
        >>> ws = Workspace.create(os.path.join(tempfile.mkdtemp(), "crm"))
        >>> a = ws.add_contact(email="ann@x.org", first_name="Ann", tags=["vip"])
        >>> b = ws.add_contact(email="ann.lee@y.org", last_name="Lee", tags=["events"])
        >>> m = ws.merge([a, b])
        >>> ws.contacts().select("contact_id", "first_name", "last_name", "tags").row(0)
        (1, 'Ann', 'Lee', ['vip', 'events'])
        >>> m.source_of(1, "last_name"), ws.history()["operation"][0]
        ([2], 'merge')
        """
        from segkit.dedup.report import DuplicateReport

        clusters = _merge.clusters_of(cluster_or_ids)
        held = clusters.head(0)
        if isinstance(cluster_or_ids, DuplicateReport):
            held = _merge.held_back(clusters, self.pair_decisions())
            clusters = clusters.join(held, on=["contact_id", "cluster_id"], how="anti")
            if clusters.height == 0 and held.height:
                raise DataError(f"nothing to merge: every cluster ({held['cluster_id'].n_unique()})"
                                " holds a pair decided 'not a duplicate'")  # fmt: skip
        with self._write("merge", message) as tx:
            return _merge.apply_merge(self, tx, clusters, rules, survivor, held_back=held)

    def unmerge(self, merge_id: int, contact_id: int | None = None,
                message: str | None = None) -> int:  # fmt: skip
        """Undo a merge as a new commit: every merged contact's previous row back (the
        survivor's too), every moved event back to its contact, static segment lists as they
        were. ``contact_id`` undoes only the cluster holding that contact. Returns the new
        version."""
        with self._write("unmerge", message) as tx:
            _merge.apply_unmerge(self, tx, merge_id, contact_id)
        return self.version

    def merges(self, merge_id: int | None = None) -> pl.DataFrame:
        """The merge audit (one row per contact of each merged cluster; see
        :mod:`segkit.store.merge`), newest merge first."""
        lf = self._scan_later("merges")
        if merge_id is not None:
            lf = lf.filter(pl.col("merge_id") == merge_id)
        return lf.sort(["merge_id", "survivor_id", "survivor", "contact_id"],
                       descending=[True, False, True, False]).collect()  # fmt: skip

    def pair_decisions(self) -> pl.DataFrame:
        """What people decided about candidate duplicate pairs: ``pair`` ("a:b", a < b),
        ``contact_id_a``, ``contact_id_b``, ``decision`` ("merge" or "not_duplicate"),
        ``score``, ``merge_id``, ``note``, ``decided_at``, ``user``."""
        return self._scan_later("pair_decisions").sort("decided_at", "pair").collect()

    def _scan_later(self, table: str) -> pl.LazyFrame:
        commit = self._commit_at(None)
        if not (self.path / table / "_delta_log").is_dir():  # a workspace older than the table
            return J.TABLES[table][0].lazy()
        return self._scan(table, commit)

    def decide(self, contact_a: int, contact_b: int, decision: str, *,
               score: float | None = None, note: str | None = None,
               rules: Mapping[str, str] | None = None,
               message: str | None = None) -> _merge.MergeResult | None:  # fmt: skip
        """Record a person's decision on a candidate pair: ``"not_duplicate"`` (one commit
        ``decide``; :meth:`dedupe` then never merges them automatically) or ``"merge"`` (the
        pair is merged, decision included, in one ``merge`` commit; returns its result)."""
        rows = _merge.decision_rows([(contact_a, contact_b)], decision, score=score, note=note)
        if decision == "merge":
            clusters = _merge.clusters_of([contact_a, contact_b])
            with self._write("merge", message) as tx:
                return _merge.apply_merge(self, tx, clusters, rules, "oldest", rows)
        with self._write("decide", message) as tx:
            _merge.contacts_of(tx, pl.Series("contact_id", [contact_a, contact_b],
                                             dtype=pl.Int64))  # fmt: skip
            tx.merge("pair_decisions", rows, "pair")
            tx.rows_affected = 1
            tx.details = {"pair": rows["pair"][0], "decision": decision}
            tx.message = message or f"pair {rows['pair'][0]}: {decision.replace('_', ' ')}"
        return None

    def review_pairs(self, report: Any) -> pl.DataFrame:
        """``report.review_queue()`` as it stands now: ids replaced by the contact they were
        merged into (``reported_a``/``reported_b`` keep the report's), pairs already in one
        contact, with a deleted contact or already decided left out."""
        commit = self._commit_at(None)
        existing = self._scan("contacts", commit).select("contact_id").collect()["contact_id"]
        return _merge.pending_pairs(report.review_queue(), self.merges(),
                                    self.pair_decisions(), existing)  # fmt: skip

    def dedupe(self, threshold: float | None = None, *, review_threshold: float | None = None,
               fields: Mapping[str, str] | None = None, settings: Any = None,
               rules: Mapping[str, str] | None = None, survivor: Any = "oldest",
               apply: bool = True, message: str | None = None) -> _merge.DedupeResult:  # fmt: skip
        """Find duplicate contacts (:func:`segkit.dedup.find_duplicates` on the workspace's
        contacts) and merge the confident clusters in one commit, leaving the uncertain band
        for review (``result.review``; :class:`segkit.widgets.DuplicateReviewer`). Clusters
        holding a pair decided "not a duplicate" are held back. ``apply=False`` only reports.
        The result unpacks as ``merge, report`` (``merge`` is None when nothing merged)."""
        from segkit.dedup.find import find_duplicates

        report = find_duplicates(self.contacts(), fields=fields, threshold=threshold,
                                 review_threshold=review_threshold, settings=settings)  # fmt: skip
        result = None
        clusters = _merge.clusters_of(report)
        held = _merge.held_back(clusters, self.pair_decisions())
        todo = clusters.join(held, on=["contact_id", "cluster_id"], how="anti")
        if apply and todo.height:
            with self._write("merge", message) as tx:
                result = _merge.apply_merge(self, tx, todo, rules, survivor, held_back=held)
        return _merge.DedupeResult(result, report, self.review_pairs(report))

    # -- segment catalog -------------------------------------------------------------------------

    def _catalog_at(self, tx_or_commit: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """(name -> Segment, name -> Segment or frozenset of ids for static ones)."""
        from segkit.segment import Segment

        if isinstance(tx_or_commit, _Tx):
            lf = tx_or_commit.scan("segments")
        else:
            lf = self._scan("segments", tx_or_commit)
        rows = lf.sort("name").collect()
        segs: dict[str, Any] = {}
        cat: dict[str, Any] = {}
        for name, definition, static, members in rows.select(
                "name", "definition", "static", "members").iter_rows():  # fmt: skip
            seg = Segment.from_json(definition)
            segs[name] = seg
            cat[name] = frozenset(members or []) if static else seg
        return segs, cat

    @property
    def segments(self) -> dict[str, Any]:
        """The saved segments: name -> Segment (static ones too: their definition)."""
        return self._catalog_at(self._commit_at(None))[0]

    @property
    def catalog(self) -> dict[str, Any]:
        """What the engine resolves ``{"segment": NAME}`` against: name -> Segment, or the
        frozenset of member ids of a static segment."""
        return self._catalog_at(self._commit_at(None))[1]

    def static_segments(self) -> list[str]:
        rows = self._scan("segments", self._commit_at(None)).filter(pl.col("static"))
        return sorted(rows.select("name").collect()["name"].to_list())

    def save_segment(self, seg: Any, static: bool = False, *, name: str | None = None,
                     as_of: Any = None, message: str | None = None) -> None:  # fmt: skip
        """Save a segment in the catalog (replacing one of the same name). A static segment
        freezes its members now (evaluated ``as_of``); a dynamic one is evaluated when used."""
        from segkit.segment import Segment

        if isinstance(seg, dict):
            seg = Segment.from_dict(seg)
        if not isinstance(seg, Segment):
            raise SegmentError("document", f"expected a Segment, found {type(seg).__name__}")
        name = name or seg.name
        if not name:
            raise SegmentError("name", "a segment saved in a catalog needs a name",
                               expected="a non-empty string (Segment(..., name=...))")
        if seg.name != name:
            seg = seg.with_name(name)
        with self._write("save_segment", message) as tx:
            _, cat = self._catalog_at(tx)
            cat = {k: v for k, v in cat.items() if k != name}
            data = self._dataset_tx(tx)
            members: list[int] | None = None
            if static:
                mask = seg.mask(data, as_of=as_of, catalog=cat)
                members = mask.filter(pl.col("member"))["contact_id"].sort().to_list()
            else:
                seg.validate(data, catalog={**cat, name: seg}).raise_first()
            row = pl.DataFrame({"name": [name], "definition": [seg.to_json()],
                                "static": [static], "members": [members],
                                "saved_at": [J.now()]},
                               schema=J.TABLES["segments"][0].schema)  # fmt: skip
            tx.merge("segments", row, "name")
            tx.rows_affected = len(members) if members is not None else 0
            tx.details = {"segment": name, "static": static}
            tx.message = message or f"save {'static' if static else 'dynamic'} segment {name!r}" \
                + (f" ({len(members)} members)" if members is not None else "")  # fmt: skip

    def delete_segment(self, name: str, message: str | None = None) -> None:
        """Remove a saved segment (an error if another saved segment refers to it)."""
        from segkit.spec.nodes import SegmentRef, walk

        with self._write("delete_segment", message) as tx:
            segs, _ = self._catalog_at(tx)
            if name not in segs:
                _raise_unknown_segment(name, list(segs))
            users = [n for n, s in segs.items() if n != name and any(
                isinstance(node, SegmentRef) and node.name == name for _, node in walk(s.rule))]
            if users:
                raise SegmentError("rule", f"segment {name!r} is used by {users}; change or "
                                   "delete those first")  # fmt: skip
            tx.merge("segments", pl.DataFrame({"name": [name]}), "name", delete=True)
            tx.message = message or f"delete segment {name!r}"

    def _resolve(self, segment: Any, commit: J.Commit) -> tuple[Any, str | None, dict[str, Any]]:
        from segkit.segment import Segment

        segs, cat = self._catalog_at(commit)
        if isinstance(segment, str):
            if segment not in segs:
                _raise_unknown_segment(segment, list(segs))
            return cat[segment], segment, cat
        if isinstance(segment, dict):
            segment = Segment.from_dict(segment)
        return segment, getattr(segment, "name", None), cat

    def members(self, segment: Any, as_of: Any = None) -> pl.DataFrame:
        """Member contacts of a Segment or saved segment name (catalog references resolved)."""
        commit = self._commit_at(None)
        return self._members(segment, commit, as_of)[0]

    def _members(self, segment: Any, commit: J.Commit, as_of: Any) -> tuple[pl.DataFrame, str | None]:
        target, name, cat = self._resolve(segment, commit)
        data = self.dataset(commit.version) if commit.version != self.version else self.dataset()
        if isinstance(target, frozenset):
            ids = pl.Series("contact_id", sorted(target), dtype=pl.Int64)
            rows = data.lazy_contacts().filter(pl.col("contact_id").is_in(ids.implode()))
            return rows.collect(), name
        return target.members(data, as_of=as_of, catalog=cat), name

    def count(self, segment: Any, as_of: Any = None) -> int:
        """Number of members of a Segment or saved segment name."""
        commit = self._commit_at(None)
        target, _, cat = self._resolve(segment, commit)
        data = self.dataset()
        if isinstance(target, frozenset):
            ids = pl.Series(sorted(target), dtype=pl.Int64)
            return data.lazy_contacts().filter(pl.col("contact_id").is_in(ids.implode())) \
                .select(pl.len()).collect().item()  # fmt: skip
        return target.count(data, as_of=as_of, catalog=cat)

    def refresh(self, as_of: Any = None, message: str | None = None) -> pl.DataFrame:
        """Evaluate every saved segment (dynamic ones now, static ones: their frozen members
        still in the workspace) and store a membership snapshot. Returns ``segment``, ``size``,
        ``entered`` and ``left`` (against the previous snapshot)."""
        from segkit.compile.polars import resolve_as_of
        from segkit.engine import evaluate_many

        with self._write("refresh", message) as tx:
            segs, cat = self._catalog_at(tx)
            data = self._dataset_tx(tx)
            when = resolve_as_of(as_of)
            when = when.astimezone(_dt.UTC).replace(tzinfo=None) if isinstance(
                when, _dt.datetime) and when.tzinfo else when  # fmt: skip
            snaps = tx.scan("snapshots")
            prev = snaps.select(pl.col("snapshot").max()).collect().item()
            snap = int(prev or 0) + 1
            dynamic = {n: s for n, s in segs.items() if not isinstance(cat[n], frozenset)}
            parts: list[pl.LazyFrame] = []
            if dynamic:
                mask = evaluate_many(dynamic, data, as_of=as_of, catalog=cat).lazy()
                long = mask.unpivot(index="contact_id", variable_name="segment",
                                    value_name="member")  # fmt: skip
                parts.append(long.filter(pl.col("member")).select("segment", "contact_id"))
            ids = data.lazy_contacts().select("contact_id")
            for n in segs:
                if isinstance(cat[n], frozenset):
                    frozen = pl.Series(sorted(cat[n]), dtype=pl.Int64)
                    parts.append(ids.filter(pl.col("contact_id").is_in(frozen.implode()))
                                 .select(pl.lit(n).alias("segment"), "contact_id"))  # fmt: skip
            members = (pl.concat(parts).collect() if parts else
                       pl.DataFrame(schema={"segment": pl.String, "contact_id": pl.Int64}))
            members = members.with_columns(pl.lit(snap, dtype=pl.Int64).alias("snapshot")) \
                .select("snapshot", "segment", "contact_id").sort("segment", "contact_id")
            sizes = members.group_by("segment").len("size")
            taken = J.now()
            meta = pl.DataFrame({
                "snapshot": [snap] * len(segs), "segment": list(segs),
                "as_of": [when] * len(segs), "taken_at": [taken] * len(segs),
                "static": [isinstance(cat[n], frozenset) for n in segs],
                "definition": [segs[n].to_json() for n in segs],
            }, schema_overrides={"as_of": pl.Datetime("us"), "taken_at": pl.Datetime("us")})
            meta = meta.join(sizes, on="segment", how="left").with_columns(
                pl.col("size").fill_null(0).cast(pl.Int64))  # fmt: skip
            tx.append("snapshots", meta.select(J.TABLES["snapshots"][0].columns))
            tx.append("memberships", members)
            # entered / left against each segment's previous snapshot
            out = self._diff_counts(tx, members, snap, list(segs))
            tx.rows_affected = members.height
            tx.details = {"snapshot": snap, "segments": len(segs)}
            tx.message = message or f"refresh {len(segs)} segment(s), snapshot {snap}"
        return out

    def _diff_counts(self, tx: _Tx, members: pl.DataFrame, snap: int,
                     names: list[str]) -> pl.DataFrame:  # fmt: skip
        snaps = tx.scan("snapshots").filter(pl.col("snapshot") < snap)
        prev = snaps.group_by("segment").agg(pl.col("snapshot").max().alias("prev")).collect()
        rows = []
        mem = tx.scan("memberships")
        for name in names:
            p = prev.filter(pl.col("segment") == name)["prev"]
            now_ids = members.filter(pl.col("segment") == name).select("contact_id")
            if p.len() == 0:
                rows.append((name, now_ids.height, now_ids.height, 0))
                continue
            before = mem.filter((pl.col("snapshot") == p[0]) & (pl.col("segment") == name)) \
                .select("contact_id").collect()  # fmt: skip
            entered = now_ids.join(before, on="contact_id", how="anti").height
            left = before.join(now_ids, on="contact_id", how="anti").height
            rows.append((name, now_ids.height, entered, left))
        return pl.DataFrame(rows, schema={"segment": pl.String, "size": pl.Int64,
                                          "entered": pl.Int64, "left": pl.Int64}, orient="row")

    def snapshots(self) -> pl.DataFrame:
        """Every stored snapshot: ``snapshot``, ``segment``, ``as_of``, ``taken_at``, ``size``."""
        return self._scan("snapshots", self._commit_at(None)).select(
            "snapshot", "segment", "as_of", "taken_at", "size", "static").sort(
            "snapshot", "segment").collect()  # fmt: skip

    def size_history(self, name: str) -> pl.DataFrame:
        """Size of a segment at each snapshot: ``snapshot``, ``as_of``, ``taken_at``, ``size``."""
        df = self._scan("snapshots", self._commit_at(None)).filter(pl.col("segment") == name) \
            .select("snapshot", "as_of", "taken_at", "size").sort("snapshot").collect()
        if df.height == 0 and name not in self.segments:
            _raise_unknown_segment(name, list(self.segments))
        return df

    def changes(self, name: str, since: int | str | _dt.datetime | None = None) -> SegmentChanges:
        """Who entered and who left ``name`` between a snapshot and its latest one.

        ``since``: a snapshot number, or a datetime (the last snapshot taken at or before it);
        default the snapshot before the latest.
        """
        commit = self._commit_at(None)
        snaps = self._scan("snapshots", commit).filter(pl.col("segment") == name) \
            .select("snapshot", "taken_at").sort("snapshot").collect()  # fmt: skip
        if snaps.height == 0:
            if name not in self.segments:
                _raise_unknown_segment(name, list(self.segments))
            raise WorkspaceError(f"segment {name!r} has no snapshot yet: run ws.refresh()")
        after = int(snaps["snapshot"][-1])
        if since is None:
            before = int(snaps["snapshot"][-2]) if snaps.height > 1 else None
        elif isinstance(since, int) and not isinstance(since, bool):
            if since not in snaps["snapshot"].to_list():
                raise WorkspaceError(f"segment {name!r} has no snapshot {since} (it has "
                                     f"{snaps['snapshot'].to_list()})")  # fmt: skip
            before = since
        else:
            when = J._as_datetime(since)
            older = snaps.filter(pl.col("taken_at") <= when)
            before = int(older["snapshot"][-1]) if older.height else None
        mem = self._scan("memberships", commit).filter(pl.col("segment") == name)
        now_ids = mem.filter(pl.col("snapshot") == after).select("contact_id").collect()
        old_ids = (mem.filter(pl.col("snapshot") == before).select("contact_id").collect()
                   if before is not None else now_ids.head(0))  # fmt: skip
        entered = now_ids.join(old_ids, on="contact_id", how="anti")
        left = old_ids.join(now_ids, on="contact_id", how="anti")
        contacts = self._scan("contacts", commit)
        show = [c for c in ("contact_id", "email", "first_name", "last_name")
                if c in contacts.collect_schema()]  # fmt: skip

        def detail(ids: pl.DataFrame) -> pl.DataFrame:
            return ids.lazy().join(contacts.select(show), on="contact_id", how="left") \
                .sort("contact_id").collect()  # fmt: skip

        return SegmentChanges(name, before, after, detail(entered), detail(left))

    # -- export ----------------------------------------------------------------------------------

    def export(self, segment: Any, path: str | os.PathLike[str], format: str = "csv",
               as_of: Any = None) -> ExportReport:  # fmt: skip
        """Write a segment's members (a Segment or a saved segment name) to ``path``:
        ``csv``/``parquet`` (every field), or ``mailchimp``/``hubspot``/``salesforce`` (that
        platform's import headers and date formats; see :mod:`segkit.store.export`). The rows
        written always equal the segment's count (checked by reading the file back)."""
        from segkit.store.export import write_export

        commit = self._commit_at(None)
        rows, name = self._members(segment, commit, as_of)
        return write_export(rows, Path(path), format, name)

    # -- search ----------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> pl.DataFrame:
        """Contacts ranked by how well they match ``query`` (words over name, email, company,
        phone and city; names typo-tolerant). Columns: ``score`` then the contact's fields."""
        from segkit.store.search import SearchIndex

        commit = self._commit_at(None)
        version = commit.tables["contacts"]
        if self._search_cache is None or self._search_cache[0] != version:
            self._search_cache = (version, SearchIndex(self._scan("contacts", commit)))
        return self._search_cache[1].search(query, limit)


def _words(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return "a datetime"
    if dtype == pl.Date:
        return "a date"
    if dtype == pl.Int64:
        return "an integer"
    if dtype == pl.Float64:
        return "a number"
    if dtype == pl.Boolean:
        return "true or false"
    if isinstance(dtype, pl.List):
        return "a list of strings"
    return str(dtype)


def _raise_unknown_segment(name: str, known: list[str]) -> Any:
    import difflib

    close = difflib.get_close_matches(name, known, n=3)
    raise SegmentError("segment", f"no saved segment {name!r}", expected="a saved segment's name",
                       suggestions=close)  # fmt: skip


def N_safe(stem: str) -> str:  # noqa: N802 - file-name helper
    import re

    return re.sub(r"[^0-9A-Za-z_.-]+", "_", stem)[:60] or "source"
