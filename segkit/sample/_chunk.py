"""One chunk of the sample: its contacts, their events and the planted near-duplicates.

Everything is vectorised with numpy (and polars/pyarrow for strings); the only Python loops are
over campaigns, countries, formats and a handful of categories, never over rows. A chunk is a
pure function of ``(seed, chunk index, chunk size, id ranges)``, so the in-memory and the
streaming paths produce the same data.

Times are modelled as float days relative to REFERENCE_TIME (negative = in the past) and rounded
to milliseconds when written.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from segkit.sample import _vocab as V
from segkit.sample._campaigns import (
    RULE_ALL,
    RULE_CUSTOMERS,
    RULE_DIGEST,
    RULE_HOT,
    RULE_INACTIVE,
    RULE_INTEREST,
    RULE_NEWSLETTER,
    CampaignPlan,
)

REFERENCE_TIME = dt.datetime(2026, 11, 1)
WINDOW_DAYS = 730  # events lie in [REFERENCE_TIME - 730 days, REFERENCE_TIME]
SIGNUP_DAYS = 1095  # signups spread over ~3 years before REFERENCE_TIME
DUP_PERCENT = 3  # planted near-duplicates per 100 original contacts

_EPOCH = dt.datetime(1970, 1, 1)
_REF_MS = int((REFERENCE_TIME - _EPOCH).total_seconds()) * 1000
_REF_DATE_DAYS = (REFERENCE_TIME.date() - _EPOCH.date()).days
_DAY_MS = 86_400_000
_WINDOW_MS = WINDOW_DAYS * _DAY_MS

# -- arrow schemas (the exact output types) ----------------------------------------------------

_S = pa.string()
_TS = pa.timestamp("us")
_LS = pa.list_(pa.string())
CONTACTS_SCHEMA = pa.schema([
    ("contact_id", pa.int64()), ("email", _S), ("first_name", _S), ("last_name", _S),
    ("phone", _S), ("birth_date", pa.date32()), ("age", pa.int64()), ("gender", _S),
    ("country", _S), ("city", _S), ("job_title", _S), ("company", _S), ("interests", _LS),
    ("preferred_channel", _S), ("content_topics", _LS), ("email_status", _S),
    ("email_consent_at", _TS), ("source_channel", _S), ("signup_at", _TS),
    ("first_purchase_at", _TS), ("lifecycle_stage", _S), ("lead_status", _S), ("tags", _LS),
    ("product", _S), ("industry", _S), ("seats", pa.int64()), ("nps", pa.int64()),
    ("referral_code", _S),
])  # fmt: skip
EVENTS_SCHEMA = pa.schema([
    ("contact_id", pa.int64()), ("event", _S), ("timestamp", _TS), ("page", _S),
    ("campaign_id", _S), ("variant", _S), ("form", _S), ("content", _S),
    ("amount", pa.float64()), ("product", _S),
])  # fmt: skip
_D8 = pa.dictionary(pa.int8(), _S)
EVENTS_DICT_SCHEMA = pa.schema([
    ("contact_id", pa.int64()), ("event", _D8), ("timestamp", _TS), ("page", _D8),
    ("campaign_id", pa.dictionary(pa.int16(), _S)), ("variant", _D8), ("form", _D8),
    ("content", _D8), ("amount", pa.float64()), ("product", _D8),
])  # fmt: skip
"""How a chunk holds its events: the string columns dictionary-encoded (a few distinct values
each), which is cheaper to build and to write; ``.cast(EVENTS_SCHEMA)`` gives plain strings."""
TRUTH_SCHEMA = pa.schema([("contact_id", pa.int64()), ("duplicate_of", pa.int64()), ("kind", _S)])
CAMPAIGNS_SCHEMA = pa.schema([
    ("campaign_id", _S), ("name", _S), ("channel", _S), ("sent_at", _TS), ("variant", _S),
    ("target_segment", _S), ("subject", _S),
])  # fmt: skip

DUP_KINDS = [
    "typo", "swapped_names", "email_case", "plus_address", "phone_format", "nickname",
    "missing_fields",
]  # fmt: skip
_DUP_KIND_P = [0.28, 0.10, 0.14, 0.10, 0.14, 0.12, 0.12]

# behaviour knobs
_OPEN_BASE, _OPEN_SLOPE = 0.08, 0.6  # chance to open a send: base + slope * engagement**1.15
# chance that a send makes them unsubscribe: base + slope * (1 - engagement)**2, or quiet
# once they have gone quiet; chance that it bounces: the first send, later ones
_UNSUB_BASE, _UNSUB_SLOPE, _UNSUB_QUIET = 0.0015, 0.008, 0.03
_BOUNCE_FIRST, _BOUNCE_LATER = 0.02, 0.0004
_EP_RATE = 2.4  # in-market episodes per active year, times engagement**2
_EP_OPEN, _EP_CLICK = 1.5, 3.5  # open and click boost during an episode
_KEY_SPAN = 4096.0  # (contact, time) as one float key: contact * span + days (days > -span)

# event type codes
PV, SEND, OPEN, CLICK, FORM, CONTENT, PURCHASE, UNSUB = range(8)


# -- vocabularies as arrays (built once) ---------------------------------------------------------


def _ascii(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s.lower() if "a" <= c <= "z")


def _arr(values) -> pa.Array:
    return pa.array(list(values), _S)


_N_COUNTRY = len(V.COUNTRIES)
_COUNTRY_P = np.array(V.COUNTRY_WEIGHTS) / sum(V.COUNTRY_WEIGHTS)
_COUNTRY_LOCALE = np.array([V.LOCALES.index(V.COUNTRY_LOCALE[c]) for c in V.COUNTRIES])
# UTC offset (hours) of each country's main time zone, for the time of day of activity
_COUNTRY_UTC = np.array([-5.0, 0.0, 1.0, 1.0, -5.0, 10.0, 1.0, 1.0, 5.5, -3.0])

_FIRST: list[str] = []
_LAST: list[str] = []
_F_OFF = np.zeros((len(V.LOCALES), 2), np.int64)
_F_LEN = np.zeros((len(V.LOCALES), 2), np.int64)
_L_OFF = np.zeros(len(V.LOCALES), np.int64)
_L_LEN = np.zeros(len(V.LOCALES), np.int64)
for _li, _loc in enumerate(V.LOCALES):
    _fem, _mal, _las = V.NAMES[_loc]
    for _g, _lst in enumerate((_fem, _mal)):
        _F_OFF[_li, _g], _F_LEN[_li, _g] = len(_FIRST), len(_lst)
        _FIRST.extend(_lst)
    _L_OFF[_li], _L_LEN[_li] = len(_LAST), len(_las)
    _LAST.extend(_las)
_FIRST_A = _arr(_FIRST)
_LAST_A = _arr(_LAST)
_FIRST_ASCII = _arr(_ascii(x) for x in _FIRST)
_LAST_ASCII = _arr(_ascii(x) for x in _LAST)
_NICK = np.array([V.NICKNAMES.get(x, "") for x in _FIRST], dtype=object)
_HAS_NICK = np.array([bool(x) for x in _NICK])
_NICK_A = _arr(_NICK)
_NICK_ASCII = _arr(_ascii(x) for x in _NICK)


def _segmented(groups: list[list[tuple[str, float]]]) -> tuple[np.ndarray, pa.Array, np.ndarray]:
    """Weighted choices per group: ``code = searchsorted(cum, group + u)``."""
    cum, names, group_of = [], [], []
    for g, items in enumerate(groups):
        w = np.array([x[1] for x in items], float)
        c = g + np.cumsum(w) / w.sum()
        c[-1] = g + 1.0
        cum.append(c)
        names.extend(x[0] for x in items)
        group_of.extend([g] * len(items))
    return np.concatenate(cum), _arr(names), np.array(group_of)


def _pick(cum: np.ndarray, group: np.ndarray, u: np.ndarray) -> np.ndarray:
    return np.minimum(np.searchsorted(cum, group + u, side="right"), len(cum) - 1)


_CITY_CUM, _CITY_A, _ = _segmented(
    [[(c, w) for c, _r, w in V.CITIES[k]] for k in V.COUNTRIES]
)  # fmt: skip
_DOMAIN_CUM, _DOMAIN_A, _DOMAIN_COUNTRY = _segmented([V.PERSONAL_DOMAINS[k] for k in V.COUNTRIES])

_N_COMPANY = len(V.COMPANY_PREFIX) * len(V.COMPANY_CORE)
_company_names, _company_domains = [], []
for _ci in range(_N_COMPANY):
    _p, _c = V.COMPANY_PREFIX[_ci // len(V.COMPANY_CORE)], V.COMPANY_CORE[_ci % len(V.COMPANY_CORE)]
    for _k in V.COUNTRIES:
        _sfx = V.COMPANY_SUFFIX[_k][_ci % len(V.COMPANY_SUFFIX[_k])]
        _company_names.append(f"{_p} {_c}" + (f" {_sfx}" if _sfx else ""))
        _company_domains.append(f"{_ascii(_p + _c)}.{V.COMPANY_TLD[_k]}")
_COMPANY_A = _arr(_company_names)
_COMPANY_DOMAIN_A = _arr(_company_domains)
_core_of = np.arange(_N_COMPANY) % len(V.COMPANY_CORE)
_COMPANY_INDUSTRY = np.where(
    (np.arange(_N_COMPANY) * 31) % 10 < 3,
    (np.arange(_N_COMPANY) * 7919) % len(V.INDUSTRIES),
    np.array(V.CORE_INDUSTRY)[_core_of],
)

_PHONE_FORMATS = {
    "US": (10, ["(###) ###-####", "###-###-####", "+1 ### ### ####", "###.###.####",
                "+1##########"]),
    "GB": (10, ["+44 #### ######", "0#### ######", "+44##########", "0#### ### ###"]),
    "DE": (11, ["+49 ### ########", "0### ########", "0###/########", "+49 (0)### ########"]),
    "FR": (9, ["+33 # ## ## ## ##", "0# ## ## ## ##", "0#.##.##.##.##", "+33#########"]),
    "CA": (10, ["(###) ###-####", "###-###-####", "+1 ### ### ####", "###.###.####"]),
    "AU": (9, ["+61 ### ### ###", "0### ### ###", "+61#########"]),
    "NL": (9, ["+31 # ########", "0#-########", "0# ## ## ## ##"]),
    "ES": (9, ["+34 ### ## ## ##", "### ### ###", "+34#########"]),
    "IN": (10, ["+91 ##### #####", "0##### #####", "##########", "+91-##########"]),
    "BR": (11, ["+55 ## #####-####", "(##) #####-####", "+55###########"]),
}  # fmt: skip
_N_FMT = np.array([len(_PHONE_FORMATS[k][1]) for k in V.COUNTRIES])
_BR_AREAS = np.array([11, 21, 31, 41, 51, 61, 71, 81, 85, 48, 19])

_REF_CHARS = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789", np.uint8)

_INTEREST_A = _arr(V.INTERESTS)
_TOPIC_A = _arr(V.CONTENT_TOPICS)
_TAG_A = _arr(V.TAGS)
_INDUSTRY_A = _arr(V.INDUSTRIES)
_TITLE_A = _arr(V.JOB_TITLES)
_INTEREST_BOOST = np.ones((len(V.INDUSTRIES) + 1, len(V.INTERESTS)))
for _t, _inds in V.INTEREST_BOOST.items():
    for _i in _inds:
        _INTEREST_BOOST[_i, V.INTERESTS.index(_t)] = 2.5


# -- time densities ----------------------------------------------------------------------------------


def _day_dates() -> np.ndarray:
    ref = np.datetime64(REFERENCE_TIME.date())
    return ref + np.arange(-SIGNUP_DAYS - 1, 0)


_DAYS = _day_dates()
_MONTH = _DAYS.astype("M8[M]").astype(np.int64) % 12 + 1
_DOM = (_DAYS - _DAYS.astype("M8[M]")).astype(np.int64) + 1
_WEEKDAY = (_DAYS.astype(np.int64) + 3) % 7  # 0 = Monday
_EDGES = np.arange(-SIGNUP_DAYS - 1, 1, dtype=np.float64)

# purchases: November/December peak (Black Friday week strongest), summer dip
_BUY_MONTH = np.array([0, 0.9, 0.9, 1.0, 1.0, 0.95, 0.7, 0.6, 0.65, 1.0, 1.05, 1.8, 1.6])
_buy_w = _BUY_MONTH[_MONTH] * np.where(_WEEKDAY >= 5, 0.8, 1.0)
_buy_w = _buy_w * np.where(((_MONTH == 11) & (_DOM >= 21)) | ((_MONTH == 12) & (_DOM <= 2)), 1.8, 1)
# web activity: weekdays, a mild summer and holiday dip
_WEB_MONTH = np.array([0, 1.0, 1.0, 1.05, 1.0, 1.0, 0.9, 0.85, 0.85, 1.05, 1.05, 1.05, 0.85])
_web_w = _WEB_MONTH[_MONTH] * np.where(_WEEKDAY >= 5, 0.55, 1.0)
_HOUR_W = np.array([0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.6, 2.0, 2.0, 1.9, 1.8, 1.9, 1.9,
                    1.8, 1.6, 1.4, 1.3, 1.4, 1.5, 1.3, 0.9, 0.5])  # fmt: skip
_HOUR_CUM = np.cumsum(_HOUR_W) / _HOUR_W.sum()


class _Density:
    def __init__(self, weights: np.ndarray) -> None:
        self.cum = np.concatenate([[0.0], np.cumsum(weights)])

    def sample(self, a: np.ndarray, b: np.ndarray, u: np.ndarray) -> np.ndarray:
        ca = np.interp(a, _EDGES, self.cum)
        cb = np.interp(b, _EDGES, self.cum)
        return np.clip(np.interp(ca + u * (cb - ca), self.cum, _EDGES), a, b)


_BUY_DENSITY = _Density(_buy_w)
_WEB_DENSITY = _Density(_web_w)


def _diurnal(rng, t, a, b, utc_offset_h):
    """Move each time to a plausible local hour of the same day (kept inside [a, b])."""
    off = utc_offset_h / 24.0
    day = np.floor(t + off)
    hour = np.searchsorted(_HOUR_CUM, rng.random(len(t)), side="right")
    frac = (hour + rng.random(len(t))) / 24.0
    return np.clip(day + frac - off, a, b)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# -- string helpers ------------------------------------------------------------------------------------


def _strings_from_templates(
    group: np.ndarray, templates: list[bytes], digits: np.ndarray
) -> pa.Array:
    """Row i gets ``templates[group[i]]`` with each ``#`` replaced by the next digit of
    ``digits[i]`` (a uint8 matrix), built in one byte buffer (no per-row Python)."""
    lens = np.array([len(t) for t in templates], np.int64)
    row_len = lens[group]
    offsets = np.zeros(len(group) + 1, np.int64)
    np.cumsum(row_len, out=offsets[1:])
    data = np.zeros(int(offsets[-1]), np.uint8)
    for g, tpl in enumerate(templates):
        rows = np.nonzero(group == g)[0]
        if not len(rows):
            continue
        t = np.frombuffer(tpl, np.uint8)
        block = np.tile(t, (len(rows), 1))
        holes = np.nonzero(t == ord("#"))[0]
        block[:, holes] = digits[rows][:, : len(holes)] + ord("0")
        data[(offsets[rows][:, None] + np.arange(len(t))).ravel()] = block.ravel()
    return pa.StringArray.from_buffers(
        len(group), pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data)
    )


def _list_array(codes: np.ndarray, keep: np.ndarray, vocab: pa.Array, null: np.ndarray | None):
    """A list<string> array: row i holds ``vocab[codes[i, j]]`` for each j with keep[i, j]."""
    counts = keep.sum(axis=1)
    offsets = np.zeros(len(codes) + 1, np.int32)
    np.cumsum(counts, out=offsets[1:])
    values = vocab.take(pa.array(codes[keep]))
    mask = None if null is None else pa.array(null)
    return pa.ListArray.from_arrays(pa.array(offsets), values, mask=mask)


def _ranked_choice(rng, weights: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, k[i] distinct categories drawn without replacement by weight (Gumbel top-k):
    returns (codes sorted by rank, keep mask)."""
    g = np.log(weights) + rng.gumbel(size=weights.shape)
    order = np.argsort(-g, axis=1)
    keep = np.arange(weights.shape[1])[None, :] < k[:, None]
    return order, keep


