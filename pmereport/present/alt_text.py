"""Text alternatives for charts (issue 6 item 2; WCAG 2.2 success criterion 1.1.1; the Analysis
Function's guidance on charts: every chart needs alt text naming what it shows, and the data behind
it should be available as a table).

``describe_figure`` reads what a matplotlib figure plots (axis labels, series names, number of
points) so the alt text follows the chart without anyone writing it by hand; ``svg_with_title``
puts the same text into the SVG file itself (``<title>`` and ``<desc>``) for the figures folder.
"""
from __future__ import annotations

import html
import re


def _axis_phrase(ax) -> str:
    x, y = ax.get_xlabel().strip(), ax.get_ylabel().strip()
    if x and y:
        return f"{y} by {x.lower() if x[:1].isupper() and not x[1:2].isupper() else x}"
    return y or x


def _series(ax) -> list[str]:
    legend = ax.get_legend()
    if legend is not None:
        return [t.get_text() for t in legend.get_texts() if t.get_text()]
    return [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]


def describe_figure(fig, title: str, period: str, source: str | None = None) -> str:
    """One or two sentences: the chart's title and period, what each panel plots against what, the
    series shown, and where the numbers are. E.g. "Chart: Open cases at each month end, Position at
    31 October 2026. Open cases (number) by month end; series: CME, PME, CME and PME."""
    parts = [f"Chart: {title}, {period}."]
    for ax in fig.axes:
        if not ax.get_visible() or not (ax.get_xlabel() or ax.get_ylabel()):
            continue  # colour bars, legends drawn as axes, empty panels
        phrase = _axis_phrase(ax)
        panel = ax.get_title().strip()
        series = _series(ax)
        text = (f"{panel}: " if panel else "") + phrase
        if series:
            text += "; series: " + ", ".join(series)
        parts.append(text[0].upper() + text[1:] + ".")
    if source:
        parts.append(f"Source: {source}.")
    parts.append("The figures are in the report's tables and in tables.xlsx.")
    return " ".join(parts)


SVG_OPEN = re.compile(rb"<svg\b[^>]*>")


def svg_with_title(svg: bytes, title: str, description: str) -> bytes:
    """``svg`` with ``<title>`` and ``<desc>`` as the first children of its root element (read by
    screen readers when the SVG file is opened or inlined)."""
    match = SVG_OPEN.search(svg)
    if match is None:
        raise ValueError("not an SVG document: no <svg> element")
    esc = html.escape
    insert = f"\n <title>{esc(title)}</title>\n <desc>{esc(description)}</desc>".encode("utf-8")
    return svg[:match.end()] + insert + svg[match.end():]


__all__ = ["describe_figure", "svg_with_title"]
