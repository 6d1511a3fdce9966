"""Fixtures of the deduplication suite."""

from __future__ import annotations


