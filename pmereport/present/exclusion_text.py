"""Sentences for the exclusions section, written from published tables and fitted models.

Counts and rates come from ``PublishedTable`` rows (already suppressed and rounded), so a sentence
cannot print what its table hides. Model sentences (which model and why, the yearly trend, the
funnel's overdispersion) come from the fit itself, so they change when the data do.
"""
from __future__ import annotations

from ..models.trends import TrendFit, rate_ratios
from .narrative import count_text
from .rounding import format_number, round_half_up
from .suppression import is_symbol
from .tables import PublishedTable


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {round_half_up(p, 3):.3f}"


def model_choice_sentence(fit: TrendFit, what: str = "termly suspension counts") -> str:
    """Which model the overdispersion test chose, and why, in words."""
    test = fit.overdispersion
    spread = (f"The {what} vary more than a Poisson model allows" if test.overdispersed
              else f"The {what} vary no more than a Poisson model allows")
    evidence = (f"(Pearson dispersion {test.pearson_dispersion:.2f}, where 1 means Poisson variation; "
                f"Cameron-Trivedi test {_p_text(test.p_value)})")
    if "chosen by the analyst" in fit.reason:
        return f"{spread} {evidence}; the {fit.family} model was chosen by the analyst."
    if test.overdispersed:
        return (f"{spread} {evidence}, so a negative binomial model was used (dispersion alpha = "
                f"{fit.alpha:.3g}); its forecast intervals are wider than a Poisson model's would be.")
    return f"{spread} {evidence}, so a Poisson model was used."


def yearly_trend_sentence(fit: TrendFit, what: str = "the suspension rate", when: str = "Over the period modelled") -> str:
    """The fitted yearly trend as a percentage change a year with its 95% confidence interval."""
    row = rate_ratios(fit).set_index("term").loc["trend (per year)"]
    change = 100 * (row["rate_ratio"] - 1)
    low, high = 100 * (row["lower"] - 1), 100 * (row["upper"] - 1)
    direction = "rose" if change > 0 else "fell"
    clear = not (row["lower"] <= 1 <= row["upper"])
    verdict = ("a clear trend" if clear else "not clearly different from no change")
    season = " after allowing for the usual differences between terms" if fit.spec.get("season") else ""
    return (f"{when}, {what} {direction} by about {format_number(abs(change), 1)}% a year"
            f"{season} (95% confidence interval {format_number(low, 1)}% to {format_number(high, 1)}%): "
            f"{verdict}.")


def annual_summary(table: PublishedTable, year_column: str = "academic_year") -> str:
    """The latest year's suspensions and permanent exclusions, rates, and change from the year before,
    from the published annual table (columns susp, susp_rate, perm_excl, perm_excl_rate and the
    ``_change`` columns of ``metrics.exclusion_periods.with_change``)."""
    frame = table.to_frame()
    last = frame.iloc[-1]
    previous = frame.iloc[-2] if len(frame) > 1 else None
    parts = []
    for count, rate, noun in [("susp", "susp_rate", "suspension"), ("perm_excl", "perm_excl_rate",
                                                                     "permanent exclusion")]:
        value, per = last[count], last[rate]
        text = count_text(value, noun)
        if not is_symbol(per):
            text += f" ({format_number(per, 2)} per 100 pupils"
            change = last.get(f"{rate}_change")
            if previous is not None and change is not None and not is_symbol(change) and not is_symbol(previous[rate]):
                if change == 0:
                    text += f", the same as in {previous[year_column]}"
                else:
                    text += (f", {'up' if change > 0 else 'down'} {format_number(abs(change), 2)} from "
                             f"{format_number(previous[rate], 2)} in {previous[year_column]}")
            text += ")"
        parts.append(text)
    hidden = " " + "Numbers not disclosed are suppressed to protect the pupils concerned." if any(
        is_symbol(last[c]) for c in ("susp", "perm_excl")) else ""
    return f"In {last[year_column]} there were {parts[0]} and {parts[1]}.{hidden}"


