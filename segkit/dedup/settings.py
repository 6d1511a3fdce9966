"""``DedupSettings``: everything :func:`~segkit.dedup.find_duplicates` decides, as plain data.

Settings round-trip through ``to_dict`` / ``from_dict`` (with a ``version``), so a run can be
repeated exactly. ``str(settings)`` prints the comparison roles, blocking passes and
thresholds, which is what ``report.settings`` shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from segkit.dedup.roles import ROLES
from segkit.errors import DataError

SETTINGS_VERSION = 1

# Sort keys for large blocks, by role, in order of preference.
_SORT_PREFERENCE = ("last_name", "name", "first_name", "company", "email", "address",
                    "birth_date", "phone")  # fmt: skip


def _first(fields: Mapping[str, str], role: str) -> str | None:
    return next((c for c, r in fields.items() if r == role), None)


def default_blocking(fields: Mapping[str, str]) -> list[dict[str, Any]]:
    """Blocking passes for the roles present (the first column of each role is used).

    Every pass is either selective on its own (an email, a phone) or sorted-neighbourhood
    bounded when its blocks grow large, so together they stay near-linear.
    """
    col = {role: _first(fields, role) for role in ROLES}

    def sort_for(*exclude: str | None) -> str | None:
        for role in _SORT_PREFERENCE:
            c = col[role]
            if c is not None and c not in exclude:
                return c
        return None

    passes: list[dict[str, Any]] = []

    def add(on: list[str], sort: str | None = None) -> None:
        passes.append({"on": on, "sort": sort})

    if col["email"]:
        add([col["email"]])
        add([f"{col['email']}~local"], sort_for(col["email"]))
    if col["phone"]:
        add([col["phone"]])
    first, last, full = col["first_name"], col["last_name"], col["name"]
    if last:
        add([last], f"{first}~nick" if first else sort_for(last))
        if first:
            add([f"{first}~nick"], last)
            add([f"{last}~soundex", f"{first}~initial"], first)
            add([f"{first}~unordered"], sort_for(first, last))  # swapped first/last names
    if full:
        add([f"{full}~sorted"], sort_for(full))
    if col["birth_date"]:
        add([col["birth_date"]], sort_for(col["birth_date"]))
    if col["postal_code"]:
        add([col["postal_code"]], sort_for(col["postal_code"]))
    if col["address"]:
        add([col["address"]], sort_for(col["address"]))
    if col["company"] and (last or full):
        add([col["company"], f"{last or full}~soundex"], sort_for(col["company"]))
    if not passes:  # only generic or place fields: block on each text field
        for c, r in fields.items():
            if r in ("text", "exact", "city", "company", "state", "country"):
                add([c], sort_for(c))
    return passes


@dataclass(frozen=True)
class DedupSettings:
    """How contacts are compared, blocked, scored and clustered.

    ``fields`` maps column -> role (see :data:`segkit.dedup.roles.ROLES`). ``threshold`` is
    the match probability from which a pair is merged automatically; pairs from
    ``review_threshold`` up to it go to the review queue. In a cluster of three or more, every
    pair of members must reach ``min_cluster_score``. A pair with ``identity_guard`` or more
    identity fields (first name, full name, email, birth date) present on both sides, all of
    them different, is never merged automatically (a household or colleagues); 0 turns that off. ``blocking`` lists passes
    ``{"on": [key parts], "sort": key part}``; None means :func:`default_blocking`.
    """

    fields: Mapping[str, str] = field(default_factory=dict)
    threshold: float = 0.99
    review_threshold: float = 0.5
    min_cluster_score: float = 0.5
    identity_guard: int = 2
    blocking: tuple[Mapping[str, Any], ...] | None = None
    max_block_size: int = 20
    window: int = 3
    phone_region: str | None = None
    max_em_iterations: int = 200
    inferred: bool = False
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", dict(self.fields))
        if self.blocking is not None:
            object.__setattr__(
                self, "blocking",
                tuple({"on": list(p["on"]), "sort": p.get("sort")} for p in self.blocking),
            )  # fmt: skip
        for name in ("threshold", "review_threshold", "min_cluster_score"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise DataError(f"{name} must be a probability in [0, 1], got {v!r}")
        if self.review_threshold > self.threshold:
            raise DataError(
                f"review_threshold ({self.review_threshold}) must not exceed threshold "
                f"({self.threshold})"
            )
        if self.max_block_size < 2 or self.window < 1:
            raise DataError("max_block_size must be >= 2 and window >= 1")

    def replace(self, **changes: Any) -> DedupSettings:
        """A copy with some settings changed (settings never mutate)."""
        return replace(self, **changes)

    @property
    def passes(self) -> list[dict[str, Any]]:
        """The blocking passes in force."""
        if self.blocking is not None:
            return [dict(p) for p in self.blocking]
        return default_blocking(self.fields)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["fields"] = dict(self.fields)
        d["blocking"] = None if self.blocking is None else [dict(p) for p in self.blocking]
        d["notes"] = list(self.notes)
        return {"version": SETTINGS_VERSION, **d}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DedupSettings:
        data = dict(data)
        version = data.pop("version", SETTINGS_VERSION)
        if version != SETTINGS_VERSION:
            raise DataError(f"dedup settings version {version!r} is not supported "
                            f"(expected {SETTINGS_VERSION})")  # fmt: skip
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise DataError(f"dedup settings: unknown key(s) {', '.join(unknown)}")
        if data.get("notes") is not None:
            data["notes"] = tuple(data["notes"])
        if data.get("blocking") is not None:
            data["blocking"] = tuple(data["blocking"])
        return cls(**data)

    def __str__(self) -> str:
        how = "inferred from column names" if self.inferred else "given"
        lines = [f"Duplicate finding settings (fields {how}):"]
        width = max((len(c) for c in self.fields), default=4)
        for column, role in self.fields.items():
            lines.append(f"  {column:<{width}}  {role:<12} {ROLES[role]}")
        lines.append("Blocking passes (candidate pairs share the key):")
        for p in self.passes:
            sort = f"   [blocks over {self.max_block_size}: next {self.window} by {p['sort']}]" if p.get("sort") else ""  # fmt: skip
            lines.append(f"  {' + '.join(p['on'])}{sort}")
        lines.append(
            f"Auto-merge from match probability {self.threshold:g}; review from "
            f"{self.review_threshold:g}; every pair in a cluster >= {self.min_cluster_score:g}"
        )
        if self.identity_guard:
            lines.append(f"Never merged automatically: pairs whose identity fields (at least "
                         f"{self.identity_guard} present) all differ")  # fmt: skip
        if self.phone_region:
            lines.append(f"Phones without a country code are read as {self.phone_region}")
        lines.extend(f"Note: {n}" for n in self.notes)
        return "\n".join(lines)
