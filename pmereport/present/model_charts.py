"""Charts of models in the house style: a trend with its forecast band, a funnel plot, areas compared
over time, and the model diagnostics panel.

As in ``present.charts``, observed values come from published (suppressed) tables, so a chart
cannot show what a table hides; model output (fitted values, forecasts, limits) is not a count of
children and is drawn as it is. In a funnel plot each school's rate and size together give its
count, so schools with a small count (1 to ``suppress_below - 1``) are not plotted and the caption
says how many were left out (:func:`funnel_hidden_note`).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from ..models.funnel import FunnelResult, level_name
from ..models.trends import TrendFit, diagnostic_plot
from .charts import _numeric
from .style import GRID_COLOUR, HIGHLIGHT, PALETTE, TEXT_COLOUR, apply_house_style, new_figure

FORECAST_COLOUR = PALETTE[1]


def forecast_chart(observed: pd.DataFrame, x: str, value: str, forecast: pd.DataFrame, *, expected: str,
                   lower: str, upper: str, xlabel: str, ylabel: str, level: float = 0.95,
                   fitted: pd.Series | None = None):
    """Observed ``value`` by ``x`` (a published table: symbols are gaps), then the forecast's
    ``expected`` line and its ``lower``-``upper`` prediction band for the periods after it.
    ``fitted``: the model's fitted values for the observed periods (drawn thin), optional.
    Periods are categories in the order given (e.g. "Autumn 2024/25")."""
    fig, ax = new_figure(xlabel=xlabel, ylabel=ylabel)
    xs_obs = observed[x].astype(str).tolist()
    xs_fc = forecast[x].astype(str).tolist()
    ax.plot(xs_obs, _numeric(observed[value]), marker="o", markersize=4, linewidth=2, color=PALETTE[0],
            label="Observed")
    if fitted is not None:
        ax.plot(xs_obs, list(fitted), linewidth=1, linestyle=":", color=TEXT_COLOUR, label="Model fit")
    join_x, join_y = xs_obs[-1:], list(_numeric(observed[value]).iloc[-1:])
    ax.plot(join_x + xs_fc, join_y + list(forecast[expected]), linestyle="--", marker="o", markersize=4,
            linewidth=2, color=FORECAST_COLOUR, label="Forecast")
    if len(forecast) > 1:
        ax.fill_between(xs_fc, forecast[lower], forecast[upper], color=FORECAST_COLOUR, alpha=0.25, linewidth=0,
                        label=f"{level:.0%} prediction interval")
    else:  # one period: a band has no width, so an interval bar
        centre = forecast[expected].to_numpy()
        ax.errorbar(xs_fc, centre, yerr=[centre - forecast[lower].to_numpy(), forecast[upper].to_numpy() - centre],
                    fmt="none", ecolor=FORECAST_COLOUR, elinewidth=6, alpha=0.35, label=f"{level:.0%} prediction interval")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.tick_params(axis="x", labelsize=8)
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right", rotation_mode="anchor")
    return fig


def plotted_units(result: FunnelResult, suppress_below: int) -> pd.DataFrame:
    """The funnel's units that may be drawn: none with a count of 1 to ``suppress_below - 1``."""
    events = result.units["events"]
    return result.units[~((events > 0) & (events < suppress_below))]


def funnel_hidden_note(results, suppress_below: int, noun: str = "schools") -> str | None:
    """Caption note: how many units the funnel plot(s) leave out for having a small count
    (``results``: one FunnelResult or a dict of them)."""
    results = results.values() if isinstance(results, dict) else [results]
    hidden = sum(len(r.units) - len(plotted_units(r, suppress_below)) for r in results)
    if not hidden:
        return None
    return (f"{hidden} {noun if hidden > 1 else noun.rstrip('s')} with 1 to {suppress_below - 1} events "
            "not plotted (their rate and size would reveal a small number); they are included in the limits.")


def draw_funnel(ax, result: FunnelResult, *, suppress_below: int, labels: dict | None = None,
                xlabel: str = "Pupils on roll (January census)", ylabel: str = "Suspensions per 100 pupils"):
    """Funnel plot on ``ax`` in the house style: the overall rate, the limits of each level (dashed
    95%, dotted 99.8%), and the units (schools), with those above the widest upper limit labelled
    (``labels``: unit -> name, e.g. school names). Small counts are not plotted (see module)."""
    curve = result.curve()
    ax.axhline(result.target * result.per, color=TEXT_COLOUR, linewidth=1, label="Overall rate")
    for style, level in zip(["--", ":"], sorted(result.levels)):
        name = level_name(level)
        ax.plot(curve["size"], curve[f"upper_{name}"], linestyle=style, color="#777777", label=f"{name}% limits")
        ax.plot(curve["size"], curve[f"lower_{name}"], linestyle=style, color="#777777")
    units = plotted_units(result, suppress_below)
    widest = level_name(max(result.levels))
    high = units["rate"] > units[f"upper_{widest}"]
    ax.scatter(units.loc[~high, "size"], units.loc[~high, "rate"], s=20, color=PALETTE[0], zorder=3,
               label="Schools")
    ax.scatter(units.loc[high, "size"], units.loc[high, "rate"], s=28, color=HIGHLIGHT, zorder=4,
               label=f"Above the {widest}% limit")
    for _, row in units[high].iterrows():
        ax.annotate(str((labels or {}).get(row["unit"], row["unit"])), (row["size"], row["rate"]),
                    xytext=(4, 3), textcoords="offset points", fontsize=7, color=TEXT_COLOUR)
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(bottom=0)
    ax.grid(axis="x", visible=False)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def funnel_panels(results: dict, *, suppress_below: int, labels: dict | None = None,
                  ylabel: str = "Suspensions per 100 pupils"):
    """One funnel panel per group ({title: FunnelResult}, e.g. from ``models.funnel_groups``),
    stacked, with one legend."""
    apply_house_style()
    fig, axes = plt.subplots(len(results), 1, figsize=(7.0, 2.2 * len(results) + 0.5), squeeze=False)
    for ax, (title, result) in zip(axes[:, 0], results.items()):
        draw_funnel(ax, result, suppress_below=suppress_below, labels=labels, ylabel=ylabel,
                    xlabel="Pupils on roll (January census)")
        ax.set_title(title, fontsize=11)
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="upper center", ncol=3, fontsize=8, frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout()
    return fig


