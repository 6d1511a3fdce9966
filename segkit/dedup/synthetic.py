"""Synthetic contacts with planted duplicates, for tests and benchmarks of duplicate finding.

``make_contacts(n, seed=...)`` returns ``(contacts, truth)``: CRM-shaped contacts
(``contact_id``, names, email, phone, company, address, city, postal code, state, country,
birth date) and ``truth`` with ``contact_id``, ``duplicate_of`` (the original's id) and
``kind`` (what was changed), the same shape as ``sample_data/duplicates_truth.parquet``.

Originals are vectorised numpy draws with long-tailed name frequencies (so large blocks
exist), households (same surname, address and landline, different people) and co-workers
(same company, office and switchboard) as hard negatives. Duplicates copy an original and apply one to three realistic edits: typos, nickname,
case and accents, email plus-tags and Gmail dots, phone written in another format, street
abbreviations, a move, a missing field, swapped day/month or swapped first/last name.
"""

from __future__ import annotations

import numpy as np
import polars as pl

_FIRST = (  # noqa: SIM905 - a word list reads better as text
    "james mary robert patricia john jennifer michael linda david elizabeth william barbara "
    "richard susan joseph jessica thomas sarah christopher karen charles lisa daniel nancy "
    "matthew betty anthony margaret mark sandra donald ashley steven kimberly paul emily "
    "andrew donna joshua michelle kenneth carol kevin amanda brian melissa george deborah "
    "timothy stephanie ronald rebecca edward sharon jason laura jeffrey cynthia ryan kathleen "
    "jacob amy gary angela nicholas shirley eric anna jonathan brenda stephen pamela larry "
    "emma justin nicole scott helen brandon samantha benjamin katherine samuel christine "
    "gregory debra alexander rachel frank carolyn patrick janet raymond catherine jack maria "
    "dennis heather jerry diane tyler ruth aaron julie jose olivia adam joyce nathan virginia "
    "henry victoria douglas kelly zachary lauren peter christina kyle joan ethan evelyn walter "
    "judith noah megan jeremy andrea christian cheryl keith hannah roger jacqueline terry "
    "martha gerald gloria harold teresa sean ann austin sophia carl marie arthur madison "
    "lawrence frances dylan kathryn jesse janice jordan jean bryan abigail billy alice joe "
    "judy bruce sophie gabriel isabella logan julia albert grace willie amber alan denise "
    "juan danielle wayne marilyn elijah beverly randy charlotte roy natalie vincent theresa "
    "ralph diana eugene brittany russell doris bobby kayla mason alexis philip lori louis "
    "zoe josé zoë françois björn søren łukasz małgorzata müller renée chloé ines núria "
    "yusuf mohammed fatima aisha wei li hiroshi yuki priya arjun olga dmitri ana joão"
).split()
_NICK = {
    "robert": "bob", "william": "bill", "james": "jim", "michael": "mike", "elizabeth": "liz",
    "richard": "rick", "joseph": "joe", "thomas": "tom", "christopher": "chris",
    "daniel": "dan", "matthew": "matt", "anthony": "tony", "katherine": "kate",
    "jennifer": "jen", "margaret": "maggie", "rebecca": "becky", "samuel": "sam",
    "benjamin": "ben", "edward": "ed", "patricia": "patty", "susan": "sue", "andrew": "andy",
    "alexander": "alex", "nicholas": "nick", "jonathan": "jon", "steven": "steve",
    "jessica": "jess", "victoria": "vicky", "deborah": "debbie", "kenneth": "ken",
}  # fmt: skip
_SYL = (  # noqa: SIM905
    "an ber bro car chen da del don er fer gar gon han har hol in jen kel ken kow lan ler "
    "lin man mar mer mil mon mor nel nov ols par pet ric ros san sch sen ski son stein tan "
    "ter tho val ver wal war wen wil wood yam zel zim ba co di fa go hu ki lo mu ne ra ri "
    "sa ta to vi"
).split()
_STREET_TYPES = ["Street", "St", "Road", "Rd.", "Avenue", "Ave", "Lane", "Drive", "Court",
                 "Place", "Boulevard", "Way"]  # fmt: skip
_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com",
            "proton.me", "gmx.de", "web.de", "orange.fr", "btinternet.com", "aol.com"]  # fmt: skip
