"""Funnel plots: each school's rate against its size, with control limits around the overall rate.

Following Spiegelhalter (2005), "Funnel plots for comparing institutional performance", Stat Med
24:1185-1202, and "Handling over-dispersion of performance indicators", Qual Saf Health Care
14:347-351, as NHS-R's FunnelPlotR implements them. Schools above the upper limit are "schools with
high rates referred to lead officers" (Leicestershire PME framework). One function serves any
events-over-size measure: suspensions per pupil (a Poisson ``rate``: a pupil can have several),
pupils with one or more suspensions, or pupils on a reduced timetable per pupil on roll (a
``proportion``).

Limits at size n around the target theta (by default total events / total size):
* ``normal``: theta +/- z sqrt(theta (1 - theta) / n) for a proportion, theta +/- z sqrt(theta / n)
  for a rate (z = 1.96 for 95%, 3.09 for 99.8%); clipped to [0, 1] / [0, inf).
* ``exact``: the binomial (or Poisson with mean theta n) quantile r_p, interpolated as in
  Spiegelhalter (2005, appendix): alpha = (F(r_p) - p) / (F(r_p) - F(r_p - 1)), limit = (r_p - alpha) / n.

Overdispersion (when schools differ more than chance allows): z-scores on a variance-stabilising
scale (arcsine square root for a proportion, square root for a rate; s = 1 / (2 sqrt(n))), winsorised
at the 10th and 90th percentiles (FunnelPlotR's default), give phi = mean(z^2).
* ``multiplicative``: the variance is inflated by phi (when phi > 1): theta +/- z sqrt(phi V / n).
* ``additive`` (random effects): tau^2 = max(0, (k phi - (k - 1)) / (sum w - sum w^2 / sum w)),
  w = 1 / s^2, and limits target' +/- z sqrt(s^2 + tau^2) on the transformed scale, transformed back.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

DATA_TYPES = ("proportion", "rate")
METHODS = ("normal", "exact")
OVERDISPERSION = (None, "multiplicative", "additive")


def level_name(level: float) -> str:
    """'95' for 0.95, '99.8' for 0.998: the suffix of limit columns."""
    return f"{100 * level:g}"


@dataclass
class FunnelResult:
    """Per-unit rates, z-scores and limits at each unit's own size, plus the settings to draw the funnel."""

    units: pd.DataFrame
    target: float             # on the events-per-unit-size scale (not multiplied by ``per``)
    per: float
    data_type: str
    method: str
    overdispersion: str | None
    levels: tuple
    phi: float
    tau2: float

    def limits(self, sizes) -> pd.DataFrame:
        """Limits (per ``per``) at the given sizes: columns size, lower_<level>, upper_<level>."""
        sizes = np.asarray(sizes, dtype=float)
        out = pd.DataFrame({"size": sizes})
        for level in self.levels:
            lower, upper = _limits(self.target, sizes, level, self.data_type, self.method, self.overdispersion,
                                   self.phi, self.tau2)
            out[f"lower_{level_name(level)}"], out[f"upper_{level_name(level)}"] = lower * self.per, upper * self.per
        return out

    def curve(self, points: int = 200) -> pd.DataFrame:
        """The funnel's limits over a grid of sizes from the smallest to the largest unit."""
        low, high = self.units["size"].min(), self.units["size"].max()
        sizes = np.unique(np.round(np.geomspace(max(low * 0.8, 1), high * 1.1, points)))
        return self.limits(sizes)


def _transform(values, data_type):
    values = np.clip(np.asarray(values, dtype=float), 0, None)
    return np.arcsin(np.sqrt(np.clip(values, 0, 1))) if data_type == "proportion" else np.sqrt(values)


def _untransform(values, data_type):
    if data_type == "proportion":
        return np.sin(np.clip(values, 0, np.pi / 2)) ** 2
    return np.clip(values, 0, None) ** 2


def _variance(theta, data_type):
    return theta * (1 - theta) if data_type == "proportion" else theta


def _exact(theta, sizes, p, data_type):
    """Spiegelhalter (2005) appendix: interpolated binomial / Poisson quantile, divided by size."""
    out = np.empty(len(sizes))
    for i, n in enumerate(sizes):
        dist = stats.binom(int(round(n)), theta) if data_type == "proportion" else stats.poisson(theta * n)
        r = dist.ppf(p)
        cdf_r, cdf_below = dist.cdf(r), dist.cdf(r - 1)
        alpha = (cdf_r - p) / (cdf_r - cdf_below) if cdf_r > cdf_below else 0.0
        out[i] = (r - alpha) / n
    return out


def _limits(theta, sizes, level, data_type, method, overdispersion, phi, tau2):
    sizes = np.asarray(sizes, dtype=float)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    if overdispersion == "additive":
        s = 1 / (2 * np.sqrt(sizes))
        centre, half = _transform(theta, data_type), z * np.sqrt(s ** 2 + tau2)
        return _untransform(centre - half, data_type), _untransform(centre + half, data_type)
    if method == "exact" and overdispersion is None:
        p = (1 - level) / 2
        lower, upper = _exact(theta, sizes, p, data_type), _exact(theta, sizes, 1 - p, data_type)
    else:
        inflate = phi if overdispersion == "multiplicative" and phi > 1 else 1.0
        half = z * np.sqrt(inflate * _variance(theta, data_type) / sizes)
        lower, upper = theta - half, theta + half
    lower = np.clip(lower, 0, None)
    if data_type == "proportion":
        upper = np.clip(upper, None, 1)
    return lower, upper