ROLE_STYLE = {  # role in metrics.comparators.compare_areas -> (colour, line width, marker)
    "Local authority": (PALETTE[0], 2.5, "o"),
    "Region": (PALETTE[1], 2.0, "s"),
    "England": (TEXT_COLOUR, 2.0, "^"),
    "Statistical neighbours (mean)": (PALETTE[2], 2.0, "D"),
}
NEIGHBOUR_MEAN_LABEL = "Neighbours' mean"
EACH_NEIGHBOUR_LABEL = "Each neighbour"


def comparison_chart(frame: pd.DataFrame, *, ylabel: str, xlabel: str = "Academic year", ax=None):
    """Areas over time from ``metrics.comparators.compare_areas``: the LA, region, England and
    neighbours' mean as bold lines, each neighbour as a thin grey line. Values DfE printed as a
    symbol are gaps. Draws on ``ax`` if given (for panels), else a new figure; returns the figure."""
    if ax is None:
        fig, ax = new_figure(xlabel=xlabel, ylabel=ylabel)
    else:
        fig = ax.figure
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    periods = sorted(frame["period"].unique())
    for i, (area, rows) in enumerate(frame[frame["role"] == "Statistical neighbour"].groupby("area", sort=True)):
        series = rows.set_index("period")["value"].reindex(periods)
        ax.plot(periods, series.values, color="#BBBBBB", linewidth=1, label=EACH_NEIGHBOUR_LABEL if i == 0 else None)
    for role, (colour, width, marker) in ROLE_STYLE.items():
        rows = frame[frame["role"] == role]
        if rows.empty:
            continue
        series = rows.set_index("period")["value"].reindex(periods)
        ax.plot(periods, series.values, color=colour, linewidth=width, marker=marker, markersize=4,
                label=NEIGHBOUR_MEAN_LABEL if role == "Statistical neighbours (mean)" else rows["area"].iloc[0])
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="x", labelsize=8)
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right", rotation_mode="anchor")
    return fig


def comparison_panels(frames: dict, *, ylabel: str, xlabel: str = "Academic year"):
    """Side-by-side :func:`comparison_chart` panels, one per indicator ({panel title: frame}),
    with one legend for all."""
    apply_house_style()
    fig, axes = plt.subplots(1, len(frames), figsize=(7.0, 4.2), squeeze=False)
    for ax, (title, frame) in zip(axes[0], frames.items()):
        comparison_chart(frame, ylabel=ylabel, xlabel=xlabel, ax=ax)
        ax.set_title(title, fontsize=11)
        ax.tick_params(axis="x", labelsize=7)
    handles, names = axes[0][0].get_legend_handles_labels()
    if EACH_NEIGHBOUR_LABEL in names:  # the grey lines are drawn first (underneath) but listed last
        i = names.index(EACH_NEIGHBOUR_LABEL)
        handles, names = handles[:i] + handles[i + 1:] + [handles[i]], names[:i] + names[i + 1:] + [names[i]]
    fig.legend(handles, names, loc="lower center", ncol=3, fontsize=8, frameon=False, bbox_to_anchor=(0.5, -0.12))
    fig.tight_layout()
    return fig


def residual_chart(fit: TrendFit, *, xlabel: str = "Period"):
    """The model diagnostics panel (``models.trends.diagnostic_plot``) in the house style: observed
    and fitted counts above, Pearson residuals below."""
    import matplotlib.dates as mdates

    apply_house_style()
    fig, axes = plt.subplots(2, 1, figsize=(7.0, 4.6), sharex=True)
    diagnostic_plot(axes, fit)
    if axes[0].get_legend() is not None:  # beside the panel, not over the points
        axes[0].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    for ax in axes:
        ax.grid(axis="y", color=GRID_COLOUR)
    axes[1].set_xlabel(xlabel)
    if pd.api.types.is_datetime64_any_dtype(fit.data[fit.spec["time"]]):
        axes[1].xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig
