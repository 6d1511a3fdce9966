"""Merging duplicate contacts in a workspace: survivorship, one commit, an audit table, unmerge.

``ws.merge(cluster_or_ids, rules)`` folds each cluster of contacts into one surviving contact in
**one** workspace commit (operation ``merge``; its ``merge_id`` is that commit's version):

- **The survivor** (whose ``contact_id`` stays) is, by default, the cluster's oldest record:
  the smallest ``contact_id`` (the workspace assigns ids in order, so it is the record known
  longest, the one other systems are most likely to refer to). ``survivor="most_recent"``,
  ``"most_complete"`` or explicit ids choose otherwise.
- **Field values** follow survivorship rules, one per field (:data:`RULES`):

  ============== ===========================================================================
  most_recent    the most recent non-null value (default for every scalar field)
  survivor       the survivor's value, even when it is empty
  min / max      the smallest / largest non-null value (default ``min`` for ``signup_at`` and
                 ``first_purchase_at``: the earliest signup and first purchase)
  union          every item of every record, survivor's first (default for list fields:
                 ``tags``, ``interests``, ``content_topics``, list custom fields)
  ============== ===========================================================================

  *Recent* means: the record with the latest activity, its last event or its ``signup_at``,
  whichever is later; records without either, and ties, rank by ``contact_id`` (higher ids
  were added later). ``rules={"email": "survivor", "seats": "max"}`` overrides per field.
- **Events** of the merged-away contacts are re-pointed to the survivor (none is dropped).
- **Static segments** listing a merged-away id list the survivor instead.
- **Membership snapshots** (``memberships``) are history and are not rewritten: a snapshot
  taken before the merge still names the merged-away id, so ``ws.changes`` across the merge
  shows it leaving (and the survivor entering the segments it brought).

The ``merges`` table is the audit: one row per contact of each merged cluster, survivor
included: ``merge_id``, ``survivor_id``, ``contact_id``, ``survivor``, ``fields`` (the fields
whose merged value came from this record), ``rules`` (JSON, field -> rule, on the survivor's
row), ``contact`` (the record's previous row, JSON), ``events`` (the events it moved to the
survivor, JSON) and ``n_events``, ``static_segments`` (static segments it was a member of),
``merged_at``, and ``unmerged_in`` / ``unmerged_at`` once undone. ``entry``
(``"<merge_id>:<contact_id>"``) is the row's key.

``ws.unmerge(merge_id)`` restores, as a new commit, each merged contact's previous row (the
survivor's too: edits made to it since the merge are undone), the original ``contact_id`` of
every moved event (events added to the survivor since stay with it), and the static segment
lists of the cluster's contacts. Merges of one contact undo in reverse order: a survivor that
was later merged into another contact needs that later merge undone first.

``ws.forget(ids)`` forgets a person: a forgotten id that was merged (as survivor or merged-away
record) forgets the whole cluster, and the audit rows holding their previous rows are deleted
(then purged with the rest of history). ``pair_decisions`` holds what a person decided about a
candidate pair (``ws.decide``): ``merge`` (recorded in the merge's commit) or ``not_duplicate``;
``ws.dedupe`` and ``ws.merge(report)`` hold back clusters containing a ``not_duplicate`` pair.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from segkit.errors import DataError
from segkit.store import _journal as J
from segkit.store.errors import WorkspaceError
from segkit.store.fields import unknown_field

if TYPE_CHECKING:  # pragma: no cover
    from segkit.dedup.report import DuplicateReport
    from segkit.store.workspace import Workspace, _Tx

RULES = ("most_recent", "survivor", "min", "max", "union")
SURVIVORS = ("oldest", "most_recent", "most_complete")
DECISIONS = ("merge", "not_duplicate")
DEFAULT_RULES: dict[str, str] = {"signup_at": "min", "first_purchase_at": "min"}
_C = "__cluster"
_S = "__survivor_id"


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeResult:
    """What one ``ws.merge`` did.

    ``clusters``: ``contact_id``, ``cluster_id``, ``survivor_id`` of every merged contact;
    ``sources``: ``survivor_id``, ``field``, ``rule``, ``contact_id`` (the record the merged
    value came from; null when every record was empty; one row per record for ``union``);
    ``held_back``: clusters of a report not merged because a person decided one of their pairs
    is not a duplicate.
    """

    merge_id: int
    version: int
    clusters: pl.DataFrame
    sources: pl.DataFrame
    events_moved: int
    held_back: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"contact_id": pl.Int64, "cluster_id": pl.Int64}))  # fmt: skip

    @property
    def n_clusters(self) -> int:
        return self.clusters["survivor_id"].n_unique()

    @property
    def n_merged(self) -> int:
        """Contacts merged away (the workspace has this many contacts fewer)."""
        return self.clusters.height - self.n_clusters

    @property
    def survivors(self) -> list[int]:
        return sorted(self.clusters["survivor_id"].unique().to_list())

    @property
    def id_map(self) -> pl.DataFrame:
        """``contact_id`` -> ``survivor_id`` of every merged-away contact."""
        return self.clusters.filter(pl.col("contact_id") != pl.col("survivor_id")) \
            .select("contact_id", "survivor_id").sort("contact_id")  # fmt: skip

    def source_of(self, survivor_id: int, field_name: str) -> list[int]:
        """The contact ids the survivor's merged ``field_name`` came from."""
        rows = self.sources.filter((pl.col("survivor_id") == survivor_id)
                                   & (pl.col("field") == field_name))  # fmt: skip
        return rows["contact_id"].drop_nulls().to_list()

    def __str__(self) -> str:
        held = f"; {self.held_back['cluster_id'].n_unique()} cluster(s) held back by a " \
            "'not a duplicate' decision" if self.held_back.height else ""  # fmt: skip
        return (f"merge {self.merge_id} (version {self.version}): {self.n_clusters} cluster(s), "
                f"{self.n_merged} contact(s) merged into {self.n_clusters}, "
                f"{self.events_moved} event(s) moved{held}; undo with "
                f"ws.unmerge({self.merge_id})")  # fmt: skip

    def __repr__(self) -> str:
        return f"MergeResult({self})"

    def _repr_html_(self) -> str:
        import html

        return f"<div><b>Merge {self.merge_id}</b>: {html.escape(str(self))}</div>"


