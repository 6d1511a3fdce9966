"""``Dataset``: contacts (one row per contact), optional events and campaigns.

The shape is the one in the segment format's "The data it runs on": ``contact_id`` required and
unique in contacts; events need ``contact_id``, ``event`` (string) and ``timestamp`` (datetime).
Construction checks those hard requirements and raises one :class:`~segkit.errors.DataError`;
:meth:`Dataset.validate` reports softer problems without raising.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from segkit.errors import DataError

Frame = pl.DataFrame | pl.LazyFrame

_ID_TYPES = (
    pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64, pl.String,
)  # fmt: skip


def _lazy(frame: Frame) -> pl.LazyFrame:
    return frame.lazy() if isinstance(frame, pl.DataFrame) else frame


def _type_name(dtype: pl.DataType) -> str:
    return str(dtype)


@dataclass(frozen=True)
class Issue:
    """One problem found by :meth:`Dataset.validate`."""

    severity: str  # "warning" or "info"
    table: str
    column: str | None
    message: str
    count: int = 0


@dataclass(frozen=True)
class ValidationReport:
    """Softer problems of a Dataset: nothing here stops a segment from running."""

    issues: tuple[Issue, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not any(i.severity == "warning" for i in self.issues)

    def __iter__(self):
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    def to_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [i.__dict__ for i in self.issues],
            schema={"severity": pl.String, "table": pl.String, "column": pl.String,
                    "message": pl.String, "count": pl.Int64},
        )  # fmt: skip

    def __str__(self) -> str:
        if not self.issues:
            return "No problems found."
        return "\n".join(
            f"[{i.severity}] {i.table}{'.' + i.column if i.column else ''}: {i.message}"
            for i in self.issues
        )

    def _repr_html_(self) -> str:
        if not self.issues:
            return "<p>No problems found.</p>"
        rows = "".join(
            f"<tr><td>{i.severity}</td><td>{i.table}</td><td>{i.column or ''}</td>"
            f"<td>{i.message}</td></tr>"
            for i in self.issues
        )
        return (
            "<table><thead><tr><th>severity</th><th>table</th><th>column</th><th>problem</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )


class Dataset:
    """Contacts plus optional events and campaigns, as polars frames (eager or lazy).

    >>> import polars as pl, segkit as sk
    >>> ds = sk.Dataset(pl.DataFrame({"contact_id": [1, 2], "country": ["US", "DE"]}))
    >>> ds.n_contacts
    2
    >>> sk.Dataset(pl.DataFrame({"contact_id": [1, 1]}))
    Traceback (most recent call last):
    ...
    segkit.errors.DataError: contacts.contact_id must be unique: 1 duplicated id(s), first at rows 2 (id 1)
    """

    def __init__(
        self,
        contacts: Frame,
        events: Frame | None = None,
        campaigns: Frame | None = None,
        *,
        name: str | None = None,
        unique_ids: bool = False,
    ) -> None:
        """``unique_ids=True`` promises that ``contact_id`` is unique and non-null (a workspace
        guarantees it), which skips the one check that has to read the whole column."""
        if not isinstance(contacts, pl.DataFrame | pl.LazyFrame):
            raise DataError(
                f"contacts must be a polars DataFrame or LazyFrame, found {type(contacts).__name__}",
                table="contacts",
            )
        self._contacts = contacts
        self._events = events
        self._campaigns = campaigns
        self.name = name
        self._unique_ids = unique_ids
        self._contacts_schema = _lazy(contacts).collect_schema()
        self._check_contacts()
        self._events_schema: pl.Schema | None = None
        if events is not None:
            if not isinstance(events, pl.DataFrame | pl.LazyFrame):
                raise DataError(
                    f"events must be a polars DataFrame or LazyFrame, found {type(events).__name__}",
                    table="events",
                )
            self._events_schema = _lazy(events).collect_schema()
            self._check_events()
        if campaigns is not None and not isinstance(campaigns, pl.DataFrame | pl.LazyFrame):
            raise DataError(
                f"campaigns must be a polars DataFrame or LazyFrame, found {type(campaigns).__name__}",
                table="campaigns",
            )

    # -- checks ---------------------------------------------------------------------------------

    def _check_contacts(self) -> None:
        schema = self._contacts_schema
        if "contact_id" not in schema:
            raise DataError(
                "contacts has no column 'contact_id' (required: one unique id per contact); "
                f"found columns {list(schema)[:12]}",
                table="contacts",
                column="contact_id",
            )
        dtype = schema["contact_id"]
        if not isinstance(dtype, _ID_TYPES):
            raise DataError(
                f"contacts.contact_id must be an integer or string, found {_type_name(dtype)}",
                table="contacts",
                column="contact_id",
            )
        if self._unique_ids:
            return
        ids = _lazy(self._contacts).select(pl.col("contact_id")).with_row_index("__row", offset=1)
        nulls = ids.filter(pl.col("contact_id").is_null()).head(5).collect()
        if nulls.height:
            rows = nulls["__row"].to_list()
            raise DataError(
                f"contacts.contact_id must not be null: null at rows {_rows(rows)}",
                table="contacts",
                column="contact_id",
                rows=rows,
            )
        dup = (
            ids.filter(pl.col("contact_id").is_duplicated())
            .filter(pl.col("__row") > pl.col("__row").min().over("contact_id"))
            .sort("__row")
            .collect()
        )
        if dup.height:
            n_ids = dup["contact_id"].n_unique()
            first = dup.head(5)
            rows = first["__row"].to_list()
            detail = ", ".join(
                f"{r} (id {i!r})" for r, i in zip(rows, first["contact_id"].to_list(), strict=True)
            )
            raise DataError(
                f"contacts.contact_id must be unique: {n_ids} duplicated id(s), first at rows "
                f"{detail}",
                table="contacts",
                column="contact_id",
                rows=rows,
            )

    def _check_events(self) -> None:
        schema = self._events_schema
        assert schema is not None
        missing = [c for c in ("contact_id", "event", "timestamp") if c not in schema]
        if missing:
            raise DataError(
                f"events has no column {', '.join(repr(m) for m in missing)} (required: "
                f"'contact_id', 'event', 'timestamp'); found columns {list(schema)[:12]}",
                table="events",
                column=missing[0],
            )
        expected = {
            "event": (pl.String, "a string"),
            "timestamp": (pl.Datetime, "a datetime"),
        }
        for col, (typ, words) in expected.items():
            if not isinstance(schema[col], typ):
                hint = ""
                if col == "timestamp" and schema[col] == pl.String:
                    hint = " (parse it with pl.col('timestamp').str.to_datetime())"
                raise DataError(
                    f"events.{col} must be {words}, found {_type_name(schema[col])}{hint}",
                    table="events",
                    column=col,
                )
        cid, eid = self._contacts_schema["contact_id"], schema["contact_id"]
        if (cid == pl.String) != (eid == pl.String):
            raise DataError(
                f"events.contact_id is {_type_name(eid)} but contacts.contact_id is "
                f"{_type_name(cid)}: both must be integers or both strings",
                table="events",
                column="contact_id",
            )

    # -- access ---------------------------------------------------------------------------------

    @property
    def contacts(self) -> pl.DataFrame:
        """The contacts table as a DataFrame (collected if it was given lazily)."""
        c = self._contacts
        return c if isinstance(c, pl.DataFrame) else c.collect()

    @property
    def events(self) -> pl.DataFrame | None:
        e = self._events
        return e if e is None or isinstance(e, pl.DataFrame) else e.collect()

    @property
    def campaigns(self) -> pl.DataFrame | None:
        c = self._campaigns
        return c if c is None or isinstance(c, pl.DataFrame) else c.collect()

    def lazy_contacts(self) -> pl.LazyFrame:
        return _lazy(self._contacts)

    def lazy_events(self) -> pl.LazyFrame | None:
        if self._events is None:
            return None
        lf = _lazy(self._events)
        cid = self._contacts_schema["contact_id"]
        if self._events_schema is not None and self._events_schema["contact_id"] != cid:
            lf = lf.with_columns(pl.col("contact_id").cast(cid))
        return lf

    def lazy_campaigns(self) -> pl.LazyFrame | None:
        return None if self._campaigns is None else _lazy(self._campaigns)

    @property
    def has_events(self) -> bool:
        return self._events is not None

    @property
    def events_in_memory(self) -> bool:
        """True when the events are a DataFrame, False when they are read by a query (a
        LazyFrame, e.g. a workspace's Parquet files): query plans differ between the two."""
        return isinstance(self._events, pl.DataFrame)

    @property
    def contacts_schema(self) -> pl.Schema:
        return self._contacts_schema

    @property
    def events_schema(self) -> pl.Schema | None:
        return self._events_schema

    @property
    def n_contacts(self) -> int:
        return _lazy(self._contacts).select(pl.len()).collect().item()

    @property
    def n_events(self) -> int:
        if self._events is None:
            return 0
        return _lazy(self._events).select(pl.len()).collect().item()

    def event_types(self) -> list[str]:
        """The distinct event types, most frequent first."""
        if self._events is None:
            return []
        counts = (
            _lazy(self._events)
            .group_by("event")
            .agg(pl.len().alias("n"))
            .sort(["n", "event"], descending=[True, False])
            .collect()
        )
        return [e for e in counts["event"].to_list() if e is not None]

    def with_contacts(self, contacts: Frame) -> Dataset:
        return Dataset(contacts, self._events, self._campaigns, name=self.name)

    def restrict(self, contact_id) -> Dataset:
        """The same Dataset reduced to one contact and its events (ids stay unique)."""
        events = self.lazy_events()
        return Dataset(
            self.lazy_contacts().filter(pl.col("contact_id") == contact_id),
            None if events is None else events.filter(pl.col("contact_id") == contact_id),
            name=self.name, unique_ids=True,
        )

    def collect(self) -> Dataset:
        """A Dataset whose tables are in memory (collect each lazy frame once)."""

        def _c(f: Frame | None) -> pl.DataFrame | None:
            return f.collect() if isinstance(f, pl.LazyFrame) else f

        return Dataset(
            _c(self._contacts), _c(self._events), _c(self._campaigns), name=self.name,
            unique_ids=self._unique_ids,
        )

    # -- softer checks --------------------------------------------------------------------------

    def validate(self, now: _dt.datetime | None = None) -> ValidationReport:
        """Report softer problems: events of unknown contacts, events in the future,
        events with a null timestamp, and columns that hold no value at all."""
        issues: list[Issue] = []
        contacts = self.lazy_contacts()
        n = self.n_contacts
        if n == 0:
            issues.append(Issue("warning", "contacts", None, "the table has no rows"))
        null_counts = contacts.select(pl.all().null_count()).collect().row(0, named=True)
        for col, nulls in null_counts.items():
            if n and nulls == n:
                issues.append(Issue("warning", "contacts", col, "every value is null", nulls))
        events = self.lazy_events()
        if events is not None:
            now_utc = now or _dt.datetime.now(_dt.UTC).replace(tzinfo=None)
            ts = pl.col("timestamp")
            ts_dtype = self._events_schema["timestamp"]  # type: ignore[index]
            if getattr(ts_dtype, "time_zone", None):
                ts = ts.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            unknown = events.join(
                contacts.select("contact_id"), on="contact_id", how="anti"
            ).select(pl.len()).collect().item()
            if unknown:
                issues.append(Issue(
                    "warning", "events", "contact_id",
                    f"{unknown} event(s) belong to no known contact (they are ignored)", unknown,
                ))  # fmt: skip
            stats = events.select(
                future=(ts > now_utc).sum(),
                null_ts=ts.is_null().sum(),
                null_event=pl.col("event").is_null().sum(),
            ).collect().row(0, named=True)
            if stats["future"]:
                issues.append(Issue(
                    "warning", "events", "timestamp",
                    f"{stats['future']} event(s) are in the future (after {now_utc:%Y-%m-%d %H:%M} "
                    "UTC); they only count for a later as_of", stats["future"],
                ))  # fmt: skip
            if stats["null_ts"]:
                issues.append(Issue(
                    "warning", "events", "timestamp",
                    f"{stats['null_ts']} event(s) have no timestamp (they are ignored)",
                    stats["null_ts"],
                ))  # fmt: skip
            if stats["null_event"]:
                issues.append(Issue(
                    "warning", "events", "event",
                    f"{stats['null_event']} event(s) have no event type (only \"*\" conditions count "
                    "them)",
                    stats["null_event"],
                ))  # fmt: skip
        return ValidationReport(tuple(issues))

    # -- display --------------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "contacts": self.n_contacts,
            "contact_columns": list(self._contacts_schema),
        }
        if self._events is not None:
            ev = self.lazy_events()
            assert ev is not None
            stats = ev.select(
                n=pl.len(), first=pl.col("timestamp").min(), last=pl.col("timestamp").max()
            ).collect().row(0, named=True)
            out.update(events=stats["n"], first_event=stats["first"], last_event=stats["last"],
                       event_types=self.event_types())  # fmt: skip
        if self._campaigns is not None:
            out["campaigns"] = _lazy(self._campaigns).select(pl.len()).collect().item()
        return out

    def __repr__(self) -> str:
        s = f"Dataset({self.n_contacts:,} contacts"
        if self._events is not None:
            s += f", {self.n_events:,} events"
        if self._campaigns is not None:
            s += ", campaigns"
        return s + ")"

    def _repr_html_(self) -> str:
        info = self.summary()
        parts = [f"<b>segkit Dataset</b>: {info['contacts']:,} contacts"]
        if "events" in info:
            parts.append(
                f"{info['events']:,} events from {info['first_event']} to {info['last_event']}"
            )
        if "campaigns" in info:
            parts.append(f"{info['campaigns']:,} campaigns")
        cols = ", ".join(info["contact_columns"])
        return "<p>" + "; ".join(parts) + f"</p><p><small>contact fields: {cols}</small></p>"


def _rows(rows: list[int]) -> str:
    return ", ".join(str(r) for r in rows)
