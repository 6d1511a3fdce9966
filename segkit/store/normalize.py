"""Normalising contact values so the same person matches across sources.

- **Emails** are trimmed and lower-cased; a value without ``local@domain.tld`` shape is invalid.
- **Phones** become E.164 (``+14155550132``). Common shapes are handled vectorised (a North
  American number, ``+CC`` followed by a national number without trunk ``0``, or a bare
  ``+digits``); every other value is parsed by the ``phonenumbers`` package (once per distinct
  value and region), the region being the contact's country, else ``default_region``. A value
  that cannot be read as a possible number is kept as given and counted as a warning.
- **Countries** become ISO 3166-1 alpha-2 codes (``"United States"``, ``"USA"``, ``"us"`` ->
  ``"US"``), from ``pycountry``'s names, names in the countries' own languages and common
  aliases (one table, :func:`country_names`, that dedup uses too); unknown values are kept.
- **Dates** are read in the formats CRM exports use: ISO (``2026-03-01``, ``2026-03-01T12:00:00Z``,
  ``2026-03-01 12:00``), US (``03/01/2026``, ``3/1/2026 2:05 PM``), ``01.03.2026``, ``2026/03/01``
  and epoch milliseconds. Month-first is assumed for ``a/b/yyyy`` (HubSpot and Salesforce exports
  in US locales). Zone-aware values are converted to UTC and stored naive (segkit's convention).
"""

from __future__ import annotations

import functools

import polars as pl

EMAIL_PATTERN = r"^[^@\s\"(),:;<>\[\]]+@[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)*\.[a-z]{2,}$"  # noqa: E501


def blank_to_null(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.strip_chars() != "").then(expr)


# -- emails -------------------------------------------------------------------------------------


def email(expr: pl.Expr) -> pl.Expr:
    """Trimmed, lower-cased; blank becomes null."""
    e = expr.str.strip_chars().str.to_lowercase()
    return pl.when(e != "").then(e)


def email_ok(normalised: pl.Expr) -> pl.Expr:
    """True where a (normalised) email is well-formed; null stays null."""
    return normalised.str.contains(EMAIL_PATTERN) & ~normalised.str.contains(r"\.\.")


# -- countries ----------------------------------------------------------------------------------

_COUNTRY_ALIASES = {
    "usa": "US", "u.s.": "US", "u.s.a.": "US", "u.s": "US", "united states of america": "US",
    "america": "US", "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "deutschland": "DE", "holland": "NL", "the netherlands": "NL", "nederland": "NL",
    "españa": "ES", "espana": "ES", "brasil": "BR", "méxico": "MX", "mexico": "MX",
    "south korea": "KR", "korea": "KR", "republic of korea": "KR", "north korea": "KP",
    "russia": "RU", "czech republic": "CZ", "czechia": "CZ", "ivory coast": "CI",
    "vietnam": "VN", "iran": "IR", "syria": "SY", "bolivia": "BO", "venezuela": "VE",
    "tanzania": "TZ", "laos": "LA", "moldova": "MD", "taiwan": "TW", "macedonia": "MK",
    "uae": "AE", "emirates": "AE", "the uk": "GB", "the us": "US", "the usa": "US",
    "schweiz": "CH", "suisse": "CH", "österreich": "AT", "italia": "IT", "france": "FR",
    "belgique": "BE", "belgië": "BE", "sverige": "SE", "norge": "NO", "danmark": "DK",
    "polska": "PL", "türkiye": "TR", "turkey": "TR", "hong kong": "HK", "macau": "MO",
    # more names in other languages than English
    "estados unidos": "US", "allemagne": "DE", "alemania": "DE", "frankreich": "FR",
    "francia": "FR", "espagne": "ES", "spanien": "ES", "italie": "IT", "italien": "IT",
    "pays-bas": "NL", "belgien": "BE", "svizzera": "CH", "éire": "IE", "suomi": "FI",
    "česko": "CZ", "ελλάδα": "GR", "bharat": "IN", "中国": "CN", "日本": "JP", "nippon": "JP",
}  # fmt: skip


@functools.lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Every country name and code segkit knows -> ISO 3166 alpha-2: pycountry's alpha-2,
    alpha-3, name, official and common names, names in the countries' own languages, and
    common aliases ("USA", "U.K."). The one table behind the importer's :func:`country` and
    dedup's country matching (which folds accents and punctuation as well)."""
    import pycountry

    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            v = getattr(c, attr, None)
            if v:
                names[v] = c.alpha_2
    names.update(_COUNTRY_ALIASES)
    return names