def forecast_sentence(forecast_table: PublishedTable, label_column: str = "label") -> str:
    """The first forecast period's expected rate and prediction interval (published forecast table
    with columns expected_rate, pi_rate_lower, pi_rate_upper)."""
    first = forecast_table.to_frame().iloc[0]
    return (f"If the trend continues, the model expects about {format_number(first['expected_rate'], 2)} "
            f"suspensions per 100 pupils in {first[label_column]}, and 95% of outcomes between "
            f"{format_number(first['pi_rate_lower'], 2)} and {format_number(first['pi_rate_upper'], 2)} "
            "(the headcount of the latest January census carried forward).")


def rate_ratio_sentence(table: PublishedTable, reference_label: str, what: str = "suspended") -> str:
    """The largest rate ratio of a characteristics table (columns label, rate_ratio, lower, upper)."""
    frame = table.to_frame()
    others = frame[frame["label"] != reference_label]
    others = others[~others["rate_ratio"].map(is_symbol)]
    if others.empty:
        return "No rate ratio could be shown."
    top = others.loc[others["rate_ratio"].astype(float).idxmax()]
    return (f"Pupils in the group \"{top['label']}\" were {what} at {format_number(top['rate_ratio'], 1)} "
            f"times the rate of those in \"{reference_label}\" (95% confidence interval "
            f"{format_number(top['lower'], 1)} to {format_number(top['upper'], 1)}, all years modelled, "
            "allowing for the yearly trend).")


def england_sentence(frame, overlap: bool, la_name: str, source_years: str) -> str:
    """The LA's suspension rate against England (``metrics.benchmarks.england_benchmark``), saying
    plainly when the years differ."""
    row = frame.iloc[-1]
    la, england = format_number(row["la"], 2), format_number(row["england"], 2)
    if overlap:
        side = "above" if row["la"] > row["england"] else "below" if row["la"] < row["england"] else "the same as"
        return (f"In {row['academic_year']} {la_name}'s suspension rate was {la} per 100 pupils, {side} "
                f"England's published {england}.")
    gap = int(str(row["academic_year"])[:4]) - int(str(row["england_year"])[:4])
    return (f"The published file covers {source_years}; this report's data do not overlap those years, so "
            f"England's figure shown is for the latest year available, {row['england_year']} ({england} "
            f"suspensions per 100 pupils), beside {la_name}'s {la} in {row['academic_year']}. It is a "
            f"reference point, not a like-for-like comparison: the two years are {gap} years apart, and "
            "national rates move from year to year.")


def funnel_sentence(results: dict, year: str, skipped: list[str] = ()) -> str:
    """Per group of schools ({name: FunnelResult}): the overall rate, how many schools are above
    the 95% and 99.8% upper limits, and the overdispersion adjustment."""
    parts = []
    for name, result in results.items():
        units = result.units
        above_95 = int((units["rate"] > units["upper_95"]).sum())
        above_998 = int((units["position"] == "above 99.8%").sum())
        high = ("none above the 95% upper limit" if above_95 == 0 else
                f"{above_95} above the 95% upper limit, {'none' if above_998 == 0 else above_998} of them above the "
                "99.8% limit")
        chance = round_half_up(len(units) * (1 - 0.95) / 2)  # 2.5% of schools lie above a 95% limit by chance
        parts.append(f"{name} ({len(units)} schools): {format_number(result.target * result.per, 2)} suspensions "
                     f"per 100 pupils overall; {high} (chance alone would put about {chance} above it)")
    text = f"In {year}, each group of schools is compared with its own overall rate. " + "; ".join(parts) + "."
    adjusted = {name: r for name, r in results.items() if r.overdispersion}
    if adjusted:
        factors = ", ".join(f"{name.lower()} {r.phi:.1f} (limits {'' if _widened(r) else 'not '}widened)"
                            for name, r in adjusted.items())
        method = next(iter(adjusted.values())).overdispersion
        text += (f" Overdispersion factor, where above 1 means schools differ more than chance alone would make "
                 f"them: {factors}; {method} method.")
    if any(int((r.units["rate"] > r.units["upper_95"]).sum()) for r in results.values()):
        text += (" A rate above the 99.8% limit is very unlikely to be chance alone; schools with high rates are "
                 "referred to lead officers (Leicestershire PME framework).")
    if skipped:
        text += " Not plotted: " + "; ".join(skipped) + "."
    return text


