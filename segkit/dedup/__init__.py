"""Record linkage for contacts: find the records that are the same person.

``find_duplicates(contacts)`` normalises, blocks, compares, fits a Fellegi-Sunter model by EM,
scores and clusters, and returns a :class:`DuplicateReport` (``pairs`` with per-field evidence,
``clusters``, ``review_queue()``, ``summary()``, ``explain(a, b)``).

Names are imported on first use, so ``import segkit.dedup`` (and the ``segkit`` command, which
registers ``segkit dedup``) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "find_duplicates": "segkit.dedup.find",
    "DuplicateReport": "segkit.dedup.report",
    "DedupSummary": "segkit.dedup.report",
    "DedupSettings": "segkit.dedup.settings",
    "FellegiSunter": "segkit.dedup.model",
    "ROLES": "segkit.dedup.roles",
    "infer_roles": "segkit.dedup.roles",
    "LEVELS": "segkit.dedup.compare",
}

__all__ = [
    "LEVELS",
    "ROLES",
    "DedupSettings",
    "DedupSummary",
    "DuplicateReport",
    "FellegiSunter",
    "find_duplicates",
    "infer_roles",
]

if TYPE_CHECKING:  # pragma: no cover
    from segkit.dedup.compare import LEVELS as LEVELS
    from segkit.dedup.find import find_duplicates as find_duplicates
    from segkit.dedup.model import FellegiSunter as FellegiSunter
    from segkit.dedup.report import DedupSummary as DedupSummary
    from segkit.dedup.report import DuplicateReport as DuplicateReport
    from segkit.dedup.roles import ROLES as ROLES
    from segkit.dedup.roles import infer_roles as infer_roles
    from segkit.dedup.settings import DedupSettings as DedupSettings


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'segkit.dedup' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
