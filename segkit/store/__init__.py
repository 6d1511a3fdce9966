"""A persistent contact store on Delta Lake: :class:`Workspace`.

The folder layout is documented in :data:`LAYOUT`; presets in :mod:`segkit.store.presets`.
"""

from segkit.store._journal import FORMAT_VERSION, Commit
from segkit.store._journal import LAYOUT_DOC as LAYOUT
from segkit.store.errors import WorkspaceConflict, WorkspaceError
from segkit.store.presets import PRESETS, Preset
from segkit.store.reports import ExportReport, ImportReport, SegmentChanges
from segkit.store.workspace import Workspace

__all__ = [
    "FORMAT_VERSION",
    "LAYOUT",
    "PRESETS",
    "Commit",
    "ExportReport",
    "ImportReport",
    "Preset",
    "SegmentChanges",
    "Workspace",
    "WorkspaceConflict",
    "WorkspaceError",
]
