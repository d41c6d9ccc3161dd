"""Charts drawn from published tables leave suppressed cells out."""
import math

import matplotlib.pyplot as plt
import pandas as pd

from pmereport.present.charts import bar_chart, gap_note, line_chart


def table():
    return pd.DataFrame({"month_end": ["2026-08-31", "2026-09-30", "2026-10-31"], "CME": ["c", 12, 15],
                         "PME": [40, "c", 44]})


def test_suppressed_cells_are_gaps_not_zeros():
    fig = line_chart(table(), "month_end", {"CME": "CME", "PME": "PME"}, xlabel="Month end", ylabel="Cases (number)")
    cme, pme = fig.axes[0].get_lines()
    assert math.isnan(cme.get_ydata()[0]) and list(cme.get_ydata()[1:]) == [12, 15]
    assert math.isnan(pme.get_ydata()[1])
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["Aug 2026", "Sep 2026", "Oct 2026"]
    assert fig.axes[0].get_ylabel() == "Cases (number)"
    plt.close(fig)


def test_gap_note_counts_hidden_values():
    assert gap_note(table(), ["CME", "PME"]) == "2 values are not shown (suppressed small numbers, marked c in the table)."
    assert gap_note(table(), ["month_end"]) is None


def test_bar_chart_marks_suppressed_bars_with_their_symbol():
    fig = bar_chart(pd.DataFrame({"reason": ["A", "B", "C"], "share": [60.0, "c", 0.0]}), "reason", "share",
                    xlabel="Share (%)")
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [60.0, 0.0]  # A and C (a true zero); none for B
    assert [t.get_text() for t in ax.texts] == ["c"]
    symbol = ax.texts[0]
    assert symbol.xy == (0, 1)  # at the axis, on B's row (rows 0, 1, 2)
    # 3.5 pt to the right (a space in DejaVu Sans 11 pt: 651/2048 em * 11 = 3.5), not a leading
    # space, which SVG text would drop
    assert symbol.xyann == (3.5, 0) and symbol.anncoords == "offset points"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B", "C"]
    plt.close(fig)


def test_chart_text_is_svg_text_with_a_sans_serif_fallback():
    import re

    from pmereport.present.style import svg_bytes

    fig = bar_chart(pd.DataFrame({"reason": ["Moved away", "B"], "share": [60.0, "c"]}), "reason", "share",
                    xlabel="Share (%)")
    svg = svg_bytes(fig).decode("utf-8")
    plt.close(fig)
    # text stays text (WeasyPrint draws it faster than a path per glyph): labels are readable in the SVG
    assert ">Moved away</text>" in svg and ">Share (%)</text>" in svg and ">c</text>" in svg
    assert "DejaVuSans-" not in svg  # no glyph outlines (matplotlib names them e.g. DejaVuSans-4d)
    families = set(re.findall(r"font-family: ([^;\"]+)", svg))
    assert families == {"'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"}