def _take(vocab: pa.Array, codes: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """``vocab[codes]`` as a string array; null where ``null`` or where a code is negative.

    Only the present values go through ``take``; offsets and validity are computed with numpy
    (several times faster than a masked take on the mostly-null event columns)."""
    codes = np.asarray(codes)
    if null is not None:
        codes = np.where(null, -1, codes)
    present = codes >= 0
    values = vocab.take(pa.array(codes[present].astype(np.int64)))
    lens = np.append(pc.binary_length(vocab).to_numpy(zero_copy_only=False), 0).astype(np.int32)
    offsets = np.zeros(len(codes) + 1, np.int32)
    np.cumsum(lens[codes], out=offsets[1:])
    data = values.buffers()[2] if len(values) else pa.py_buffer(b"")
    n_null = len(codes) - len(values)
    valid = pa.py_buffer(np.packbits(present, bitorder="little")) if n_null else None
    return pa.StringArray.from_buffers(len(codes), pa.py_buffer(offsets), data, valid, n_null)


def _dict(vocab: pa.Array, codes: np.ndarray) -> pa.DictionaryArray:
    """``vocab[codes]`` dictionary-encoded; null where a code is negative."""
    present = codes >= 0
    if present.all():
        return pa.DictionaryArray.from_arrays(pa.array(codes), vocab, safe=False)
    idx = pa.array(np.maximum(codes, 0), mask=~present)
    return pa.DictionaryArray.from_arrays(idx, vocab, safe=False)


def _series(a: pa.Array | pa.ChunkedArray, name: str) -> pl.Series:
    return pl.Series(name, a)


# -- the chunk ---------------------------------------------------------------------------------------


@dataclass
class Chunk:
    contacts: pa.Table  # originals
    events: pa.Table  # events of the originals, sorted by (contact_id, timestamp)
    dup_contacts: pa.Table
    dup_events: pa.Table
    truth: pa.Table


def chunk_rng(seed: int, k: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, 1, k]))


