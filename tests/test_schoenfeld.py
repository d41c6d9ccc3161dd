"""The vectorised proportional-hazards test (models/schoenfeld.py) against a hand-worked example and
against lifelines' own loop (``proportional_hazard_test``, rank transform), which it replaces."""
import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter
from lifelines.statistics import proportional_hazard_test

from pmereport.models.schoenfeld import proportional_hazards_test, schoenfeld_residuals


def test_residuals_without_ties_are_x_minus_the_risk_set_mean():
    # beta = 0, so every row at risk weighs the same. Times 1, 2, 3, all events, x = 1, 0, 1:
    # t=1: risk set {1, 0, 1}, mean 2/3 -> 1 - 2/3 = 1/3; t=2: {0, 1}, mean 1/2 -> -1/2; t=3: {1} -> 0.
    x = np.array([[1.0], [0.0], [1.0]])
    got = schoenfeld_residuals(x, np.array([1.0, 2.0, 3.0]), np.ones(3), np.zeros(1), np.zeros(3, dtype=int))
    assert got[:, 0] == pytest.approx([1 / 3, -1 / 2, 0.0])


def test_tied_events_use_efron_weights():
    # beta = 0. Two events at t=1 with x = 1 and 0, one row censored at t=2 with x = 1.
    # At risk: R = 3, R_x = 2; the tied deaths: D = 2, D_x = 1; m = 2.
    # l=0: 2/3; l=1: (2 - 1/2)/(3 - 1) = 0.75; expectation (2/3 + 0.75)/2 = 0.708333...
    x = np.array([[1.0], [0.0], [1.0]])
    got = schoenfeld_residuals(x, np.array([1.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0]), np.zeros(1),
                               np.zeros(3, dtype=int))
    expected = (2 / 3 + 0.75) / 2
    assert got[:, 0] == pytest.approx([1 - expected, 0 - expected])  # the censored row has no residual


def test_strata_have_their_own_risk_sets():
    # Two strata with the same times: each is the no-ties example above on its own.
    x = np.array([[1.0], [0.0], [1.0], [1.0], [0.0], [1.0]])
    got = schoenfeld_residuals(x, np.array([1.0, 2.0, 3.0] * 2), np.ones(6), np.zeros(1),
                               np.array([0, 0, 0, 1, 1, 1]))
    assert got[:, 0] == pytest.approx([1 / 3, -1 / 2, 0.0] * 2)


def _cases(seed: int, n: int = 2500) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "ks": rng.integers(0, 2, n).astype(float), "sen": rng.integers(0, 2, n).astype(float),
        "score": rng.normal(size=n),
        "days": rng.integers(1, 40, n).astype(float),  # few distinct days: many tied events
        "reengaged": rng.random(n) < 0.55, "type": rng.choice(["CME", "PME", "EHE"], n)})
    frame.loc[frame["type"] == "EHE", "reengaged"] = False  # a stratum with no event at all
    frame["days"] += frame["ks"] * rng.integers(0, 15, n)  # some effect that changes with time
    return frame


@pytest.mark.parametrize("strata", [None, ["type"]])
@pytest.mark.parametrize("seed", [1, 2])
def test_statistics_equal_lifelines_own_test(strata, seed):
    frame = _cases(seed)
    fit_on = frame if strata else frame.drop(columns="type")
    fitted = CoxPHFitter(strata=strata).fit(fit_on, "days", "reengaged")
    theirs = proportional_hazard_test(fitted, fit_on, time_transform="rank").summary
    ours = proportional_hazards_test(fitted, frame, "days", "reengaged", strata)
    assert list(ours["covariate"]) == list(theirs.index)
    assert ours["test_statistic"].to_numpy() == pytest.approx(theirs["test_statistic"].to_numpy(), rel=1e-9)
    assert ours["p_value"].to_numpy() == pytest.approx(theirs["p"].to_numpy(), rel=1e-9, abs=1e-15)
    assert ours["test_statistic"].max() > 1  # not a degenerate all-zero case
