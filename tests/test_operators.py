"""Field operators, per field type, against hand-computed truth.

Every case is checked twice, by separate tests: the reference evaluator against the expected ids
(`-k reference`), and the engine against the expected ids (`-k engine`). Then come the documents
that must be rejected, by ``Segment.from_dict`` (structure) or against the data (types, names).
"""

from __future__ import annotations

import datetime as dt
import os
import sys

import polars as pl
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from reference import reference_ids  # noqa: E402
from strategies import engine_mask, ids_of  # noqa: E402

AS_OF = dt.datetime(2026, 3, 15, 12, 0, 0)  # naive = UTC; date(as_of) = 2026-03-15
D, T = dt.date, dt.datetime


def _berlin(values):
    """Berlin wall-clock times (March = CET, +01:00; July = CEST, +02:00) as a zone-aware column."""
    return pl.Series("seen_at", values, dtype=pl.Datetime("us")).dt.replace_time_zone("Europe/Berlin")


CONTACTS = pl.DataFrame(
    [
        pl.Series("contact_id", [1, 2, 3, 4, 5, 6, 7, 8], dtype=pl.Int64),
        pl.Series("age", [30, 17, None, 45, 0, -3, 30, 100], dtype=pl.Int64),
        pl.Series("score", [1.5, 2.0, None, -0.5, 0.0, 3.25, 1e6, 2.5], dtype=pl.Float64),
        pl.Series("country", ["US", "us", None, "", "DE", "United States", " us", "Us"]),
        pl.Series("city", ["Berlin", "BERLIN", "İstanbul", "ΟΔΟΣ", None, "", "new york", "São Paulo"]),
        pl.Series("active", [True, False, None, True, False, True, None, False], dtype=pl.Boolean),
        pl.Series("birthday", [D(2026, 3, 15), D(2026, 3, 14), None, D(2026, 3, 8), D(2026, 3, 9),
                               D(2026, 3, 16), D(2000, 1, 1), D(2026, 3, 1)], dtype=pl.Date),
        pl.Series("signup", [
            T(2026, 3, 15, 12),                    # 1 = as_of
            T(2026, 3, 8, 12),                     # 2 = as_of - 7 days exactly
            T(2026, 3, 8, 12, 0, 0, 1),            # 3 = as_of - 7 days + 1 us
            None,                                  # 4
            T(2026, 3, 15, 12, 0, 0, 1),           # 5 = as_of + 1 us (future)
            T(2026, 3, 1),                         # 6 midnight of March 1
            T(2026, 3, 31, 23, 59, 59),            # 7
            T(2026, 3, 1, 23, 59, 59, 999999),     # 8 last instant of March 1
        ], dtype=pl.Datetime("us")),
        _berlin([
            T(2026, 3, 1, 0, 30),   # 1 = 2026-02-28 23:30 UTC
            T(2026, 3, 1, 1, 0),    # 2 = 2026-03-01 00:00 UTC
            None,                   # 3
            T(2026, 3, 15, 13, 0),  # 4 = as_of
            T(2026, 3, 8, 13, 0),   # 5 = as_of - 7 days
            T(2026, 3, 15, 13, 0, 1),  # 6 = as_of + 1 s
            T(2026, 3, 10, 10, 0),  # 7 = 2026-03-10 09:00 UTC
            T(2026, 7, 1, 2, 0),    # 8 = 2026-07-01 00:00 UTC (CEST)
        ]),
        pl.Series("tags", [["VIP", "newsletter"], ["vip"], None, [], ["Newsletter", "Sports"],
                           ["sports"], ["VIP", "Sports", "newsletter"], [""]],
                  dtype=pl.List(pl.String)),
    ]
)  # fmt: skip
ALL = [1, 2, 3, 4, 5, 6, 7, 8]


def F(field, op, value=..., expected=(), as_of=None):
    rule = {"field": field, "op": op} if value is ... else {"field": field, "op": op, "value": value}
    return dict(rule=rule, expected=list(expected), as_of=as_of)


def R(rule, expected, as_of=None):
    return dict(rule=rule, expected=list(expected), as_of=as_of)