def _widened(result) -> bool:
    """Did the overdispersion adjustment widen the limits (models.funnel: additive only when tau2 > 0,
    multiplicative only when phi > 1)?"""
    return result.tau2 > 0 if result.overdispersion == "additive" else result.phi > 1


def break_sentence(fit: TrendFit, break_label: str) -> str:
    """The step and change of trend at an interrupted-time-series break, with their 95% intervals."""
    ratios = rate_ratios(fit).set_index("term")
    step, slope = ratios.loc["step at break"], ratios.loc["change in trend after break (per year)"]
    return (f"From {break_label} the model finds a change of level of {_percent_change(step)} and a change in "
            f"the yearly trend of {_percent_change(slope)}.")


def _percent_change(row) -> str:
    """'-12.4% (95% confidence interval -25.1% to 2.6%, not clearly different from none)' from a rate ratio."""
    clear = not (row["lower"] <= 1 <= row["upper"])
    change = round_half_up(100 * (row["rate_ratio"] - 1), 1)
    sign = "+" if change > 0 else "-" if change < 0 else ""
    return (f"{sign}{format_number(abs(change), 1)}% (95% confidence interval "
            f"{format_number(100 * (row['lower'] - 1), 1)}% to {format_number(100 * (row['upper'] - 1), 1)}%"
            f"{'' if clear else ', not clearly different from none'})")


def comparison_sentence(frame, what: str, unit: str = "per 100 pupils") -> str:
    """The LA's latest value against the region, England and its neighbours' mean, and its rank
    (1 = lowest) among itself and its neighbours, from ``metrics.comparators.compare_areas``."""
    period = max(frame["period"])
    rows = frame[frame["period"] == period]
    value = {role: rows.loc[rows["role"] == role, ["area", "value"]].iloc[0] for role in rows["role"].unique()
             if role != "Statistical neighbour"}
    la = value["Local authority"]
    parts = []
    for role, name in [("Region", None), ("England", "England"), ("Statistical neighbours (mean)",
                                                                    "the neighbours' mean")]:
        if role in value and value[role]["value"] == value[role]["value"]:
            other = value[role]
            side = "above" if la["value"] > other["value"] else "below" if la["value"] < other["value"] else "level with"
            parts.append((side, f"{name or 'the ' + other['area'] + ' region'} ({format_number(other['value'], 2)})"))
    sides = {side for side, _ in parts}
    if len(sides) == 1:
        texts = [text for _, text in parts]
        compared = f"{parts[0][0]} " + (", ".join(texts[:-1]) + " and " + texts[-1] if len(texts) > 1 else texts[0])
    else:
        compared = ", ".join(f"{side} {text}" for side, text in parts)
    group = rows[rows["role"].isin(["Local authority", "Statistical neighbour"])].dropna(subset=["value"])
    rank = int((group["value"] < la["value"]).sum()) + 1
    sentence = (f"In {period} {la['area']}'s {what} was {format_number(la['value'], 2)} {unit}, "
                + compared + ".")
    if len(group) > 1:
        position = ("the lowest" if rank == 1 else "the highest" if rank == len(group)
                    else f"{_ordinal(rank)} lowest")
        sentence += (f" It was {position} of {len(group)} ({la['area']} and the neighbours with "
                     "a published figure).")
    return sentence


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
