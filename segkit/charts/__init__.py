"""Charts: pure functions from segkit results (small polars frames) to altair charts.

Each chart of a :mod:`segkit.analysis` result has that function's name::

    charts.profile(analysis.profile(seg, data, as_of=...))

Offline by default: call :func:`enable_offline` once in a notebook (the ``jupyter`` renderer,
which bundles Vega through anywidget) - altair's default renderer loads Vega from a CDN and shows
nothing without a network. :func:`to_svg` renders any chart to SVG locally (vl-convert).
"""

from segkit.charts.core import (
    attrition,
    enable_offline,
    field_quality,
    segment_sizes,
    size_history,
    to_svg,
)
from segkit.charts.explore import (
    activity,
    lifecycle_funnel,
    numeric_distribution,
    overlap,
    profile,
)

__all__ = [
    "activity",
    "attrition",
    "enable_offline",
    "field_quality",
    "lifecycle_funnel",
    "numeric_distribution",
    "overlap",
    "profile",
    "segment_sizes",
    "size_history",
    "to_svg",
]