_LEGAL = ["Inc", "Inc.", "LLC", "Ltd", "Ltd.", "GmbH", "Corp", "Co", "PLC", "SA", ""]
_COUNTRIES = {  # name as written, share, calling code, national trunk prefix, digits
    "US": ("United States", 0.5, "1", "", 10),
    "GB": ("United Kingdom", 0.15, "44", "0", 10),
    "DE": ("Germany", 0.12, "49", "0", 10),
    "FR": ("France", 0.08, "33", "0", 9),
    "AU": ("Australia", 0.08, "61", "0", 9),
    "CA": ("Canada", 0.07, "1", "", 10),
}
_STATES = {
    "US": ["CA", "NY", "TX", "FL", "IL", "WA", "MA", "Ohio", "Georgia", "PA"],
    "GB": ["England", "Scotland", "Wales"],
    "DE": ["Bayern", "Berlin", "Hessen", "NRW"],
    "FR": ["IDF", "PACA", "Bretagne"],
    "AU": ["NSW", "VIC", "QLD", "WA"],
    "CA": ["ON", "QC", "BC", "AB"],
}


def _zipf_choice(rng: np.random.Generator, pool: np.ndarray, size: int, a: float) -> np.ndarray:
    w = 1.0 / np.arange(1, len(pool) + 1) ** a
    return pool[rng.choice(len(pool), size=size, p=w / w.sum())]


def _words(rng: np.random.Generator, n: int, syllables: tuple[int, int]) -> np.ndarray:
    k = rng.integers(syllables[0], syllables[1] + 1, size=n)
    parts = np.asarray(_SYL)[rng.integers(0, len(_SYL), size=(n, syllables[1]))]
    out = parts[:, 0].astype(object)
    for j in range(1, syllables[1]):
        out = np.where(k > j, out + parts[:, j], out)
    return np.char.capitalize(out.astype(str))


def _fmt_phone(rng: np.random.Generator, national: str, iso: str, style: int) -> str:
    _, _, cc, trunk, _ = _COUNTRIES[iso]
    d = national
    if style == 0:  # international, spaced
        return f"+{cc} {d[:3]} {d[3:6]} {d[6:]}"
    if style == 1:  # national
        if cc == "1":
            return f"({d[:3]}) {d[3:6]}-{d[6:]}"
        return f"{trunk}{d[:3]} {d[3:]}"
    if style == 2:  # digits only, with international prefix 00
        return f"00{cc}{d}"
    return f"{trunk}{d}" if cc != "1" else f"{d[:3]}.{d[3:6]}.{d[6:]}"


def _typo(rng: np.random.Generator, s: str) -> str:
    if len(s) < 3:
        return s + "e"
    i = int(rng.integers(1, len(s) - 1))
    op = int(rng.integers(0, 4))
    if op == 0:
        return s[:i] + s[i + 1 :]
    if op == 1:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if op == 2:
        return s[:i] + "aeiourstn"[int(rng.integers(0, 9))] + s[i + 1 :]
    return s[:i] + s[i] + s[i:]