@dataclass(frozen=True)
class DedupeResult:
    """``ws.dedupe()``: the report, the merge of its confident clusters (None when nothing was
    merged) and ``review``, the pairs still waiting for a person (decided pairs and pairs now
    in one contact left out; ids are the current ones). Unpacks as ``merge, report``."""

    merge: MergeResult | None
    report: DuplicateReport
    review: pl.DataFrame

    def __iter__(self) -> Iterator[Any]:
        return iter((self.merge, self.report))

    def __str__(self) -> str:
        done = str(self.merge) if self.merge is not None else "nothing merged"
        return f"{self.report.summary()}\n{done}\n{self.review.height} pair(s) to review"


# -- input --------------------------------------------------------------------------------------


def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def pair_key(a: int, b: int) -> str:
    lo, hi = sorted((int(a), int(b)))
    return f"{lo}:{hi}"


def _pair_key_expr(a: str, b: str) -> pl.Expr:
    lo = pl.min_horizontal(pl.col(a), pl.col(b)).cast(pl.String)
    hi = pl.max_horizontal(pl.col(a), pl.col(b)).cast(pl.String)
    return pl.concat_str(lo, pl.lit(":"), hi)


def clusters_of(target: Any) -> pl.DataFrame:
    """``contact_id`` (Int64), ``cluster_id`` (Int64) from a list of ids (one cluster), a
    DataFrame with both columns or a DuplicateReport (its clusters). Clusters of one are
    dropped; a contact in two clusters is an error."""
    from segkit.dedup.report import DuplicateReport

    if isinstance(target, DuplicateReport):
        target = target.clusters
    if isinstance(target, pl.LazyFrame):
        target = target.collect()
    if isinstance(target, pl.DataFrame):
        missing = [c for c in ("contact_id", "cluster_id") if c not in target.columns]
        if missing:
            raise DataError(f"a frame of clusters needs 'contact_id' and 'cluster_id' columns "
                            f"(missing {missing}); pass a list of ids for one cluster",
                            column=missing[0])  # fmt: skip
        df = target.select("contact_id", "cluster_id")
    elif isinstance(target, str | bytes) or not isinstance(target, Iterable):
        raise DataError(f"merge expects a list of contact ids, a DataFrame with contact_id and "
                        f"cluster_id, or a DuplicateReport; found {type(target).__name__}")
    else:
        ids = list(target)
        bad = [i for i in ids if not _is_int(i)]
        if bad:
            raise DataError(f"contact ids must be integers, found {bad[0]!r}", column="contact_id")
        df = pl.DataFrame({"contact_id": [int(i) for i in ids], "cluster_id": [1] * len(ids)},
                          schema={"contact_id": pl.Int64, "cluster_id": pl.Int64})  # fmt: skip
    if df["contact_id"].null_count() or df["cluster_id"].null_count():
        raise DataError("contact_id and cluster_id must not be empty", column="contact_id")
    try:
        df = df.with_columns(pl.col("contact_id").cast(pl.Int64))
    except pl.exceptions.PolarsError:
        raise DataError("contact ids must be integers", column="contact_id") from None
    df = df.unique(maintain_order=True)
    twice = df.filter(pl.col("contact_id").is_duplicated())
    if twice.height:
        cid = twice["contact_id"][0]
        both = twice.filter(pl.col("contact_id") == cid)["cluster_id"].cast(pl.String)
        raise DataError(f"contact {cid} is in two clusters ({', '.join(both.to_list())}); a "
                        "contact can merge into one survivor only", column="contact_id")
    df = df.with_columns(pl.col("cluster_id").rank("dense").cast(pl.Int64))
    return df.filter(pl.len().over("cluster_id") >= 2).sort("cluster_id", "contact_id")


