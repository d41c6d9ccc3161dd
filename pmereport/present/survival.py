"""Presenting the time-to-re-engagement analysis (``models.survival``) to a team manager.

A Kaplan-Meier chart of the share re-engaged over time with its confidence band, a hazard-ratio
table in words, and plain sentences about the proportional-hazards check. The curve stops where
fewer than ``min_at_risk`` cases remain at risk: beyond that point each step is one or two children
(disclosure, DOMAIN.md "Publishing conventions") and the estimate is too unsteady to read.
"""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from ..metrics.cohort import CATEGORY_LABELS
from .rounding import format_number
from .style import PALETTE, new_figure
from .suppression import DEFAULT_SUPPRESS_BELOW, SUPPRESSED, is_symbol

CHARACTERISTICS = {
    "case_type": "Case type", "key_stage": "Key stage", "ncy": "Year group", "sex": "Sex",
    "sen_status": "SEN status", "fsm": "Free school meals", "looked_after": "Looked after",
    "cin_status": "Child in need or protection plan", "ethnicity": "Ethnicity", "rag_rating": "Risk rating",
}
"""Words for the case characteristics a model uses."""


def reengagement_chart(km: pd.DataFrame, labels: Mapping[str, str] | None = None, *,
                       min_at_risk: int = DEFAULT_SUPPRESS_BELOW, max_weeks: float = 52):
    """Share re-engaged (1 - Kaplan-Meier survival) against weeks since referral, one step line
    per ``group`` of ``km`` (``models.survival.kaplan_meier``) with its pointwise confidence band,
    drawn up to ``max_weeks`` and only while at least ``min_at_risk`` cases are at risk."""
    fig, ax = new_figure(xlabel="Weeks since referral", ylabel="Share re-engaged (%)")
    for (group, part), colour in zip(km.groupby("group", sort=False), PALETTE):
        part = part[(part["at_risk"] >= min_at_risk) & (part["days"] <= max_weeks * 7)]
        start = pd.DataFrame({"days": [0], "survival": [1.0], "ci_lower": [1.0], "ci_upper": [1.0]})
        part = pd.concat([start, part[["days", "survival", "ci_lower", "ci_upper"]]], ignore_index=True)
        weeks = part["days"] / 7
        label = (labels or {}).get(group, group)
        ax.step(weeks, (1 - part["survival"]) * 100, where="post", color=colour, linewidth=2, label=label)
        ax.fill_between(weeks, (1 - part["ci_upper"]) * 100, (1 - part["ci_lower"]) * 100, step="post",
                        color=colour, alpha=0.2, linewidth=0)
    ax.set_xlim(0, max_weeks)
    ax.set_xticks([w for w in (0, 4, 12, 26, 39, 52, 78, 104) if w <= max_weeks])
    ax.set_ylim(0, 100)
    for week in (4, 12, 26):
        ax.axvline(week, color="#999999", linewidth=0.8, linestyle=":")
    ax.legend(loc="upper left")
    return fig


def _split_covariate(name: str) -> tuple[str, str | None]:
    column, _, level = name.partition("=")
    return column, (level or None)


def hazard_ratio_table(hazard_ratios: pd.DataFrame, references: Mapping[str, str]) -> pd.DataFrame:
    """``CoxResult.hazard_ratios`` in words: the characteristic, the level and the level it is
    compared with (e.g. "SEN status", "EHC plan", "No SEN").
    Columns: characteristic, level, compared_with, hazard_ratio, ci_lower, ci_upper, p_value."""
    rows = []
    for _, r in hazard_ratios.iterrows():
        column, level = _split_covariate(r["covariate"])
        codes = CATEGORY_LABELS.get(column) or {}
        reference = references.get(column)
        rows.append({"characteristic": CHARACTERISTICS.get(column, column.replace("_", " ")),
                     "level": codes.get(level, level) if level else "per unit",
                     "compared_with": codes.get(reference, reference) if reference else "",
                     "hazard_ratio": r["hazard_ratio"], "ci_lower": r["ci_lower"],
                     "ci_upper": r["ci_upper"], "p_value": r["p_value"]})
    return pd.DataFrame(rows)


def _in_sentence(name: str) -> str:
    """'Key stage' -> 'key stage' inside a sentence; acronyms ('SEN status') stay as they are."""
    return name if name.split(" ")[0].isupper() else name[:1].lower() + name[1:]


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {format_number(p, 3)}"


def ph_statement(ph_test: pd.DataFrame, strata: list[str] | None = None, alpha: float = 0.05,
                 strata_ph_test: pd.DataFrame | None = None) -> str:
    """Whether the proportional-hazards assumption holds, in plain words, from
    ``CoxResult.ph_test`` (Schoenfeld residual test per covariate). ``strata_ph_test`` is the
    test of a model with the ``strata`` as covariates instead: it says why they are strata."""
    stratified = ""
    if strata:
        names = " and ".join(_in_sentence(CHARACTERISTICS.get(s, s)) for s in strata)
        stratified = (f"The model is stratified by {names}: each has its own baseline rate of re-engagement "
                      "and no hazard ratio. ")
        if strata_ph_test is not None:
            worst = float(strata_ph_test["p_value"].min())
            stratified += (f"Entered as a characteristic, {names} fails the proportional-hazards test "
                           f"({_p_text(worst)}): its effect changes over the life of a case. "
                           if worst < alpha else
                           f"Entered as a characteristic, {names} would pass the proportional-hazards test "
                           f"({_p_text(worst)}), so stratifying by it is a cautious choice. ")
    failed = ph_test[ph_test["ph_rejected"]]
    if failed.empty:
        return (stratified + "The proportional-hazards assumption holds for every characteristic in the "
                f"model (Schoenfeld residual test, no p-value below {alpha:g}), so each hazard ratio can "
                "be read as a constant ratio over the life of a case.")
    names = sorted({_in_sentence(CHARACTERISTICS.get(_split_covariate(c)[0], c)) for c in failed["covariate"]})
    listing = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return (stratified + f"The proportional-hazards assumption does not hold for {listing} "
            f"(Schoenfeld residual test, p below {alpha:g}): the effect changes over the life of a case, "
            "so read those hazard ratios as averages over time, not constants.")


def km_sentence(summary: pd.DataFrame, labels: Mapping[str, str] | None = None) -> str:
    """One sentence per group from a published ``km_summary`` frame (columns group, median_days,
    reengaged_within_84d_percent ...): the median time to re-engagement and the share re-engaged
    within 12 weeks. Values shown as symbols are described, not printed."""
    parts = []
    for _, r in summary.iterrows():
        name = (labels or {}).get(r["group"], r["group"])
        median = r["median_days"]
        share = r.get("reengaged_within_84d_percent")
        if median == SUPPRESSED or share == SUPPRESSED or is_symbol(share):
            parts.append(f"For {name} the figures are not shown, to protect the children concerned.")
            continue
        when = ("fewer than half had re-engaged by the end of follow-up" if is_symbol(median) or pd.isna(median)
                else f"half had re-engaged within {format_number(median)} days")
        parts.append(f"For {name}, {when}; an estimated {format_number(share, 1)}% had re-engaged "
                     "within 12 weeks of referral.")
    return " ".join(parts)


__all__ = ["CHARACTERISTICS", "reengagement_chart", "hazard_ratio_table", "ph_statement", "km_sentence"]
