"""The Schoenfeld-residual test of proportional hazards, vectorised.

Same test, same numbers as lifelines' ``proportional_hazard_test(model, frame, time_transform="rank")``
(Grambsch and Therneau 1994, "Proportional hazards tests and diagnostics based on weighted
residuals"; lifelines' approximation: scaled residuals = deaths x residual x variance matrix), but
the residuals are computed with cumulative sums instead of lifelines' row-by-row Python loop, which
appends to a NumPy array per row: 1.5 s of the monthly notebook's 4 s on the large bench's 38,768
cases, against about 10 ms here (bench/RESULTS-pack-notes.md). tests/test_schoenfeld.py checks the
statistics against lifelines' own on data with ties, censoring and strata.

How lifelines computes it, which this follows exactly:

- rows sorted by stratum, then duration, then event (a stable sort, ties in input order);
- Efron ties: at a time ``t`` with ``m`` events, the expected covariate value is
  ``(1/m) sum_{l<m} (R_x - l/m D_x) / (R - l/m D)``, where ``R`` and ``R_x`` sum ``exp(x b)`` and
  ``x exp(x b)`` over the rows of the stratum still at risk (duration >= t), ``D`` and ``D_x`` over
  the events at ``t``; an event's residual is its ``x`` minus that expectation;
- the "rank" time transform numbers the events 1..D in that sorted order (across strata), so that
  the statistic for covariate ``j`` is ``(sum_k (k - mean k) s_kj)^2 / (D se_j^2 sum_k (k - mean k)^2)``,
  chi-squared on 1 degree of freedom.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def _reverse_cumsum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sums from each row to the end of its block (blocks begin at ``starts``), adding from the
    block's last row backwards as lifelines does."""
    out = np.empty_like(values)
    bounds = list(starts) + [len(values)]
    for a, b in zip(bounds[:-1], bounds[1:]):
        out[a:b] = np.cumsum(values[a:b][::-1], axis=0)[::-1]
    return out


def schoenfeld_residuals(x: np.ndarray, duration: np.ndarray, event: np.ndarray, beta: np.ndarray,
                         stratum: np.ndarray) -> np.ndarray:
    """Schoenfeld residuals (Efron ties) of the event rows, for rows already sorted by stratum,
    duration and event; returns an (events x covariates) array in row order."""
    phi = np.exp(x @ beta)
    stratum_starts = np.flatnonzero(np.r_[True, stratum[1:] != stratum[:-1]])
    at_risk = _reverse_cumsum(phi, stratum_starts)
    at_risk_x = _reverse_cumsum(phi[:, None] * x, stratum_starts)
    # one group per (stratum, duration): the risk set of a group is summed from its first row
    first = np.r_[True, (duration[1:] != duration[:-1]) | (stratum[1:] != stratum[:-1])]
    group = np.cumsum(first) - 1
    group_first = np.flatnonzero(first)
    deaths = np.bincount(group, weights=event, minlength=len(group_first))
    tie = np.bincount(group, weights=phi * event, minlength=len(group_first))
    tie_x = np.stack([np.bincount(group, weights=phi * event * x[:, j], minlength=len(group_first))
                      for j in range(x.shape[1])], axis=1)
    with_deaths = np.flatnonzero(deaths > 0)
    m = deaths[with_deaths].astype(int)
    # one term per (group, l) for l = 0..m-1, summed back per group
    term_group = np.repeat(with_deaths, m)
    term_start = np.r_[0, np.cumsum(m)[:-1]]
    share = (np.arange(m.sum()) - np.repeat(term_start, m)) / np.repeat(m, m)
    numerator = at_risk_x[group_first[term_group]] - share[:, None] * tie_x[term_group]
    denominator = (at_risk[group_first[term_group]] - share * tie[term_group]) * np.repeat(m, m)
    expected = np.zeros((len(group_first), x.shape[1]))
    expected[with_deaths] = np.add.reduceat(numerator / denominator[:, None], term_start, axis=0)
    events = event.astype(bool)
    return x[events] - expected[group[events]]


def proportional_hazards_test(fitted, frame: pd.DataFrame, duration: str, event: str,
                              strata: list[str] | None = None) -> pd.DataFrame:
    """Test each covariate of a fitted lifelines ``CoxPHFitter`` (``fitted``, fitted on ``frame``)
    for proportional hazards, rank time transform. Returns covariate, test_statistic, p_value as
    lifelines' ``proportional_hazard_test(...).summary`` gives them (in covariate name order)."""
    strata = list(strata or [])
    ordered = frame.sort_values(strata + [duration, event])  # lifelines' own (stable) order
    covariates = list(fitted.params_.index)
    stratum = (ordered.groupby(strata, sort=False).ngroup().to_numpy() if strata
               else np.zeros(len(ordered), dtype=int))
    event_flags = ordered[event].astype(bool).to_numpy()
    residuals = schoenfeld_residuals(ordered[covariates].to_numpy(float), ordered[duration].to_numpy(float),
                                     event_flags.astype(float), fitted.params_.to_numpy(), stratum)
    deaths = int(event_flags.sum())
    scaled = deaths * residuals @ fitted.variance_matrix_.loc[covariates, covariates].to_numpy()
    ranks = np.arange(1, deaths + 1, dtype=float)
    centred = ranks - ranks.mean()
    se = fitted.standard_errors_.loc[covariates].to_numpy()
    statistic = (centred @ scaled) ** 2 / (deaths * se ** 2 * (centred ** 2).sum())
    return pd.DataFrame({"covariate": covariates, "test_statistic": statistic,  # by name, as lifelines
                         "p_value": stats.chi2.sf(statistic, 1)}).sort_values("covariate", ignore_index=True)
