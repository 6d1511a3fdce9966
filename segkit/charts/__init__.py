"""Charts: pure functions from segkit results (polars frames) to ``altair.Chart``.

Offline by default: call :func:`enable_offline` once in a notebook (the ``jupyter`` renderer,
which bundles Vega through anywidget) - altair's default renderer loads Vega from a CDN and shows
nothing without a network.
"""

from segkit.charts.core import attrition, enable_offline, segment_sizes

__all__ = ["attrition", "enable_offline", "segment_sizes"]