def winsorised_phi(z, trim: float = 0.1) -> float:
    """Mean of squared z-scores after winsorising at the ``trim`` and 1 - ``trim`` quantiles."""
    z = np.asarray(z, dtype=float)
    if trim > 0:
        low, high = np.quantile(z, [trim, 1 - trim])
        z = np.clip(z, low, high)
    return float(np.mean(z ** 2))


def additive_tau2(phi: float, sizes) -> float:
    """DerSimonian-Laird style between-unit variance on the transformed scale (Spiegelhalter 2005)."""
    w = 4 * np.asarray(sizes, dtype=float)   # 1 / s^2, s = 1 / (2 sqrt(n))
    k = len(w)
    return float(max(0.0, (k * phi - (k - 1)) / (w.sum() - (w ** 2).sum() / w.sum())))


def funnel(frame: pd.DataFrame, events: str, size: str, unit: str = "school_urn", data_type: str = "rate",
           target: float | None = None, levels=(0.95, 0.998), method: str = "normal",
           overdispersion: str | None = None, trim: float = 0.1, per: float = 100) -> FunnelResult:
    """Funnel limits for ``events`` / ``size`` per ``unit`` (e.g. suspensions per 100 pupils per school).

    Returns a :class:`FunnelResult` whose ``units`` has columns unit, events, size, rate (per ``per``),
    z (on the transformed scale, against the adjusted spread when overdispersion is additive),
    lower_<level>, upper_<level> at the unit's own size, and ``position``: "above 99.8%",
    "above 95%", "within", "below 95%" or "below 99.8%". Units with size 0 are refused.
    ``target``: the benchmark (e.g. the England rate, as a fraction: per 1, not per 100).
    """
    if data_type not in DATA_TYPES or method not in METHODS or overdispersion not in OVERDISPERSION:
        raise ValueError(f"data_type in {DATA_TYPES}, method in {METHODS}, overdispersion in {OVERDISPERSION}")
    data = frame[[unit, events, size]].rename(columns={unit: "unit", events: "events", size: "size"})
    bad = data["size"].isna() | (data["size"] <= 0) | data["events"].isna() | (data["events"] < 0)
    if bad.any():
        row = data[bad].iloc[0]
        raise ValueError(f"unit {row['unit']}: {size} must be positive and {events} a count (got "
                         f"{row['size']}, {row['events']})")
    if data_type == "proportion" and (data["events"] > data["size"]).any():
        row = data[data["events"] > data["size"]].iloc[0]
        raise ValueError(f"unit {row['unit']}: {events} exceeds {size}; use data_type='rate'")
    data = data.astype({"events": float, "size": float}).reset_index(drop=True)
    theta = float(data["events"].sum() / data["size"].sum()) if target is None else float(target)
    fraction = data["events"] / data["size"]
    s = 1 / (2 * np.sqrt(data["size"]))
    z_raw = (_transform(fraction, data_type) - _transform(theta, data_type)) / s
    phi = winsorised_phi(z_raw, trim) if overdispersion else 1.0
    tau2 = additive_tau2(phi, data["size"]) if overdispersion == "additive" else 0.0
    if overdispersion == "additive":
        z = (_transform(fraction, data_type) - _transform(theta, data_type)) / np.sqrt(s ** 2 + tau2)
    elif overdispersion == "multiplicative" and phi > 1:
        z = z_raw / np.sqrt(phi)
    else:
        z = z_raw
    result = FunnelResult(pd.DataFrame(), theta, per, data_type, method, overdispersion, tuple(levels), phi, tau2)
    units = data.assign(rate=fraction * per, z=np.asarray(z))
    units = pd.concat([units, result.limits(data["size"]).drop(columns="size")], axis=1)
    units["position"] = _positions(units, levels)
    result.units = units
    return result


def _positions(units: pd.DataFrame, levels) -> pd.Series:
    position = pd.Series("within", index=units.index)
    for level in sorted(levels):   # widest last, so it wins
        name = level_name(level)
        position[units["rate"] > units[f"upper_{name}"]] = f"above {name}%"
        position[units["rate"] < units[f"lower_{name}"]] = f"below {name}%"
    return position


def units_above(result: FunnelResult, level: float = 0.998) -> pd.DataFrame:
    """Units above the upper limit at ``level`` (highest z first): the schools to refer to lead
    officers (Leicestershire PME framework)."""
    units = result.units
    above = units[units["rate"] > units[f"upper_{level_name(level)}"]]
    return above.sort_values("z", ascending=False).reset_index(drop=True)


def funnel_plot(ax, result: FunnelResult, label_units: bool = True, xlabel: str = "Pupils (January census)",
                ylabel: str = "Rate per 100 pupils"):
    """Plain funnel plot on ``ax``: points, the target line and dashed limits per level, with units
    above the widest upper limit labelled. House styling is left to the presentation layer."""
    curve = result.curve()
    ax.axhline(result.target * result.per, color="black", linewidth=1, label="Overall rate")
    styles = ["--", ":", "-."]
    for style, level in zip(styles, sorted(result.levels)):
        name = level_name(level)
        ax.plot(curve["size"], curve[f"upper_{name}"], linestyle=style, color="grey", label=f"{name}% limits")
        ax.plot(curve["size"], curve[f"lower_{name}"], linestyle=style, color="grey")
    units = result.units
    ax.scatter(units["size"], units["rate"], s=18, color="tab:blue", zorder=3, label="Schools")
    if label_units:
        for _, row in units_above(result, max(result.levels)).iterrows():
            ax.annotate(str(row["unit"]), (row["size"], row["rate"]), xytext=(4, 4), textcoords="offset points",
                        fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper right", fontsize=8)
    return ax
