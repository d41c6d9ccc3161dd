"""Time to re-engagement as a survival analysis (issue 3, part 2).

Input: one row per case episode with a duration in calendar days and an event flag, normally
from ``metrics.durations.case_durations`` (``days_open``, ``reengaged``). Cases still open are
right-censored at the analysis date; cases closed for a reason that is not re-engagement (moved
away, EHE, ...) are censored at closure (a cause-specific analysis: it estimates the re-engagement
rate among cases still being worked, not the share that will ever re-engage).

Estimates come from lifelines (Kaplan-Meier: ``KaplanMeierFitter``, Greenwood variance with
log(-log) pointwise confidence bands; Cox: ``CoxPHFitter``, Efron ties, with the Schoenfeld
residual test of proportional hazards as lifelines' ``proportional_hazard_test`` computes it,
vectorised in ``schoenfeld.py``). The tests check them
against a hand-worked example and against statsmodels ``SurvfuncRight``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times

from .schoenfeld import proportional_hazards_test


def _groups(data: pd.DataFrame, by: str | None):
    if by is None:
        return [("all", data)]
    if data[by].isna().any():
        raise ValueError(f"{int(data[by].isna().sum())} cases have a blank '{by}': give them a value "
                         "(e.g. '(none)') rather than leave them out")
    return [(key, part) for key, part in data.groupby(by, sort=True, observed=True)]


def _fit(part: pd.DataFrame, duration: str, event: str, alpha: float) -> KaplanMeierFitter:
    return KaplanMeierFitter(alpha=alpha).fit(part[duration].astype(float), part[event].astype(bool))


def kaplan_meier(data: pd.DataFrame, by: str | None = None, duration: str = "days_open",
                 event: str = "reengaged", alpha: float = 0.05) -> pd.DataFrame:
    """Kaplan-Meier curve of "not yet re-engaged" per group, at every distinct duration.

    ``survival`` is the estimated share still not re-engaged after ``days`` days; 1 - survival is
    the share re-engaged by then. ``ci_lower``/``ci_upper`` are pointwise (1 - ``alpha``) bands.
    Columns: group (the value of ``by``, or "all"), days, at_risk, events, censored, survival,
    ci_lower, ci_upper.
    """
    frames = []
    for key, part in _groups(data, by):
        kmf = _fit(part, duration, event, alpha)
        table = kmf.event_table
        ci = kmf.confidence_interval_survival_function_
        days = table.index.to_numpy()
        frames.append(pd.DataFrame({
            "group": key, "days": days.astype(int) if np.all(days % 1 == 0) else days,
            "at_risk": table["at_risk"].to_numpy().astype(int),
            "events": table["observed"].to_numpy().astype(int),
            "censored": table["censored"].to_numpy().astype(int),
            "survival": kmf.survival_function_.iloc[:, 0].to_numpy(),
            "ci_lower": ci.iloc[:, 0].to_numpy(), "ci_upper": ci.iloc[:, 1].to_numpy(),
        }))
    return pd.concat(frames, ignore_index=True)


def km_summary(data: pd.DataFrame, by: str | None = None, at: tuple[int, ...] = (28, 84, 182),
               duration: str = "days_open", event: str = "reengaged", alpha: float = 0.05) -> pd.DataFrame:
    """Per group: cases, events (re-engaged), censored, median days to re-engagement with its
    confidence interval (blank where the curve never falls to 50%, i.e. not reached), and the
    estimated share re-engaged within each of ``at`` days (1 - S(t)).
    Columns: group, cases, events, censored, median_days, median_ci_lower, median_ci_upper,
    reengaged_within_<t>d ...
    """
    rows = []
    for key, part in _groups(data, by):
        kmf = _fit(part, duration, event, alpha)
        median_ci = median_survival_times(kmf.confidence_interval_survival_function_).iloc[0]
        row = {"group": key, "cases": len(part), "events": int(part[event].sum()),
               "censored": int(len(part) - part[event].sum()),
               "median_days": kmf.median_survival_time_,
               "median_ci_lower": median_ci.iloc[0], "median_ci_upper": median_ci.iloc[1]}
        for t in at:
            row[f"reengaged_within_{t}d"] = 1 - float(kmf.survival_function_at_times(t).iloc[0])
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("median_days", "median_ci_lower", "median_ci_upper"):
        out[col] = out[col].replace([np.inf, -np.inf], np.nan).astype(float)
    return out


def logrank(data: pd.DataFrame, by: str, duration: str = "days_open",
            event: str = "reengaged") -> dict:
    """Log-rank test that the re-engagement curves of the groups of ``by`` are the same.
    Returns {"test_statistic", "degrees_of_freedom", "p_value"}."""
    result = multivariate_logrank_test(data[duration].astype(float), data[by], data[event].astype(bool))
    return {"test_statistic": float(result.test_statistic),
            "degrees_of_freedom": int(result.degrees_of_freedom), "p_value": float(result.p_value)}


@dataclass
class CoxResult:
    """A fitted proportional-hazards model of re-engagement and its checks.

    hazard_ratios: covariate, hazard_ratio, ci_lower, ci_upper, p_value (a ratio above 1 means
        faster re-engagement than the reference level).
    ph_test: covariate, test_statistic, p_value, ph_rejected (Schoenfeld-residual test of
        proportional hazards, rank time transform; rejected at ``ph_alpha``: that covariate's
        effect changes over time, so read its hazard ratio as an average, or stratify on it).
    """

    hazard_ratios: pd.DataFrame
    ph_test: pd.DataFrame
    concordance: float
    cases: int
    events: int
    references: dict
    model: CoxPHFitter

    @property
    def assumptions_hold(self) -> bool:
        return not bool(self.ph_test["ph_rejected"].any())


def design_matrix(data: pd.DataFrame, covariates: list[str],
                  references: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """Numeric covariates as they are; a text/code covariate as indicator columns
    ``name=level`` against a reference level (given in ``references``, else its most common
    level). Returns (matrix, references used)."""
    references = dict(references or {})
    parts = []
    for col in covariates:
        values = data[col]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            parts.append(values.astype(float).rename(col))
            continue
        values = values.astype(object)
        ref = references.setdefault(col, values.value_counts().index[0])
        if not (values == ref).any():
            raise ValueError(f"reference level {ref!r} of '{col}' is not in the data")
        levels = [lv for lv in sorted(values.dropna().unique(), key=str) if lv != ref]
        parts.extend((values == lv).astype(float).rename(f"{col}={lv}") for lv in levels)
    return pd.concat(parts, axis=1), references


def cox_model(data: pd.DataFrame, covariates: list[str], duration: str = "days_open",
              event: str = "reengaged", references: dict | None = None, alpha: float = 0.05,
              ph_alpha: float = 0.05, penalizer: float = 0.0,
              strata: list[str] | None = None) -> CoxResult:
    """Fit a Cox proportional-hazards model of time to re-engagement on ``covariates``
    (e.g. ["case_type", "sen_status", "looked_after"]) and test its proportional-hazards
    assumption (Schoenfeld residuals). A characteristic that fails the test can be moved to
    ``strata``: each of its levels then gets its own baseline hazard and no hazard ratio.
    Rows with a blank covariate or stratum are an error, not dropped."""
    strata = list(strata or [])
    blank = data[covariates + strata].isna().any(axis=1)
    if blank.any():
        cols = [c for c in covariates + strata if data[c].isna().any()]
        raise ValueError(f"{int(blank.sum())} cases have a blank covariate ({', '.join(cols)})")
    matrix, refs = design_matrix(data, covariates, references)
    frame = matrix.assign(_duration=data[duration].astype(float).to_numpy(),
                          _event=data[event].astype(bool).to_numpy(),
                          **{f"_stratum_{c}": data[c].astype(str).to_numpy() for c in strata})
    cph = CoxPHFitter(alpha=alpha, penalizer=penalizer, strata=[f"_stratum_{c}" for c in strata] or None)
    cph.fit(frame, "_duration", "_event")
    s = cph.summary
    lower = next(c for c in s.columns if c.startswith("exp(coef) lower"))
    upper = next(c for c in s.columns if c.startswith("exp(coef) upper"))
    ratios = pd.DataFrame({
        "covariate": s.index.to_numpy(), "hazard_ratio": s["exp(coef)"].to_numpy(),
        "ci_lower": s[lower].to_numpy(), "ci_upper": s[upper].to_numpy(), "p_value": s["p"].to_numpy()})
    ph = proportional_hazards_test(cph, frame, "_duration", "_event", [f"_stratum_{c}" for c in strata])
    ph["ph_rejected"] = ph["p_value"] < ph_alpha
    return CoxResult(ratios, ph, float(cph.concordance_index_), len(frame),
                     int(frame["_event"].sum()), refs, cph)
