"""Charts in the house style, drawn from tables that have already been through disclosure control.

A chart takes the published (suppressed) table, so that it cannot show what the table hides: a
cell holding a symbol (``c``, ``x``...) is left as a gap in the line or bar, and a note says so.
"""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from .style import PALETTE, new_figure
from .suppression import is_symbol

# gap between the axis and a suppressed bar's symbol: the width of one space in the house font
# (DejaVu Sans: space advance 651 of 2048 font units, at 11 pt: 651 / 2048 * 11 = 3.5 pt)
SYMBOL_GAP_POINTS = 3.5


def _numeric(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.map(lambda v: None if is_symbol(v) else v), errors="coerce")


def gap_note(table: pd.DataFrame, columns) -> str | None:
    """A sentence for the chart's caption when some values are not plotted."""
    hidden = int(sum(table[c].map(is_symbol).sum() for c in columns))
    if not hidden:
        return None
    return (f"{hidden} value{'s are' if hidden > 1 else ' is'} not shown "
            "(suppressed small numbers, marked c in the table).")


def line_chart(table: pd.DataFrame, x: str, series: Mapping[str, str], *, xlabel: str, ylabel: str,
               title: str | None = None, integer_axis: bool = True):
    """One line per ``series`` column (mapped to its legend label) against ``x``.

    Dates on ``x`` are labelled by month ("Oct 2026"). Symbols are gaps. The title is usually
    left to ``publish_figure``'s caption. Returns the matplotlib figure.
    """
    fig, ax = new_figure(title, xlabel=xlabel, ylabel=ylabel)
    dates = pd.to_datetime(table[x], errors="coerce")
    xs = dates.dt.strftime("%b %Y") if dates.notna().all() else table[x].astype(str)
    for (column, label), colour in zip(series.items(), PALETTE):
        ax.plot(xs, _numeric(table[column]), marker="o", markersize=4, linewidth=2,
                color=colour, label=label)
    ax.set_ylim(bottom=0)
    if integer_axis:
        ax.yaxis.get_major_locator().set_params(integer=True)
    if len(series) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.autofmt_xdate()
    return fig


def bar_chart(table: pd.DataFrame, category: str, value: str, *, xlabel: str, ylabel: str | None = None,
              title: str | None = None):
    """Horizontal bars of ``value`` by ``category`` (first row at the top).

    A symbol cell gets no bar but its symbol (e.g. ``c``) beside the axis, so it cannot be
    mistaken for a zero.
    """
    fig, ax = new_figure(title, xlabel=xlabel, ylabel=ylabel)
    values = _numeric(table[value])
    positions = range(len(table))
    ax.barh([p for p, v in zip(positions, values) if pd.notna(v)], values.dropna(), color=PALETTE[0])
    for p, raw in zip(positions, table[value]):
        if is_symbol(raw):
            # offset in points, not a leading space: SVG text drops leading spaces
            ax.annotate(str(raw), (0, p), xytext=(SYMBOL_GAP_POINTS, 0), textcoords="offset points",
                        va="center", ha="left")
    ax.set_yticks(list(positions), table[category].astype(str).tolist())
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    return fig


def thin_x_labels(fig, every: int = 3):
    """Keep every ``every``-th x tick label (counting back from the last, so the latest month is
    always labelled) and hide the others: a 24-month axis stays readable. Returns ``fig``."""
    ax = fig.axes[0]
    ticks = ax.xaxis.get_major_ticks()
    last = len(ticks) - 1
    for i, tick in enumerate(ticks):
        tick.label1.set_visible((last - i) % every == 0)
    return fig