CASES = [
    # -- int (age: 30, 17, null, 45, 0, -3, 30, 100) ----------------------------------------
    F("age", "eq", 30, [1, 7]),
    F("age", "eq", 30.0, [1, 7]),
    F("age", "eq", 30.5, []),
    F("age", "ne", 30, [2, 4, 5, 6, 8]),  # null is not "not 30"
    F("age", "in", [17, 0], [2, 5]),
    F("age", "in", [17.0, 99], [2]),
    F("age", "in", [], []),
    F("age", "not_in", [30, 100], [2, 4, 5, 6]),
    F("age", "not_in", [], [1, 2, 4, 5, 6, 7, 8]),
    F("age", "lt", 17, [5, 6]),
    F("age", "le", 17, [2, 5, 6]),
    F("age", "gt", 30, [4, 8]),
    F("age", "ge", 30, [1, 4, 7, 8]),
    F("age", "gt", 29.5, [1, 4, 7, 8]),
    F("age", "between", [17, 30], [1, 2, 7]),
    F("age", "between", [30, 30], [1, 7]),
    F("age", "between", [30, 17], []),
    F("age", "between", [-3.5, 0], [5, 6]),
    F("age", "is_empty", ..., [3]),
    F("age", "is_not_empty", ..., [1, 2, 4, 5, 6, 7, 8]),
    R({"not": {"field": "age", "op": "eq", "value": 30}}, [2, 3, 4, 5, 6, 8]),
    R({"not": {"field": "age", "op": "ne", "value": 30}}, [1, 3, 7]),
    # -- float (score: 1.5, 2.0, null, -0.5, 0.0, 3.25, 1e6, 2.5) ---------------------------
    F("score", "eq", 2, [2]),
    F("score", "eq", 2.0, [2]),
    F("score", "ne", 2, [1, 4, 5, 6, 7, 8]),
    F("score", "in", [1.5, 0], [1, 5]),
    F("score", "not_in", [1.5, 0], [2, 4, 6, 7, 8]),
    F("score", "lt", 0, [4]),
    F("score", "le", -0.5, [4]),
    F("score", "ge", 2.5, [6, 7, 8]),
    F("score", "gt", 1000000, []),
    F("score", "between", [1.5, 2.5], [1, 2, 8]),
    F("score", "between", [2.5, 1.5], []),
    F("score", "is_empty", ..., [3]),
    F("score", "is_not_empty", ..., [1, 2, 4, 5, 6, 7, 8]),
    # -- string (country: "US", "us", null, "", "DE", "United States", " us", "Us") --------
    F("country", "eq", "us", [1, 2, 8]),
    F("country", "eq", "US", [1, 2, 8]),
    F("country", "eq", " us", [7]),  # whitespace is not trimmed
    F("country", "eq", "us ", []),
    F("country", "eq", "", [4]),  # "" is an ordinary string for eq
    F("country", "ne", "us", [4, 5, 6, 7]),
    F("country", "ne", "", [1, 2, 5, 6, 7, 8]),
    F("country", "in", ["us", "de"], [1, 2, 5, 8]),
    F("country", "in", ["UNITED STATES"], [6]),
    F("country", "in", [], []),
    F("country", "not_in", ["us", "de"], [4, 6, 7]),
    F("country", "not_in", [], [1, 2, 4, 5, 6, 7, 8]),
    F("country", "contains", "S", [1, 2, 6, 7, 8]),
    F("country", "contains", "", [1, 2, 4, 5, 6, 7, 8]),
    F("country", "contains", "ited st", [6]),
    F("country", "not_contains", "s", [4, 5]),
    F("country", "not_contains", "", []),
    F("country", "starts_with", "u", [1, 2, 6, 8]),
    F("country", "starts_with", " ", [7]),
    F("country", "starts_with", "", [1, 2, 4, 5, 6, 7, 8]),
    F("country", "ends_with", "S", [1, 2, 6, 7, 8]),
    F("country", "ends_with", "TES", [6]),
    F("country", "is_empty", ..., [3, 4]),
    F("country", "is_not_empty", ..., [1, 2, 5, 6, 7, 8]),
    R({"not": {"field": "country", "op": "ne", "value": "us"}}, [1, 2, 3, 8]),
    R({"not": {"field": "country", "op": "not_contains", "value": "s"}}, [1, 2, 3, 6, 7, 8]),
    R({"not": {"field": "country", "op": "is_empty"}}, [1, 2, 5, 6, 7, 8]),
    # -- string, Unicode (city: Berlin, BERLIN, İstanbul, ΟΔΟΣ, null, "", new york, São Paulo)
    F("city", "eq", "berlin", [1, 2]),
    F("city", "contains", "ERL", [1, 2]),
    F("city", "eq", "SÃO PAULO", [8]),
    F("city", "eq", "istanbul", [3]),  # simple lower-casing: İ -> i (full lower-casing gives i̇)
    F("city", "contains", "σ", [4]),  # simple lower-casing: Σ -> σ, no final-sigma ς
    F("city", "ends_with", "ΟΣ", [4]),
    F("city", "is_empty", ..., [5, 6]),
    # -- bool (active: T, F, null, T, F, T, null, F) ---------------------------------------
    F("active", "eq", True, [1, 4, 6]),
    F("active", "eq", False, [2, 5, 8]),
    F("active", "is_empty", ..., [3, 7]),
    F("active", "is_not_empty", ..., [1, 2, 4, 5, 6, 8]),
    R({"not": {"field": "active", "op": "eq", "value": True}}, [2, 3, 5, 7, 8]),
    # -- date (birthday: 03-15, 03-14, null, 03-08, 03-09, 03-16, 2000-01-01, 03-01) -------
    F("birthday", "eq", "2026-03-15", [1]),
    F("birthday", "ne", "2026-03-15", [2, 4, 5, 6, 7, 8]),
    F("birthday", "in", ["2026-03-01", "2000-01-01"], [7, 8]),
    F("birthday", "not_in", ["2026-03-01", "2000-01-01"], [1, 2, 4, 5, 6]),
    F("birthday", "lt", "2026-03-09", [4, 7, 8]),
    F("birthday", "before", "2026-03-09", [4, 7, 8]),
    F("birthday", "le", "2026-03-09", [4, 5, 7, 8]),
    F("birthday", "gt", "2026-03-14", [1, 6]),
    F("birthday", "after", "2026-03-14", [1, 6]),
    F("birthday", "ge", "2026-03-14", [1, 2, 6]),
    F("birthday", "between", ["2026-03-08", "2026-03-14"], [2, 4, 5]),
    F("birthday", "between", ["2026-03-14", "2026-03-08"], []),
    F("birthday", "within_last_days", 7, [1, 2, 5]),  # 03-08 < x <= 03-15
    F("birthday", "within_last_days", 6, [1, 2]),
    F("birthday", "within_last_days", 1, [1]),
    F("birthday", "within_last_days", 0, []),
    F("birthday", "not_within_last_days", 7, [4, 7, 8]),  # x <= 03-08
    F("birthday", "not_within_last_days", 6, [4, 5, 7, 8]),
    F("birthday", "not_within_last_days", 0, [1, 2, 4, 5, 7, 8]),  # future 03-16 excluded
    R({"not": {"field": "birthday", "op": "within_last_days", "value": 7}}, [3, 4, 6, 7, 8]),
    # datetime value against a date field: the date stands for its midnight
    F("birthday", "eq", "2026-03-15T00:00:00", [1]),
    F("birthday", "eq", "2026-03-15T12:00:00", []),
    F("birthday", "lt", "2026-03-14T00:00:01", [2, 4, 5, 7, 8]),
    F("birthday", "le", "2026-03-13T23:59:59", [4, 5, 7, 8]),
    F("birthday", "gt", "2026-03-14T00:00:00", [1, 6]),
    F("birthday", "ge", "2026-03-14T00:00:00", [1, 2, 6]),
    F("birthday", "is_empty", ..., [3]),
    F("birthday", "within_last_days", 1_000_000, [1, 2, 4, 5, 7, 8]),  # N has no upper bound
    F("birthday", "not_within_last_days", 1_000_000, []),
    # as_of 2026-03-15T00:30+01:00 = 2026-03-14T23:30 UTC, so date(as_of) = 03-14
    F("birthday", "within_last_days", 1, [2],
      as_of=T(2026, 3, 15, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))),
    F("birthday", "within_last_days", 1, [1], as_of="2026-03-15T00:00:00"),
    # -- datetime, naive (signup; see the frame) -------------------------------------------
    F("signup", "eq", "2026-03-01", [6, 8]),  # a date-only value: "on that day"
    F("signup", "ne", "2026-03-01", [1, 2, 3, 5, 7]),
    F("signup", "in", ["2026-03-01", "2026-03-15"], [1, 5, 6, 8]),
    F("signup", "not_in", ["2026-03-01", "2026-03-15"], [2, 3, 7]),
    F("signup", "eq", "2026-03-15T12:00:00", [1]),
    F("signup", "eq", "2026-03-15T13:00:00+01:00", [1]),  # zone-aware value -> UTC
    F("signup", "le", "2026-03-31", [1, 2, 3, 5, 6, 7, 8]),  # includes all of March 31
    F("signup", "lt", "2026-03-31", [1, 2, 3, 5, 6, 8]),
    F("signup", "le", "2026-03-01", [6, 8]),
    F("signup", "lt", "2026-03-02", [6, 8]),
    F("signup", "ge", "2026-03-15", [1, 5, 7]),
    F("signup", "gt", "2026-03-15", [7]),
    F("signup", "gt", "2026-03-08", [1, 5, 7]),
    F("signup", "after", "2026-03-08T12:00:00", [1, 3, 5, 7]),
    F("signup", "before", "2026-03-01T00:00:00", []),
    F("signup", "le", "2026-03-01T00:00:00", [6]),
    F("signup", "between", ["2026-03-01", "2026-03-08"], [2, 3, 6, 8]),  # both whole end days
    F("signup", "between", ["2026-03-08T12:00:00", "2026-03-15T12:00:00"], [1, 2, 3]),
    F("signup", "between", ["2026-03-08", "2026-03-01"], []),
    F("signup", "within_last_days", 7, [1, 3]),  # as_of - 7d < x <= as_of
    F("signup", "within_last_days", 14, [1, 2, 3, 8]),
    F("signup", "within_last_days", 15, [1, 2, 3, 6, 8]),
    F("signup", "within_last_days", 0, []),
    F("signup", "not_within_last_days", 7, [2, 6, 8]),  # x <= as_of - 7d
    F("signup", "not_within_last_days", 0, [1, 2, 3, 6, 8]),
    F("signup", "is_empty", ..., [4]),
    F("signup", "within_last_days", 1_000_000, [1, 2, 3, 6, 8]),  # N has no upper bound
    F("signup", "not_within_last_days", 1_000_000, []),
    F("signup", "is_not_empty", ..., [1, 2, 3, 5, 6, 7, 8]),
    # as_of as an ISO string and as an aware datetime, both = 2026-03-15T12:00 UTC
    F("signup", "within_last_days", 7, [1, 3], as_of="2026-03-15T12:00:00"),
    F("signup", "within_last_days", 7, [1, 3],
      as_of=T(2026, 3, 15, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))),
    # -- datetime, Europe/Berlin (seen_at; compared in UTC) --------------------------------
    F("seen_at", "eq", "2026-03-01", [2]),
    F("seen_at", "eq", "2026-02-28", [1]),
    F("seen_at", "le", "2026-02-28", [1]),
    F("seen_at", "eq", "2026-03-15T12:00:00", [4]),
    F("seen_at", "eq", "2026-03-15T13:00:00+01:00", [4]),
    F("seen_at", "eq", "2026-07-01", [8]),
    F("seen_at", "within_last_days", 7, [4, 7]),
    F("seen_at", "not_within_last_days", 7, [1, 2, 5]),
    F("seen_at", "between", ["2026-03-01T00:00:00", "2026-03-10T09:00:00"], [2, 5, 7]),
    F("seen_at", "is_empty", ..., [3]),
    # -- list of strings (tags: [VIP, newsletter], [vip], null, [], [Newsletter, Sports],
    #    [sports], [VIP, Sports, newsletter], [""]) -------------------------------------
    F("tags", "has_any", ["vip"], [1, 2, 7]),
    F("tags", "has_any", ["VIP", "sports"], [1, 2, 5, 6, 7]),
    F("tags", "has_any", [], []),
    F("tags", "has_any", [""], [8]),
    F("tags", "has_all", ["vip", "NEWSLETTER"], [1, 7]),
    F("tags", "has_all", ["sports"], [5, 6, 7]),
    F("tags", "has_all", [], ALL),  # null list = [] and has_all [] is true
    F("tags", "has_none", ["vip"], [3, 4, 5, 6, 8]),
    F("tags", "has_none", ["vip", "sports"], [3, 4, 8]),
    F("tags", "has_none", [], ALL),
    F("tags", "is_empty", ..., [3, 4]),
    F("tags", "is_not_empty", ..., [1, 2, 5, 6, 7, 8]),
    R({"not": {"field": "tags", "op": "has_any", "value": ["vip"]}}, [3, 4, 5, 6, 8]),
    # -- composites ----------------------------------------------------------------------------
    R({"all": []}, ALL),
    R({"any": []}, []),
    R({"not": {"all": []}}, []),
    R({"not": {"any": []}}, ALL),
    R({"all": [{"field": "country", "op": "eq", "value": "us"},
               {"field": "age", "op": "ge", "value": 30}]}, [1, 8]),
    R({"any": [{"field": "country", "op": "eq", "value": "de"},
               {"field": "tags", "op": "has_any", "value": ["vip"]}]}, [1, 2, 5, 7]),
    R({"not": {"any": [{"field": "country", "op": "eq", "value": "de"},
                       {"field": "tags", "op": "has_any", "value": ["vip"]}]}}, [3, 4, 6, 8]),
    R({"all": [{"any": [{"field": "age", "op": "is_empty"}, {"field": "age", "op": "lt", "value": 1}]},
               {"not": {"field": "active", "op": "eq", "value": True}}]}, [3, 5]),
]  # fmt: skip


