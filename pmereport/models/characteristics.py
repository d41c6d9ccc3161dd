"""Disproportionality: how much more often pupils with a characteristic are suspended or excluded.

Board papers show disproportionality by SEN status, free school meals and the like (DOMAIN.md,
"What a board paper looks like"). The rate ratio of a group against a reference group comes from the
trend model of ``models.trends`` (Poisson or negative binomial, offset log January-census headcount,
a yearly trend, the characteristic as a factor), fitted to every academic year given, so it is
adjusted for the year and has a confidence interval. Beside it the latest year's plain rates.

Only characteristics the January census counts have a denominator: SEN status and FSM
(``metrics.exclusions.census_headcount``). For sex and ethnicity the census extract has no
headcount, so no rate or rate ratio can be given: :func:`counts_without_denominator` gives counts
and shares only, and the report must say why.
"""
from __future__ import annotations

import pandas as pd

from ..metrics.exclusions import exclusion_counts, exclusion_rates
from .trends import fit_trend, rate_ratios

COUNT_RATE = {"susp": "susp_rate", "perm_excl": "perm_excl_rate", "one_plus_susp": "one_plus_susp_rate"}


def characteristic_rate_ratios(exclusions: pd.DataFrame, census: pd.DataFrame, characteristic: str,
                               reference: str, years: list[str], count: str = "susp",
                               labels: dict | None = None, family: str = "auto") -> tuple[pd.DataFrame, object]:
    """Rate ratios of ``count`` by ``characteristic`` ("sen_status" or "fsm") against ``reference``.

    Fitted over ``years`` (academic year labels with a January census). Returns (table, fit):
    table columns group (the code), label, headcount, count, rate (the latest year's, per 100),
    rate_ratio, lower, upper (95%, all years; 1 for the reference), p_value; fit the ``TrendFit``.
    """
    if count not in COUNT_RATE:
        raise ValueError(f"count must be one of {sorted(COUNT_RATE)}, not {count!r}")
    rates = exclusion_rates(exclusions, census, by=["academic_year", characteristic])
    rates = rates[rates["academic_year"].isin(years)]
    rates = rates[~((rates["headcount"] == 0) & (rates[count] == 0))]  # a group with no pupils that year: nothing to model
    unknown = rates["headcount"].isna() | (rates["headcount"] == 0)
    if unknown.any():
        bad = rates.loc[unknown].iloc[0]
        raise ValueError(f"{characteristic} = {bad[characteristic]!r} in {bad['academic_year']}: exclusions "
                         "but no census headcount, so no rate")
    if reference not in set(rates[characteristic]):
        raise ValueError(f"reference {reference!r} is not a level of {characteristic}: {sorted(set(rates[characteristic]))}")
    fit = fit_trend(rates.reset_index(drop=True), count=count, exposure="headcount", time="academic_year",
                    season=None, covariates={characteristic: reference}, family=family)
    ratios = rate_ratios(fit)
    prefix = f"{characteristic} = "
    ratios = ratios[ratios["term"].str.startswith(prefix)].assign(group=lambda d: d["term"].str[len(prefix):])
    latest = rates[rates["academic_year"] == max(years)]
    table = latest[[characteristic, "headcount", count, COUNT_RATE[count]]].rename(
        columns={characteristic: "group", count: "count", COUNT_RATE[count]: "rate"})
    table = table.merge(ratios[["group", "rate_ratio", "lower", "upper", "p_value"]], on="group", how="left")
    is_reference = table["group"] == reference
    table.loc[is_reference, ["rate_ratio", "lower", "upper"]] = 1.0
    table["label"] = table["group"].map(labels or {}).fillna(table["group"])
    table = table.sort_values("group", key=lambda s: s != reference, kind="stable")
    return table[["group", "label", "headcount", "count", "rate", "rate_ratio", "lower", "upper",
                  "p_value"]].reset_index(drop=True), fit


def counts_without_denominator(exclusions: pd.DataFrame, characteristic: str, year: str,
                               labels: dict | None = None) -> pd.DataFrame:
    """Suspensions and permanent exclusions by a characteristic the census does not count (sex,
    ethnicity) in one academic year: columns group, label, susp, susp_share, perm_excl. No rates:
    there is no headcount to divide by."""
    counts = exclusion_counts(exclusions, ["academic_year", characteristic])
    counts = counts[counts["academic_year"] == year].rename(columns={characteristic: "group"})
    total = counts["susp"].sum()
    out = counts.assign(label=counts["group"].map(labels or {}).fillna(counts["group"]),
                        susp_share=counts["susp"] / total if total else float("nan"))
    return out[["group", "label", "susp", "susp_share", "perm_excl"]].reset_index(drop=True)
