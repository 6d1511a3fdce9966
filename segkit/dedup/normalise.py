"""Normalisers: raw contact values -> canonical forms that compare well.

Every normaliser takes a polars Series and returns a new Series of the same length (nulls where
a value is missing or unusable); none of them loops over rows in Python except
:func:`normalise_phone`, which calls ``phonenumbers`` once per *distinct* (number, region) that
its vectorised fast paths cannot settle.

Examples
--------
>>> import polars as pl
>>> normalise_email(pl.Series(["J.Smith+news@GoogleMail.com", "a.b+x@Example.org"])).to_list()
['jsmith@gmail.com', 'a.b@example.org']
>>> fold_text(pl.Series(["  José  Núñez-O'Brien ", "ŁUKASZ Straße"])).to_list()
['jose nunez obrien', 'lukasz strasse']
>>> normalise_phone(pl.Series(["(415) 555-0132", "+44 (0)20 7946 0958"]), "US").to_list()
['+14155550132', '+442079460958']
"""

from __future__ import annotations

import polars as pl

from segkit.dedup.nicknames import NICKNAMES

# Letters NFKD does not decompose into a base letter plus marks.
_TRANSLIT = {
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
    "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th",
    "ı": "i", "ħ": "h", "Ħ": "h", "ŀ": "l", "Ŀ": "l",
}  # fmt: skip
_TITLES = r"^(?:mr|mrs|ms|mx|miss|dr|prof|sir|madam|mme|mlle|herr|frau|sr|sra)\s+"
_SUFFIXES = r"\s+(?:jr|sr|ii|iii|iv|phd|md|esq)$"

_EMPTY = ("", "na", "n a", "none", "null", "nan", "unknown", "-")


def _null_empty(s: pl.Series) -> pl.Series:
    return s.replace(list(_EMPTY), None) if s.dtype == pl.String else s


def _as_text(s: pl.Series) -> pl.Series:
    if s.dtype == pl.String:
        return s
    if s.dtype == pl.Null:
        return s.cast(pl.String)
    return s.cast(pl.String, strict=False)


def fold_text(s: pl.Series) -> pl.Series:
    """Lower case, accents and marks removed, punctuation to spaces, whitespace collapsed.

    Apostrophes are dropped rather than spaced (``O'Brien`` -> ``obrien``); empty results and
    placeholders such as ``"N/A"`` become null.

    >>> fold_text(pl.Series(["Zoë  D'Arcy-Smith", "N/A", "  "])).to_list()
    ['zoe darcy smith', None, None]
    """
    out = (
        _as_text(s)
        .str.normalize("NFKC")  # full-width and ligature forms to plain letters
        .str.replace_many(_TRANSLIT)
        .str.normalize("NFKD")
        .str.replace_all(r"\p{M}+", "")
        .str.to_lowercase()
        .str.replace_all(r"['’`´ʼ]", "")
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars()
    )
    return _null_empty(out)


def normalise_name(s: pl.Series) -> pl.Series:
    """A person's name folded, with titles (Mr, Dr, ...) and suffixes (Jr, III, ...) removed.

    >>> normalise_name(pl.Series(["Dr. Ånne-Marie", "JOHN SMITH JR."])).to_list()
    ['anne marie', 'john smith']
    """
    out = fold_text(s).str.replace(_TITLES, "").str.replace(_SUFFIXES, "").str.strip_chars()
    return _null_empty(out)


def nickname_key(s: pl.Series) -> pl.Series:
    """First token of a normalised first name mapped to its formal name (``bob`` -> ``robert``).

    >>> nickname_key(pl.Series(["bob", "liz ann", "zeynep", None])).to_list()
    ['robert', 'elizabeth', 'zeynep', None]
    """
    first = s.str.split(" ").list.first()
    return first.replace(NICKNAMES)


def sorted_tokens(s: pl.Series) -> pl.Series:
    """Tokens in alphabetical order, so ``smith john`` and ``john smith`` agree."""
    return s.str.split(" ").list.sort().list.join(" ")