def _id(case):
    r = case["rule"]
    if "field" in r:
        return f"{r['field']}-{r['op']}-{r.get('value', '')}" + (f"@{case['as_of']}" if case["as_of"] else "")
    return str(r)[:60]


CASE_IDS = [f"{i}:{_id(c)}" for i, c in enumerate(CASES)]


def _doc(case):
    return {"version": 1, "rule": case["rule"]}


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_reference(case):
    got = reference_ids(_doc(case), CONTACTS, None, case["as_of"] or AS_OF)
    assert got == case["expected"]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_engine(case):
    from segkit import Dataset, Segment

    as_of = case["as_of"] or AS_OF
    got = ids_of(CONTACTS, engine_mask(_doc(case), CONTACTS, None, as_of))
    assert got == case["expected"]
    seg = Segment.from_dict(_doc(case))
    data = Dataset(CONTACTS)
    assert seg.count(data, as_of=as_of) == len(case["expected"])
    assert seg.members(data, as_of=as_of)["contact_id"].to_list() == case["expected"]


STRING_CASES = [c for c in CASES if c["rule"].get("field") in ("country", "city")
                and c["rule"]["op"] not in ("is_empty", "is_not_empty")
                and all(str(v).isascii() for v in
                        (c["rule"]["value"] if isinstance(c["rule"]["value"], list)
                         else [c["rule"]["value"]]))]  # fmt: skip


