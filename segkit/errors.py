"""The exceptions segkit raises. Every message names where the problem is and what was expected."""

from __future__ import annotations


class SegkitError(Exception):
    """Base class of every error segkit raises on purpose."""


class DataError(SegkitError, ValueError):
    """A table or file does not have the shape segkit needs.

    ``table``, ``column``, ``rows`` (1-based data row numbers) and ``path`` say where.
    """

    def __init__(
        self,
        message: str,
        *,
        table: str | None = None,
        column: str | None = None,
        rows: list[int] | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.table = table
        self.column = column
        self.rows = rows or []
        self.path = path


class SegmentError(SegkitError, ValueError):
    """A segment document is invalid.

    ``path`` is the JSON path of the offending part (``rule.all[2].value``), ``expected`` what
    would have been valid, ``suggestions`` the closest known names for an unknown field.
    """

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        expected: str | None = None,
        suggestions: list[str] | None = None,
    ) -> None:
        self.path = path
        self.problem = problem
        self.expected = expected
        self.suggestions = list(suggestions or [])
        msg = f"{path}: {problem}"
        if expected:
            msg += f"; expected {expected}"
        if self.suggestions:
            msg += f" (did you mean {', '.join(repr(s) for s in self.suggestions)}?)"
        super().__init__(msg)
