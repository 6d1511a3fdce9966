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

    def scores(self, expr_on_v: pl.Expr) -> pl.Series:
        per_value = pl.DataFrame({"v": self.vocab}).select(
            expr_on_v.fill_null(0.0).cast(pl.Float64)).to_series()  # fmt: skip
        if per_value.len() == 0:
            return pl.Series([0.0] * len(self.codes))
        return per_value.gather(self.codes).fill_null(0.0)


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

    def _word(self, w: str) -> pl.Series:
        v = pl.col("v")
        parts: list[pl.Series] = []
        fz = self._fuzzy(w, self.names, 75)
        name = pl.when(v == w).then(100.0).when(v.str.starts_with(w)).then(90.0)
        if fz:
            name = name.otherwise(v.replace_strict(fz, default=0.0, return_dtype=pl.Float64)
                                  * 0.85)  # fmt: skip
        parts += [self.coded["first_name"].scores(name), self.coded["last_name"].scores(name)]
        co = pl.when(v == w).then(85.0).when(v.str.starts_with(w)).then(75.0)
        if len(w) >= 3:
            co = co.when(v.str.contains(" " + w, literal=True)).then(75.0)
            cfz = self._fuzzy(w, self.companies, 80)
            if cfz:
                co = co.otherwise(v.replace_strict(cfz, default=0.0, return_dtype=pl.Float64)
                                  * 0.7)  # fmt: skip
        parts.append(self.coded["company"].scores(co))
        parts.append(self.coded["city"].scores(
            pl.when(v == w).then(70.0).when(v.str.starts_with(w)).then(60.0)))  # fmt: skip
        e = pl.col("e")
        em = pl.when(e == w).then(100.0).when(e.str.starts_with(w)).then(80.0)
        if len(w) >= 3:
            em = em.when(e.str.contains(w, literal=True)).then(60.0)
        cols = {"e": self.email}
        exprs = [em.fill_null(0.0).alias("em")]
        digits = re.sub(r"\D", "", w)
        if len(digits) >= 4 and len(digits) >= len(w) - 3:
            p = pl.col("p")
            cols["p"] = self.phone
            exprs.append(pl.when(p.str.ends_with(digits)).then(90.0)
                         .when(p.str.contains(digits, literal=True)).then(80.0)
                         .otherwise(0.0).alias("ph"))  # fmt: skip
        full = pl.DataFrame(cols).select(exprs)
        parts += list(full.iter_columns())
        return pl.select(pl.max_horizontal(parts)).to_series()

    def search(self, query: str, limit: int = 20) -> pl.DataFrame:
        words = [w.strip(".,;:'\"()") for w in _TOKEN.findall(str(query).lower())]
        words = list(dict.fromkeys(w for w in words if w))
        empty_schema = {"score": pl.Float64, **{c: self.frame.schema[c] for c in self.shown}}
        if not words:
            return pl.DataFrame(schema=empty_schema)
        scores = [self._word(w).alias(f"__s{i}") for i, w in enumerate(words)]
        cols = [s.name for s in scores]
        ranked = (
            pl.DataFrame(scores)
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