# Equality with ASCII literals is an is_in over every spelling of those that fit in a budget
# of spellings, and for the others (long literals) an exact test, then a regex on the texts of
# a possible length (in a list: a regex): each case with every literal hashed, some, and none.
@pytest.fixture(params=[8192, 8, 0], ids=["hashed", "some hashed", "exact+regex"])
def spellings(request, monkeypatch):
    from segkit.compile import polars as cp

    monkeypatch.setattr(cp, "_SPELLINGS_MAX", request.param)


@pytest.mark.usefixtures("spellings")
@pytest.mark.parametrize("case", STRING_CASES, ids=[_id(c) for c in STRING_CASES])
def test_engine_string_regex_and_lower_casing_agree(case):
    """ASCII literals compile to exact tests and a regex with a class per letter; the
    lower-casing compare used for other literals gives the same, expected answer on them."""
    from segkit.compile import polars as cp

    name, op, value = case["rule"]["field"], case["rule"]["op"], case["rule"]["value"]
    values = cp._lower(value if isinstance(value, list) else [value])
    col = pl.col(name)
    for build in (cp._string_regex, cp._string_lower):
        if op in ("in", "not_in") and not values:
            continue  # answered before either path
        expr = build(cp.ALIASES.get(op, op), values, col).fill_null(False)
        assert CONTACTS.filter(expr)["contact_id"].to_list() == case["expected"], build


