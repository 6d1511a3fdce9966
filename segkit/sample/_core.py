"""generate() and write_sample(): the same chunks, kept in memory or streamed to Parquet."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from segkit.data.dataset import Dataset
from segkit.sample._campaigns import CampaignPlan, build_campaigns
from segkit.sample._chunk import (
    CAMPAIGNS_SCHEMA,
    CONTACTS_SCHEMA,
    DUP_PERCENT,
    EVENTS_DICT_SCHEMA,
    EVENTS_SCHEMA,
    TRUTH_SCHEMA,
    Chunk,
    make_chunk,
)

CHUNK_SIZE = 100_000
"""Original contacts per chunk (each chunk has its own random stream, seeded by
``(seed, chunk index)``); generate() and write_sample() must use the same value to agree."""

TABLES = ("contacts", "events", "campaigns", "duplicates_truth")


@dataclass(frozen=True)
class _ChunkSpec:
    index: int
    n: int
    first_id: int
    n_dup: int
    first_dup_id: int


def _plan_chunks(contacts: int, chunk_size: int) -> list[_ChunkSpec]:
    if contacts < 1:
        raise ValueError(f"contacts must be at least 1, got {contacts}")
    if chunk_size < 1 or chunk_size > 2**24:
        raise ValueError(f"chunk_size must be between 1 and {2**24}, got {chunk_size}")
    specs, dup_next = [], contacts + 1
    for k, start in enumerate(range(0, contacts, chunk_size)):
        n = min(chunk_size, contacts - start)
        n_dup = (n * DUP_PERCENT + 50) // 100
        specs.append(_ChunkSpec(k, n, start + 1, n_dup, dup_next))
        dup_next += n_dup
    return specs


def _campaign_table(plan: CampaignPlan) -> pa.Table:
    return plan.frame.to_arrow().cast(CAMPAIGNS_SCHEMA)


def _chunks(contacts: int, seed: int, chunk_size: int, plan: CampaignPlan) -> Iterator[Chunk]:
    specs = _plan_chunks(contacts, chunk_size)
    for s in specs:
        yield make_chunk(
            seed, s.index, s.n, s.first_id, s.n_dup, s.first_dup_id, plan, n_chunks=len(specs)
        )


def _progress(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="contacts", unit_scale=True, desc="sample", disable=not enabled)


def generate(
    contacts: int = 20_000, seed: int = 0, *, chunk_size: int = CHUNK_SIZE, progress: bool = False
) -> Dataset:
    """Generate the sample CRM data in memory.

    ``contacts`` original contacts (ids 1..contacts) plus ~3% planted near-duplicates (ids after
    that), ~46 events per contact over the two years before :data:`REFERENCE_TIME`, and the
    campaigns table. The same ``seed`` (and ``chunk_size``) always gives the same data, equal to
    what :func:`write_sample` writes. The duplicates' ground truth is
    :func:`duplicates_truth`'s (or ``duplicates_truth.parquet``'s).

    >>> ds = generate(1_000, seed=1)
    >>> ds.n_contacts
    1030
    """
    plan = build_campaigns(seed)
    parts: dict[str, list[pa.Table]] = {"c": [], "e": [], "dc": [], "de": []}
    with _progress(contacts, progress) as bar:
        for ch in _chunks(contacts, seed, chunk_size, plan):
            parts["c"].append(ch.contacts)
            parts["e"].append(ch.events)
            parts["dc"].append(ch.dup_contacts)
            parts["de"].append(ch.dup_events)
            bar.update(ch.contacts.num_rows)
    c = pl.from_arrow(pa.concat_tables(parts["c"] + parts["dc"]))
    e = pl.from_arrow(pa.concat_tables(parts["e"] + parts["de"]).cast(EVENTS_SCHEMA))
    camp = pl.from_arrow(_campaign_table(plan))
    assert isinstance(c, pl.DataFrame) and isinstance(e, pl.DataFrame)
    assert isinstance(camp, pl.DataFrame)
    return Dataset(c, e, camp, name="sample")


def duplicates_truth(
    contacts: int = 20_000, seed: int = 0, *, chunk_size: int = CHUNK_SIZE
) -> pl.DataFrame:
    """The planted duplicates of ``generate(contacts, seed)``: ``contact_id`` (the duplicate),
    ``duplicate_of`` (the original) and ``kind`` (what was perturbed)."""
    plan = build_campaigns(seed)
    truth = [ch.truth for ch in _chunks(contacts, seed, chunk_size, plan)]
    out = pl.from_arrow(pa.concat_tables(truth))
    assert isinstance(out, pl.DataFrame)
    return out


def write_sample(
    out_dir: str | os.PathLike,
    contacts: int = 20_000,
    seed: int = 0,
    progress: bool = True,
    *,
    chunk_size: int = CHUNK_SIZE,
    compression_level: int | None = None,
) -> dict[str, int]:
    """Stream the sample into ``out_dir`` as ``contacts.parquet``, ``events.parquet``,
    ``campaigns.parquet`` and ``duplicates_truth.parquet`` (zstd), one chunk at a time.

    Memory stays bounded by a chunk (plus the ~3% duplicates, written last so that both files
    are sorted by contact id), so 10 million contacts (~470 million events) fit in a few GB.
    Returns the number of rows written per table.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plan = build_campaigns(seed)
    opts = {"compression": "zstd", "compression_level": compression_level}
    counts = dict.fromkeys(TABLES, 0)
    tmp = {t: out / f".{t}.parquet.part" for t in TABLES}
    # events: dictionary-encode the (low-cardinality) strings; delta-encode the ids and the
    # timestamps (sorted, and sorted within each contact). The chunks hold those strings
    # dictionary-encoded already; without the Arrow schema in the file they read back as plain
    # strings. Statistics only where a reader can prune with them (min/max of a column holding
    # every event type in each row group would not), which makes writing much faster.
    ev_dict = ["event", "page", "campaign_id", "variant", "form", "content", "product"]
    writers = {
        "contacts": pq.ParquetWriter(tmp["contacts"], CONTACTS_SCHEMA, **opts),
        "events": pq.ParquetWriter(
            tmp["events"],
            EVENTS_DICT_SCHEMA,
            use_dictionary=ev_dict,
            column_encoding={
                "timestamp": "DELTA_BINARY_PACKED",
                "contact_id": "DELTA_BINARY_PACKED",
            },
            write_statistics=["contact_id", "timestamp", "amount"],
            store_schema=False,
            **opts,
        ),
        "duplicates_truth": pq.ParquetWriter(tmp["duplicates_truth"], TRUTH_SCHEMA, **opts),
    }
    dup_c: list[pa.Table] = []
    dup_e: list[pa.Table] = []
    ok = False
    # one writer thread: Parquet encoding (which releases the GIL) overlaps the next chunk
    pool = ThreadPoolExecutor(max_workers=1)
    pending: Future | None = None

    def _write(ch: Chunk) -> None:
        writers["contacts"].write_table(ch.contacts)
        writers["events"].write_table(ch.events, row_group_size=1 << 23)
        writers["duplicates_truth"].write_table(ch.truth)

    try:
        with _progress(contacts, progress) as bar:
            for ch in _chunks(contacts, seed, chunk_size, plan):
                if pending is not None:
                    pending.result()
                pending = pool.submit(_write, ch)
                dup_c.append(ch.dup_contacts)
                dup_e.append(ch.dup_events)
                counts["contacts"] += ch.contacts.num_rows + ch.dup_contacts.num_rows
                counts["events"] += ch.events.num_rows + ch.dup_events.num_rows
                counts["duplicates_truth"] += ch.truth.num_rows
                bar.update(ch.contacts.num_rows)
            if pending is not None:
                pending.result()
        writers["contacts"].write_table(pa.concat_tables(dup_c))
        writers["events"].write_table(pa.concat_tables(dup_e), row_group_size=1 << 23)
        camp = _campaign_table(plan)
        pq.write_table(camp, tmp["campaigns"], **opts)
        counts["campaigns"] = camp.num_rows
        ok = True
    finally:
        pool.shutdown(wait=True)
        for w in writers.values():
            w.close()
        for t, p in tmp.items():
            if ok:
                os.replace(p, out / f"{t}.parquet")
            elif p.exists():
                p.unlink()
    return counts
