"""Hypothesis strategies for random contacts/events frames and random valid segment documents,
plus the small helper that runs the engine the way every test does.

Data is small and adversarial: nulls everywhere, mixed case, "" and [], timestamps at exactly
``as_of - N days`` (and a microsecond either side), midnights, events after ``as_of``, null
timestamps, events of unknown contacts, zone-aware columns.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from hypothesis import strategies as st

# -- engine helper ------------------------------------------------------------------------------


def engine_mask(doc, contacts, events, as_of, catalog=None) -> list[bool]:
    """Run the engine on ``doc`` and return its member column (checking the mask's shape, and
    that ``count``, which plans differently, counts the same members)."""
    from segkit import Dataset, Segment

    seg = Segment.from_dict(doc)
    cat = {k: Segment.from_dict(v) for k, v in catalog.items()} if catalog else None
    data = Dataset(contacts, events)
    out = seg.mask(data, as_of=as_of, catalog=cat)
    assert out.columns == ["contact_id", "member"], out.columns
    assert out["member"].dtype == pl.Boolean
    assert out["member"].null_count() == 0
    assert out["contact_id"].to_list() == contacts["contact_id"].to_list()
    assert seg.count(data, as_of=as_of, catalog=cat) == out["member"].sum(), "count != mask"
    return out["member"].to_list()


def ids_of(contacts: pl.DataFrame, mask: list[bool]) -> list:
    return [c for c, m in zip(contacts["contact_id"].to_list(), mask, strict=True) if m]


# -- data ---------------------------------------------------------------------------------------

AS_OFS = [
    dt.datetime(2026, 3, 15, 12, 0, 0),
    dt.datetime(2026, 3, 15, 0, 0, 0),
    dt.datetime(2026, 3, 15, 23, 59, 59, 999999),
    dt.datetime(2026, 3, 1, 0, 30, 0),
]
ZONES = [None, "UTC", "Europe/Berlin", "America/New_York"]
EVENT_ZONES = ZONES  # the zones of events.timestamp
COUNTRIES = ["US", "us", "Us", "DE", "de", "", "United States", " us", "İstanbul", "ΟΔΟΣ", "straße"]
TAGS = ["VIP", "vip", "Sports", "newsletter", "NEWSLETTER", "", "Café", "ΟΔΟΣ"]
PAGES = ["pricing", "Pricing", "home", "", "PRICING/plans"]
EVENT_TYPES = ["purchase", "page_view", "email_open", "Purchase"]
STR_VALUES = ["istanbul", "i", "οδοσ", "σ", "S", "u"]  # simple vs full lower-casing
TEXT = st.text(alphabet="aAbσΣ ", max_size=4)

CONTACT_FIELDS = {
    "age": "int",
    "score": "float",
    "country": "str",
    "name": "str",
    "active": "bool",
    "birthday": "date",
    "signup": "datetime",
    "seen_at": "datetime",
    "tags": "list",
}
EVENT_FIELDS = {"page": "str", "amount": "float", "qty": "int", "timestamp": "datetime"}

dyadic = st.integers(-8, 24).map(lambda k: k / 4)  # exactly representable, sums stay exact
small_int = st.integers(-3, 6)

# Strategies are built once, here: building them inside the row loops is what makes data slow.
_NULL = st.integers(0, 4)  # 0 -> null (and nulls are where shrinking goes)
_DAYS = st.sampled_from([0, 0, 1, 1, 2, 3, 7, 7, 10, 30, -1])
_INSTANT_KIND = st.sampled_from(["exact", "nudge", "midnight", "free"])
_EPS = st.sampled_from([dt.timedelta(microseconds=1), dt.timedelta(seconds=1),
                        -dt.timedelta(microseconds=1), -dt.timedelta(seconds=1)])
_END_OF_DAY = st.sampled_from([dt.timedelta(0), dt.timedelta(days=1, microseconds=-1)])
_SECONDS = st.integers(-86400, 86400)
_DATE_DAYS = st.sampled_from([0, 1, 2, 6, 7, 8, 10, -1, 400])
_COUNTRY = st.sampled_from(COUNTRIES)
_TAG_LIST = st.lists(st.sampled_from(TAGS), max_size=3)
_EVENT_TYPE = st.sampled_from(EVENT_TYPES)
_PAGE = st.sampled_from(PAGES)


def _nullable(draw, value_strategy):
    return None if draw(_NULL) == 0 else draw(value_strategy)


def draw_instant(draw, as_of: dt.datetime) -> dt.datetime:
    """A UTC-naive instant near as_of, biased to the boundaries the spec talks about."""
    days, kind = draw(_DAYS), draw(_INSTANT_KIND)
    if kind == "exact":
        return as_of - dt.timedelta(days=days)
    if kind == "nudge":
        return as_of - dt.timedelta(days=days) + draw(_EPS)
    if kind == "midnight":
        return dt.datetime.combine(as_of.date() - dt.timedelta(days=days), dt.time()) + draw(_END_OF_DAY)
    return as_of - dt.timedelta(days=days, seconds=draw(_SECONDS))


def draw_date(draw, as_of: dt.datetime) -> dt.date:
    return as_of.date() - dt.timedelta(days=draw(_DATE_DAYS))


@st.composite
def instants(draw, as_of: dt.datetime) -> dt.datetime:
    return draw_instant(draw, as_of)


@st.composite
def dates(draw, as_of: dt.datetime) -> dt.date:
    return draw_date(draw, as_of)


def _id(i: int, as_str: bool) -> int | str:
    return f"c{i}" if as_str else i


def _datetime_series(name: str, values: list, zone: str | None, unit: str = "us") -> pl.Series:
    s = pl.Series(name, values, dtype=pl.Datetime("us")).cast(pl.Datetime(unit))
    if zone is not None:
        s = s.dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
    return s


_AGE_TYPE = st.sampled_from([pl.Int64, pl.Int64, pl.Int32, pl.UInt16])
_SCORE_TYPE = st.sampled_from([pl.Float64, pl.Float32])
_UNIT = st.sampled_from(["us", "ns"])
_AWARE_ZONE = st.sampled_from(ZONES[1:])
_ABS_INT = small_int.map(abs)


@st.composite
def contacts_frames(draw, as_of: dt.datetime, str_ids: bool = False, max_rows: int = 30):
    n = draw(st.integers(0, max_rows))
    age_type = draw(_AGE_TYPE)
    ages = _ABS_INT if age_type == pl.UInt16 else small_int
    rows = [
        dict(
            age=_nullable(draw, ages),
            score=_nullable(draw, dyadic),
            country=_nullable(draw, _COUNTRY),
            name=_nullable(draw, TEXT),
            active=_nullable(draw, st.booleans()),
            birthday=None if draw(_NULL) == 0 else draw_date(draw, as_of),
            signup=None if draw(_NULL) == 0 else draw_instant(draw, as_of),
            seen_at=None if draw(_NULL) == 0 else draw_instant(draw, as_of),
            tags=_nullable(draw, _TAG_LIST),
        )
        for _ in range(n)
    ]
    col = lambda k: [r[k] for r in rows]  # noqa: E731
    return pl.DataFrame(
        [
            pl.Series("contact_id", [_id(i, str_ids) for i in range(1, n + 1)],
                      dtype=pl.String if str_ids else pl.Int64),
            pl.Series("age", col("age"), dtype=age_type),
            pl.Series("score", col("score"), dtype=draw(_SCORE_TYPE)),
            pl.Series("country", col("country"), dtype=pl.String),
            pl.Series("name", col("name"), dtype=pl.String),
            pl.Series("active", col("active"), dtype=pl.Boolean),
            pl.Series("birthday", col("birthday"), dtype=pl.Date),
            _datetime_series("signup", col("signup"), None, draw(_UNIT)),
            _datetime_series("seen_at", col("seen_at"), draw(_AWARE_ZONE)),
            pl.Series("tags", col("tags"), dtype=pl.List(pl.String)),
        ]
    )  # fmt: skip


@st.composite
def events_frames(draw, as_of: dt.datetime, n_contacts: int, str_ids: bool = False,
                  max_rows: int = 80):
    if draw(st.integers(0, 9)) == 0:
        return None
    n = draw(st.integers(0, max_rows))
    who = st.integers(1, n_contacts + 2)  # a few unknown contacts
    rows = [
        dict(
            contact_id=draw(who),
            event=draw(_EVENT_TYPE),
            timestamp=None if draw(_NULL) == 0 and draw(_NULL) == 0 else draw_instant(draw, as_of),
            page=_nullable(draw, _PAGE),
            amount=_nullable(draw, dyadic),
            qty=_nullable(draw, small_int),
        )
        for _ in range(n)
    ]
    col = lambda k: [r[k] for r in rows]  # noqa: E731
    return pl.DataFrame(
        [
            pl.Series("contact_id", [_id(i, str_ids) for i in col("contact_id")],
                      dtype=pl.String if str_ids else draw(st.sampled_from([pl.Int64, pl.Int32]))),
            pl.Series("event", col("event"), dtype=pl.String),
            _datetime_series("timestamp", col("timestamp"), draw(st.sampled_from(EVENT_ZONES))),
            pl.Series("page", col("page"), dtype=pl.String),
            pl.Series("amount", col("amount"), dtype=pl.Float64),
            pl.Series("qty", col("qty"), dtype=pl.Int64),
        ]
    )  # fmt: skip


# -- values -------------------------------------------------------------------------------------


@st.composite
def iso_values(draw, as_of: dt.datetime) -> str:
    """An ISO-8601 value: date-only, naive datetime (UTC), or with an offset."""
    kind = draw(st.sampled_from(["date", "date", "naive", "naive", "offset"]))
    if kind == "date":
        return draw(dates(as_of)).isoformat()
    x = draw(instants(as_of)).replace(microsecond=0)
    if kind == "naive":
        return x.isoformat()
    off = dt.timezone(dt.timedelta(hours=draw(st.sampled_from([1, -5]))))
    return x.replace(tzinfo=dt.UTC).astimezone(off).isoformat()


def _numbers():
    return st.one_of(small_int, dyadic)


def scalar_values(kind: str, as_of: dt.datetime):
    return {
        "int": _numbers(),
        "float": _numbers(),
        "str": st.one_of(st.sampled_from(COUNTRIES + PAGES + STR_VALUES), TEXT),
        "bool": st.booleans(),
        "date": iso_values(as_of),
        "datetime": iso_values(as_of),
    }[kind]


OPS = {
    "int": ["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "between", "is_empty", "is_not_empty"],
    "str": ["eq", "ne", "in", "not_in", "contains", "not_contains", "starts_with", "ends_with",
            "is_empty", "is_not_empty"],
    "bool": ["eq", "is_empty", "is_not_empty"],
    "date": ["eq", "ne", "in", "not_in", "lt", "before", "gt", "after", "le", "ge", "between",
             "within_last_days", "not_within_last_days", "is_empty", "is_not_empty"],
    "list": ["has_any", "has_all", "has_none", "is_empty", "is_not_empty"],
}  # fmt: skip
OPS["float"] = OPS["int"]
OPS["datetime"] = OPS["date"]


@st.composite
def op_value(draw, kind: str, as_of: dt.datetime) -> dict:
    """{"op": ..., "value": ...} (value omitted for is_empty/is_not_empty) fitting ``kind``."""
    op = draw(st.sampled_from(OPS[kind]))
    if op in ("is_empty", "is_not_empty"):
        return {"op": op}
    if op in ("within_last_days", "not_within_last_days"):
        return {"op": op, "value": draw(st.sampled_from([0, 1, 2, 7, 8, 30]))}
    if kind == "list":
        pool = st.sampled_from(TAGS + ["Vip", "SPORTS", "other"])
        return {"op": op, "value": draw(st.lists(pool, max_size=3))}
    if op in ("in", "not_in"):
        return {"op": op, "value": draw(st.lists(scalar_values(kind, as_of), max_size=3))}
    if op == "between":
        if kind in ("date", "datetime"):  # both bounds of one kind (see the report on mixed bounds)
            same = draw(st.sampled_from(["date", "naive"]))
            lo, hi = sorted(draw(st.lists(dates(as_of) if same == "date" else instants(as_of),
                                          min_size=2, max_size=2)))
            if same == "naive":
                lo, hi = lo.replace(microsecond=0), hi.replace(microsecond=0)
            lo, hi = lo.isoformat(), hi.isoformat()
            if draw(st.integers(0, 4)) == 0:
                lo, hi = hi, lo
            return {"op": op, "value": [lo, hi]}
        return {"op": op, "value": draw(st.lists(_numbers(), min_size=2, max_size=2))}
    return {"op": op, "value": draw(scalar_values(kind, as_of))}


# -- rules --------------------------------------------------------------------------------------


@st.composite
def field_rules(draw, fields: dict[str, str], as_of: dt.datetime) -> dict:
    name = draw(st.sampled_from(sorted(fields)))
    return {"field": name, **draw(op_value(fields[name], as_of))}


@st.composite
def where_rules(draw, as_of: dt.datetime, depth: int = 1) -> dict:
    if depth <= 0 or draw(st.integers(0, 2)):
        return draw(field_rules(EVENT_FIELDS, as_of))
    shape = draw(st.sampled_from(["all", "any", "not"]))
    if shape == "not":
        return {"not": draw(where_rules(as_of, depth - 1))}
    return {shape: draw(st.lists(where_rules(as_of, depth - 1), max_size=2))}


@st.composite
def event_rules(draw, as_of: dt.datetime) -> dict:
    rule: dict[str, Any] = {
        "event": draw(st.sampled_from(
            ["purchase", "purchase", "page_view", "*", ["purchase", "email_open"], "Purchase",
             "signup"]
        ))  # fmt: skip
    }
    if draw(st.booleans()):
        rule["where"] = draw(where_rules(as_of))
    within = draw(st.sampled_from(["none", "none", "last_days", "from", "to", "from_to"]))
    if within == "last_days":
        rule["within"] = {"last_days": draw(st.sampled_from([0, 1, 2, 7, 8, 30]))}
    elif within != "none":
        bounds = {}
        if within in ("from", "from_to"):
            bounds["from"] = draw(iso_values(as_of))
        if within in ("to", "from_to"):
            bounds["to"] = draw(iso_values(as_of))
        rule["within"] = bounds
    measure = draw(st.sampled_from(
        ["count", "count", "default", "first_at", "last_at", "sum", "avg", "min", "max"]
    ))  # fmt: skip
    if measure == "default":
        return rule
    if measure == "count":
        if draw(st.booleans()):
            rule["measure"] = "count"
        rule.update(draw(op_value("int", as_of)))
        if rule["op"] in ("eq", "ne", "lt", "le", "gt", "ge") and draw(st.booleans()):
            rule["value"] = draw(st.integers(0, 3))
        return rule
    if measure in ("first_at", "last_at"):
        rule["measure"] = measure
        rule.update(draw(op_value("datetime", as_of)))
        return rule
    rule["measure"] = {measure: draw(st.sampled_from(["amount", "qty"]))}
    rule.update(draw(op_value("float", as_of)))
    return rule


@st.composite
def rules(draw, as_of: dt.datetime, depth: int = 3, segments: tuple[str, ...] = ()) -> dict:
    """A random valid rule over CONTACT_FIELDS and the events of ``events_frames``."""
    leaf_kinds = ["field", "field", "field", "event", "event"] + (["segment"] if segments else [])
    if depth <= 0 or draw(st.integers(0, 2)) == 0:
        kind = draw(st.sampled_from(leaf_kinds))
        if kind == "field":
            return draw(field_rules(CONTACT_FIELDS, as_of))
        if kind == "event":
            return draw(event_rules(as_of))
        return {"segment": draw(st.sampled_from(segments))}
    shape = draw(st.sampled_from(["all", "any", "not"]))
    if shape == "not":
        return {"not": draw(rules(as_of, depth - 1, segments))}
    return {shape: draw(st.lists(rules(as_of, depth - 1, segments), max_size=3))}


@st.composite
def documents(draw, as_of: dt.datetime | None = None, segments: tuple[str, ...] = ()) -> dict:
    as_of = as_of or draw(st.sampled_from(AS_OFS))
    doc: dict[str, Any] = {"version": 1, "rule": draw(rules(as_of, 3, segments))}
    if draw(st.booleans()):
        doc["name"] = draw(st.text(min_size=1, max_size=10).filter(str.strip))
    if draw(st.booleans()):
        doc["description"] = draw(st.text(max_size=20))
    return doc


# -- scenarios ----------------------------------------------------------------------------------


@dataclass
class Scenario:
    as_of: dt.datetime
    contacts: pl.DataFrame
    events: pl.DataFrame | None
    catalog: dict[str, dict] = field(default_factory=dict)
    as_of_given: dt.datetime | str | None = None  # the same instant, as the engine is given it

    def _repr_pretty_(self, p, cycle) -> None:  # hypothesis prints falsifying examples with this
        p.text(repr(self))

    def __repr__(self) -> str:
        ev = None if self.events is None else self.events.to_dicts()
        return (
            f"Scenario(as_of={self.as_of!r}, as_of_given={self.as_of_given!r},\n contacts={self.contacts.to_dicts()!r},\n"
            f" events={ev!r},\n catalog={json.dumps(self.catalog)})"
        )


@st.composite
def scenarios(draw, with_catalog: bool = True) -> Scenario:
    as_of = draw(st.sampled_from(AS_OFS))
    str_ids = draw(st.integers(0, 4)) == 0
    contacts = draw(contacts_frames(as_of, str_ids))
    events = draw(events_frames(as_of, contacts.height, str_ids))
    catalog: dict[str, dict] = {}
    if with_catalog and draw(st.booleans()):
        catalog["base"] = {"version": 1, "name": "base", "rule": draw(rules(as_of, 1))}
        if draw(st.booleans()):
            catalog["derived"] = {
                "version": 1, "name": "derived", "rule": draw(rules(as_of, 1, ("base",)))
            }
    as_of_given = draw(st.sampled_from([
        as_of,
        as_of.isoformat(),
        as_of.replace(tzinfo=dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=-5))),
    ]))  # fmt: skip
    return Scenario(as_of, contacts, events, catalog, as_of_given)


# -- arbitrary JSON (fuzzing) -------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, 1, -1, 7, 10**6, 2**31, 2**53 + 1, 2**63, 10**400 // 10**390]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from(
        ["eq", "in", "all", "any", "not", "field", "op", "value", "event", "between", "count",
         "purchase", "age", "2026-03-01", "2026-03-01T12:00:00", "*", "sum", "first_at"]
    ),
)  # fmt: skip
json_values = st.recursive(
    json_scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(
                ["version", "rule", "all", "any", "not", "field", "op", "value", "event",
                 "where", "within", "measure", "segment", "last_days", "from", "to", "name"]
            ), st.text(max_size=5)),  # fmt: skip
            kids,
            max_size=4,
        ),
    ),
    max_leaves=15,
)


def _paths(x: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(x, dict):
        for k, v in x.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            out += _paths(v, prefix + (i,))
    return out


@st.composite
def mutated_documents(draw) -> Any:
    """A valid document with one part replaced, deleted or given an extra key."""
    doc = json.loads(json.dumps(draw(documents())))
    path = draw(st.sampled_from(_paths(doc)))
    if not path:
        return draw(json_values)
    parent = doc
    for p in path[:-1]:
        parent = parent[p]
    last = path[-1]
    how = draw(st.sampled_from(["replace", "replace", "delete", "extra"]))
    if how == "replace":
        parent[last] = draw(json_values)
    elif how == "delete":
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last][draw(st.sampled_from(["value", "op", "all", "x", "where", "within"]))] = draw(
            json_values
        )
    else:
        parent[last] = [parent[last]]
    return doc
