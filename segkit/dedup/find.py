"""``find_duplicates``: normalise -> block -> compare -> fit (EM) -> score -> cluster -> report."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl

from segkit._progress import Stages, wanted
from segkit.dedup import normalise as nz
from segkit.dedup.blocking import candidate_pairs
from segkit.dedup.cluster import cluster
from segkit.dedup.compare import LEVELS, Compared, Encodings, compare_all, name_groups
from segkit.dedup.model import FellegiSunter, fit
from segkit.dedup.report import DuplicateReport
from segkit.dedup.roles import IDENTITY_ROLES, check_fields, infer_roles
from segkit.dedup.settings import DedupSettings
from segkit.errors import DataError

_COMPARE_CHUNK = 2_000_000
_NO_SIM = np.zeros(0, dtype=np.float32)


def _contacts_frame(contacts: Any) -> pl.DataFrame:
    if isinstance(contacts, pl.LazyFrame):
        contacts = contacts.collect()
    elif not isinstance(contacts, pl.DataFrame) and hasattr(contacts, "contacts"):
        contacts = contacts.contacts  # a segkit Dataset
        if isinstance(contacts, pl.LazyFrame):
            contacts = contacts.collect()
    if not isinstance(contacts, pl.DataFrame):
        raise DataError(
            f"contacts must be a polars DataFrame, LazyFrame or segkit Dataset, got "
            f"{type(contacts).__name__}",
            table="contacts",
        )
    if "contact_id" not in contacts.columns:
        raise DataError(
            "contacts: no 'contact_id' column; every contact needs an id to be paired",
            table="contacts", column="contact_id",
        )  # fmt: skip
    ids = contacts["contact_id"]
    if ids.null_count():
        rows = (ids.is_null().arg_true() + 1).head(5).to_list()
        raise DataError(f"contacts: 'contact_id' is empty in row(s) {rows}",
                        table="contacts", column="contact_id", rows=rows)  # fmt: skip
    dup = ids.is_duplicated()
    if dup.any():
        rows = (dup.arg_true() + 1).head(5).to_list()
        raise DataError(
            f"contacts: 'contact_id' is not unique (e.g. {ids[rows[0] - 1]!r} in rows "
            f"{rows}); deduplicate ids before deduplicating people",
            table="contacts", column="contact_id", rows=rows,
        )  # fmt: skip
    return contacts


def resolve_settings(
    frame: pl.DataFrame,
    *,
    fields: Mapping[str, str] | None = None,
    threshold: float | None = None,
    review_threshold: float | None = None,
    settings: DedupSettings | None = None,
) -> DedupSettings:
    """The settings a run will use: explicit arguments over ``settings`` over defaults."""
    base = settings or DedupSettings()
    changes: dict[str, Any] = {}
    if fields is not None:
        changes["fields"] = check_fields(fields, frame.columns)
        changes["inferred"] = False
    elif not base.fields:
        inferred = infer_roles(frame.schema)
        if not inferred:
            raise DataError(
                "contacts: no column looks like a name, email, phone, address, company or "
                "birth date; say which to compare with fields={'column': 'role'}",
                table="contacts",
            )
        changes["fields"] = inferred
        changes["inferred"] = True
    else:
        changes["fields"] = check_fields(base.fields, frame.columns)
    if threshold is not None:
        changes["threshold"] = threshold
        if review_threshold is None and base.review_threshold > threshold:
            changes["review_threshold"] = threshold
    if review_threshold is not None:
        changes["review_threshold"] = review_threshold
    return base.replace(**changes)


# -- normalisation ----------------------------------------------------------------------------


def prepare(frame: pl.DataFrame, settings: DedupSettings) -> tuple[pl.DataFrame, DedupSettings]:
    """Normalised columns (named like the fields, plus ``field~aux`` helpers) and ``_row``.

    Returns the settings with what was inferred on the way (the phone region) filled in.
    """
    fields = settings.fields
    cols: dict[str, pl.Series] = {"_row": pl.Series(np.arange(frame.height, dtype=np.uint32))}
    notes = list(settings.notes)
    region: str | pl.Series | None = settings.phone_region
    country_col = next((c for c, r in fields.items() if r == "country"), None)
    phone_cols = [c for c, r in fields.items() if r == "phone"]
    resolved_region = settings.phone_region
    if phone_cols:
        if country_col is not None:
            per_row = nz.region_of_country(frame[country_col])
            default = settings.phone_region
            if default is None:
                common = per_row.drop_nulls().mode().sort()
                default = common[0] if common.len() else None
            if default is None:
                default = nz.infer_phone_region(frame[phone_cols[0]])
            region = per_row.fill_null(default) if default else per_row
            if settings.phone_region is None and default:
                notes.append(f"phone region per contact from {country_col!r}, else {default}")
        elif settings.phone_region is None:
            resolved_region = nz.infer_phone_region(frame[phone_cols[0]])
            region = resolved_region
            if resolved_region:
                notes.append(
                    f"phone region {resolved_region} inferred: the most common country code "
                    "among numbers written with +"
                )
            else:
                notes.append("no phone region known: national numbers compare by their digits")
    for column, role in fields.items():
        raw = frame[column]
        if role in ("first_name", "last_name", "name"):
            v = nz.normalise_name(raw)
            cols[column] = v
            if role == "first_name":
                cols[f"{column}~nick"] = nz.nickname_key(v)
            if role == "name":
                cols[f"{column}~sorted"] = nz.sorted_tokens(v)
        elif role == "email":
            v = nz.normalise_email(raw)
            cols[column] = v
            cols[f"{column}~local"] = nz.email_local(v)
        elif role == "phone":
            cols[column] = nz.normalise_phone(raw, region)
        elif role == "company":
            cols[column] = nz.normalise_company(raw)
        elif role == "address":
            v = nz.normalise_address(raw)
            cols[column] = v
            cols[f"{column}~number"] = nz.house_number(v)
        elif role in ("city", "text"):
            cols[column] = nz.fold_text(raw)
        elif role == "state":
            cols[column] = nz.normalise_state(raw)
        elif role == "country":
            cols[column] = nz.normalise_country(raw)
        elif role == "postal_code":
            cols[column] = nz.normalise_postal_code(raw)
        elif role == "birth_date":
            date, digits = nz.normalise_date(raw)
            cols[column] = date
            cols[f"{column}~digits"] = digits
        elif role == "exact":
            v = raw.cast(pl.String, strict=False)
            cols[column] = v.str.strip_chars().replace("", None)
        else:  # pragma: no cover - roles are checked before
            raise DataError(f"no normaliser for role {role!r}", column=column)
    firsts = [c for c, r in fields.items() if r == "first_name"]
    lasts = [c for c, r in fields.items() if r == "last_name"]
    if len(firsts) == 1 and len(lasts) == 1:  # a key that ignores which name is which
        both = pl.concat_str([cols[firsts[0]], cols[lasts[0]]], separator=" ")
        cols[f"{firsts[0]}~unordered"] = pl.select(nz.sorted_tokens(both)).to_series()
    norm = pl.DataFrame({k: v.alias(k) for k, v in cols.items()})
    return norm, settings.replace(phone_region=resolved_region, notes=tuple(notes))


# -- comparing in chunks ----------------------------------------------------------------------


def compare_chunked(
    enc: Encodings,
    fields: Mapping[str, str],
    a: np.ndarray,
    b: np.ndarray,
    *,
    similarity: bool = False,
) -> dict[str, Compared]:
    """:func:`compare_all` over bounded chunks of pairs (bounded memory for strings).

    Similarities are kept only with ``similarity=True``: for millions of candidate pairs only
    the levels (int8) and term-frequency adjustments are needed.
    """
    parts: list[dict[str, Compared]] = []
    for start in range(0, max(len(a), 1), _COMPARE_CHUNK):
        part = compare_all(enc, dict(fields), a[start : start + _COMPARE_CHUNK],
                           b[start : start + _COMPARE_CHUNK])  # fmt: skip
        if not similarity:
            part = {c: Compared(r.level, _NO_SIM, r.tf) for c, r in part.items()}
        parts.append(part)
    if len(parts) == 1:
        return parts[0]

    def cat(arrays):
        return None if arrays[0] is None else np.concatenate(arrays)

    return {
        c: Compared(np.concatenate([p[c].level for p in parts]),
                    cat([p[c].similarity for p in parts]) if similarity else _NO_SIM,
                    cat([p[c].tf for p in parts]))
        for c in fields
    }  # fmt: skip


# -- the whole run ----------------------------------------------------------------------------


def find_duplicates(
    contacts: Any,
    *,
    fields: Mapping[str, str] | None = None,
    threshold: float | None = None,
    review_threshold: float | None = None,
    settings: DedupSettings | None = None,
    progress: bool | None = None,
) -> DuplicateReport:
    """Find contacts that are the same person, explainably.

    ``contacts`` is a polars DataFrame (or LazyFrame, or a segkit Dataset) with a unique
    ``contact_id``. With ``fields=None`` the columns to compare and their roles are inferred
    from common CRM names (``email``, ``phone``, ``first_name``/``last_name`` or ``name``,
    ``company``, ``address``, ``city``, ``postal_code``, ``state``, ``country``,
    ``birth_date``); ``fields={"column": "role"}`` says exactly which columns to compare.
    ``threshold`` is the match probability from which pairs are merged automatically
    (default 0.99); ``review_threshold`` (default 0.5) starts the review band. ``progress``
    shows a bar of the stages (default: for 50,000 contacts or more).

    Examples
    --------
    >>> import polars as pl
    >>> from segkit.dedup import find_duplicates
    >>> contacts = pl.DataFrame({
    ...     "contact_id": [1, 2, 3, 4],
    ...     "first_name": ["Robert", "Bob", "Alice", "Mary"],
    ...     "last_name": ["Smith", "smith", "Jones", "Major"],
    ...     "email": ["bob.smith+crm@gmail.com", "bobsmith@gmail.com", "alice@x.org", None],
    ... })
    >>> report = find_duplicates(contacts)
    >>> report.clusters.to_dicts()
    [{'contact_id': 1, 'cluster_id': 1}, {'contact_id': 2, 'cluster_id': 1}]
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    frame = _contacts_frame(contacts)
    s = resolve_settings(frame, fields=fields, threshold=threshold,
                         review_threshold=review_threshold, settings=settings)  # fmt: skip
    norm, s = prepare(frame, s)
    enc = Encodings(norm, name_groups(dict(s.fields)))
    field_names = list(s.fields)
    roles = [s.fields[c] for c in field_names]
    labels = [LEVELS[r] for r in roles]
    n = frame.height
    t1 = time.perf_counter()
    timings["normalise"] = t1 - t0
    stages = Stages(["block", "compare", "fit", "cluster", "report"], "find_duplicates",
                    wanted(progress, n))  # fmt: skip

    a, b, stats = candidate_pairs(norm, s.passes, max_block_size=s.max_block_size, window=s.window)
    t2 = time.perf_counter()
    timings["block"] = t2 - t1
    stages.done("block")

    comp = compare_chunked(enc, s.fields, a, b)
    t3 = time.perf_counter()
    timings["compare"] = t3 - t2
    stages.done("compare")

    levels = [comp[c].level for c in field_names]
    tfs = [comp[c].tf for c in field_names]
    identity = [r in IDENTITY_ROLES for r in roles]
    model = fit(levels, names=field_names, roles=roles, labels=labels,
                identity=identity if any(identity) else None,
                identity_min_fields=s.identity_guard,
                max_iter=s.max_em_iterations)  # fmt: skip
    t4 = time.perf_counter()
    timings["fit"] = t4 - t3
    stages.done("fit")

    _, prob = model.score(levels, tfs) if len(a) else (np.zeros(0), np.zeros(0))
    # a pair whose identity fields all disagree is never an edge of a cluster
    guarded = np.where(model.identity_conflict(levels), 0.0, prob) if len(a) else prob
    extra: list[tuple[np.ndarray, np.ndarray, dict[str, Compared]]] = []

    def score_pairs(pa: np.ndarray, pb: np.ndarray) -> np.ndarray:
        c = compare_chunked(enc, s.fields, pa.astype(np.uint32), pb.astype(np.uint32))
        extra.append((pa.astype(np.uint32), pb.astype(np.uint32), c))
        lv = [c[f].level for f in field_names]
        return np.where(model.identity_conflict(lv), 0.0,
                        model.score(lv, [c[f].tf for f in field_names])[1])  # fmt: skip

    row_label, _ = cluster(n, a, b, guarded, threshold=s.threshold,
                           min_score=s.min_cluster_score, score_pairs=score_pairs)  # fmt: skip
    t5 = time.perf_counter()
    timings["cluster"] = t5 - t4
    stages.done("cluster")

    # the pairs to report: scored pairs from the review threshold up, and pairs inside a
    # cluster; their comparisons are recomputed with similarities (kept for these only)
    parts_a, parts_b = [a], [b]
    parts_p = [prob]
    for ea, eb, c in extra:
        parts_a.append(ea)
        parts_b.append(eb)
        parts_p.append(model.score([c[f].level for f in field_names],
                                   [c[f].tf for f in field_names])[1])  # fmt: skip
    A = np.concatenate(parts_a) if parts_a else np.zeros(0, np.uint32)
    B = np.concatenate(parts_b) if parts_b else np.zeros(0, np.uint32)
    scored = np.concatenate(parts_p) if parts_p else np.zeros(0)
    same = row_label[A] == row_label[B] if len(A) else np.zeros(0, dtype=bool)
    keep = (scored >= s.review_threshold) | same
    A, B = A[keep], B[keep]
    code = A.astype(np.uint64) << np.uint64(32) | B.astype(np.uint64)
    _, first = np.unique(code, return_index=True)  # a pair scored twice is reported once
    A, B = A[np.sort(first)], B[np.sort(first)]
    kept = compare_chunked(enc, s.fields, A, B, similarity=True)
    lev = [kept[f].level for f in field_names]
    sim = [kept[f].similarity for f in field_names]
    tf = [kept[f].tf for f in field_names]
    mw, pr = model.score(lev, tf) if len(A) else (np.zeros(0), np.zeros(0))
    conflict = model.identity_conflict(lev) if len(A) else np.zeros(0, dtype=bool)
    same = row_label[A] == row_label[B] if len(A) else np.zeros(0, dtype=bool)
    idx = np.lexsort((B, A, -pr))

    ids = frame["contact_id"]
    weights = model.field_weights([x[idx] for x in lev],
                                  [None if t is None else t[idx] for t in tf])  # fmt: skip
    cols: dict[str, Any] = {
        "contact_id_a": ids.gather(A[idx]),
        "contact_id_b": ids.gather(B[idx]),
        "score": pl.Series(pr[idx], dtype=pl.Float64),
        "match_weight": pl.Series(mw[idx], dtype=pl.Float64),
        "decision": pl.Series(np.where(same[idx], "match", "review"), dtype=pl.String),
        "reason": pl.Series(
            np.where(same[idx], "same cluster",
                     np.where(conflict[idx], "identity fields disagree (household or colleague?)",
                              np.where(pr[idx] >= s.threshold,
                                       "not similar to the rest of a cluster", "uncertain"))),
            dtype=pl.String,
        ),  # fmt: skip
    }
    for j, f in enumerate(field_names):
        enum = pl.Enum(["missing", *labels[j]])
        lv = lev[j][idx]
        names = np.asarray(["missing", *labels[j]], dtype=object)[lv.astype(np.int64) + 1]
        cols[f"{f}_level"] = pl.Series(names, dtype=pl.String).cast(enum)
        cols[f"{f}_similarity"] = pl.Series(sim[j][idx], dtype=pl.Float32).fill_nan(None)
        cols[f"{f}_weight"] = pl.Series(weights[j], dtype=pl.Float32)
    pairs = pl.DataFrame(cols)

    # clusters: rows whose label is shared, numbered by their first row
    sizes = np.bincount(row_label, minlength=n)
    in_cluster = np.flatnonzero(sizes[row_label] >= 2)
    reps = row_label[in_cluster]
    uniq = np.unique(reps)
    cluster_id = np.searchsorted(uniq, reps).astype(np.uint32) + 1
    clusters = pl.DataFrame({"contact_id": ids.gather(in_cluster),
                             "cluster_id": pl.Series(cluster_id, dtype=pl.UInt32)})  # fmt: skip
    timings["report"] = time.perf_counter() - t5

    raw = frame.select("contact_id", *field_names)

    def explain(id_a: Any, id_b: Any) -> pl.DataFrame:
        return _explain(raw, norm, enc, s, model, id_a, id_b)

    stages.done("report")
    stages.close()
    return DuplicateReport(
        pairs=pairs, clusters=clusters, settings=s, model=model, blocking=stats,
        n_contacts=n, n_candidates=len(a), timings=timings, explain=explain,
    )  # fmt: skip