def make_contacts(
    n: int, *, duplicate_share: float = 0.1, household_share: float = 0.05, seed: int = 0
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``n`` contacts of which about ``duplicate_share`` are planted duplicates.

    >>> contacts, truth = make_contacts(1000, seed=1)
    >>> contacts.height, truth.columns
    (1000, ['contact_id', 'duplicate_of', 'kind'])
    """
    rng = np.random.default_rng(seed)
    n_dup = int(round(n * duplicate_share))
    n_orig = n - n_dup
    isos = np.asarray(list(_COUNTRIES))
    share = np.asarray([v[1] for v in _COUNTRIES.values()])
    iso = isos[rng.choice(len(isos), size=n_orig, p=share / share.sum())]

    first = _zipf_choice(rng, np.asarray(_FIRST), n_orig, 0.9)
    first = np.char.capitalize(first.astype(str))
    n_last = max(500, n_orig // 8)
    last_pool = np.unique(_words(rng, n_last * 2, (2, 3)))[:n_last]
    rng.shuffle(last_pool)
    last = _zipf_choice(rng, last_pool, n_orig, 0.75)
    streets = _words(rng, max(300, n_orig // 20), (2, 3))
    house = rng.integers(1, 400, size=n_orig).astype(str)
    stype = np.asarray(_STREET_TYPES)[rng.integers(0, len(_STREET_TYPES), size=n_orig)]
    address = np.char.add(np.char.add(np.char.add(house, " "), streets[rng.integers(0, len(streets), n_orig)]), np.char.add(" ", stype))  # fmt: skip
    cities = _words(rng, max(100, n_orig // 200), (2, 3))
    city_idx = rng.integers(0, len(cities), size=n_orig)
    city = cities[city_idx]
    postal = np.where(
        iso == "GB",
        np.char.add(np.char.add("SW", (city_idx % 20).astype(str)), " 1AA"),
        np.char.zfill(((city_idx * 7919 + rng.integers(0, 3, n_orig)) % 99999).astype(str), 5),
    )
    state = np.asarray([_STATES[c][i % len(_STATES[c])] for c, i in zip(iso, city_idx, strict=True)])  # fmt: skip
    companies = np.char.add(_words(rng, max(200, n_orig // 50), (1, 3)), " ")
    company = np.char.add(companies[rng.integers(0, len(companies), n_orig)],
                          np.asarray(_LEGAL)[rng.integers(0, len(_LEGAL), n_orig)])  # fmt: skip
    company = np.char.strip(company)
    birth = (np.datetime64("1945-01-01") + rng.integers(0, 60 * 365, n_orig)).astype("datetime64[D]")  # fmt: skip
    digits = np.asarray([_COUNTRIES[c][4] for c in iso])
    raw_num = rng.integers(10**9, 10**10 - 1, size=n_orig).astype(str)
    national = np.asarray([("2" + r)[: d] for r, d in zip(raw_num, digits, strict=True)])

    # households: same surname, address and landline, another person
    hh = rng.random(n_orig) < household_share
    src = rng.integers(0, n_orig, size=n_orig)
    for arr in (last, address, city, postal, state, iso, national):
        arr[hh] = arr[src[hh]]
    # co-workers: same company, office address and switchboard, another person
    cw = ~hh & (rng.random(n_orig) < household_share)
    for arr in (company, address, city, postal, state, iso, national):
        arr[cw] = arr[src[cw]]

    domain = np.asarray(_DOMAINS)[rng.integers(0, len(_DOMAINS), n_orig)]
    sep = np.asarray([".", "_", ""])[rng.integers(0, 3, n_orig)]
    num = np.where(rng.random(n_orig) < 0.3, rng.integers(1, 99, n_orig).astype(str), "")
    local = np.char.add(np.char.add(np.char.add(np.char.lower(first), sep), np.char.lower(last)), num)  # fmt: skip
    email = np.char.add(np.char.add(local, "@"), domain).astype(object)
    email[rng.random(n_orig) < 0.08] = None
    style = rng.integers(0, 4, n_orig)
    phone = np.asarray([_fmt_phone(rng, d, c, int(s)) for d, c, s in zip(national, iso, style, strict=True)], dtype=object)  # fmt: skip
    phone[rng.random(n_orig) < 0.1] = None
    country = np.asarray([_COUNTRIES[c][0] if r < 0.7 else c for c, r in zip(iso, rng.random(n_orig), strict=True)], dtype=object)  # fmt: skip

    rows = {
        "first_name": first.astype(object), "last_name": last.astype(object), "email": email,
        "phone": phone, "company": company.astype(object), "address": address.astype(object),
        "city": city.astype(object), "postal_code": postal.astype(object),
        "state": state.astype(object), "country": country,
        "birth_date": birth.astype(object),
    }  # fmt: skip
    # duplicates: copy an original, then edit
    n_src = max(1, int(n_dup * 0.85))
    sources = rng.choice(n_orig, size=n_src, replace=False) if n_dup else np.zeros(0, int)
    dup_src = np.concatenate([sources, rng.choice(sources, size=n_dup - n_src)]) if n_dup else sources  # fmt: skip
    kinds = ["typo", "nickname", "case_accents", "email_variant", "phone_format", "abbreviation",
             "moved", "missing", "date_swap", "name_swap", "company_variant", "new_phone",
             "new_email"]  # fmt: skip
    dup_rows: dict[str, list] = {k: [] for k in rows}
    dup_kind: list[str] = []
    for s in dup_src:
        rec = {k: v[s] for k, v in rows.items()}
        chosen = list(rng.choice(len(kinds), size=int(rng.integers(1, 4)), replace=False))
        names = []
        for c in chosen:
            kind = kinds[c]
            names.append(kind)
            if kind == "typo":
                f = "first_name" if rng.random() < 0.5 else "last_name"
                rec[f] = _typo(rng, rec[f])
            elif kind == "nickname":
                low = rec["first_name"].lower()
                rec["first_name"] = _NICK.get(low, rec["first_name"][:1]).capitalize()
            elif kind == "case_accents":
                rec["first_name"] = rec["first_name"].upper()
                rec["last_name"] = rec["last_name"].lower()
            elif kind == "email_variant" and rec["email"]:
                loc, dom = rec["email"].split("@")
                if dom == "gmail.com":
                    loc = ".".join(loc)[: 2 * len(loc)] if rng.random() < 0.5 else loc.upper()
                rec["email"] = f"{loc}+crm@{dom}" if rng.random() < 0.6 else f"{loc.upper()}@{dom.upper()}"  # fmt: skip
            elif kind == "phone_format" and rec["phone"]:
                iso_c = _iso_of(rec["country"])
                d = "".join(ch for ch in rec["phone"] if ch.isdigit())
                d = d[-_COUNTRIES[iso_c][4]:]
                rec["phone"] = _fmt_phone(rng, d, iso_c, int(rng.integers(0, 4)))
            elif kind == "abbreviation" and rec["address"]:
                a = rec["address"]
                for long, short in (("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Lane", "Ln"), ("Drive", "Dr")):  # fmt: skip
                    if a.endswith(long):
                        a = a[: -len(long)] + short
                        break
                    if a.endswith(" " + short):
                        a = a[: -len(short)] + long
                        break
                rec["address"] = a.upper() if rng.random() < 0.3 else a
            elif kind == "new_phone" and rec["phone"]:
                iso_c = _iso_of(rec["country"])
                d = str(int(rng.integers(2 * 10**8, 10**9 - 1))) + "7"
                rec["phone"] = _fmt_phone(rng, d[: _COUNTRIES[iso_c][4]], iso_c, int(rng.integers(0, 4)))  # fmt: skip
            elif kind == "new_email":
                f, la = (rec["first_name"] or "x").lower(), (rec["last_name"] or "y").lower()
                rec["email"] = f"{f[:1]}{la}@{_DOMAINS[int(rng.integers(0, len(_DOMAINS)))]}"
            elif kind == "moved":
                j = int(rng.integers(0, n_orig))
                for k in ("address", "city", "postal_code", "state"):
                    rec[k] = rows[k][j]
                if rng.random() < 0.5:
                    rec["phone"] = None
            elif kind == "missing":
                for k in rng.choice(["email", "phone", "company", "birth_date", "address"], size=2, replace=False):  # fmt: skip
                    rec[str(k)] = None
            elif kind == "date_swap" and rec["birth_date"] is not None:
                d = rec["birth_date"]
                import datetime as _dt

                d = d if isinstance(d, _dt.date) else _dt.date.fromisoformat(str(d))
                if d.day <= 12:
                    rec["birth_date"] = _dt.date(d.year, d.day, d.month)
                else:
                    rec["birth_date"] = _dt.date(d.year, d.month, max(1, d.day - 10))
            elif kind == "name_swap":
                rec["first_name"], rec["last_name"] = rec["last_name"], rec["first_name"]
            elif kind == "company_variant" and rec["company"]:
                base = rec["company"].rsplit(" ", 1)[0] if " " in rec["company"] else rec["company"]  # fmt: skip
                rec["company"] = base + " " + ["Inc.", "LLC", "Limited", "Corporation", ""][int(rng.integers(0, 5))]  # fmt: skip
                rec["company"] = rec["company"].strip()
        for k in rows:
            dup_rows[k].append(rec[k])
        dup_kind.append("+".join(sorted(names)))

    all_rows = {k: list(rows[k]) + dup_rows[k] for k in rows}
    order = rng.permutation(n)
    ids = np.empty(n, dtype=np.int64)
    ids[order] = np.arange(1, n + 1)
    frame = pl.DataFrame(
        {"contact_id": ids, **{k: pl.Series(v, dtype=pl.Date if k == "birth_date" else pl.String)
                               for k, v in all_rows.items()}}
    ).sort("contact_id")  # fmt: skip
    truth = pl.DataFrame({
        "contact_id": ids[n_orig:],
        "duplicate_of": ids[dup_src],
        "kind": pl.Series(dup_kind, dtype=pl.String),
    }).sort("contact_id")  # fmt: skip
    return frame, truth


def _iso_of(country: str) -> str:
    for iso, spec in _COUNTRIES.items():
        if country in (iso, spec[0]):
            return iso
    return "US"


def truth_pairs(truth: pl.DataFrame) -> pl.DataFrame:
    """All pairs ``(contact_id_a < contact_id_b)`` of the same person, from a truth table.

    Duplicates of the same original are pairs of each other too.
    """
    groups = pl.concat([
        truth.select(pl.col("duplicate_of").alias("entity"), pl.col("contact_id")),
        truth.select(pl.col("duplicate_of").alias("entity"), pl.col("duplicate_of").alias("contact_id")),
    ]).unique()  # fmt: skip
    p = groups.join(groups, on="entity", suffix="_b").filter(
        pl.col("contact_id") < pl.col("contact_id_b")
    )
    return p.select(contact_id_a="contact_id", contact_id_b="contact_id_b").unique().sort(
        "contact_id_a", "contact_id_b"
    )
