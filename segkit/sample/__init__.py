"""Realistic, correlated sample CRM data: contacts, events, campaigns and planted duplicates.

>>> from segkit.sample import generate, REFERENCE_TIME
>>> ds = generate(2_000, seed=0)
>>> ds.validate(now=REFERENCE_TIME).ok
True

- :func:`generate` builds a :class:`~segkit.Dataset` in memory;
- :func:`write_sample` streams the same data to Parquet in chunks (10 million contacts in
  minutes, bounded memory), with ``duplicates_truth.parquet`` (the planted duplicates);
- :func:`write_exports` writes messy HubSpot / Mailchimp CSV exports of some of the people.

Everything is deterministic per seed. All events lie in
``[REFERENCE_TIME - 730 days, REFERENCE_TIME]``; evaluate segments ``as_of=REFERENCE_TIME``.
See ``sample_data/README.md`` for the data dictionary and the planted correlations.
"""

from segkit.sample._campaigns import AB_WINNER_CAMPAIGN
from segkit.sample._chunk import DUP_KINDS, REFERENCE_TIME, WINDOW_DAYS
from segkit.sample._core import CHUNK_SIZE, duplicates_truth, generate, write_sample
from segkit.sample._exports import HUBSPOT_COLUMNS, MAILCHIMP_COLUMNS, write_exports
from segkit.sample._vocab import EVENT_TYPES

__all__ = [
    "AB_WINNER_CAMPAIGN",
    "CHUNK_SIZE",
    "DUP_KINDS",
    "EVENT_TYPES",
    "HUBSPOT_COLUMNS",
    "MAILCHIMP_COLUMNS",
    "REFERENCE_TIME",
    "WINDOW_DAYS",
    "duplicates_truth",
    "generate",
    "write_exports",
    "write_sample",
]
