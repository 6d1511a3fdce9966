"""The one HTML table every result and widget uses to show a frame."""

import polars as pl

from segkit import _html


def test_table_escapes_blanks_nulls_joins_lists_and_counts_the_rest():
    df = pl.DataFrame({"name": ["<b>Ann</b>", None, "Bo", "Cy"],
                       "tags": [["a", "b"], [], None, ["c"]]})
    out = _html.table(df, limit=2)
    assert out.startswith("<table><thead><tr><th>name</th><th>tags</th></tr></thead>")
    assert "<td>&lt;b&gt;Ann&lt;/b&gt;</td><td>a, b</td>" in out
    assert "<tr><td></td><td></td></tr>" in out  # a null and an empty list: blank
    assert "Bo" not in out and out.endswith("<p><small>... 2 more</small></p>")
    assert _html.table(df, attrs=_html.STYLED).startswith(f"<table {_html.STYLED}>")
    assert "more" not in _html.table(df)
