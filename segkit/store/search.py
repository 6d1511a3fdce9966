"""Contact search: ``ws.search("jane acme")``.

The query is split into words; each word is scored against each contact's fields and the best
field counts for that word:

=============================  =====
first or last name equal         100
name starts with the word         90
name within typos (rapidfuzz)   <=85  (ratio >= 75 against the distinct names)
email equal                      100
email starts with the word        80
email contains the word           60  (3+ characters)
company equal                     85
company has a word starting so    75
company within typos            <=70
city equal / starts with       70/60
phone digits contain the word     80  (4+ digits; 90 if the number ends with them)
=============================  =====

Contacts are ranked by how many query words they match, then by the sum of the scores. The
index (lower-cased fields and the name vocabulary) is built once per contacts version and kept
in memory by the Workspace.
"""

from __future__ import annotations

import re

import polars as pl

DISPLAY = ("contact_id", "first_name", "last_name", "email", "company", "phone", "city")
_TOKEN = re.compile(r"[^\s,;]+")


def _normal(e: pl.Expr) -> pl.Expr:
    return e.str.to_lowercase().str.strip_chars()


class _Coded:
    """A low-cardinality text field as a vocabulary plus one code per row, so a word is scored
    once per distinct value and spread to the rows by a gather. The raw values are coded first
    and only the (few) distinct ones are lower-cased; two raw spellings of one word just share
    its scores."""

    def __init__(self, raw: pl.Series) -> None:
        distinct = raw.drop_nulls().unique().sort()
        self.codes = raw.cast(pl.Enum(distinct)).to_physical()
        self.vocab = pl.select(_normal(pl.lit(distinct))).to_series()


class SearchIndex:
    def __init__(self, contacts: pl.LazyFrame) -> None:
        schema = contacts.collect_schema()
        shown = [c for c in DISPLAY if c in schema]

        def text(c: str) -> pl.Expr:
            if c in schema and schema[c] == pl.String:
                return pl.col(c)
            return pl.lit(None, dtype=pl.String)

        frame = contacts.select(
            *shown,
            *(text(c).alias(f"__{c}") for c in ("first_name", "last_name", "company", "city")),
            _normal(text("email")).alias("__email"), text("phone").alias("__phone"),
        ).collect()  # fmt: skip
        self.shown = shown
        self.coded = {c: _Coded(frame[f"__{c}"])
                      for c in ("first_name", "last_name", "company", "city")}  # fmt: skip
        self.email = frame["__email"]
        self._phone_raw = frame["__phone"]
        self._phone: pl.Series | None = None
        self.frame = frame.select(shown)
        names = pl.concat([self.coded["first_name"].vocab, self.coded["last_name"].vocab])
        self.names = names.drop_nulls().unique().to_list()
        self.companies = self.coded["company"].vocab.drop_nulls().unique().to_list()

    @property
    def phone(self) -> pl.Series:
        """The phone numbers' digits (computed on the first query that has digits)."""
        if self._phone is None:
            self._phone = self._phone_raw.str.replace_all(r"\D", "")
        return self._phone

    def _fuzzy(self, word: str, vocab: list[str], cutoff: float) -> dict[str, float]:
        from rapidfuzz import fuzz, process

        if len(word) < 3 or not vocab:
            return {}
        hits = process.extract(word, vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=200)
        return {name: score for name, score, _ in hits}

    def _by_value(self, field: str, exprs: list[pl.Expr]) -> list[pl.Expr]:
        """Each word's score on ``field``, one per contact: scored once per distinct value (one
        query for all the words) and spread to the contacts by their codes."""
        coded = self.coded[field]
        per_value = pl.DataFrame({"v": coded.vocab}).select(
            e.fill_null(0.0).cast(pl.Float64).alias(str(i)) for i, e in enumerate(exprs))  # fmt: skip
        codes = pl.lit(coded.codes)
        return [pl.lit(per_value[str(i)]).gather(codes).fill_null(0.0) if per_value.height
                else pl.lit(0.0) for i in range(len(exprs))]  # fmt: skip

    def _names(self, w: str) -> pl.Expr:
        v = pl.col("v")
        name = pl.when(v == w).then(100.0).when(v.str.starts_with(w)).then(90.0)
        fz = self._fuzzy(w, self.names, 75)
        if fz:
            name = name.otherwise(v.replace_strict(fz, default=0.0, return_dtype=pl.Float64)
                                  * 0.85)  # fmt: skip
        return name

    def _company(self, w: str) -> pl.Expr:
        v = pl.col("v")
        co = pl.when(v == w).then(85.0).when(v.str.starts_with(w)).then(75.0)
        if len(w) >= 3:
            co = co.when(v.str.contains(" " + w, literal=True)).then(75.0)
            cfz = self._fuzzy(w, self.companies, 80)
            if cfz:
                co = co.otherwise(v.replace_strict(cfz, default=0.0, return_dtype=pl.Float64)
                                  * 0.7)  # fmt: skip
        return co

    @staticmethod
    def _city(w: str) -> pl.Expr:
        v = pl.col("v")
        return pl.when(v == w).then(70.0).when(v.str.starts_with(w)).then(60.0)

    def _contact_fields(self, w: str) -> list[pl.Expr]:
        """The word's email (and, for digits, phone) scores, over the contacts."""
        e = pl.lit(self.email)
        em = pl.when(e == w).then(100.0).when(e.str.starts_with(w)).then(80.0)
        if len(w) >= 3:
            em = em.when(e.str.contains(w, literal=True)).then(60.0)
        out = [em.otherwise(0.0).fill_null(0.0)]
        digits = re.sub(r"\D", "", w)
        if len(digits) >= 4 and len(digits) >= len(w) - 3:
            p = pl.lit(self.phone)
            out.append(pl.when(p.str.ends_with(digits)).then(90.0)
                       .when(p.str.contains(digits, literal=True)).then(80.0)
                       .otherwise(0.0).fill_null(0.0))  # fmt: skip
        return out

    def search(self, query: str, limit: int = 20) -> pl.DataFrame:
        words = [w.strip(".,;:'\"()") for w in _TOKEN.findall(str(query).lower())]
        words = list(dict.fromkeys(w for w in words if w))
        empty_schema = {"score": pl.Float64, **{c: self.frame.schema[c] for c in self.shown}}
        if not words:
            return pl.DataFrame(schema=empty_schema)
        # every word's best field, for every contact, in one query
        names = [self._names(w) for w in words]
        fields = [self._by_value("first_name", names), self._by_value("last_name", names),
                  self._by_value("company", [self._company(w) for w in words]),
                  self._by_value("city", [self._city(w) for w in words])]  # fmt: skip
        cols = [f"__s{i}" for i in range(len(words))]
        scores = pl.select(
            pl.max_horizontal(*(f[i] for f in fields), *self._contact_fields(w)).alias(cols[i])
            for i, w in enumerate(words)
        )  # fmt: skip
        ranked = (
            scores
            .with_row_index("__i")
            .with_columns(
                pl.sum_horizontal(cols).alias("score"),
                pl.sum_horizontal([(pl.col(c) > 0).cast(pl.Int32) for c in cols]).alias("__n"),
            )
            .filter(pl.col("__n") > 0)
            .top_k(limit, by=["__n", "score"])
            .select("__i", "__n", "score")
        )  # fmt: skip
        out = self.frame[ranked["__i"]].with_columns(ranked["score"], ranked["__n"])
        return (out.sort(["__n", "score", "contact_id"], descending=[True, True, False])
                .select("score", *self.shown))  # fmt: skip