@functools.lru_cache(maxsize=1)
def country_table() -> dict[str, str]:
    """:func:`country_names` lower-cased (the importer's lookup: trimmed, lower-cased, spaces
    collapsed)."""
    table: dict[str, str] = {}
    for name, iso in country_names().items():
        table.setdefault(name.lower(), iso)
    table.update(_COUNTRY_ALIASES)
    return table


def by_unique(s: pl.Series, fn) -> pl.Series:  # noqa: ANN001
    """``fn`` (Series -> Series of the same length) computed once per distinct value."""
    uniq = s.unique()
    if uniq.len() * 4 > s.len():
        return fn(s).alias(s.name)
    mapped = fn(uniq)
    return s.replace_strict(uniq, mapped, return_dtype=mapped.dtype).alias(s.name)


def country(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    """ISO alpha-2 codes (unknown values kept as given, trimmed) and a mask of unknown values."""

    def iso(v: pl.Series) -> pl.Series:
        key = v.str.strip_chars().str.to_lowercase().str.replace_all(r"\s+", " ")
        return key.replace_strict(country_table(), default=None, return_dtype=pl.String)

    code = by_unique(s, iso)
    kept = s.str.strip_chars()
    kept = pl.select(pl.when(kept != "").then(kept)).to_series()
    out = code.fill_null(kept).alias(s.name)
    return out, (code.is_null() & kept.is_not_null())


# -- phones -------------------------------------------------------------------------------------

_PLAIN = r"^\+?[\d\s().\-/]+$"
# country codes whose national numbers keep a leading 0 after the country code (Italy etc.)
_KEEP_ZERO = {"39", "378", "379", "225", "242"}


@functools.lru_cache(maxsize=1)
def _calling_codes() -> list[str]:
    import phonenumbers

    return sorted(str(c) for c in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


def phone(s: pl.Series, regions: pl.Series | None = None,
          default_region: str | None = "US") -> tuple[pl.Series, pl.Series]:  # fmt: skip
    """E.164 numbers (values that cannot be read kept as given) and a mask of those values."""
    name = s.name
    n = len(s)
    region = (regions if regions is not None else pl.Series([None] * n, dtype=pl.String))
    region = region.cast(pl.String).fill_null(default_region) if default_region else region
    frame = pl.DataFrame({"raw": s.cast(pl.String), "region": region.cast(pl.String)})
    # intermediate columns first (each computed once), then one decision per row
    frame = frame.with_columns(pl.col("raw").str.strip_chars().alias("t"))
    t = pl.col("t")
    frame = frame.with_columns(
        t.str.replace_all(r"[^0-9]", "").alias("digits"),
        t.str.starts_with("+").alias("plus"),
        t.str.contains(_PLAIN).alias("plain_any"),
        t.str.contains(r"[()]").alias("parens"),
        t.str.extract(r"^\+(\d{1,3})[\s.\-]", 1).alias("cc"),
        t.str.contains(r"^\+\d{1,3}[\s.\-]+0").alias("trunk0"),
    )
    digits = pl.col("digits")
    nd = digits.str.len_chars()
    first = digits.str.slice(0, 1)
    nanp10 = (nd == 10) & (first >= "2") & (digits.str.slice(3, 1) >= "2")
    nanp11 = (nd == 11) & (first == "1") & (digits.str.slice(1, 1) >= "2") & (
        digits.str.slice(4, 1) >= "2")
    plain_any = pl.col("plain_any")
    nanp_region = pl.col("region").is_in(["US", "CA"]) | pl.col("region").is_null()
    fast = (
        pl.when(t.is_null() | (t == "")).then(pl.lit(None, dtype=pl.String))
        .when(plain_any & pl.col("plus") & nanp11).then(pl.lit("+") + digits)
        .when(plain_any & ~pl.col("plus") & nanp_region & nanp10).then(pl.lit("+1") + digits)
        .when(plain_any & ~pl.col("plus") & nanp_region & nanp11).then(pl.lit("+") + digits)
        .when(pl.col("plus") & (nd == t.str.len_chars() - 1) & nd.is_between(8, 15)
              & (first != "0")).then(t)
        .when(plain_any & ~pl.col("parens") & pl.col("cc").is_in(_calling_codes())
              & (~pl.col("trunk0") | pl.col("cc").is_in(_KEEP_ZERO))
              & nd.is_between(8, 15)).then(pl.lit("+") + digits)
        .otherwise(pl.lit("?"))
    )  # fmt: skip
    frame = frame.with_columns(fast.alias("e164")).select("raw", "region", "e164")
    slow = frame.filter(pl.col("e164") == "?").select("raw", "region").unique()
    if slow.height:
        parsed = [_parse_phone(r, g) for r, g in slow.iter_rows()]
        slow = slow.with_columns(pl.Series("parsed", parsed, dtype=pl.String))
        frame = frame.join(slow, on=["raw", "region"], how="left", nulls_equal=True,
                           maintain_order="left")  # fmt: skip
        frame = frame.with_columns(
            pl.when(pl.col("e164") == "?").then(pl.col("parsed")).otherwise(pl.col("e164"))
            .alias("e164")
        )  # fmt: skip
    bad = frame["e164"].is_null() & frame["raw"].str.strip_chars().ne_missing("") & frame[
        "raw"].is_not_null()  # fmt: skip
    out = pl.select(
        pl.when(bad).then(frame["raw"].str.strip_chars()).otherwise(frame["e164"])
    ).to_series().alias(name)
    return out, bad


def _parse_phone(raw: str, region: str | None) -> str | None:
    import phonenumbers

    try:
        num = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


# -- dates --------------------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%m/%d/%y")
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.fZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%.f",
    "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%m/%d/%Y, %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p", "%Y/%m/%d %H:%M", "%d.%m.%Y %H:%M",
)  # fmt: skip


def _try(s: pl.Series, fmt: str, kind: str) -> pl.Series:
    try:
        if kind == "date":
            return s.str.to_date(fmt, strict=False)
        tz = "%z" in fmt or fmt.endswith("Z")
        out = s.str.to_datetime(fmt, strict=False, time_unit="us",
                                time_zone="UTC" if tz else None)  # fmt: skip
        return out.dt.replace_time_zone(None) if tz else out
    except pl.exceptions.PolarsError:
        return pl.Series(s.name, [None] * len(s), dtype=pl.Date if kind == "date"
                         else pl.Datetime("us"))  # fmt: skip


def _candidates(dtype: pl.DataType) -> list[tuple[str, str]]:
    dates = [(f, "date") for f in DATE_FORMATS]
    dts = [(f, "datetime") for f in DATETIME_FORMATS]
    return dates + dts if dtype == pl.Date else dts + dates


def parse_dates(s: pl.Series, dtype: pl.DataType, formats: tuple[str, ...] = ()) -> pl.Series:
    """Parse text dates into ``dtype`` (Date or Datetime); null where a value does not parse.

    The format that reads most of a sample of the column is applied to the whole column; values
    it does not read are tried with every other format.
    """
    target = pl.Date() if dtype == pl.Date else pl.Datetime("us")
    s = s.cast(pl.String).str.strip_chars()
    s = pl.select(pl.when(s == "").then(None).otherwise(s)).to_series().alias(s.name)
    present = s.is_not_null()
    out = pl.Series(s.name, [None] * len(s), dtype=target)
    if not present.any():
        return out
    cands = [(f, "datetime" if ("%H" in f or "%I" in f) else "date") for f in formats]
    cands += [c for c in _candidates(target) if c not in cands]
    sample = s.drop_nulls().head(200)
    scored = sorted(cands, key=lambda c: -int(_try(sample, *c).is_not_null().sum()))
    todo = present
    for fmt, kind in scored:
        idx = todo.arg_true()
        if idx.len() == 0:
            break
        part = s.gather(idx) if idx.len() < len(s) else s
        parsed = _try(part, fmt, kind).cast(target)
        ok = parsed.is_not_null()
        if not ok.any():
            continue
        out = out.scatter(idx.filter(ok), parsed.filter(ok))
        todo = present & out.is_null()
    idx = todo.arg_true()
    if idx.len():  # epoch milliseconds (API-based exports)
        part = s.gather(idx)
        ms = pl.select(
            pl.when(part.str.contains(r"^\d{12,13}$"))
            .then(part.cast(pl.Int64, strict=False)).otherwise(None)
        ).to_series()
        parsed = pl.select(pl.from_epoch(ms, time_unit="ms")).to_series().cast(target)
        ok = parsed.is_not_null()
        if ok.any():
            out = out.scatter(idx.filter(ok), parsed.filter(ok))
    return out


# -- other types --------------------------------------------------------------------------------

_TRUE = ["true", "yes", "y", "t", "1", "on", "x"]
_FALSE = ["false", "no", "n", "f", "0", "off", ""]


def parse_bool(s: pl.Series) -> pl.Series:
    key = s.cast(pl.String).str.strip_chars().str.to_lowercase()
    return key.replace_strict({**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)},
                              default=None, return_dtype=pl.Boolean)  # fmt: skip