def normalise_email(s: pl.Series) -> pl.Series:
    """Canonical mailbox: lower case, ``+tag`` removed, Gmail dots removed, googlemail -> gmail.

    Values without exactly one ``@`` and a dotted domain become null.

    >>> normalise_email(pl.Series(["<Ann.Lee+crm@gmail.com>", "mailto:x@Y.CO.UK", "bad@"])).to_list()
    ['annlee@gmail.com', 'x@y.co.uk', None]
    """
    e = (
        _as_text(s)
        .str.strip_chars()
        .str.to_lowercase()
        .str.replace(r"^mailto:", "")
        .str.strip_chars("<>\"' ")
    )
    valid = e.str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    parts = e.str.split_exact("@", 1)
    local = parts.struct.field("field_0").str.replace(r"\+.*$", "")
    domain = parts.struct.field("field_1").replace({"googlemail.com": "gmail.com"})
    local = pl.select(
        pl.when(domain == "gmail.com").then(local.str.replace_all(".", "", literal=True))
        .otherwise(local)
    ).to_series()  # fmt: skip
    out = pl.select(
        pl.when(valid & (local.str.len_chars() > 0)).then(local + "@" + domain)
    ).to_series()
    return out.alias(s.name)


def email_local(s: pl.Series) -> pl.Series:
    """The mailbox part of a canonical email (before ``@``)."""
    return s.str.split("@").list.first()


# -- countries and phones --------------------------------------------------------------------