@pytest.mark.parametrize(
    ("text", "literal", "equal"),
    [("SUBSCRİBED", "subscribed", True), ("\u212aelvin", "KELVIN", True), ("ſun", "sun", False),
     ("ıi", "ii", False), ("I", "\u0130", True), ("a.b", "A.B", True), ("axb", "a.b", False),
     ("(x)", "(X)", True), ("", "", True), ("ΟΔΟΣ", "οδοσ", True), ("straẞe", "STRAßE", True),
     # longer in bytes than the literal (which an exact equality cannot catch)
     ("\u212a\u0130\u212a", "kik", True), ("\u0130\u0130", "II", True), ("x\u212aİK", "kik", False),
     ("\u212a\u212a", "kik", False), ("KI", "kik", False)],
)  # fmt: skip
@pytest.mark.usefixtures("spellings")
def test_engine_string_equality_is_simple_lower_casing(text, literal, equal):
    """Equality after Unicode simple lower-casing of both sides, on tricky characters: İ and
    the Kelvin sign lower-case to ASCII, the long s and the dotless i do not, regex
    metacharacters are literal."""
    from segkit import Dataset, Segment
    data = Dataset(pl.DataFrame({"contact_id": [1], "t": [text], "tags": [[text]]}))
    for rule in ({"field": "t", "op": "eq", "value": literal},
                 {"field": "t", "op": "ne", "value": literal},
                 {"field": "t", "op": "in", "value": [literal, "zzz"]},
                 {"field": "t", "op": "not_in", "value": [literal, "zzz"]},
                 {"field": "t", "op": "starts_with", "value": literal},
                 {"field": "tags", "op": "has_any", "value": [literal]}):  # fmt: skip
        negated = rule["op"] in ("ne", "not_in")
        assert Segment.from_dict({"version": 1, "rule": rule}).count(data) == \
            int(equal != negated), rule