def parse_number(s: pl.Series, dtype: pl.DataType) -> pl.Series:
    t = s.cast(pl.String).str.strip_chars().str.replace_all(r"[,\s_]", "")
    if dtype == pl.Int64:
        as_float = t.cast(pl.Float64, strict=False)
        whole = pl.select(
            pl.when(as_float == as_float.round()).then(as_float).otherwise(None)
        ).to_series()
        return t.cast(pl.Int64, strict=False).fill_null(whole.cast(pl.Int64, strict=False))
    return t.cast(dtype, strict=False)


def parse_list(s: pl.Series, separator: str | None = None) -> pl.Series:
    """Text lists: JSON (``["a","b"]``) or separated values (``a;b``, ``"a","b"``, ``a, b``)."""
    s = s.cast(pl.String)
    if separator is None:
        separator = ";" if s.str.contains(";").any() else ","
    json_like = s.str.strip_chars().str.starts_with("[")
    split = (
        s.str.split(separator)
        .list.eval(pl.element().str.strip_chars().str.strip_chars("\"'").str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
    )
    if json_like.any():
        try:
            only = pl.select(pl.when(json_like).then(s).otherwise(None)).to_series()
            decoded = only.str.json_decode(pl.List(pl.String))
        except pl.exceptions.PolarsError:
            decoded = pl.Series(s.name, [None] * len(s), dtype=pl.List(pl.String))
        split = pl.select(pl.when(json_like).then(decoded).otherwise(split)).to_series()
    return split.alias(s.name)


def convert(s: pl.Series, dtype: pl.DataType, *, date_formats: tuple[str, ...] = (),
            list_separator: str | None = None) -> tuple[pl.Series, pl.Series]:  # fmt: skip
    """``s`` converted to ``dtype`` and the mask of values that did not convert (a blank
    value is not a failure: it becomes null)."""
    if isinstance(dtype, type):
        dtype = dtype()
    if s.dtype == dtype:
        return s, pl.Series(s.name, [False] * len(s))
    if s.dtype == pl.String:
        text = s.str.strip_chars()
        present = text.is_not_null() & (text != "")
    else:
        present = s.is_not_null()
    if isinstance(dtype, pl.Date | pl.Datetime):
        if isinstance(s.dtype, pl.Date | pl.Datetime):
            out = s.dt.replace_time_zone(None) if getattr(s.dtype, "time_zone", None) else s
            out = out.cast(dtype)
        else:
            out = parse_dates(s, dtype, date_formats)
    elif dtype == pl.Boolean:
        out = parse_bool(s) if s.dtype == pl.String else s.cast(pl.Boolean, strict=False)
    elif dtype in (pl.Int64, pl.Float64):
        out = parse_number(s, dtype) if s.dtype == pl.String else s.cast(dtype, strict=False)
    elif isinstance(dtype, pl.List):
        if isinstance(s.dtype, pl.List):
            out = s.cast(dtype, strict=False)
        else:
            out = parse_list(s, list_separator).cast(dtype, strict=False)
    elif dtype == pl.String:
        out = s.cast(pl.String) if not isinstance(s.dtype, pl.List) else s.list.join(";")
        out = pl.select(pl.when(out.str.strip_chars() == "").then(None).otherwise(out)
                        ).to_series()  # fmt: skip
    else:
        out = s.cast(dtype, strict=False)
    out = out.alias(s.name)
    return out, present & out.is_null()


def infer(s: pl.Series) -> pl.Series:
    """The narrowest type every non-blank value of a text column converts to (int, float,
    bool, date, datetime), else the trimmed text. Used for new custom fields."""
    if s.dtype != pl.String:
        return s
    text = s.str.strip_chars()
    text = pl.select(pl.when(text == "").then(None).otherwise(text)).to_series().alias(s.name)
    n = text.drop_nulls()
    if n.len() == 0:
        return text
    if n.len() > 2000:  # decide on a sample; the whole column must still convert
        sample = infer(n.head(1000))
        if sample.dtype == pl.String:
            return text
        out, bad = convert(text, sample.dtype)
        return out if not bad.any() else text
    if not n.str.contains(r"^[+-]?0\d").any():  # "02134" is a code, not a number
        for dtype, pattern in ((pl.Int64, r"^[+-]?\d+$"),
                               (pl.Float64, r"^[+-]?\d*\.?\d+(?:[eE][+-]?\d+)?$")):
            if n.str.contains(pattern).all():
                out, bad = convert(text, dtype)
                if not bad.any():
                    return out
    out, bad = convert(text, pl.Boolean)
    if not bad.any() and n.str.to_lowercase().is_in(["true", "false", "yes", "no"]).all():
        return out
    if n.str.contains(r"\d").all() and n.str.contains(r"[-/.]").all():
        for dtype in (pl.Date, pl.Datetime("us")):
            out, bad = convert(text, dtype)
            if not bad.any():
                if dtype == pl.Date and n.str.contains(r"\d:\d").any():
                    continue
                return out
    return text
