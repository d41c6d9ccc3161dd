"""Reason breakdowns: counts and shares of the cohort by reason, with intervals, change and headline.

Issue 3, part 3. Reason categories are the ones Leicestershire published its Feb 2016 PME cohort
in (DOMAIN.md: medical incl. SEMH 45%, behavioural 26%, GRT 9%, SEND unmet 2%, other 18%;
codes.PME_GROUP_TO_REASON). Intervals are Wilson score intervals (statsmodels
``proportion_confint(method="wilson")``), which behave at shares near 0 and 1 and small counts.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from ..contract.codes import REASON_CATEGORIES
from ..rounding import percent_half_up
from .cohort import CATEGORY_LABELS, count_by, with_key_stage


def breakdown(cohort: pd.DataFrame, by: str = "reason", labels: dict | None = None) -> pd.DataFrame:
    """Count and share of ``cohort`` rows by ``by`` (default: the reason category of the PME group).

    Every category of ``labels`` appears, zero or not, in the labels' order; shares are of the total.
    """
    labels = REASON_CATEGORIES if labels is None and by == "reason" else labels
    return count_by(cohort, by, labels)


def with_wilson_ci(table: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Add ``ci_lower`` and ``ci_upper``: the Wilson score interval of each ``share``
    (count out of the table's total count), at confidence 1 - ``alpha``."""
    total = int(table["count"].sum())
    out = table.copy()
    if total == 0:
        out["ci_lower"] = out["ci_upper"] = np.nan
        return out
    low, high = proportion_confint(out["count"].to_numpy(), total, alpha=alpha, method="wilson")
    out["ci_lower"], out["ci_upper"] = low, high
    return out


def breakdown_with_ci(cohort: pd.DataFrame, by: str = "reason", labels: dict | None = None,
                      alpha: float = 0.05) -> pd.DataFrame:
    """``breakdown`` plus 95% (1 - ``alpha``) Wilson intervals for each share.
    Columns: by, [label], count, share, ci_lower, ci_upper."""
    return with_wilson_ci(breakdown(cohort, by, labels), alpha)


def change(previous: pd.DataFrame, current: pd.DataFrame, by: str = "reason",
           labels: dict | None = None) -> pd.DataFrame:
    """Shares by ``by`` in two periods, the change, and a test of it.

    Per category: a two-sided two-proportion z-test (statsmodels ``proportions_ztest``, pooled
    variance) of share_previous = share_current; a category absent in both periods gets a blank
    p-value. The whole distribution is tested with a chi-square test of independence
    (period x category, categories with no cases in either period left out), reported on every
    row as ``chi2_p_value``. The tests treat the two periods as independent samples: right for
    new referrals in two periods; for two snapshots that share cases the correlation makes the
    test conservative (real changes look less significant).
    Columns: by, [label], count_previous, share_previous, count_current, share_current,
    change_points (percentage points), z, p_value, chi2_p_value.
    """
    labels = REASON_CATEGORIES if labels is None and by == "reason" else labels
    prev, curr = breakdown(previous, by, labels), breakdown(current, by, labels)
    keys = [by, "label"] if "label" in prev and "label" in curr else [by]
    out = prev.merge(curr, on=keys, how="outer", suffixes=("_previous", "_current"), sort=False)
    for col in ("count_previous", "count_current"):
        out[col] = out[col].fillna(0).astype(int)
    n_prev, n_curr = out["count_previous"].sum(), out["count_current"].sum()
    out["share_previous"] = out["count_previous"] / n_prev if n_prev else np.nan
    out["share_current"] = out["count_current"] / n_curr if n_curr else np.nan
    out["change_points"] = (out["share_current"] - out["share_previous"]) * 100
    tests = [_two_proportion_test(a, n_prev, b, n_curr)
             for a, b in zip(out["count_previous"], out["count_current"])]
    out["z"], out["p_value"] = [t[0] for t in tests], [t[1] for t in tests]
    table = out[["count_previous", "count_current"]].to_numpy().T
    table = table[:, table.sum(axis=0) > 0]
    usable = table.shape[1] > 1 and (table.sum(axis=1) > 0).all()
    out["chi2_p_value"] = chi2_contingency(table, correction=False)[1] if usable else np.nan
    return out[keys + ["count_previous", "share_previous", "count_current", "share_current",
                       "change_points", "z", "p_value", "chi2_p_value"]]


def _two_proportion_test(count_a: int, n_a: int, count_b: int, n_b: int) -> tuple[float, float]:
    """z and two-sided p of share b = share a (pooled); blank when there is no variance to test
    (the category is in no case, or in every case, of both periods together)."""
    pooled = count_a + count_b
    if not (n_a and n_b) or pooled in (0, n_a + n_b):
        return np.nan, np.nan
    z, p = proportions_ztest([count_b, count_a], [n_b, n_a])
    return float(z), float(p)


def cross_tab(cohort: pd.DataFrame, rows: str = "reason", columns: str = "ncy") -> pd.DataFrame:
    """Counts of ``rows`` (default reason) within each value of ``columns`` (default year group),
    tidy: one row per pair, every code of both code lists present, ``share`` = share of the
    column's total (e.g. the reason mix within Year 9). Columns: columns, rows, count, share."""
    if columns == "key_stage" and "key_stage" not in cohort:
        cohort = with_key_stage(cohort)
    out = count_by(cohort, rows, CATEGORY_LABELS.get(rows), split=columns)
    return out.drop(columns="label", errors="ignore")


def headline(table: pd.DataFrame, top: int = 1, noun: str = "the cohort") -> str:
    """The "top reasons" sentence a board expects, from a ``breakdown`` table (needs ``label``).

    E.g. "Medical needs, including SEMH, account for 45% of the cohort (445 of 988); then
    behavioural 26% (257) and other 18% (177)." Percentages are rounded half up. Counts are
    NOT suppressed here: check them with the disclosure rules (present layer) before a board
    paper uses the sentence.
    """
    total = int(table["count"].sum())
    if total == 0:
        return f"There are no cases in {noun}."
    ranked = table.sort_values("count", ascending=False, kind="stable").head(top)
    first, rest = ranked.iloc[0], ranked.iloc[1:]
    subject = f"{first['label']}," if ", " in first["label"] else first["label"]
    text = (f"{subject} account for {percent_half_up(first['share'])}% of {noun} "
            f"({int(first['count'])} of {total})")
    if len(rest):
        parts = [f"{_lower_first(r['label'])} {percent_half_up(r['share'])}% ({int(r['count'])})"
                 for _, r in rest.iterrows()]
        text += "; then " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])
    return text + "."


def _lower_first(label: str) -> str:
    """Lower-case the first letter unless the first word is an acronym (GRT, SEND)."""
    word = label.split(" ")[0]
    return label if word.isupper() else label[0].lower() + label[1:]