def make_chunk(
    seed: int,
    k: int,
    n: int,
    first_id: int,
    n_dup: int,
    first_dup_id: int,
    plan: CampaignPlan,
    n_chunks: int = 1,
) -> Chunk:
    """Chunk ``k`` (of ``n_chunks``): ``n`` original contacts with ids from ``first_id``,
    ``n_dup`` planted duplicates with ids from ``first_dup_id``, and all their events."""
    rng = chunk_rng(seed, k)
    d = n_dup
    m = n + d

    # ---- identity of the originals ----------------------------------------------------------
    country = rng.choice(_N_COUNTRY, n, p=_COUNTRY_P)
    gender = rng.choice(4, n, p=[0.485, 0.465, 0.015, 0.035])  # 3 = unknown
    locale = _COUNTRY_LOCALE[country].copy()
    elsewhere = rng.random(n) < np.where(_COUNTRY_LOCALE[country] == 0, 0.14, 0.06)
    locale[elsewhere] = rng.choice(len(V.LOCALES), int(elsewhere.sum()),
                                   p=[0.2, 0.1, 0.1, 0.05, 0.15, 0.3, 0.1])  # fmt: skip
    g2 = np.where(gender < 2, gender, rng.integers(0, 2, n))
    first_code = _F_OFF[locale, g2] + (_F_LEN[locale, g2] * rng.random(n) ** 1.6).astype(np.int64)
    last_code = _L_OFF[locale] + (_L_LEN[locale] * rng.random(n) ** 1.4).astype(np.int64)
    city_code = _pick(_CITY_CUM, country, rng.random(n))
    city_null = rng.random(n) < 0.035
    age_f = np.clip(rng.normal(38.5, 11.5, n), 18.05, 80.0)
    birth = _REF_DATE_DAYS - (age_f * 365.25).astype(np.int64)
    birth_null = rng.random(n) < 0.13
    has_company = rng.random(n) < 0.78
    company = np.minimum((_N_COMPANY * rng.random(n) ** 1.3).astype(np.int64), _N_COMPANY - 1)
    company_str = company * _N_COUNTRY + country
    company_blank = has_company & (rng.random(n) < 0.025)
    title = np.minimum((len(V.JOB_TITLES) * rng.random(n) ** 1.2).astype(np.int64),
                       len(V.JOB_TITLES) - 1)  # fmt: skip
    title_state = rng.choice(3, n, p=[0.89, 0.085, 0.025])  # 1 null, 2 ""
    industry = np.where(has_company, _COMPANY_INDUSTRY[company], -1)
    source = rng.choice(len(V.SOURCE_CHANNELS), n, p=V.SOURCE_WEIGHTS)
    z = rng.standard_normal(n)
    span = np.log(2.5) / SIGNUP_DAYS  # signups grow ~2.5x over the three years
    u = rng.random(n)
    signup = -SIGNUP_DAYS + np.log1p(u * (np.exp(span * SIGNUP_DAYS) - 1)) / span
    signup = _diurnal(rng, np.minimum(signup, -0.02), -SIGNUP_DAYS, -0.02, _COUNTRY_UTC[country])
    newsletter_opt = rng.random(n) < 0.62
    plan_tier = np.where(
        has_company, rng.choice(3, n, p=[0.45, 0.38, 0.17]), rng.choice(3, n, p=[0.82, 0.18, 0.0])
    )
    seats = np.maximum(1, np.round(np.exp(rng.normal(1.8, 1.1, n)))).astype(np.int64)
    seats = np.where(plan_tier == 2, seats * 4 + 10, seats)
    seats_null = ~has_company | (rng.random(n) < 0.3)

    # interests (ranked, 1-5 of 12), content topics, preferred channel
    iw = np.array(V.INTEREST_WEIGHTS)[None, :] * _INTEREST_BOOST[industry]
    n_int = np.clip(1 + rng.poisson(1.4, n), 1, 5)
    n_int[rng.random(n) < 0.05] = 0
    int_order, int_keep = _ranked_choice(rng, iw, n_int)
    int_null = rng.random(n) < 0.06
    interest_mat = np.zeros((n, len(V.INTERESTS)), bool)
    np.put_along_axis(interest_mat, int_order, int_keep, axis=1)
    interest_mat[int_null] = False
    tw = np.broadcast_to(np.array(V.CONTENT_TOPIC_WEIGHTS), (n, len(V.CONTENT_TOPICS)))
    top_order, top_keep = _ranked_choice(rng, tw, np.clip(rng.poisson(1.3, n), 0, 4))
    top_null = rng.random(n) < 0.08
    age_group = np.where(age_f < 30, 0, np.where(age_f > 50, 2, 1))
    age_group[birth_null] = 1
    chan_p = np.array([[0.40, 0.20, 0.05, 0.35], [0.58, 0.14, 0.10, 0.18],
                       [0.60, 0.10, 0.22, 0.08]])  # fmt: skip
    chan = (rng.random(n)[:, None] > np.cumsum(chan_p, axis=1)[age_group]).sum(axis=1)
    chan = np.minimum(chan, 3)
    chan_null = rng.random(n) < 0.05

    # email: name pattern at a personal or work domain
    pattern = rng.choice(9, n, p=[0.28, 0.10, 0.12, 0.06, 0.12, 0.05, 0.15, 0.07, 0.05])
    work = has_company & ~company_blank & (rng.random(n) < 0.32)
    dom_code = _pick(_DOMAIN_CUM, country, rng.random(n))
    digits2 = rng.integers(0, 100, n)
    digits4 = rng.integers(1, 10000, n)

    # phone: national number + a national/international format
    ph_digits = rng.integers(0, 10, (n, 11)).astype(np.uint8)
    _fix_phone_digits(rng, ph_digits, country)
    fmt_p = rng.random(n)
    ph_fmt = np.minimum((fmt_p**1.8 * _N_FMT[country]).astype(np.int64), _N_FMT[country] - 1)
    ph_state = rng.choice(3, n, p=[0.84, 0.14, 0.02])  # 1 null, 2 ""
    first_state = rng.choice(3, n, p=[0.994, 0.004, 0.002])
    last_state = rng.choice(3, n, p=[0.988, 0.004, 0.008])
    ref_code = rng.integers(0, len(_REF_CHARS), (n, 6))
    ref_state = np.where(source == 4, rng.choice(3, n, p=[0.86, 0.12, 0.02]), 1)

    # ---- planted duplicates ---------------------------------------------------------------------
    src = rng.choice(n, d, replace=False) if d else np.zeros(0, np.int64)
    kind = rng.choice(len(DUP_KINDS), d, p=_DUP_KIND_P)
    # nickname needs a name that has one; phone_format needs a phone
    kind = np.where((kind == 5) & (~_HAS_NICK[first_code[src]] | (first_state[src] != 0)), 0, kind)
    kind = np.where((kind == 4) & (ph_state[src] != 0), 2, kind)
    # typos and swaps need names; a typo goes into a name that is there
    no_names = (first_state[src] != 0) & (last_state[src] != 0)
    kind = np.where(((kind == 0) | (kind == 1)) & no_names, 2, kind)
    dup_rand = rng.random((d, 8))
    typo_first = (first_state[src] == 0) & ((dup_rand[:, 0] < 0.5) | (last_state[src] != 0))

    # ---- behaviour (originals + duplicates) -----------------------------------------------------
    is_dup = np.r_[np.zeros(n, bool), np.ones(d, bool)]
    c_all = np.r_[country, country[src]]
    src_ch = np.r_[source, rng.choice(len(V.SOURCE_CHANNELS), d, p=V.SOURCE_WEIGHTS)]
    z_all = np.r_[z, rng.standard_normal(d)]
    e = _sigmoid(1.25 * z_all - 0.75 + np.array(V.SOURCE_ENGAGEMENT)[src_ch] - 0.6 * is_dup)
    orig_signup = signup[src]
    dup_signup = orig_signup + np.minimum(
        rng.uniform(3, 500, d), -orig_signup * rng.uniform(0.3, 0.95, d)
    )
    signup_all = np.r_[signup, dup_signup]
    nl_all = np.r_[newsletter_opt, rng.random(d) < 0.5]
    imat = np.r_[interest_mat, interest_mat[src]]
    plan_all = np.r_[plan_tier, np.zeros(d, np.int64)]
    seats_all = np.r_[seats, np.ones(d, np.int64)]
    utc = _COUNTRY_UTC[c_all]
    buy_mult = np.array(V.SOURCE_BUY)[src_ch] * ~is_dup

    # email status: pending (never consented), unsubscribed, bounced, subscribed
    consented = rng.random(m) >= np.where(is_dup, 0.45, 0.07)
    consent_t = signup_all + np.minimum(rng.exponential(0.15, m), -signup_all * 0.5)

    # active period [a, b]: from signup (or the window start) until they go quiet (or now)
    a = np.maximum(signup_all, -WINDOW_DAYS)
    can_quiet = a < -125
    quiet = can_quiet & (rng.random(m) < 0.38 - 0.28 * e)
    b = np.where(quiet, a + (-95.0 - a) * rng.random(m) ** 0.7, 0.0)
    b = np.maximum(b, a)
    act_years = (b - a) / 365.0

    # organic purchases: gamma-Poisson (over-dispersed), seasonal
    lam = 0.30 * buy_mult * (0.04 + 2.3 * e**2) * act_years
    n_org = rng.poisson(lam * rng.gamma(0.45, 1 / 0.45, m))
    n_org[(b - a) < 0.05] = 0
    o_idx = np.repeat(np.arange(m), n_org)
    o_t = _BUY_DENSITY.sample(a[o_idx] + 0.02, b[o_idx], rng.random(len(o_idx)))
    o_t = _diurnal(rng, o_t, a[o_idx] + 0.02, b[o_idx], utc[o_idx])
    first_org = np.full(m, np.inf)
    np.minimum.at(first_org, o_idx, o_t)

    # email sends: who gets each campaign (at send time), then the sends contact by contact
    # (sorted by contact, then campaign), which keeps the final sort of the events cheap
    ref_np = np.datetime64(REFERENCE_TIME)
    n_camp = len(plan.specs)
    sent_at = np.array([(np.datetime64(sp.sent_at) - ref_np) / np.timedelta64(1, "ms")
                        for sp in plan.specs]) / _DAY_MS  # fmt: skip
    recv = np.zeros((n_camp, m), bool)
    last_regular = np.full(m, -np.inf)  # the last newsletter or digest they got
    for ci, spec in enumerate(plan.specs):
        sent = sent_at[ci]
        mask = recv[ci]
        np.less_equal(consent_t, sent, out=mask)
        mask &= consented
        if spec.rule == RULE_NEWSLETTER:
            mask &= nl_all
        elif spec.rule == RULE_CUSTOMERS:
            mask &= first_org < sent
        elif spec.rule == RULE_HOT:
            mask &= (e > 0.55) & ~(first_org < sent) & (b > sent)
        elif spec.rule == RULE_INACTIVE:
            mask &= b < sent - 90
        elif spec.rule == RULE_INTEREST:
            mask &= imat[:, spec.interest]
        elif spec.rule == RULE_DIGEST:
            # sunset: not to contacts inactive for 180+ days; at most one newsletter or
            # digest in ten days (newsletter subscribers skip the digest after the newsletter)
            mask &= (b >= sent - 180) & (last_regular < sent - 10)
        else:
            assert spec.rule == RULE_ALL
        mask &= rng.random(m) < spec.coverage
        if spec.rule in (RULE_NEWSLETTER, RULE_DIGEST):
            last_regular[mask] = sent
    flat = np.flatnonzero(np.ascontiguousarray(recv.T))  # contact * n_camp + campaign
    del recv
    s_idx = flat // n_camp
    s_c = (flat - s_idx * n_camp).astype(np.int16)
    del flat
    s_t = sent_at[s_c] + rng.random(len(s_idx)) * 0.08
    is_ab = np.array([sp.ab for sp in plan.specs])
    s_v = np.full(len(s_idx), -1, np.int8)
    r = np.nonzero(is_ab[s_c])[0]
    s_v[r] = rng.integers(0, 2, len(r))
    # each send may make them unsubscribe (the less engaged the likelier, and much likelier once
    # they have gone quiet and no longer read them) or bounce (mostly the first send: a bad
    # address); the first that does stops later sends
    n_sent = np.bincount(s_idx, minlength=m)
    first_send = np.cumsum(n_sent) - n_sent
    h_unsub = (_UNSUB_BASE + _UNSUB_SLOPE * (1 - e) ** 2)[s_idx]
    h_unsub[s_t > b[s_idx]] = _UNSUB_QUIET
    h_bounce = np.where(np.arange(len(s_idx)) == first_send[s_idx], _BOUNCE_FIRST, _BOUNCE_LATER)
    u = rng.random(len(s_idx))
    trig = np.nonzero(u < h_unsub + h_bounce)[0]
    trig = trig[np.r_[True, s_idx[trig][1:] != s_idx[trig][:-1]]] if len(trig) else trig
    is_unsub = u[trig] < h_unsub[trig]
    del h_unsub, h_bounce, u
    unsub_t = s_t[trig] + np.exp(rng.normal(np.log(6.0), 1.0, len(trig))) / 24
    trig_t = np.where(is_unsub, unsub_t, s_t[trig])
    # (one that would happen after REFERENCE_TIME has not happened yet)
    trig, is_unsub, trig_t = trig[trig_t < 0], is_unsub[trig_t < 0], trig_t[trig_t < 0]
    who = s_idx[trig]
    stop_t = np.full(m, np.inf)
    stop_t[who] = trig_t
    unsub = np.zeros(m, bool)
    unsub[who] = is_unsub
    bounced = np.zeros(m, bool)
    bounced[who] = ~is_unsub
    keep = s_t <= stop_t[s_idx]  # the bounced send itself is kept
    if not keep.all():
        s_idx, s_t, s_c, s_v = s_idx[keep], s_t[keep], s_c[keep], s_v[keep]
    status = np.where(~consented, 3, np.where(unsub, 1, np.where(bounced, 2, 0)))
    open_f = np.array([s.open_factor for s in plan.specs])
    revive = np.array([s.revive for s in plan.specs])
    click_f = np.array([s.click_factor for s in plan.specs])
    buy_f = np.array([s.buy_factor for s in plan.specs])

    # in-market episodes: a contact evaluating a purchase browses pricing repeatedly for a few
    # weeks (whether or not they buy), and opens and clicks emails more meanwhile. Ongoing
    # episodes run past REFERENCE_TIME: those are the hot leads of the moment.
    n_ep = rng.poisson(_EP_RATE * e**2 * act_years)
    n_ep[(b - a) < 1.0] = 0
    ep_idx = np.repeat(np.arange(m), n_ep)
    ep_t0 = _WEB_DENSITY.sample(a[ep_idx], b[ep_idx], rng.random(len(ep_idx)))
    ep_end = ep_t0 + rng.uniform(7.0, 28.0, len(ep_idx))  # may lie after b (or after now)
    ep_t1 = np.minimum(ep_end, b[ep_idx])
    ep_order = np.lexsort((ep_t0, ep_idx))
    ep_idx_s, ep_t1_s = ep_idx[ep_order], ep_t1[ep_order]
    ep_key = ep_idx_s * _KEY_SPAN + ep_t0[ep_order]
    in_ep = np.zeros(len(s_idx), bool)
    r = np.nonzero((n_ep > 0)[s_idx])[0]  # sends to contacts with an episode
    at_ep = np.maximum(np.searchsorted(ep_key, s_idx[r] * _KEY_SPAN + s_t[r], "right") - 1, 0)
    in_ep[r] = (ep_idx_s[at_ep] == s_idx[r]) & (s_t[r] <= ep_t1_s[at_ep])

    # opens, clicks, purchases attributed to the campaign
    active = s_t < b[s_idx]
    p_open = np.clip(_OPEN_BASE + _OPEN_SLOPE * e**1.15, 0, 0.85)[s_idx]
    p_open *= open_f[s_c]
    boost = revive[s_c]
    boost[active] = 1.0
    boost[in_ep & active] = _EP_OPEN
    p_open *= boost
    o1 = np.nonzero(rng.random(len(s_idx)) < p_open)[0]
    del p_open, boost, active
    oi, oc, ov = s_idx[o1], s_c[o1], np.maximum(s_v[o1], 0)
    eo = e[oi]
    op_t = s_t[o1] + np.exp(rng.normal(np.log(3.0), 1.1, len(o1))) / 24
    again = rng.random(len(o1)) < 0.12 + 0.2 * eo
    op2_t = op_t + np.exp(rng.normal(np.log(20.0), 1.0, len(o1))) / 24
    p_click = (0.04 + 0.30 * eo) * click_f[oc, ov] * np.where(in_ep[o1], _EP_CLICK, 1.0)
    clicked = rng.random(len(o1)) < p_click
    cl_t = op_t + (rng.exponential(3.0, len(o1)) + 0.2) / 1440
    # (buying after a click follows the season too, more mildly: more in November, less in
    # summer)
    day = np.clip(np.floor(op_t).astype(np.int64) + SIGNUP_DAYS + 1, 0, len(_MONTH) - 1)
    season = np.sqrt(_BUY_MONTH[_MONTH[day]])
    p_buy = (0.01 + 0.08 * eo) * buy_f[oc, ov] * buy_mult[oi] * season
    bought = clicked & (rng.random(len(o1)) < p_buy)
    ab_t = cl_t + 0.003 + rng.exponential(0.4, len(o1))
    bought &= ab_t <= b[oi]  # b is 0 (now) or when they went quiet
    o2 = o1[again]
    c1 = o1[clicked]
    p1 = o1[bought]

    # all purchases (organic + attributed) and the pricing visit most of them follow
    pu_idx = np.r_[o_idx, s_idx[p1]]
    pu_t = np.r_[o_t, ab_t[bought]]
    pu_c = np.r_[np.full(len(o_idx), -1, np.int16), s_c[p1]]
    pu_v = np.r_[np.full(len(o_idx), -1, np.int8), s_v[p1]]
    pu_promo = np.r_[np.zeros(len(o_idx), bool), np.array([s.promo for s in plan.specs])[s_c[p1]]]
    pre = rng.random(len(pu_idx)) < 0.9
    delay = np.r_[np.minimum(rng.exponential(2.0, len(o_idx)), 27.0) + 0.002,
                  (ab_t[bought] - cl_t[bought]) * rng.uniform(0.1, 0.9, len(p1))]  # fmt: skip
    pr_t = np.maximum(pu_t - delay, a[pu_idx])[pre]
    pr_idx = pu_idx[pre]
    with_product = rng.random(len(pr_idx)) < 0.5
    pp_t = np.maximum(pr_t - rng.uniform(0.0005, 0.01, len(pr_idx)), a[pr_idx])[with_product]
    pp_idx = pr_idx[with_product]

    # web sessions: more for engaged contacts, each 1+ page views minutes apart
    n_sess = rng.poisson((0.0012 + 0.032 * e**1.6) * (b - a))
    se_idx = np.repeat(np.arange(m), n_sess)
    se_t = _WEB_DENSITY.sample(a[se_idx], b[se_idx], rng.random(len(se_idx)))
    se_t = _diurnal(rng, se_t, a[se_idx], b[se_idx], utc[se_idx])
    # a session right before signing up (for signups inside the window)
    first_visit = signup_all >= -WINDOW_DAYS + 0.05
    fv_idx = np.nonzero(first_visit)[0]
    se_idx = np.r_[se_idx, fv_idx]
    se_t = np.r_[se_t, signup_all[fv_idx] - rng.uniform(0.004, 0.02, len(fv_idx))]
    per = 1 + rng.poisson(0.3 + 1.0 * e[se_idx])
    pv_idx = np.repeat(se_idx, per)
    step = (rng.exponential(1.2, len(pv_idx)) + 0.1) / 1440
    cs = np.cumsum(step)
    starts = np.repeat(np.cumsum(per) - per, per)
    pv_t = np.repeat(se_t, per) + cs - cs[starts]
    # pages: engaged contacts read more docs and look at pricing more often
    pv_page = rng.choice(len(V.PAGES), len(pv_idx), p=[0.27, 0.17, 0.05, 0.36, 0.07, 0.08])
    u = rng.random(len(pv_idx)) / e[pv_idx]
    pv_page = np.where(u < 0.10, 2, np.where(u < 0.22, 4, pv_page))

    # the pricing views of the in-market episodes (half of them after a product page view)
    # (spread over the whole episode; those after b, or still to come, are not recorded)
    n_epv = 2 + rng.poisson(1.2, len(ep_idx))
    epv_idx = np.repeat(ep_idx, n_epv)
    t0, t1 = np.repeat(ep_t0, n_epv), np.repeat(ep_end, n_epv)
    epv_t = _diurnal(rng, t0 + rng.random(len(epv_idx)) * (t1 - t0), t0, t1, utc[epv_idx])
    seen = epv_t <= b[epv_idx]
    epv_idx, epv_t = epv_idx[seen], epv_t[seen]
    with_prod = rng.random(len(epv_idx)) < 0.5
    epp_idx = epv_idx[with_prod]
    epp_t = np.maximum(epv_t[with_prod] - rng.uniform(0.0005, 0.005, len(epp_idx)), a[epp_idx])
    # a click lands on the campaign's page (blog, pricing, product, ...) seconds later
    land = clicked & (cl_t < b[oi])
    ld_idx = oi[land]
    ld_t = cl_t[land] + rng.uniform(3.0, 40.0, len(ld_idx)) / 86_400
    ld_page = np.array([s.landing for s in plan.specs], np.int8)[oc[land]]

    # forms and content downloads
    n_form = rng.poisson(act_years * (0.04 + 0.55 * e))
    f_idx = np.repeat(np.arange(m), n_form)
    f_t = _diurnal(rng, _WEB_DENSITY.sample(a[f_idx], b[f_idx], rng.random(len(f_idx))),
                   a[f_idx], b[f_idx], utc[f_idx])  # fmt: skip
    f_form = rng.choice(len(V.FORMS), len(f_idx), p=[0.08, 0.17, 0.42, 0.33])
    f_form = np.where(rng.random(len(f_idx)) < 0.3 * e[f_idx], 0, f_form)
    nl_form = first_visit & consented & nl_all & (rng.random(m) < 0.45)
    nf_idx = np.nonzero(nl_form)[0]
    f_idx = np.r_[f_idx, nf_idx]
    f_t = np.r_[f_t, signup_all[nf_idx] + 0.0003]
    f_form = np.r_[f_form, np.full(len(nf_idx), 2)]
    n_cont = rng.poisson(act_years * (0.05 + 0.75 * e))
    d_idx = np.repeat(np.arange(m), n_cont)
    d_t = _diurnal(rng, _WEB_DENSITY.sample(a[d_idx], b[d_idx], rng.random(len(d_idx))),
                   a[d_idx], b[d_idx], utc[d_idx])  # fmt: skip
    cw = np.array(V.CONTENT_WEIGHTS)
    d_content = rng.choice(len(cw), len(d_idx), p=cw / cw.sum())
    u_idx = np.nonzero(unsub)[0]

    # ---- all events, sorted by (contact, time) ---------------------------------------------------
    # each part: (contact, time, type, detail, campaign); the detail is the page, form, content
    # or (variant + 1, plus 4 for a promo purchase), packed with the type into one code
    parts = [
        (pv_idx, pv_t, PV, pv_page, None),
        (pr_idx, pr_t, PV, 2, None),
        (pp_idx, pp_t, PV, 1, None),
        (epv_idx, epv_t, PV, 2, None),
        (epp_idx, epp_t, PV, 1, None),
        (ld_idx, ld_t, PV, ld_page, None),
        (s_idx, s_t, SEND, s_v + 1, s_c),
        (oi, op_t, OPEN, s_v[o1] + 1, oc),
        (s_idx[o2], op2_t[again], OPEN, s_v[o2] + 1, s_c[o2]),
        (s_idx[c1], cl_t[clicked], CLICK, s_v[c1] + 1, s_c[c1]),
        (f_idx, f_t, FORM, f_form, None),
        (d_idx, d_t, CONTENT, d_content, None),
        (pu_idx, pu_t, PURCHASE, pu_v + 1 + 4 * pu_promo, pu_c),
        (u_idx, stop_t[u_idx], UNSUB, 0, None),
    ]
    # per part: times to milliseconds, only those inside the window, and the sort key; every
    # part is sorted by contact (most also by time within a contact), so the stable sort below
    # only merges presorted runs
    keys, codes, camps, kept = [], [], [], []
    for idx, t, typ, det, camp in parts:
        ms = np.rint(t * _DAY_MS).astype(np.int64)
        inside = (ms >= -_WINDOW_MS) & (ms <= 0)
        if not inside.all():
            idx, ms = idx[inside], ms[inside]
            det = det[inside] if np.ndim(det) else det
            camp = camp[inside] if camp is not None else None
        key = ms + _WINDOW_MS
        key |= idx.astype(np.int64, copy=False) << 37
        keys.append(key)
        codes.append(np.asarray(det, np.int16) + np.int16(typ << 8) if np.ndim(det)
                     else np.full(len(idx), (typ << 8) + det, np.int16))  # fmt: skip
        camps.append(np.full(len(idx), -1, np.int16) if camp is None else camp)
        kept.append((idx, ms, typ, det))
    key = np.concatenate(keys)
    del keys
    order = np.argsort(key, kind="stable")
    key = key[order]
    ev_idx = key >> 37
    key &= (1 << 37) - 1
    key -= _WINDOW_MS
    ms = key
    code, ev_camp = np.concatenate(codes)[order], np.concatenate(camps)[order]
    del order, codes, camps
    ev_type = (code >> 8).astype(np.int8)
    detail = (code & 0xFF).astype(np.int8)
    del code
    ev_page = np.where(ev_type == PV, detail, np.int8(-1))
    ev_form = np.where(ev_type == FORM, detail, np.int8(-1))
    ev_cont = np.where(ev_type == CONTENT, detail, np.int8(-1))
    ev_var = np.where(ev_camp >= 0, (detail & 3) - 1, -1).astype(np.int8)
    ev_promo = (ev_type == PURCHASE) & (detail >= 4)

    # purchase products and amounts (first purchase = their plan; later ones renew or add on)
    is_p = ev_type == PURCHASE
    prow = np.nonzero(is_p)[0]
    pidx = ev_idx[prow]
    first_p = np.r_[True, pidx[1:] != pidx[:-1]] if len(pidx) else np.zeros(0, bool)
    addon = ~first_p & (rng.random(len(prow)) < 0.35)
    prod = np.where(addon, 3, plan_all[pidx])
    price = np.where(prod == 0, V.PLAN_PRICES[0], np.where(prod == 1, V.PLAN_PRICES[1],
                     np.maximum(V.PLAN_PRICES[2], 49.0 * seats_all[pidx])))  # fmt: skip
    price = np.where(addon, np.array(V.ADDON_PRICES)[rng.integers(0, 4, len(prow))], price)
    p_day = (ms[prow] // _DAY_MS) + SIGNUP_DAYS + 1
    p_day = np.clip(p_day, 0, len(_DAYS) - 1)
    bf = ((_MONTH[p_day] == 11) & (_DOM[p_day] >= 20)) | (
        (_MONTH[p_day] == 12) & (_DOM[p_day] <= 5)
    )
    disc = np.choose(rng.choice(3, len(prow), p=[0.85, 0.10, 0.05]), [1.0, 0.9, 0.8])
    disc = np.where(ev_promo[prow] | (bf & (rng.random(len(prow)) < 0.6)), 0.75, disc)
    amount = np.full(len(ev_idx), np.nan)
    amount[prow] = np.round(price * disc, 2)
    ev_prod = np.full(len(ev_idx), -1, np.int8)
    ev_prod[prow] = prod

    # ---- per-contact aggregates of the events -------------------------------------------------
    n_purch = np.bincount(pidx, minlength=m)
    buyer = n_purch > 0
    first_purchase_ms = np.zeros(m, np.int64)
    first_purchase_ms[pidx[first_p]] = ms[prow[first_p]]
    spent = np.bincount(pidx, weights=amount[prow], minlength=m)

    # (counted on the parts, before they were merged)
    def count(types, since=None, detail=None, kept=kept):
        """Events per contact of these types (from ``since`` on; with this detail)."""
        out = np.zeros(m, np.int64)
        for idx, ms_, typ, det in kept:
            if typ in types:
                sel = np.ones(len(idx), bool) if since is None else ms_ >= since
                if detail is not None:
                    sel &= np.asarray(det) == detail
                out += np.bincount(idx[sel], minlength=m)
        return out

    active90 = count((PV, OPEN, CLICK), since=-90 * _DAY_MS) > 0
    since60 = -60 * _DAY_MS
    # recent clicks, forms and pricing views
    n_recent = count((CLICK, FORM), since=since60) + count((PV,), since=since60, detail=2)
    n_demo = count((FORM,), detail=0)
    n_contact_us = count((FORM,), detail=1)
    n_content = count((CONTENT,))
    n_clicks = count((CLICK,))
    n_pv = count((PV,))
    y2026 = int((np.datetime64("2026-01-01") - ref_np) / np.timedelta64(1, "ms"))
    n_web26 = count((FORM,), since=y2026, detail=3)
    del kept

    # lead status from engagement and recent signals; lifecycle from what they did
    score = e + 0.08 * np.minimum(n_recent, 3) + rng.normal(0, 0.07, m) - 0.35 * ~active90
    lead = np.where(score > 0.62, 2, np.where(score > 0.35, 1, 0))
    nps_ans = np.where(buyer, rng.random(m) < 0.45, rng.random(m) < 0.015)
    nps = np.clip(np.round(rng.normal(np.where(buyer, 4.5 + 5.5 * e, 6.0), 1.7)), 0, 10)
    nps = nps.astype(np.int64)
    evangelist = buyer & ((nps_ans & (nps >= 9) & (e > 0.45)) | ((n_purch >= 3) & (e > 0.65)))
    other = rng.random(m) < 0.025
    stage = np.select(
        [evangelist, buyer, other, (n_demo > 0) & (lead == 2) & (e > 0.5),
         (n_demo + n_contact_us) > 0, (n_content > 0) | (n_web26 > 0) | ((e > 0.55) & (n_clicks >= 2)),
         (n_clicks > 0) | (n_pv >= 5)],
        [6, 5, 7, 4, 3, 2, 1], 0,
    )  # fmt: skip
    lead_null = stage == 7

    has_comp_all = np.r_[has_company & ~company_blank, np.zeros(d, bool)]
    tag_mat = np.stack([
        buyer & ((spent >= 2500) | (plan_all == 2)),
        nl_all & (status == 0),
        n_web26 > 0,
        ~is_dup & (rng.random(m) < 0.02 + 0.06 * e),
        has_comp_all & (rng.random(m) < 0.015),
        status == 1,
        n_purch >= 2,
        (src_ch == 5) & (rng.random(m) < 0.8),
        buyer & (b < -90),
    ], 1)  # fmt: skip
    tag_codes = np.broadcast_to(np.arange(len(V.TAGS)), tag_mat.shape)

    # ---- the contacts frame ------------------------------------------------------------------------
    ids = np.r_[first_id + np.arange(n), first_dup_id + np.arange(d)].astype(np.int64)
    ident = _identity_frame(
        rng,
        k,
        n_chunks,
        first_code,
        last_code,
        first_state,
        last_state,
        pattern,
        work,
        company_str,
        dom_code,
        digits2,
        digits4,
        birth,
        birth_null,
        ids[:n],
    )
    ident = (
        ident.with_columns(
            pl.Series("birth_date", pa.array(birth.astype(np.int32), pa.date32(), mask=birth_null)),
            gender=_series(_take(_arr(V.GENDERS), np.minimum(gender, 2), gender == 3), "gender"),
            country=_series(_take(_arr(V.COUNTRIES), country), "country"),
            city=_series(_take(_CITY_A, city_code, city_null), "city"),
            job_title=_series(_take(_TITLE_A, title, title_state == 1), "job_title"),
            company=_series(_take(_COMPANY_A, company_str, ~has_company), "company"),
            industry=_series(_take(_INDUSTRY_A, np.maximum(industry, 0), ~has_company), "industry"),
            interests=_series(_list_array(int_order, int_keep, _INTEREST_A, int_null), "interests"),
            preferred_channel=_series(_take(_arr(V.PREFERRED_CHANNELS), chan, chan_null), "p"),
            content_topics=_series(_list_array(top_order, top_keep, _TOPIC_A, top_null), "t"),
            referral_code=pl.Series(_fixed_strings(b"REF-", _REF_CHARS[ref_code])),
            seats=pl.Series(seats, dtype=pl.Int64),
            _seats_null=pl.Series(seats_null),
            _ref_state=pl.Series(ref_state),
            _title_state=pl.Series(title_state),
            _blank_company=pl.Series(company_blank),
        )
        .with_columns(
            job_title=pl.when(pl.col("_title_state") == 2).then(pl.lit("")).otherwise("job_title"),
            company=pl.when(pl.col("_blank_company")).then(pl.lit("")).otherwise("company"),
            referral_code=pl.when(pl.col("_ref_state") == 1)
            .then(None)
            .when(pl.col("_ref_state") == 2)
            .then(pl.lit(""))
            .otherwise("referral_code"),
            seats=pl.when(pl.col("_seats_null")).then(None).otherwise("seats"),
        )
        .drop("_seats_null", "_ref_state", "_title_state", "_blank_company")
    )

    dup_ident, dup_fmt, phone_missing = _perturb(ident, src, kind, dup_rand, typo_first,
                                                 first_code[src], last_code[src], ph_fmt[src],
                                                 country[src], k, n_chunks)  # fmt: skip
    all_country = c_all
    all_fmt = np.r_[ph_fmt, dup_fmt]
    all_digits = np.r_[ph_digits, ph_digits[src]]
    grp = np.cumsum(np.r_[0, _N_FMT])[all_country] + all_fmt
    templates = [t.encode() for kc in V.COUNTRIES for t in _PHONE_FORMATS[kc][1]]
    phone = pl.Series("phone", _strings_from_templates(grp, templates, all_digits))
    ph_all = np.r_[ph_state, np.where(phone_missing, 1, ph_state[src])]
    phone = pl.DataFrame({"phone": phone, "s": ph_all}).select(
        pl.when(pl.col("s") == 1).then(None).when(pl.col("s") == 2).then(pl.lit(""))
        .otherwise("phone").alias("phone")
    ).to_series()  # fmt: skip
    ident = pl.concat([ident, dup_ident], how="vertical")

    def ts(days_or_ms, null, is_ms=False):
        v = days_or_ms if is_ms else np.round(days_or_ms * _DAY_MS).astype(np.int64)
        return pa.array((v + _REF_MS) * 1000, _TS, mask=null)

    age = _age(ident["birth_date"])
    contacts = pa.Table.from_arrays([
        pa.array(ids),
        ident["email"].to_arrow(),
        ident["first_name"].to_arrow(),
        ident["last_name"].to_arrow(),
        phone.to_arrow(),
        ident["birth_date"].to_arrow(),
        age,
        ident["gender"].to_arrow(),
        ident["country"].to_arrow(),
        ident["city"].to_arrow(),
        ident["job_title"].to_arrow(),
        ident["company"].to_arrow(),
        ident["interests"].to_arrow(),
        ident["preferred_channel"].to_arrow(),
        ident["content_topics"].to_arrow(),
        _take(_arr(V.EMAIL_STATUSES), status),
        ts(np.where(consented, consent_t, 0.0), ~consented),
        _take(_arr(V.SOURCE_CHANNELS), src_ch),
        ts(signup_all, None),
        ts(first_purchase_ms, ~buyer, is_ms=True),
        _take(_arr(V.LIFECYCLE_STAGES), stage),
        _take(_arr(V.LEAD_STATUSES), lead, lead_null),
        _list_array(tag_codes, tag_mat, _TAG_A, None),
        _take(_arr(V.PLANS), plan_all, ~buyer),
        ident["industry"].to_arrow(),
        ident["seats"].to_arrow(),
        pa.array(nps, pa.int64(), mask=~nps_ans),
        ident["referral_code"].to_arrow(),
    ], names=CONTACTS_SCHEMA.names)  # fmt: skip
    contacts = contacts.cast(CONTACTS_SCHEMA)

    camp_ids = _arr(plan.ids)
    split = int(np.searchsorted(ev_idx, n))
    ev_id = ev_idx  # (in place: the contact ids of the originals, then of the duplicates)
    ev_id[:split] += first_id
    ev_id[split:] += first_dup_id - n
    ms += _REF_MS
    ms *= 1000  # microseconds since the epoch
    events = pa.Table.from_arrays([
        pa.array(ev_id),
        _dict(_arr(V.EVENT_TYPES), ev_type),
        pa.array(ms, _TS),
        _dict(_arr(V.PAGES), ev_page),
        _dict(camp_ids, ev_camp),
        _dict(_arr(["A", "B"]), ev_var),
        _dict(_arr(V.FORMS), ev_form),
        _dict(_arr(V.CONTENT), ev_cont),
        pa.array(amount, pa.float64(), mask=~is_p),
        _dict(_arr(V.PLANS), ev_prod),
    ], schema=EVENTS_DICT_SCHEMA)  # fmt: skip
    del ev_idx, ev_id, ms
    truth = pa.Table.from_arrays([
        pa.array(ids[n:]), pa.array(ids[src]), _take(_arr(DUP_KINDS), kind),
    ], schema=TRUTH_SCHEMA)  # fmt: skip
    # the duplicates are kept until the end of a run: copy them (a slice would keep the whole
    # chunk's buffers alive)
    return Chunk(
        contacts=contacts.slice(0, n),
        events=events.slice(0, split),
        dup_contacts=contacts.take(pa.array(np.arange(n, m))),
        dup_events=events.take(pa.array(np.arange(split, events.num_rows))),
        truth=truth,
    )


def _fix_phone_digits(rng, digits: np.ndarray, country: np.ndarray) -> None:
    """Make each national number look like a real (mobile or geographic) number."""
    n = len(country)
    for ci, k in enumerate(V.COUNTRIES):
        r = np.nonzero(country == ci)[0]
        if not len(r):
            continue
        q = len(r)
        if k in ("US", "CA"):
            digits[r, 0] = rng.integers(2, 10, q)
            digits[r, 3] = rng.integers(2, 10, q)
        elif k == "GB":
            digits[r, 0], digits[r, 1] = 7, rng.integers(4, 10, q)
        elif k == "DE":
            digits[r, 0], digits[r, 1] = 1, rng.choice([5, 6, 7], q)
        elif k in ("FR", "ES"):
            digits[r, 0] = rng.choice([6, 7], q)
        elif k == "AU":
            digits[r, 0] = 4
        elif k == "NL":
            digits[r, 0] = 6
        elif k == "IN":
            digits[r, 0] = rng.integers(6, 10, q)
        elif k == "BR":
            area = rng.choice(_BR_AREAS, q)
            digits[r, 0], digits[r, 1], digits[r, 2] = area // 10, area % 10, 9
    assert digits.shape[0] == n


def _fixed_strings(prefix: bytes, chars: np.ndarray) -> pa.Array:
    n, w = chars.shape
    p = np.frombuffer(prefix, np.uint8)
    block = np.concatenate([np.tile(p, (n, 1)), chars.astype(np.uint8)], axis=1)
    width = block.shape[1]
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(block.ravel().copy()))