# -- structurally invalid documents: Segment.from_dict rejects them ---------------------------

OK = {"field": "age", "op": "eq", "value": 1}
EV = {"event": "purchase"}
INVALID = [
    # (id, document, err.path)
    ("unknown top-level key", {"version": 1, "rule": OK, "nmae": "x"}, "nmae"),
    ("missing rule", {"version": 1}, "rule"),
    ("missing version", {"rule": OK}, "version"),
    ("version 2", {"version": 2, "rule": OK}, "version"),
    ("version string", {"version": "1", "rule": OK}, "version"),
    ("version bool", {"version": True, "rule": OK}, "version"),
    ("name not a string", {"version": 1, "rule": OK, "name": 5}, "name"),
    ("description not a string", {"version": 1, "rule": OK, "description": []}, "description"),
    ("rule not an object", {"version": 1, "rule": 5}, "rule"),
    ("rule empty object", {"version": 1, "rule": {}}, "rule"),
    ("unknown key in a field rule", {"version": 1, "rule": {"all": [OK, {**OK, "extra": 1}]}},
     "rule.all[1].extra"),
    ("unknown key in an event rule", {"version": 1, "rule": {**EV, "foo": 1}}, "rule.foo"),
    ("missing value", {"version": 1, "rule": {"all": [{"field": "age", "op": "eq"}]}},
     "rule.all[0].value"),
    ("missing op", {"version": 1, "rule": {"field": "age", "value": 1}}, "rule.op"),
    ("value for is_empty", {"version": 1, "rule": {"field": "age", "op": "is_empty", "value": 1}},
     "rule.value"),
    ("value for is_not_empty",
     {"version": 1, "rule": {"field": "age", "op": "is_not_empty", "value": None}}, "rule.value"),
    ("null value", {"version": 1, "rule": {"field": "age", "op": "eq", "value": None}},
     "rule.value"),
    ("in with a non-list", {"version": 1, "rule": {"field": "country", "op": "in", "value": "us"}},
     "rule.value"),
    ("not_in with a non-list",
     {"version": 1, "rule": {"field": "country", "op": "not_in", "value": 3}}, "rule.value"),
    ("has_any with a non-list",
     {"version": 1, "rule": {"field": "tags", "op": "has_any", "value": "vip"}}, "rule.value"),
    ("between with 3 items",
     {"version": 1, "rule": {"field": "age", "op": "between", "value": [1, 2, 3]}}, "rule.value"),
    ("between with 1 item",
     {"version": 1, "rule": {"field": "age", "op": "between", "value": [1]}}, "rule.value"),
    ("between not a list",
     {"version": 1, "rule": {"field": "age", "op": "between", "value": 1}}, "rule.value"),
    ("unknown op", {"version": 1, "rule": {"field": "age", "op": "equals", "value": 1}}, "rule.op"),
    ("op not a string", {"version": 1, "rule": {"field": "age", "op": 1, "value": 1}}, "rule.op"),
    ("all and any in one rule", {"version": 1, "rule": {"all": [], "any": []}}, ("rule", "rule.all", "rule.any")),
    ("field and event in one rule", {"version": 1, "rule": {**OK, "event": "x"}},
     ("rule", "rule.field", "rule.event")),
    ("all not a list", {"version": 1, "rule": {"all": OK}}, "rule.all"),
    ("not with a list", {"version": 1, "rule": {"not": [OK]}}, "rule.not"),
    ("negative within_last_days",
     {"version": 1, "rule": {"field": "signup", "op": "within_last_days", "value": -1}},
     "rule.value"),
    ("fractional within_last_days",
     {"version": 1, "rule": {"field": "signup", "op": "within_last_days", "value": 1.5}},
     "rule.value"),
    ("bool within_last_days",
     {"version": 1, "rule": {"field": "signup", "op": "not_within_last_days", "value": True}},
     "rule.value"),
    ("string within_last_days",
     {"version": 1, "rule": {"field": "signup", "op": "within_last_days", "value": "7"}},
     "rule.value"),
    ("bool as a number", {"version": 1, "rule": {"field": "age", "op": "gt", "value": True}},
     "rule.value"),
    ("contains with a number",
     {"version": 1, "rule": {"field": "country", "op": "contains", "value": 5}}, "rule.value"),
    ("value an object", {"version": 1, "rule": {"field": "age", "op": "eq", "value": {"a": 1}}},
     "rule.value"),
    ("field not a string", {"version": 1, "rule": {"field": 5, "op": "eq", "value": 1}},
     "rule.field"),
    ("segment not a string", {"version": 1, "rule": {"segment": 5}}, "rule.segment"),
    ("nested path",
     {"version": 1, "rule": {"all": [{"any": [OK, {"not": {"field": "b", "op": "eq", "value": None}}]}]}},
     "rule.all[0].any[1].not.value"),
    ("event op without value", {"version": 1, "rule": {**EV, "op": "ge"}}, "rule.value"),
    ("event value without op", {"version": 1, "rule": {**EV, "value": 2}}, "rule.op"),
    ("event measure without op/value", {"version": 1, "rule": {**EV, "measure": {"sum": "amount"}}},
     "rule.op"),
    ("event is_empty with value",
     {"version": 1, "rule": {**EV, "measure": {"avg": "amount"}, "op": "is_empty", "value": 1}},
     "rule.value"),
    ("unknown measure", {"version": 1, "rule": {**EV, "measure": "median", "op": "ge", "value": 1}},
     "rule.measure"),
    ("event type not a string", {"version": 1, "rule": {"event": 5}}, "rule.event"),
    ("negative last_days", {"version": 1, "rule": {**EV, "within": {"last_days": -1}}},
     "rule.within.last_days"),
    ("bool last_days", {"version": 1, "rule": {**EV, "within": {"last_days": True}}},
     "rule.within.last_days"),
    ("unknown key in within", {"version": 1, "rule": {**EV, "within": {"days": 3}}},
     "rule.within.days"),
    ("last_days and from", {"version": 1, "rule": {**EV, "within": {"last_days": 3, "from": "2026-01-01"}}},
     ("rule.within", "rule.within.from", "rule.within.last_days")),
    ("from not ISO", {"version": 1, "rule": {**EV, "within": {"from": "yesterday"}}},
     "rule.within.from"),
    ("event rule in where", {"version": 1, "rule": {**EV, "where": {"event": "x"}}},
     ("rule.where", "rule.where.event")),
    ("segment in where", {"version": 1, "rule": {**EV, "where": {"segment": "x"}}},
     ("rule.where", "rule.where.segment")),
    ("not a date for a date op", {"version": 1, "rule": {"field": "birthday", "op": "after", "value": "March 1st"}},
     "rule.value"),
    ("gt with a non-date string", {"version": 1, "rule": {"field": "country", "op": "gt", "value": "m"}},
     "rule.value"),
    ("first_at with a number",
     {"version": 1, "rule": {**EV, "measure": "first_at", "op": "gt", "value": 3}}, "rule.value"),
    ("null value in where",
     {"version": 1, "rule": {**EV, "where": {"all": [{"field": "page", "op": "eq", "value": None}]}}},
     "rule.where.all[0].value"),
]  # fmt: skip


