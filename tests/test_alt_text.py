"""Chart text alternatives: worked out from the chart itself, in the report's <img alt> and the SVG."""
import base64
import re

import pandas as pd

from pmereport.present.alt_text import describe_figure, svg_with_title
from pmereport.present.charts import line_chart
from pmereport.present.style import PALETTE, svg_bytes


def _chart():
    table = pd.DataFrame({"month_end": ["2026-08-31", "2026-09-30", "2026-10-31"], "CME": [89, 150, 212],
                          "PME": [643, 700, 823]})
    return line_chart(table, "month_end", {"CME": "CME", "PME": "PME"}, xlabel="Month end",
                      ylabel="Open cases (number)")


def test_alt_text_names_title_period_axes_and_series():
    fig = _chart()
    text = describe_figure(fig, "Open cases at each month end", "Position at 31 October 2026", "Case extract")
    assert text == ("Chart: Open cases at each month end, Position at 31 October 2026. "
                    "Open cases (number) by month end; series: CME, PME. Source: Case extract. "
                    "The figures are in the report's tables and in tables.xlsx.")


def test_svg_gets_title_and_desc_first():
    svg = svg_with_title(svg_bytes(_chart()), "Open <cases>", "A & B")
    root = re.search(rb"<svg\b[^>]*>\s*<title>([^<]*)</title>\s*<desc>([^<]*)</desc>", svg)
    assert root and root[1] == b"Open &lt;cases&gt;" and root[2] == b"A &amp; B"


def test_publish_figure_uses_alt_text(tmp_path):
    from pmereport.report import publish

    shown = []
    publish.start(tmp_path)
    original = publish._display
    publish._display = lambda mimetype, content, kind, name=None: shown.append(content)
    try:
        publish.publish_figure(_chart(), "trend", "Open cases", period="Position at 31 October 2026", source="s")
    finally:
        publish._display = original
        publish.start(None)
    alt = re.search(r'alt="([^"]*)"', shown[0])[1]
    assert alt.startswith("Chart: Open cases, Position at 31 October 2026. Open cases (number) by month end")
    svg = (tmp_path / "figures" / "trend.svg").read_bytes()
    assert b"<title>Open cases</title>" in svg
    assert base64.b64encode(svg).decode() in shown[0]  # the page shows the same file


def test_house_palette_is_the_analysis_function_categorical_palette():
    # Government Analysis Function, Data visualisation: colours (categorical, in order)
    assert PALETTE == ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