def _age(birth: pl.Series) -> pa.Array:
    ref = REFERENCE_TIME.date()
    df = pl.DataFrame({"b": birth})
    age = df.select(
        (ref.year - pl.col("b").dt.year()
         - ((pl.col("b").dt.month() > ref.month)
            | ((pl.col("b").dt.month() == ref.month) & (pl.col("b").dt.day() > ref.day)))
         .cast(pl.Int32)).cast(pl.Int64)
    ).to_series()  # fmt: skip
    return age.to_arrow()


_HASH_POW = np.cumprod(np.full(256, 1099511628211, np.uint64))[::-1].copy()


def _stable_hash(strings: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A 64-bit hash of each (non-null, at most 256-byte) string, stable across versions and
    machines (a polynomial over the UTF-8 bytes, then a mix), computed without a row loop."""
    arr = pa.concat_arrays(strings.chunks) if isinstance(strings, pa.ChunkedArray) else strings
    arr = arr.cast(pa.large_string())
    n = len(arr)
    if n == 0:
        return np.zeros(0, np.uint64)
    bufs = arr.buffers()
    offs = np.frombuffer(bufs[1], np.int64)[arr.offset : arr.offset + n + 1]
    data = np.frombuffer(bufs[2], np.uint8)[offs[0] : offs[-1]].astype(np.uint64)
    rel = offs - offs[0]
    lens = np.diff(rel)
    row_end = np.repeat(rel[1:], lens)
    expo = 256 - (row_end - np.arange(len(data)))  # the last byte gets P**1
    with np.errstate(over="ignore"):
        h = (
            np.add.reduceat(data * _HASH_POW[expo], rel[:-1])
            if len(data)
            else np.zeros(n, np.uint64)
        )
        h = np.where(lens > 0, h, np.uint64(0)) + lens.astype(np.uint64)
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(29)
    return h


def email_ok(emails: pl.Series, k: int, n_chunks: int) -> np.ndarray:
    """Whether chunk ``k`` of ``n_chunks`` may use each email without any risk of another chunk
    using it too: a local part ending in a number must have that number = k (mod n_chunks); one
    without a number must hash to chunk k. (With one chunk, every email is fine.)"""
    if n_chunks == 1:
        return np.ones(len(emails), bool)
    tail = emails.str.extract(r"(\d+)@", 1)
    out = (tail.str.slice(-15).cast(pl.Int64) % n_chunks == k).fill_null(False).to_numpy()
    rows = np.nonzero(tail.is_null().to_numpy())[0]  # (only those are hashed)
    if len(rows):
        owned = _stable_hash(emails.gather(rows).to_arrow()) % np.uint64(n_chunks)
        out[rows] = owned.astype(np.int64) == k
    return out


def _identity_frame(rng, k, n_chunks, first_code, last_code, first_state, last_state, pattern,
                    work, company_str, dom_code, digits2, digits4, birth, birth_null,
                    ids) -> pl.DataFrame:  # fmt: skip
    """Names and an email address for the originals, unique across the whole run.

    Emails are drawn from name patterns; any number in them is = k (mod n_chunks) and an email
    without a number is only kept when it hashes to this chunk, so chunks never collide; repeats
    within the chunk get another number."""
    K = n_chunks
    fa = pl.Series("fa", _FIRST_ASCII.take(pa.array(first_code)))
    la = pl.Series("la", _LAST_ASCII.take(pa.array(last_code)))
    yy = (np.datetime64("1970-01-01") + birth.astype("m8[D]")).astype("M8[Y]").astype(
        np.int64
    ) % 100
    d2 = np.where(birth_null, digits2, yy)
    df = pl.DataFrame({
        "fa": fa, "la": la, "pat": pattern, "work": work,
        "dom": pl.Series(_DOMAIN_A.take(pa.array(dom_code))),
        "cdom": pl.Series(_COMPANY_DOMAIN_A.take(pa.array(company_str))),
        "d2": (d2 // K) * K + k, "d4": (digits4 // K) * K + k,
        "d6": (digits4 % 100 // K) * K + k, "id": ids,
    })  # fmt: skip
    f, lst = pl.col("fa"), pl.col("la")
    d2 = pl.col("d2").cast(pl.String).str.zfill(2)
    d4 = pl.col("d4").cast(pl.String)
    d6 = pl.col("d6").cast(pl.String)
    fi, li = f.str.head(1), lst.str.head(1)
    local = (
        pl.when(lst == "").then(pl.concat_str(f, d4))
        .when(pl.col("pat") == 0).then(pl.concat_str(f, pl.lit("."), lst))
        .when(pl.col("pat") == 1).then(pl.concat_str(f, lst))
        .when(pl.col("pat") == 2).then(pl.concat_str(fi, lst))
        .when(pl.col("pat") == 3).then(pl.concat_str(f, pl.lit("_"), lst))
        .when(pl.col("pat") == 4).then(pl.concat_str(f, lst.str.head(3), d2))
        .when(pl.col("pat") == 5).then(pl.concat_str(lst, pl.lit("."), f))
        .when(pl.col("pat") == 6).then(pl.concat_str(f, pl.lit("."), lst, d6))
        .when(pl.col("pat") == 7).then(pl.concat_str(f, li))
        .otherwise(pl.concat_str(f, d4))
    )  # fmt: skip
    # work addresses are first.last (or flast) at the company's domain
    work_local = (
        pl.when(pl.col("pat") == 2)
        .then(pl.concat_str(fi, lst))
        .otherwise(pl.concat_str(f, pl.lit("."), lst))
    )
    is_work = pl.col("work") & (lst != "")
    df = df.with_columns(
        email=pl.when(is_work)
        .then(pl.concat_str(work_local, pl.lit("@"), pl.col("cdom")))
        .otherwise(pl.concat_str(local, pl.lit("@"), pl.col("dom"))),
        base=pl.when(lst == "").then(f).otherwise(pl.concat_str(f, pl.lit("."), lst)),
        domain=pl.when(is_work).then(pl.col("cdom")).otherwise(pl.col("dom")),
    )
    # a repeat within the chunk, or an address another chunk may use, gets a number = k mod K
    ok = email_ok(df["email"], k, K)
    changed = np.zeros(len(ok), bool)
    for attempt in range(8):
        if changed.any():  # only the changed addresses need checking again
            rows = np.nonzero(changed)[0]
            ok[rows] = email_ok(df["email"].gather(rows), k, K)
        bad = ~ok | ~df["email"].is_first_distinct().to_numpy()
        if not bad.any():
            break
        changed = bad
        rows = np.nonzero(bad)[0]
        # the last resort is unique by construction: above any drawn number, one per contact id
        last = attempt == 7
        drawn = (ids[rows] + 10_000) if last else rng.integers(1, 10_000, len(rows))
        number = drawn * K + k
        new = df[rows].select(
            pl.concat_str(pl.col("base"), pl.lit(pl.Series(number)).cast(pl.String), pl.lit("@"),
                          pl.col("domain"))
        ).to_series()  # fmt: skip
        df = df.with_columns(df["email"].scatter(rows, new))
    first = pl.Series(_FIRST_A.take(pa.array(first_code)))
    last = pl.Series(_LAST_A.take(pa.array(last_code)))
    out = pl.DataFrame({"email": df["email"], "first_name": first, "last_name": last,
                        "_fs": first_state, "_ls": last_state})  # fmt: skip
    return out.with_columns(
        first_name=pl.when(pl.col("_fs") == 1).then(None).when(pl.col("_fs") == 2)
        .then(pl.lit("")).otherwise("first_name"),
        last_name=pl.when(pl.col("_ls") == 1).then(None).when(pl.col("_ls") == 2)
        .then(pl.lit("")).otherwise("last_name"),
    ).drop("_fs", "_ls")  # fmt: skip


def _typo(s: pl.Expr, op: pl.Expr, pos_u: pl.Expr, letter: pl.Expr) -> pl.Expr:
    """A one-character typo (substitute, delete, swap or double a letter) after the first
    character; too-short strings get a doubled last letter."""
    n = s.str.len_chars()
    pos = (1 + (pos_u * (n - 1).clip(lower_bound=1)).floor().cast(pl.Int64)).clip(upper_bound=n - 1)
    head = s.str.slice(0, pos)
    sp = pos.clip(upper_bound=n - 2)  # a swap needs a next letter
    # a substitution by the same letter or a swap of equal letters would change nothing
    op = (
        pl.when((op == 0) & (s.str.slice(pos, 1).str.to_lowercase() == letter))
        .then(3)
        .otherwise(op)
    )
    op = pl.when((op == 2) & (s.str.slice(sp, 1) == s.str.slice(sp + 1, 1))).then(1).otherwise(op)
    return (
        pl.when(n < 3).then(pl.concat_str(s, s.str.tail(1)))
        .when(op == 0).then(pl.concat_str(head, letter, s.str.slice(pos + 1)))
        .when(op == 1).then(pl.concat_str(head, s.str.slice(pos + 1)))
        .when(op == 2).then(pl.concat_str(s.str.slice(0, sp), s.str.slice(sp + 1, 1),
                                          s.str.slice(sp, 1), s.str.slice(sp + 2)))
        .otherwise(pl.concat_str(s.str.slice(0, pos + 1), s.str.slice(pos)))
    )  # fmt: skip


# a valid local part (as segkit.store.normalize accepts it): no leading, trailing or double dot
_LOCAL_OK = r"^[a-z0-9_+\-]+(?:\.[a-z0-9_+\-]+)*$"


def _local_typo(local: pl.Expr, op: pl.Expr, pos_u: pl.Expr, letter: pl.Expr) -> pl.Expr:
    """A typo in an email's local part that keeps the address valid: when the typo would
    touch a dot badly (``andre..nascimento``, ``.andre``), the first letter is doubled instead
    (``aandre.nascimento``)."""
    t = _typo(local, op, pos_u, letter)
    at = local.str.find(r"[a-z]").fill_null(0)
    doubled = pl.concat_str(local.str.slice(0, at + 1), local.str.slice(at))
    return pl.when(t.str.contains(_LOCAL_OK) & (t != local)).then(t).otherwise(doubled)


def _perturb(ident: pl.DataFrame, src, kind, r, typo_first, first_code, last_code, fmt, country,
             chunk, n_chunks):  # fmt: skip
    """The duplicates' identity columns: copies of their originals with one kind of change."""
    d = len(src)
    base = ident[src] if d else ident.clear()
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", np.uint8)
    letter = letters[(r[:, 3] * 26).astype(np.int64) % 26].view("S1").astype(str) if d else []
    plus_tags = np.array(["news", "promo", "crm", "2026", "signup", "work"])
    nick = pl.Series(_NICK_A.take(pa.array(first_code))) if d else pl.Series([], dtype=pl.String)
    nick_ascii = (
        pl.Series(_NICK_ASCII.take(pa.array(first_code))) if d else pl.Series([], dtype=pl.String)
    )
    la = pl.Series(_LAST_ASCII.take(pa.array(last_code))) if d else pl.Series([], dtype=pl.String)
    other_dom = pl.Series(_DOMAIN_A.take(pa.array(
        _pick(_DOMAIN_CUM, country, (r[:, 5] + 0.5) % 1.0) if d else np.zeros(0, np.int64)
    )))  # fmt: skip
    df = base.with_columns(
        _kind=pl.Series(kind.astype(np.int64)),
        _r0=pl.Series(r[:, 0]), _r1=pl.Series(r[:, 1]), _r2=pl.Series(r[:, 2]),
        _op=pl.Series((r[:, 4] * 4).astype(np.int64)),
        _letter=pl.Series(letter, dtype=pl.String),
        _tag=pl.Series(plus_tags[(r[:, 5] * len(plus_tags)).astype(np.int64)] if d else [], dtype=pl.String),
        _nick=nick, _nick_a=nick_ascii, _la=la, _odom=other_dom,
    )  # fmt: skip
    k = pl.col("_kind")
    local = pl.col("email").str.split("@").list.first()
    domain = pl.col("email").str.split("@").list.last()
    typo_first = pl.lit(pl.Series(typo_first, dtype=pl.Boolean))
    df = df.with_columns(
        first_name=pl.when((k == 0) & typo_first)
        .then(_typo(pl.col("first_name"), pl.col("_op"), pl.col("_r1"), pl.col("_letter")))
        .when(k == 1).then(pl.col("last_name"))
        .when(k == 5).then(pl.col("_nick"))
        .otherwise("first_name"),
        last_name=pl.when((k == 0) & ~typo_first)
        .then(_typo(pl.col("last_name"), pl.col("_op"), pl.col("_r1"), pl.col("_letter")))
        .when(k == 1).then(pl.col("first_name"))
        .otherwise("last_name"),
        email=pl.when((k == 0) & (pl.col("_r2") < 0.5))
        .then(pl.concat_str(_local_typo(local, pl.col("_op"), pl.col("_r1"), pl.col("_letter")),
                            pl.lit("@"), domain))
        .when((k == 2) & (pl.col("_r2") < 0.3)).then(pl.col("email").str.to_uppercase())
        .when(k == 2).then(pl.concat_str(local.str.to_titlecase(), pl.lit("@"), domain))
        .when(k == 3).then(pl.concat_str(local, pl.lit("+"), pl.col("_tag"), pl.lit("@"), domain))
        .when(k == 4).then(pl.concat_str(local, pl.lit("@"), pl.col("_odom")))
        .when((k == 5) & (pl.col("_r2") < 0.5) & (pl.col("_la") != ""))
        .then(pl.concat_str(pl.col("_nick_a"), pl.lit("."), pl.col("_la"), pl.lit("@"), domain))
        .otherwise("email"),
    )  # fmt: skip
    # a changed address (typo, nickname, other provider) must not be somebody else's: keep the
    # original's address when it could be (in this chunk or, by number/hash, in another one)
    changed = (kind == 0) | (kind == 4) | (kind == 5)
    new = df["email"]
    clash = new.is_in(ident["email"].implode()).to_numpy() | ~new.is_first_distinct().to_numpy()
    keep_orig = changed & (clash | ~email_ok(new, chunk, n_chunks))
    df = df.with_columns(
        email=pl.when(pl.lit(pl.Series(keep_orig))).then(base["email"]).otherwise("email")
    )
    # kind 4 (phone_format) gets another format of the same number; missing_fields drops some
    missing = kind == 6
    extra_missing = (r[:, 7] < 0.15) & ~missing & (kind != 4)
    miss_other = pl.lit(pl.Series(missing & (r[:, 6] < 0.7)))
    df = df.with_columns(
        company=pl.when(miss_other).then(None).otherwise("company"),
        industry=pl.when(miss_other).then(None).otherwise("industry"),
        job_title=pl.when(pl.lit(pl.Series(missing))).then(None).otherwise("job_title"),
        city=pl.when(pl.lit(pl.Series(missing & (r[:, 5] < 0.5)))).then(None).otherwise("city"),
        birth_date=pl.when(pl.lit(pl.Series(missing | (r[:, 4] < 0.3)))).then(None)
        .otherwise("birth_date"),
        referral_code=pl.lit(None, pl.String),
        seats=pl.lit(None, pl.Int64),
    ).select(ident.columns)  # fmt: skip
    shift = 1 + (r[:, 6] * np.maximum(_N_FMT[country] - 1, 1)).astype(np.int64)
    new_fmt = np.where(kind == 4, (fmt + shift) % _N_FMT[country], fmt)
    return df, new_fmt, missing | extra_missing
