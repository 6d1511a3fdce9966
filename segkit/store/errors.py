"""Errors raised by the workspace store."""

from __future__ import annotations

from segkit.errors import SegkitError


class WorkspaceError(SegkitError):
    """A workspace folder is missing, of an unknown format, or cannot do what was asked."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class WorkspaceConflict(WorkspaceError):
    """Another writer committed first; nothing of this write is visible.

    ``base`` is the version this Workspace object had read, ``head`` the version found at commit
    time. Retry with ``ws.reload()`` (or ``Workspace.open`` again) and run the operation again.
    """

    def __init__(self, message: str, *, path: str | None = None, base: int | None = None,
                 head: int | None = None) -> None:  # fmt: skip
        super().__init__(message, path=path)
        self.base = base
        self.head = head