@pytest.mark.parametrize("doc,path", [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_engine_from_dict_rejects(doc, path):
    from segkit import Segment, SegmentError

    with pytest.raises(SegmentError) as info:
        Segment.from_dict(doc)
    assert isinstance(info.value, ValueError)
    paths = path if isinstance(path, tuple) else (path,)  # a tuple: the spec allows several readings
    assert info.value.path in paths, str(info.value)


# -- invalid only against the data: seg.validate(data) and evaluation ------------------------

EVENTS = pl.DataFrame(
    {
        "contact_id": [1, 2],
        "event": ["purchase", "page_view"],
        "timestamp": [T(2026, 3, 1), T(2026, 3, 2)],
        "page": ["a", "pricing"],
        "amount": [1.0, None],
    }
)
# (id, rule, acceptable err.path values, a name the error must suggest or None)
INVALID_FOR_DATA = [
    ("unknown field", {"field": "contry", "op": "eq", "value": "us"}, ["rule.field"], "country"),
    ("unknown field, nested", {"all": [OK, {"field": "birthdy", "op": "is_empty"}]},
     ["rule.all[1].field"], "birthday"),
    ("contains on an int field", {"field": "age", "op": "contains", "value": "3"},
     ["rule.op", "rule"], None),
    ("gt on a string field", {"field": "country", "op": "gt", "value": 3}, ["rule.op", "rule"], None),
    ("gt on a string field, ISO value", {"field": "country", "op": "gt", "value": "2026-01-01"},
     ["rule.op", "rule"], None),
    ("has_any on a string field", {"field": "country", "op": "has_any", "value": ["us"]},
     ["rule.op", "rule"], None),
    ("eq on a list field", {"field": "tags", "op": "eq", "value": "vip"}, ["rule.op", "rule"], None),
    ("within_last_days on an int field", {"field": "age", "op": "within_last_days", "value": 3},
     ["rule.op", "rule"], None),
    ("contains on a bool field", {"field": "active", "op": "contains", "value": "t"},
     ["rule.op", "rule"], None),
    ("string value for an int field", {"field": "age", "op": "eq", "value": "thirty"},
     ["rule.value"], None),
    ("number value for a string field", {"field": "country", "op": "eq", "value": 1},
     ["rule.value"], None),
    ("string value for a bool field", {"field": "active", "op": "eq", "value": "true"},
     ["rule.value"], None),
    ("number for a date field", {"field": "birthday", "op": "gt", "value": 20260301},
     ["rule.value"], None),
    ("in with a string for an int field", {"field": "age", "op": "in", "value": [1, "x"]},
     ["rule.value", "rule.value[1]"], None),
    ("sum over a string property", {"event": "purchase", "measure": {"sum": "page"}, "op": "gt", "value": 1},
     ["rule.measure", "rule.measure.sum"], None),
    ("min over a string property", {"event": "purchase", "measure": {"min": "page"}, "op": "gt", "value": 1},
     ["rule.measure", "rule.measure.min"], None),
    ("unknown measure property", {"event": "purchase", "measure": {"avg": "amont"}, "op": "gt", "value": 1},
     ["rule.measure", "rule.measure.avg"], "amount"),
    ("unknown property in where", {"event": "page_view", "where": {"field": "pgae", "op": "eq", "value": "x"}},
     ["rule.where.field"], "page"),
    ("contact field in where", {"event": "page_view", "where": {"field": "country", "op": "eq", "value": "x"}},
     ["rule.where.field"], None),
    ("eq with a non-date string on a date field", {"field": "birthday", "op": "eq", "value": "soon"},
     ["rule.value"], None),
]  # fmt: skip


@pytest.mark.parametrize(
    "rule,paths,suggest", [c[1:] for c in INVALID_FOR_DATA], ids=[c[0] for c in INVALID_FOR_DATA]
)
def test_engine_rejects_against_data(rule, paths, suggest):
    from segkit import Dataset, Segment, SegmentError

    seg = Segment.from_dict({"version": 1, "rule": rule})  # structurally fine
    data = Dataset(CONTACTS, EVENTS)
    report = seg.validate(data)
    assert report.errors, "validate() found no error"
    err = report.errors[0]
    assert isinstance(err, SegmentError)
    assert err.path in paths, str(err)
    if suggest:
        assert suggest in err.suggestions, str(err)
        assert suggest in str(err)
    with pytest.raises(SegmentError) as info:
        seg.mask(data, as_of=AS_OF)
    assert info.value.path in paths, str(info.value)
    with pytest.raises(SegmentError):
        seg.count(data, as_of=AS_OF)


def test_engine_valid_document_validates_clean():
    from segkit import Dataset, Segment

    doc = {"version": 1, "rule": {"all": [c["rule"] for c in CASES if "field" in c["rule"]]}}
    report = Segment.from_dict(doc).validate(Dataset(CONTACTS, EVENTS))
    assert report.errors == []
