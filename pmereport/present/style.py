"""The house style for charts, and figure output that is the same byte for byte on every run.

Colours: the Analysis Function's categorical palette (Government Analysis Function, "Data
visualisation: colours", 2022: dark blue, turquoise, dark pink, orange, dark grey, light purple, in
that order), chosen for contrast against white and for the common colour-vision deficiencies; use
no more colours than a chart needs. Fonts are large enough to read on a printed A4 page. Figures are
written as SVG with a fixed ``svg.hashsalt`` (matplotlib otherwise makes random element ids) and no
``Date`` metadata, so identical data give identical report.html and report.pdf (DESIGN.md section 3,
"Determinism").

Chart text is SVG text in DejaVu Sans (``svg.fonttype: none``), not a path per glyph: measured on
the county monthly pack, WeasyPrint drew the charts in 0.65 CPU-s with glyph paths and 0.42 s
with text (bench/RESULTS-pack-notes.md, "PDF rendering"), the SVGs are 40% smaller and the chart
text can be selected and read out in the PDF. WeasyPrint and browsers draw it with the installed
DejaVu Sans (the font matplotlib measured it with, from its own copy); where DejaVu Sans is missing
they use the next font of ``SVG_FONT_FAMILY`` (Liberation Sans or Arial: narrower, so labels
still fit), never a serif default.
"""
from __future__ import annotations

import base64
import io

import matplotlib
import matplotlib.pyplot as plt

PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
HIGHLIGHT = PALETTE[3]  # orange: a point to draw the eye to (e.g. outside a funnel limit)
TEXT_COLOUR = "#222222"
GRID_COLOUR = "#DDDDDD"
FIGURE_SIZE = (7.0, 3.8)  # inches: fits an A4 text block (about 17 cm wide)

HOUSE_RC = {
    "figure.figsize": FIGURE_SIZE,
    "figure.dpi": 100,
    "font.family": "DejaVu Sans",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 11,
    "axes.edgecolor": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": GRID_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "legend.frameon": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "pmereport",
}
CHART_FONT = HOUSE_RC["font.family"]
SVG_FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"  # what the SVG text asks for


def apply_house_style() -> None:
    """Set the house style for every chart drawn after this call (matplotlib and seaborn)."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", palette=PALETTE, rc=HOUSE_RC)
    plt.rcParams.update(HOUSE_RC)


def new_figure(title: str | None = None, *, xlabel: str | None = None, ylabel: str | None = None,
               size: tuple[float, float] = FIGURE_SIZE):
    """A figure and axes in the house style, with title and axis labels (give the units)."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=size)
    if title:
        ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    return fig, ax


def svg_bytes(fig) -> bytes:
    """The figure as SVG bytes, identical for identical figures (fixed ids, no date); text as SVG
    text in the house font, with fallbacks for readers that do not have it."""
    with matplotlib.rc_context({"svg.hashsalt": "pmereport", "svg.fonttype": "none"}):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue().replace(f"font-family: '{CHART_FONT}'".encode(),
                                     f"font-family: {SVG_FONT_FAMILY}".encode())


def svg_data_uri(svg: bytes) -> str:
    """An ``<img src>`` value embedding the SVG in the page (self-contained HTML)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