def resolve_rules(schema: Mapping[str, pl.DataType], rules: Mapping[str, str] | None
                  ) -> dict[str, str]:  # fmt: skip
    """The rule of every contact field (``contact_id`` aside): defaults, then ``rules``."""
    out: dict[str, str] = {}
    for name, dtype in schema.items():
        if name == "contact_id":
            continue
        default = DEFAULT_RULES.get(name, "most_recent")
        out[name] = "union" if isinstance(dtype, pl.List) else default
    for name, rule in (rules or {}).items():
        if name == "contact_id":
            raise DataError("contact_id is the survivor's; choose the survivor with survivor=",
                            column="contact_id")  # fmt: skip
        if name not in out:
            raise unknown_field(name, sorted(out))
        if rule not in RULES:
            import difflib

            close = difflib.get_close_matches(str(rule), RULES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise DataError(f"unknown merge rule {rule!r} for {name!r}{hint}; rules are "
                            f"{', '.join(RULES)}", column=name)  # fmt: skip
        is_list = isinstance(schema[name], pl.List)
        if rule == "union" and not is_list:
            raise DataError(f"rule 'union' is for list fields; {name!r} holds {schema[name]}",
                            column=name)  # fmt: skip
        if rule in ("min", "max") and is_list:
            raise DataError(f"rule {rule!r} does not apply to the list field {name!r}; use "
                            "'union', 'survivor' or 'most_recent'", column=name)  # fmt: skip
        out[name] = rule
    return out


# -- planning (pure: frames in, frames out) -------------------------------------------------------


def _filled(dtype: pl.DataType, name: str) -> pl.Expr:
    c = pl.col(name)
    return c.is_not_null() & (c.list.len() > 0) if isinstance(dtype, pl.List) else c.is_not_null()


def plan(rows: pl.DataFrame, clusters: pl.DataFrame, last_event: pl.DataFrame,
         rules: Mapping[str, str], survivor: Any = "oldest",
         ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """The merged survivor rows and the sources.

    ``rows``: the contacts of every cluster; ``clusters``: ``contact_id``, ``cluster_id``;
    ``last_event``: ``contact_id``, ``last_event`` (latest event time). Returns
    (``merged``: one row per cluster with the survivor's ``contact_id`` and every field,
    ``members``: ``contact_id``, ``cluster_id``, ``survivor_id`` and ``sources``:
    ``cluster_id``, ``survivor_id``, ``field``, ``rule``, ``contact_id``).
    """
    fields = [c for c in rows.columns if c != "contact_id"]
    seen = [pl.col("__last_event")]
    if "signup_at" in rows.columns and isinstance(rows.schema["signup_at"], pl.Datetime):
        seen.append(pl.col("signup_at"))
    r = (rows.join(clusters.rename({"cluster_id": _C}), on="contact_id")
         .join(last_event.rename({"last_event": "__last_event"}), on="contact_id",
               how="left")
         .with_columns(pl.max_horizontal(seen).alias("__seen")))  # fmt: skip
    r = r.sort([_C, "__seen", "contact_id"], descending=[False, True, True], nulls_last=True) \
        .with_columns(pl.int_range(pl.len()).over(_C).alias("__recent"))  # fmt: skip
    # the survivor of each cluster
    named: set[int] = set()
    if _is_int(survivor):
        named = {int(survivor)}
    elif isinstance(survivor, Iterable) and not isinstance(survivor, str):
        named = {int(s) for s in survivor}
    elif survivor not in SURVIVORS:
        raise DataError(f"survivor must be one of {', '.join(SURVIVORS)} or contact ids; found "
                        f"{survivor!r}")  # fmt: skip
    if named:
        unknown = named - set(r["contact_id"].to_list())
        if unknown:
            raise DataError(f"survivor {sorted(unknown)[0]} is not in a cluster being merged",
                            column="contact_id")  # fmt: skip
        per = r.filter(pl.col("contact_id").is_in(sorted(named))).group_by(_C).len()
        if per.filter(pl.col("len") > 1).height:
            raise DataError("two survivors named for one cluster", column="contact_id")
    strategy = survivor if isinstance(survivor, str) else "oldest"
    if strategy == "oldest":
        score = -pl.col("contact_id").cast(pl.Float64)
    elif strategy == "most_recent":
        score = -pl.col("__recent").cast(pl.Float64)
    else:  # most complete: most filled fields, then the oldest
        filled = pl.sum_horizontal([_filled(rows.schema[f], f).cast(pl.Int64) for f in fields]) \
            if fields else pl.lit(0)  # fmt: skip
        score = filled.cast(pl.Float64) * 1e12 - pl.col("contact_id").cast(pl.Float64)
    score = pl.when(pl.col("contact_id").is_in(sorted(named))).then(float("inf")).otherwise(score)
    r = r.with_columns(score.alias("__score"))
    best = r.sort([_C, "__score"], descending=[False, True]).group_by(_C, maintain_order=True) \
        .agg(pl.col("contact_id").first().alias(_S))  # fmt: skip
    r = r.join(best, on=_C).with_columns(
        (pl.col("contact_id") == pl.col(_S)).alias("__is_survivor"))
    # preference for ties, min/max and union order: the survivor, then most recent first
    r = r.with_columns(pl.when(pl.col("__is_survivor")).then(-1).otherwise(pl.col("__recent"))
                       .alias("__pref"))  # fmt: skip
    merged = best
    sources: list[pl.DataFrame] = []
    for f in fields:
        rule = rules[f]
        ok = r.filter(_filled(rows.schema[f], f)) if rule != "union" else \
            r.filter(pl.col(f).is_not_null())  # fmt: skip
        if rule == "survivor":
            val = r.filter(pl.col("__is_survivor")).select(_C, f)
            src = r.filter(pl.col("__is_survivor") & _filled(rows.schema[f], f)) \
                .select(_C, pl.col("contact_id").alias("__src"))  # fmt: skip
        elif rule == "most_recent":
            got = ok.sort(_C, "__recent").group_by(_C, maintain_order=True).agg(
                pl.col(f).first(), pl.col("contact_id").first().alias("__src"))  # fmt: skip
            val, src = got.select(_C, f), got.select(_C, "__src")
        elif rule in ("min", "max"):
            target = pl.col(f).min() if rule == "min" else pl.col(f).max()
            got = (ok.filter(pl.col(f) == target.over(_C)).sort(_C, "__pref")
                   .group_by(_C, maintain_order=True)
                   .agg(pl.col(f).first(), pl.col("contact_id").first().alias("__src")))
            val, src = got.select(_C, f), got.select(_C, "__src")
        else:  # union
            got = ok.sort(_C, "__pref").group_by(_C, maintain_order=True).agg(
                pl.col(f).explode().drop_nulls().unique(maintain_order=True),
                pl.col("contact_id").filter(pl.col(f).list.len() > 0).alias("__src"))
            val = got.select(_C, pl.col(f).cast(rows.schema[f]))
            src = got.select(_C, "__src").explode("__src")
        merged = merged.join(val, on=_C, how="left")
        sources.append(src.with_columns(pl.lit(f).alias("field"), pl.lit(rule).alias("rule"))
                       .select(_C, "field", "rule", pl.col("__src").cast(pl.Int64)))  # fmt: skip
    merged = merged.select(pl.col(_C).alias("cluster_id"), pl.col(_S).alias(
        "contact_id"), *fields).with_columns([pl.col(f).cast(rows.schema[f]) for f in fields])
    src_all = (pl.concat(sources) if sources else pl.DataFrame(
        schema={_C: pl.Int64, "field": pl.String, "rule": pl.String, "__src": pl.Int64}))
    # a field every record left empty has no source: one row with a null contact_id
    every = best.join(pl.DataFrame({"field": fields, "rule": [rules[f] for f in fields]},
                                   schema={"field": pl.String, "rule": pl.String}),
                      how="cross")  # fmt: skip
    src_all = every.join(src_all.drop("rule"), on=[_C, "field"], how="left").select(
        pl.col(_C).alias("cluster_id"), pl.col(_S).alias("survivor_id"), "field", "rule",
        pl.col("__src").alias("contact_id")).sort("cluster_id", "field", "contact_id")
    members = r.select("contact_id", pl.col(_C).alias("cluster_id"),
                       pl.col(_S).alias("survivor_id")).sort("cluster_id", "contact_id")
    return merged.sort("cluster_id"), members, src_all


# -- reading the audit ---------------------------------------------------------------------------


def active_map(merges: pl.DataFrame, existing: pl.Series | None = None) -> pl.DataFrame:
    """``contact_id`` -> ``survivor_id`` (followed through later merges) of every merged-away
    contact of a merge not undone; ids that exist as contacts again are left out."""
    m = merges.filter(pl.col("unmerged_in").is_null() & ~pl.col("survivor")) \
        .select("contact_id", "survivor_id", "merge_id").sort("merge_id") \
        .unique("contact_id", keep="last").drop("merge_id")  # fmt: skip
    if existing is not None:
        m = m.filter(~pl.col("contact_id").is_in(existing.implode()))
    for _ in range(64):  # chains: A into B, later B into C
        nxt = m.join(m.rename({"contact_id": "survivor_id", "survivor_id": "__next"}),
                     on="survivor_id", how="left")  # fmt: skip
        if nxt["__next"].null_count() == nxt.height:
            break
        m = nxt.select("contact_id", pl.coalesce("__next", "survivor_id").alias("survivor_id"))
    return m


def resolve(ids: pl.Series, mapping: pl.DataFrame) -> pl.Series:
    """Each id, or its survivor if it was merged away."""
    df = ids.cast(pl.Int64).alias("contact_id").to_frame().join(mapping, on="contact_id",
                                                                how="left", maintain_order="left")
    return df.select(pl.coalesce("survivor_id", "contact_id").alias(ids.name)).to_series()


def pending_pairs(pairs: pl.DataFrame, merges: pl.DataFrame, decisions: pl.DataFrame,
                  existing: pl.Series) -> pl.DataFrame:  # fmt: skip
    """Pairs still to decide: each id replaced by its current contact (``reported_a`` /
    ``reported_b`` keep the report's), pairs now in one contact, with a deleted contact or
    already decided left out; a pair reached twice is kept once (most likely first)."""
    mapping = active_map(merges, existing)
    out = pairs.with_columns(pl.col("contact_id_a").alias("reported_a"),
                             pl.col("contact_id_b").alias("reported_b"))  # fmt: skip
    out = out.with_columns(resolve(out["contact_id_a"], mapping),
                           resolve(out["contact_id_b"], mapping))  # fmt: skip
    ok = (pl.col("contact_id_a") != pl.col("contact_id_b")) \
        & pl.col("contact_id_a").is_in(existing.implode()) \
        & pl.col("contact_id_b").is_in(existing.implode())  # fmt: skip
    out = out.filter(ok).with_columns(_pair_key_expr("contact_id_a", "contact_id_b")
                                      .alias("pair"))  # fmt: skip
    out = out.filter(~pl.col("pair").is_in(decisions["pair"].implode()))
    return out.unique("pair", keep="first", maintain_order=True).drop("pair")


def held_back(clusters: pl.DataFrame, decisions: pl.DataFrame) -> pl.DataFrame:
    """Clusters holding a pair decided ``not_duplicate`` (they are not merged automatically)."""
    no = decisions.filter(pl.col("decision") == "not_duplicate")
    if no.height == 0 or clusters.height == 0:
        return clusters.head(0)
    pairs = clusters.join(clusters, on="cluster_id", suffix="_b").filter(
        pl.col("contact_id") < pl.col("contact_id_b")).with_columns(
        _pair_key_expr("contact_id", "contact_id_b").alias("pair"))  # fmt: skip
    bad = pairs.filter(pl.col("pair").is_in(no["pair"].implode()))["cluster_id"].unique()
    return clusters.filter(pl.col("cluster_id").is_in(bad.implode()))


def _json_rows(columns: Iterable[str]) -> pl.Expr:
    """Each row's ``columns`` as one JSON object."""
    return pl.struct([pl.col(c) for c in columns]).struct.json_encode()


def _decode(texts: pl.Series, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """JSON objects (one per row) as a frame of ``schema`` (missing keys: null)."""
    st = pl.Struct(dict(schema))
    return texts.str.json_decode(st).struct.unnest()


def contacts_of(tx: Any, ids: pl.Series, unknown: str = "") -> pl.DataFrame:
    """The contacts rows of ``ids`` (distinct), or a DataError naming those that do not exist
    (and, for merged-away ones, where they went), ending with ``unknown``."""
    rows = tx.scan("contacts").filter(pl.col("contact_id").is_in(ids.implode())).collect()
    if rows.height != ids.len():
        missing = sorted(set(ids.to_list()) - set(rows["contact_id"].to_list()))
        raise DataError(_explain_unknown(missing, tx.scan("merges").collect()) + unknown,
                        table="contacts", column="contact_id")  # fmt: skip
    return rows


def _explain_unknown(ids: list[int], merges: pl.DataFrame) -> str:
    m = active_map(merges)
    bits = []
    for cid in ids[:5]:
        hit = m.filter(pl.col("contact_id") == cid)
        if hit.height:
            row = merges.filter((pl.col("contact_id") == cid) & pl.col("unmerged_in").is_null())
            bits.append(f"{cid} (merged into {hit['survivor_id'][0]} by merge "
                        f"{row['merge_id'].max()})")  # fmt: skip
        else:
            bits.append(str(cid))
    more = f" and {len(ids) - 5} more" if len(ids) > 5 else ""
    return f"no contact with contact_id {', '.join(bits)}{more}"


# -- writing (inside a workspace write) ----------------------------------------------------------


def apply_merge(ws: Workspace, tx: _Tx, clusters: pl.DataFrame, rules: Mapping[str, str] | None,
                survivor: Any, decisions: pl.DataFrame | None = None,
                held_back: pl.DataFrame | None = None) -> MergeResult:  # fmt: skip
    """Merge ``clusters`` (from :func:`clusters_of`) in ``tx``; see the module docs."""
    if clusters.height == 0:
        raise DataError("nothing to merge: give at least two contacts (or clusters of two or "
                        "more)", column="contact_id")  # fmt: skip
    merge_id = tx.next_version
    schema = tx.schema("contacts")
    ids = clusters["contact_id"]
    rows = contacts_of(tx, ids, "; nothing was merged")
    effective = resolve_rules(schema, rules)
    has_events = tx.has_rows("events")
    if has_events:
        last = tx.scan("events").filter(pl.col("contact_id").is_in(ids.implode())) \
            .group_by("contact_id").agg(pl.col("timestamp").max().alias("last_event")).collect()
    else:
        last = pl.DataFrame(schema={"contact_id": pl.Int64, "last_event": pl.Datetime("us")})
    merged, members, sources = plan(rows, clusters, last, effective, survivor)
    gone = members.filter(pl.col("contact_id") != pl.col("survivor_id"))
    gone_ids = gone["contact_id"]
    # events of merged-away contacts: kept in the audit, then re-pointed
    moved = pl.DataFrame(schema={"contact_id": pl.Int64, "events": pl.String, "n_events": pl.Int64})
    n_events = 0
    if has_events:
        ev = tx.scan("events").filter(pl.col("contact_id").is_in(gone_ids.implode())).collect()
        n_events = ev.height
        if ev.height:
            body = ev.drop("contact_id")
            moved = ev.select("contact_id", _json_rows(body.columns).alias("j")).group_by("contact_id") \
                .agg(pl.concat_str(pl.lit("["), pl.col("j").str.join(","), pl.lit("]"))
                     .alias("events"), pl.len().cast(pl.Int64).alias("n_events"))  # fmt: skip
            repointed = ev.join(gone.select("contact_id", "survivor_id"), on="contact_id") \
                .with_columns(pl.col("survivor_id").alias("contact_id")).drop("survivor_id") \
                .select(ev.columns)  # fmt: skip
            tx.delete_keys("events", gone_ids)
            tx.append("events", repointed)
    # static segments: merged-away ids become their survivor
    segs = tx.scan("segments").filter(pl.col("static")).select("name", "members").collect()
    seg_long = segs.explode("members").rename({"members": "contact_id"}) \
        .filter(pl.col("contact_id").is_not_null())  # fmt: skip
    was_in = seg_long.filter(pl.col("contact_id").is_in(ids.implode())).group_by("contact_id") \
        .agg(pl.col("name").sort().alias("static_segments"))  # fmt: skip
    touched = seg_long.filter(pl.col("contact_id").is_in(gone_ids.implode()))["name"].unique()
    if touched.len():
        new = (seg_long.filter(pl.col("name").is_in(touched.implode()))
               .join(gone.select("contact_id", "survivor_id"), on="contact_id", how="left")
               .select("name", pl.coalesce("survivor_id", "contact_id").alias("contact_id"))
               .unique().sort("name", "contact_id").group_by("name", maintain_order=True)
               .agg(pl.col("contact_id").alias("members")))  # fmt: skip
        tx.merge("segments", new, "name", insert=False)
    # contacts: survivors take the merged values, the others go
    tx.merge("contacts", merged.drop("cluster_id"), "contact_id", insert=False)
    tx.delete_keys("contacts", gone_ids)
    # the audit
    when = J.now()
    supplied = sources.filter(pl.col("contact_id").is_not_null()).group_by("contact_id") \
        .agg(pl.col("field").sort().alias("fields"))  # fmt: skip
    rules_json = json.dumps(effective, sort_keys=True)
    audit = (members.join(rows.select("contact_id", _json_rows(rows.columns).alias("contact")),
                          on="contact_id")
             .join(supplied, on="contact_id", how="left")
             .join(moved, on="contact_id", how="left")
             .join(was_in, on="contact_id", how="left")
             .with_columns(
                 pl.format("{}:{}", pl.lit(merge_id), pl.col("contact_id")).alias("entry"),
                 pl.lit(merge_id, dtype=pl.Int64).alias("merge_id"),
                 (pl.col("contact_id") == pl.col("survivor_id")).alias("survivor"),
                 pl.col("fields").fill_null(pl.lit([], dtype=pl.List(pl.String))),
                 pl.col("static_segments").fill_null(pl.lit([], dtype=pl.List(pl.String))),
                 pl.col("n_events").fill_null(0),
                 pl.when(pl.col("contact_id") == pl.col("survivor_id")).then(pl.lit(rules_json))
                 .alias("rules"),
                 pl.lit(when, dtype=pl.Datetime("us")).alias("merged_at"),
                 pl.lit(None, dtype=pl.Int64).alias("unmerged_in"),
                 pl.lit(None, dtype=pl.Datetime("us")).alias("unmerged_at"))
             .select(J.TABLES["merges"][0].columns))  # fmt: skip
    tx.append("merges", audit)
    if decisions is not None and decisions.height:
        rows_d = decisions.with_columns(pl.lit(merge_id, dtype=pl.Int64).alias("merge_id"))
        tx.merge("pair_decisions", rows_d.select(J.TABLES["pair_decisions"][0].columns), "pair")
    n_clusters = merged.height
    default = resolve_rules(schema, None)
    tx.rows_affected = gone.height
    tx.details = {"merge_id": merge_id, "clusters": n_clusters, "merged": gone.height,
                  "events_moved": n_events,
                  "rules": {k: v for k, v in effective.items() if v != default[k]}}
    tx.message = tx.message or (f"merge {gone.height} contact(s) into {n_clusters} "
                                f"survivor(s), {n_events} event(s) moved")  # fmt: skip
    return MergeResult(
        merge_id=merge_id, version=merge_id,
        clusters=members.select("contact_id", "cluster_id", "survivor_id"),
        sources=sources.drop("cluster_id"), events_moved=n_events,
        **({"held_back": held_back} if held_back is not None and held_back.height else {}),
    )  # fmt: skip


def apply_unmerge(ws: Workspace, tx: _Tx, merge_id: int, contact_id: int | None) -> dict[str, Any]:
    """Undo merge ``merge_id`` (or only its cluster holding ``contact_id``) in ``tx``."""
    if not _is_int(merge_id):
        raise WorkspaceError(f"merge_id must be an int (a MergeResult's merge_id), found "
                             f"{merge_id!r}")  # fmt: skip
    audit = tx.scan("merges").collect()
    merge_id = int(merge_id)
    rows = audit.filter(pl.col("merge_id") == merge_id)
    if rows.height == 0:
        was = ws.history().filter((pl.col("version") == merge_id)
                                  & (pl.col("operation") == "merge"))  # fmt: skip
        why = ("its audit rows are gone (erased by ws.forget, or removed by ws.restore to an "
               "earlier version)") if was.height else "no such merge (see ws.merges())"
        raise WorkspaceError(f"cannot unmerge {merge_id}: {why}", path=str(ws.path))
    if contact_id is not None:
        hit = rows.filter(pl.col("contact_id") == contact_id)
        if hit.height == 0:
            raise WorkspaceError(f"merge {merge_id} did not involve contact {contact_id}")
        rows = rows.filter(pl.col("survivor_id") == hit["survivor_id"][0])
    active = rows.filter(pl.col("unmerged_in").is_null())
    if active.height == 0:
        raise WorkspaceError(f"merge {merge_id} was undone already (version "
                             f"{rows['unmerged_in'].max()})", path=str(ws.path))  # fmt: skip
    survivors = active.filter(pl.col("survivor"))["contact_id"]
    gone = active.filter(~pl.col("survivor"))
    all_ids = active["contact_id"]
    have = tx.scan("contacts").filter(pl.col("contact_id").is_in(all_ids.implode())) \
        .select("contact_id").collect()["contact_id"]  # fmt: skip
    lost = survivors.filter(~survivors.is_in(have.implode())).to_list()
    if lost:
        later = active_map(audit).filter(pl.col("contact_id").is_in(lost))
        if later.height:
            cid = later["contact_id"][0]
            m = audit.filter((pl.col("contact_id") == cid) & pl.col("unmerged_in").is_null()
                             & (pl.col("merge_id") > merge_id))["merge_id"].max()  # fmt: skip
            raise WorkspaceError(f"cannot unmerge {merge_id}: its survivor {cid} was merged into "
                                 f"{later['survivor_id'][0]} later (merge {m}); "
                                 f"ws.unmerge({m}) first", path=str(ws.path))  # fmt: skip
        raise WorkspaceError(f"cannot unmerge {merge_id}: its survivor {lost[0]} was deleted "
                             "since", path=str(ws.path))  # fmt: skip
    taken = gone.filter(pl.col("contact_id").is_in(have.implode()))["contact_id"].to_list()
    if taken:
        raise WorkspaceError(f"cannot unmerge {merge_id}: contact_id {taken[0]} belongs to "
                             "another contact now", path=str(ws.path))  # fmt: skip
    schema = tx.schema("contacts")
    restored = _decode(active["contact"], schema).select(list(schema))
    if "email" in restored.columns:  # an email a restored record had may be taken since
        emails = restored["email"].drop_nulls()
        dup = tx.scan("contacts").filter(pl.col("email").is_in(emails.implode())
                                         & ~pl.col("contact_id").is_in(all_ids.implode())) \
            .select("contact_id", "email").collect()  # fmt: skip
        if dup.height:
            raise WorkspaceError(f"cannot unmerge {merge_id}: email {dup['email'][0]!r} belongs "
                                 f"to contact {dup['contact_id'][0]} now", path=str(ws.path))
    # events: the moved ones go back; events the survivor had or got since stay
    n_events = 0
    moving = gone.filter(pl.col("events").is_not_null())
    if moving.height:
        ev_schema = tx.schema("events")
        body = {k: v for k, v in ev_schema.items() if k != "contact_id"}
        back = (moving.select("contact_id", "survivor_id", pl.col("events").str.json_decode(
                    pl.List(pl.Struct(body))).alias("e"))
                .explode("e").unnest("e"))  # fmt: skip
        back = back.with_columns([pl.col(k).cast(v) for k, v in body.items()])
        n_events = back.height
        cur = tx.scan("events").filter(pl.col("contact_id").is_in(survivors.implode())).collect()
        cols = list(body)
        key = _json_rows(cols).alias("__row")
        cur_k = cur.with_columns(key).with_columns(
            pl.int_range(pl.len()).over("contact_id", "__row").alias("__n"))
        back_k = back.with_columns(key).with_columns(
            pl.int_range(pl.len()).over("survivor_id", "__row").alias("__n"))  # fmt: skip
        stay = cur_k.join(back_k.select(pl.col("survivor_id").alias("contact_id"), "__row",
                                        "__n"), on=["contact_id", "__row", "__n"], how="anti")
        out = pl.concat([stay.select(cur.columns),
                         back.select("contact_id", *cols).select(cur.columns)],
                        how="vertical_relaxed")  # fmt: skip
        tx.delete_keys("events", survivors)
        tx.append("events", out)
    # contacts: every previous row back (the survivor's overwritten, the others inserted)
    tx.merge("contacts", restored, "contact_id")
    # static segments: each contact of the cluster back in the segments it was in
    segs = tx.scan("segments").filter(pl.col("static")).select("name", "members").collect()
    listed = active.select("contact_id", "static_segments").explode("static_segments") \
        .filter(pl.col("static_segments").is_not_null()) \
        .rename({"static_segments": "name"})  # fmt: skip
    affected = segs.filter(pl.col("members").list.eval(pl.element().is_in(all_ids.implode()))
                           .list.any() | pl.col("name").is_in(listed["name"].implode()))
    if affected.height:
        long = affected.explode("members").rename({"members": "contact_id"}).filter(
            pl.col("contact_id").is_not_null() & ~pl.col("contact_id").is_in(all_ids.implode()))
        back_in = listed.filter(pl.col("name").is_in(affected["name"].implode())) \
            .select("name", "contact_id")  # fmt: skip
        new = (pl.concat([long, back_in]).unique().sort("name", "contact_id")
               .group_by("name", maintain_order=True).agg(pl.col("contact_id").alias("members")))
        new = affected.select("name").join(new, on="name", how="left").with_columns(
            pl.col("members").fill_null(pl.lit([], dtype=pl.List(pl.Int64))))
        tx.merge("segments", new, "name", insert=False)
    # the audit: rows marked undone; "merge" decisions of these pairs withdrawn
    tx.merge("merges", active.select("entry", pl.lit(tx.next_version, dtype=pl.Int64)
                                     .alias("unmerged_in"), pl.lit(J.now(), dtype=pl.Datetime(
                                         "us")).alias("unmerged_at")), "entry", insert=False)
    dec = tx.scan("pair_decisions").filter(
        (pl.col("merge_id") == merge_id) & pl.col("contact_id_a").is_in(all_ids.implode())
        & pl.col("contact_id_b").is_in(all_ids.implode())).select("pair").collect()
    tx.delete_keys("pair_decisions", dec["pair"])
    tx.rows_affected = active.height
    info = {"merge_id": merge_id, "clusters": survivors.len(), "restored": gone.height,
            "events_moved_back": n_events}
    tx.details = info
    tx.message = tx.message or (f"unmerge {merge_id}: {gone.height} contact(s) restored from "
                                f"{survivors.len()} survivor(s), {n_events} event(s) moved back")
    return info


def forget_ids(tx: _Tx, ids: pl.Series) -> pl.Series:
    """For ``ws.forget``: ``ids`` plus every contact merged with them (one person), and the
    audit rows and pair decisions naming any of them deleted."""
    audit = tx.scan("merges").select("entry", "merge_id", "survivor_id", "contact_id",
                                     "unmerged_in").collect()  # fmt: skip
    active = audit.filter(pl.col("unmerged_in").is_null())
    out = set(ids.to_list())
    while True:
        hit = active.filter(pl.col("contact_id").is_in(list(out))
                            | pl.col("survivor_id").is_in(list(out)))  # fmt: skip
        grown = out | set(hit["contact_id"].to_list()) | set(hit["survivor_id"].to_list())
        if grown == out:
            break
        out = grown
    every = pl.Series("contact_id", sorted(out), dtype=pl.Int64)
    drop = audit.filter(pl.col("contact_id").is_in(every.implode())
                        | pl.col("survivor_id").is_in(every.implode()))["entry"]  # fmt: skip
    tx.delete_keys("merges", drop)
    dec = tx.scan("pair_decisions").filter(pl.col("contact_id_a").is_in(every.implode())
                                           | pl.col("contact_id_b").is_in(every.implode())) \
        .select("pair").collect()  # fmt: skip
    tx.delete_keys("pair_decisions", dec["pair"])
    return every


def decision_rows(pairs: Iterable[tuple[int, int]], decision: str, *, score: float | None,
                  note: str | None) -> pl.DataFrame:  # fmt: skip
    if decision not in DECISIONS:
        raise DataError(f"decision must be one of {', '.join(DECISIONS)}; found {decision!r}")
    rows = []
    for a, b in pairs:
        if not (_is_int(a) and _is_int(b)):
            raise DataError(f"contact ids must be integers, found {a!r}, {b!r}",
                            column="contact_id")  # fmt: skip
        a, b = int(a), int(b)
        if a == b:
            raise DataError(f"a pair needs two different contacts (got {a} twice)",
                            column="contact_id")  # fmt: skip
        lo, hi = sorted((a, b))
        rows.append({"pair": pair_key(lo, hi), "contact_id_a": lo, "contact_id_b": hi,
                     "decision": decision, "score": score, "merge_id": None, "note": note,
                     "decided_at": J.now(), "user": J.user()})  # fmt: skip
    return pl.DataFrame(rows, schema=J.TABLES["pair_decisions"][0].schema)
