"""Compilers from the rule tree to query engines (polars today; SQL later)."""