def _country_table(full: bool) -> dict[str, str]:
    """Folded country names and codes -> ISO 3166 alpha-2: the names the workspace's importer
    knows (:func:`segkit.store.normalize.country_names`), folded. ``full`` adds every name in
    every language phonenumbers knows (loading those takes a couple of seconds, so only on
    need)."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

    from segkit.store.normalize import country_names

    names = dict(country_names())
    if full:
        from phonenumbers.geodata.locale import LOCALE_DATA

        for region, by_lang in LOCALE_DATA.items():
            if len(region) == 2:
                for value in by_lang.values():
                    if not value.startswith("*"):
                        names.setdefault(value, region)
    folded = fold_text(pl.Series(list(names))).to_list()
    out = {f: names[k] for f, k in zip(folded, names, strict=True) if f}
    for regions in COUNTRY_CODE_TO_REGION_CODE.values():
        for r in regions:
            if len(r) == 2 and r.isalpha():
                out.setdefault(r.lower(), r)
    return out


_COUNTRY_CACHE: dict[bool, dict[str, str]] = {}


def normalise_country(s: pl.Series) -> pl.Series:
    """ISO 3166 alpha-2 code when the name or code is recognised, else the folded text.

    >>> normalise_country(pl.Series(["Deutschland", "germany", "DE", "U.S.A.", "Narnia"])).to_list()
    ['DE', 'DE', 'DE', 'US', 'narnia']
    """
    folded = fold_text(s)
    if False not in _COUNTRY_CACHE:
        _COUNTRY_CACHE[False] = _country_table(full=False)
    table = _COUNTRY_CACHE[False]
    distinct = folded.drop_nulls().unique()
    if not distinct.is_in(list(table)).all():  # an unusual name: load every language's names
        if True not in _COUNTRY_CACHE:
            _COUNTRY_CACHE[True] = _country_table(full=True)
        table = _COUNTRY_CACHE[True]
    return folded.replace(table)


def region_of_country(s: pl.Series) -> pl.Series:
    """Phone region (ISO alpha-2) of each country value, null when not recognised."""
    iso = normalise_country(s)
    return pl.select(pl.when(iso.str.contains(r"^[A-Z]{2}$")).then(iso)).to_series()


def infer_phone_region(raw: pl.Series) -> str | None:
    """The region of the most common country calling code among numbers written with ``+``.

    Used as the default region when there is no country column and none was given.
    """
    import phonenumbers

    s = _as_text(raw).str.strip_chars()
    intl = s.filter(s.str.starts_with("+") | s.str.starts_with("00"))
    if intl.len() == 0:
        return None
    digits = intl.str.replace_all(r"\D", "").str.replace(r"^00", "")
    best: tuple[int, str] | None = None
    for length in (1, 2, 3):
        counts = digits.str.slice(0, length).value_counts(sort=True)
        for code, n in counts.iter_rows():
            if code and code.isdigit():
                region = phonenumbers.region_code_for_country_code(int(code))
                if region != "ZZ" and (best is None or n > best[0]):
                    best = (n, region)
                break
    return None if best is None else best[1]


def normalise_phone(s: pl.Series, region: str | pl.Series | None = None) -> pl.Series:
    """E.164 form (``+14155550132``) using ``region`` for numbers written without a country code.

    ``region`` is one ISO alpha-2 code or a Series of them (one per row, e.g. from a country
    column). Numbers are read exactly as a workspace import reads them
    (:func:`segkit.store.normalize.phone`); numbers that cannot be read keep their digits
    (``"5550132"``) so that exact agreement still counts; values with fewer than 6 digits
    become null. Extensions (``x123``, ``ext. 5``) are dropped.

    >>> normalise_phone(pl.Series(["030 1234567", "+49 30 1234567", "0049-30-1234567"]), "DE").to_list()
    ['+49301234567', '+49301234567', '+49301234567']
    """
    from segkit.store.normalize import phone

    n = s.len()
    text = _as_text(s).str.strip_chars()
    text = text.str.replace(r"(?i)\s*(?:ext\.?|extension|x|#)\s*\d{1,6}$", "")
    text = text.str.replace_all(r"\(0\)", "")  # "+44 (0)20 ..."
    # "0049 ...": 00 is the international prefix nearly everywhere, and a number written so
    # is the same number as "+49 ...", whatever the region
    text = text.str.replace(r"^00", "+")
    reg = region.cast(pl.String) if isinstance(region, pl.Series) else \
        pl.repeat(region, n, dtype=pl.String, eager=True)  # fmt: skip
    e164, bad = phone(text, reg, default_region=None)
    digits = text.str.replace_all(r"\D", "")
    out = pl.select(
        pl.when(digits.str.len_chars() < 6).then(None)
        .when(bad | e164.is_null()).then(digits)
        .otherwise(e164)
    ).to_series()  # fmt: skip
    return out.alias(s.name)


def phone_tail(s: pl.Series, digits: int = 7) -> pl.Series:
    """The last ``digits`` digits of a phone number (a blocking key robust to prefixes)."""
    d = s.str.replace_all(r"\D", "")
    return pl.select(pl.when(d.str.len_chars() >= digits).then(d.str.slice(-digits))).to_series()


# -- places -----------------------------------------------------------------------------------

_ADDRESS_WORDS = {
    "street": "st", "str": "st", "road": "rd", "avenue": "ave", "av": "ave", "drive": "dr",
    "boulevard": "blvd", "lane": "ln", "court": "ct", "place": "pl", "crescent": "cres",
    "terrace": "tce", "square": "sq", "highway": "hwy", "parkway": "pkwy", "circuit": "cct",
    "close": "cl", "grove": "gr", "parade": "pde", "way": "wy", "apartment": "apt",
    "suite": "ste", "unit": "u", "floor": "fl", "north": "n", "south": "s", "east": "e",
    "west": "w", "mount": "mt", "saint": "st", "number": "no", "strasse": "str",
}  # fmt: skip


def normalise_address(s: pl.Series) -> pl.Series:
    """Folded street address with common words abbreviated (``Street`` -> ``st``).

    >>> normalise_address(pl.Series(["12 Baker Street, Apt. 4", "12 baker st apt 4"])).to_list()
    ['12 baker st apt 4', '12 baker st apt 4']
    """
    folded = fold_text(s)
    return folded.str.split(" ").list.eval(pl.element().replace(_ADDRESS_WORDS)).list.join(" ")


def house_number(s: pl.Series) -> pl.Series:
    """The first run of digits in a normalised address."""
    return s.str.extract(r"(\d+)", 1)


_LEGAL = ["inc", "incorporated", "llc", "llp", "ltd", "limited", "corp", "corporation", "co", "company", "plc", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv", "pty", "srl", "spa", "oy", "ab", "as", "aps", "kg", "kgaa", "lp", "the"]


def normalise_company(s: pl.Series) -> pl.Series:
    """Folded organisation name, legal forms (Inc, GmbH, Ltd, ...) and ``the`` removed.

    >>> normalise_company(pl.Series(["The Acme Company, Inc.", "ACME co"])).to_list()
    ['acme', 'acme']
    """
    folded = fold_text(s)  # "&" and punctuation become spaces
    kept = folded.str.split(" ").list.eval(pl.element().filter(~pl.element().is_in(_LEGAL)))
    out = kept.list.join(" ")
    out = pl.select(pl.when(out.str.len_chars() > 0).then(out).otherwise(folded)).to_series()
    return _null_empty(out).alias(s.name)


_STATES = {
    # United States
    "alabama": "al", "alaska": "ak", "arizona": "az", "arkansas": "ar", "california": "ca",
    "colorado": "co", "connecticut": "ct", "delaware": "de", "florida": "fl", "georgia": "ga",
    "hawaii": "hi", "idaho": "id", "illinois": "il", "indiana": "in", "iowa": "ia",
    "kansas": "ks", "kentucky": "ky", "louisiana": "la", "maine": "me", "maryland": "md",
    "massachusetts": "ma", "michigan": "mi", "minnesota": "mn", "mississippi": "ms",
    "missouri": "mo", "montana": "mt", "nebraska": "ne", "nevada": "nv", "new hampshire": "nh",
    "new jersey": "nj", "new mexico": "nm", "new york": "ny", "north carolina": "nc",
    "north dakota": "nd", "ohio": "oh", "oklahoma": "ok", "oregon": "or", "pennsylvania": "pa",
    "rhode island": "ri", "south carolina": "sc", "south dakota": "sd", "tennessee": "tn",
    "texas": "tx", "utah": "ut", "vermont": "vt", "virginia": "va", "washington": "wa",
    "west virginia": "wv", "wisconsin": "wi", "wyoming": "wy", "district of columbia": "dc",
    # Australia
    "new south wales": "nsw", "victoria": "vic", "queensland": "qld", "tasmania": "tas",
    "western australia": "wa", "south australia": "sa", "northern territory": "nt",
    "australian capital territory": "act",
    # Canada
    "ontario": "on", "quebec": "qc", "british columbia": "bc", "alberta": "ab",
    "manitoba": "mb", "saskatchewan": "sk", "nova scotia": "ns", "new brunswick": "nb",
    "newfoundland and labrador": "nl", "prince edward island": "pe",
}  # fmt: skip


def normalise_state(s: pl.Series) -> pl.Series:
    """Folded state or province, full names of US, Australian and Canadian ones abbreviated."""
    return fold_text(s).replace(_STATES)


def normalise_postal_code(s: pl.Series) -> pl.Series:
    """Upper case without spaces; US ZIP+4 cut to the 5-digit ZIP.

    >>> normalise_postal_code(pl.Series(["sw1a 1aa", "02134-1234", " 2000 "])).to_list()
    ['SW1A1AA', '02134', '2000']
    """
    t = _as_text(s).str.to_uppercase().str.replace_all(r"[\s\.]", "")
    t = t.str.replace(r"^(\d{5})-?\d{4}$", "${1}")
    return _null_empty(t.str.replace_all("-", "")).alias(s.name)


# -- dates ------------------------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y")


def normalise_date(s: pl.Series) -> tuple[pl.Series, pl.Series]:
    """``(date, digits)``: the parsed date (null if it is not a valid date) and an 8-character
    ``YYYYMMDD`` string kept even for impossible dates (``19560231``) so typos still compare.

    Day-first is tried before month-first for ``dd/mm/yyyy`` strings; the comparator treats a
    day/month swap as a near match, so either reading compares well.

    >>> d, digits = normalise_date(pl.Series(["1981-03-07", "07/03/1981", "19810231", None]))
    >>> [str(x) if x else None for x in d.to_list()], digits.to_list()
    (['1981-03-07', '1981-03-07', None, None], ['19810307', '19810307', '19810231', None])
    """
    if s.dtype == pl.Date:
        date = s
    elif isinstance(s.dtype, pl.Datetime):
        date = s.dt.date()
    else:
        t = _as_text(s).str.strip_chars()
        t = t.str.replace(r"[T ].*$", "")
        date = pl.select(
            pl.coalesce([t.str.to_date(f, strict=False) for f in _DATE_FORMATS])
        ).to_series()
    digits = date.dt.strftime("%Y%m%d")
    if s.dtype == pl.String:
        raw = s.str.strip_chars()
        fallback = pl.select(
            pl.when(raw.str.contains(r"^\d{8}$")).then(raw)
            .when(raw.str.contains(r"^\d{4}-\d{2}-\d{2}$")).then(raw.str.replace_all("-", ""))
        ).to_series()  # fmt: skip
        digits = pl.select(pl.coalesce(digits, fallback)).to_series()
    return date.alias(s.name), digits.alias(s.name)