def _explain(
    raw: pl.DataFrame,
    norm: pl.DataFrame,
    enc: Encodings,
    s: DedupSettings,
    model: FellegiSunter,
    id_a: Any,
    id_b: Any,
) -> pl.DataFrame:
    rows = []
    for cid in (id_a, id_b):
        hit = raw["contact_id"].eq(cid).arg_true()
        if hit.len() == 0:
            raise DataError(f"no contact with contact_id {cid!r}", table="contacts",
                            column="contact_id")  # fmt: skip
        rows.append(int(hit[0]))
    ra, rb = np.array([rows[0]], np.uint32), np.array([rows[1]], np.uint32)
    comp = compare_all(enc, dict(s.fields), ra, rb)
    names = list(s.fields)
    lev = [comp[f].level for f in names]
    tfs = [comp[f].tf for f in names]
    weights = model.field_weights(lev, tfs)
    total, prob = model.score(lev, tfs)
    out = []
    for j, f in enumerate(names):
        level = int(lev[j][0])
        sim = float(comp[f].similarity[0])
        out.append({
            "field": f,
            "role": s.fields[f],
            "value_a": None if raw[f][rows[0]] is None else str(raw[f][rows[0]]),
            "value_b": None if raw[f][rows[1]] is None else str(raw[f][rows[1]]),
            "normalised_a": None if norm[f][rows[0]] is None else str(norm[f][rows[0]]),
            "normalised_b": None if norm[f][rows[1]] is None else str(norm[f][rows[1]]),
            "level": "missing" if level < 0 else LEVELS[s.fields[f]][level],
            "similarity": None if np.isnan(sim) else sim,
            "weight": float(weights[j][0]),
        })  # fmt: skip
    out.append({"field": "(prior)", "role": None, "value_a": None, "value_b": None,
                "normalised_a": None, "normalised_b": None,
                "level": f"duplicates among candidate pairs: {model.prior:.3g}",
                "similarity": None, "weight": model.prior_weight})  # fmt: skip
    out.append({"field": "(total)", "role": None, "value_a": None, "value_b": None,
                "normalised_a": None, "normalised_b": None,
                "level": f"match probability {float(prob[0]):.4f}",
                "similarity": None, "weight": float(total[0])})  # fmt: skip
    return pl.DataFrame(out, schema={"field": pl.String, "role": pl.String, "value_a": pl.String,
                                     "value_b": pl.String, "normalised_a": pl.String,
                                     "normalised_b": pl.String, "level": pl.String,
                                     "similarity": pl.Float64, "weight": pl.Float64})  # fmt: skip
