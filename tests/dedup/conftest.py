"""segkit.dedup needs rapidfuzz and phonenumbers (runtime dependencies of segkit). Until an
environment has them the dedup suite is skipped with that reason, shown by ``pytest -ra``."""

from __future__ import annotations


