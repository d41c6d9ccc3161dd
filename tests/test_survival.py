"""Time to re-engagement: Kaplan-Meier against a hand-worked product-limit table and statsmodels;
Cox against statsmodels PHReg; the proportional-hazards check on data built to pass and to fail."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from _metrics_data import FLOW_CASES, make

from pmereport.metrics.durations import case_durations
from pmereport.models import survival

# Eight cases: days to re-engagement, 1 = re-engaged, 0 = censored (still open or closed otherwise).
# The 0-day event is a case referred and closed (re-engaged) on the same day.
HAND = pd.DataFrame({"days_open": [0, 2, 3, 4, 4, 6, 7, 9],
                     "reengaged": [True, True, False, True, False, False, True, False]})
# Product-limit working (censored cases at a time of an event are still at risk at that time):
#  t  at risk  events  censored  S(t)
#  0     8       1        0      7/8              = 0.875
#  2     7       1        0      0.875 x 6/7      = 0.75
#  3     6       0        1      0.75
#  4     5       1        1      0.75 x 4/5       = 0.6
#  6     3       0        1      0.6
#  7     2       1        0      0.6 x 1/2        = 0.3
#  9     1       0        1      0.3
# Median: first t with S(t) <= 0.5 -> 7 days.
HAND_TABLE = {0: (8, 1, 0, 0.875), 2: (7, 1, 0, 0.75), 3: (6, 0, 1, 0.75), 4: (5, 1, 1, 0.6),
              6: (3, 0, 1, 0.6), 7: (2, 1, 0, 0.3), 9: (1, 0, 1, 0.3)}


def test_kaplan_meier_by_hand():
    out = survival.kaplan_meier(HAND).set_index("days")
    for t, (at_risk, events, censored, s) in HAND_TABLE.items():
        row = out.loc[t]
        assert (row["at_risk"], row["events"], row["censored"]) == (at_risk, events, censored), t
        assert row["survival"] == pytest.approx(s), t
    # Pointwise 95% band at t = 4 by the log(-log) ("exponential Greenwood") formula:
    #   Greenwood sum = 1/(8x7) + 1/(7x6) + 1/(5x4) = 0.0916667
    #   v = sum / log(S)^2 = 0.0916667 / 0.2609428 = 0.351290; c = 1.959964 x sqrt(v) = 1.161666
    #   band = S^exp(+c), S^exp(-c) = 0.6^3.195251, 0.6^0.312964 = [0.19550, 0.85225]
    assert out.loc[4, "ci_lower"] == pytest.approx(0.19550, abs=5e-5)
    assert out.loc[4, "ci_upper"] == pytest.approx(0.85225, abs=5e-5)
    summary = survival.km_summary(HAND, at=(4, 7)).iloc[0]
    assert summary["median_days"] == 7
    assert (summary["cases"], summary["events"], summary["censored"]) == (8, 4, 4)
    assert summary["reengaged_within_4d"] == pytest.approx(0.4)   # 1 - 0.6
    assert summary["reengaged_within_7d"] == pytest.approx(0.7)   # 1 - 0.3


def test_kaplan_meier_agrees_with_statsmodels():
    rng = np.random.default_rng(20241001)
    n = 400
    data = pd.DataFrame({"days_open": rng.integers(0, 200, n),
                         "reengaged": rng.random(n) < 0.55,
                         "case_type": rng.choice(["CME", "PME"], n)})
    ours = survival.kaplan_meier(data, by="case_type")
    for group, part in data.groupby("case_type"):
        sf = sm.SurvfuncRight(part["days_open"].to_numpy(float), part["reengaged"].to_numpy(int))
        mine = ours[(ours["group"] == group) & (ours["events"] > 0)].set_index("days")
        assert np.allclose(mine.loc[sf.surv_times, "survival"].to_numpy(), sf.surv_prob)
        assert np.array_equal(mine.loc[sf.surv_times, "at_risk"].to_numpy(), sf.n_risk)
        # the log(-log) band from statsmodels' Greenwood standard error:
        # var(log S) = (se / S)^2, var(log(-log S)) = var(log S) / log(S)^2, band = S^exp(-/+ z sd)
        s, se = sf.surv_prob, sf.surv_prob_se
        usable = (s > 0) & (s < 1)
        sd = np.sqrt((se[usable] / s[usable]) ** 2 / np.log(s[usable]) ** 2)
        z = 1.959963984540054
        band = mine.loc[sf.surv_times[usable]]
        assert np.allclose(band["ci_lower"].to_numpy(), s[usable] ** np.exp(z * sd))
        assert np.allclose(band["ci_upper"].to_numpy(), s[usable] ** np.exp(-z * sd))


def test_median_not_reached_is_blank():
    data = pd.DataFrame({"days_open": [5, 10, 20, 30], "reengaged": [True, False, False, False]})
    assert math.isnan(survival.km_summary(data).loc[0, "median_days"])  # S never falls to 0.5


def test_survival_data_from_cases():
    # From the hand-made cases at 15 Nov (see test_metrics_durations): B 0 days and C 35 days
    # re-engaged; A 87, D 45, F 46 open and E 61 (moved away) censored.
    data = case_durations(make("cases", FLOW_CASES), "2024-11-15")
    out = survival.kaplan_meier(data).set_index("days")
    # t=0: 6 at risk, 1 event -> 5/6; t=35: 5 at risk, 1 event -> 5/6 x 4/5 = 2/3
    assert out.loc[0, "survival"] == pytest.approx(5 / 6)
    assert out.loc[35, "survival"] == pytest.approx(2 / 3)
    assert out.loc[87, "survival"] == pytest.approx(2 / 3)
    assert out["censored"].sum() == 4


def _ph_data(seed: int, crossing: bool) -> pd.DataFrame:
    """Exponential times; PME re-engage twice as fast as CME (proportional hazards), or, when
    ``crossing``, PME re-engage fast early and then hardly at all (hazards cross: PH fails)."""
    rng = np.random.default_rng(seed)
    n = 600
    group = rng.choice(["CME", "PME"], n)
    sen = rng.choice(["N", "K", "E"], n)
    if crossing:
        early = rng.random(n) < 0.5
        t = np.where(group == "PME", np.where(early, rng.exponential(5, n), rng.exponential(400, n)),
                     rng.exponential(60, n))
    else:
        t = rng.exponential(np.where(group == "PME", 30.0, 60.0))
    censor = rng.uniform(0, 150, n)
    return pd.DataFrame({"days_open": np.minimum(t, censor).round() + 1, "reengaged": t <= censor,
                         "case_type": group, "sen_status": sen})


def test_cox_agrees_with_statsmodels_and_recovers_the_ratio():
    # PH holds by construction, but the test of it is a 5% test per covariate: about one seed in
    # seven raises a false alarm on one of the three (seed 7 does, on sen_status=E); seed 8 not.
    data = _ph_data(8, crossing=False)
    result = survival.cox_model(data, ["case_type", "sen_status"], references={"case_type": "CME",
                                                                                "sen_status": "N"})
    ratios = result.hazard_ratios.set_index("covariate")
    assert list(ratios.index) == ["case_type=PME", "sen_status=E", "sen_status=K"]
    # the data were made with a PME/CME hazard ratio of 2 and no SEN effect
    pme = ratios.loc["case_type=PME"]
    assert pme["ci_lower"] < 2 < pme["ci_upper"]
    assert ratios.loc["sen_status=E", "ci_lower"] < 1 < ratios.loc["sen_status=E", "ci_upper"]
    # statsmodels PHReg (Efron ties) on the same design gives the same coefficients
    exog = pd.DataFrame({"pme": data["case_type"] == "PME", "e": data["sen_status"] == "E",
                         "k": data["sen_status"] == "K"}).astype(float)
    ph = sm.PHReg(data["days_open"], exog, status=data["reengaged"].astype(int), ties="efron").fit()
    assert np.allclose(np.log(ratios["hazard_ratio"].to_numpy()), np.asarray(ph.params), atol=1e-4)
    assert result.assumptions_hold
    assert result.cases == 600 and result.events == int(data["reengaged"].sum())
    assert 0.5 < result.concordance < 1


def test_cox_flags_non_proportional_hazards():
    result = survival.cox_model(_ph_data(11, crossing=True), ["case_type"],
                                references={"case_type": "CME"})
    ph = result.ph_test.set_index("covariate")
    assert bool(ph.loc["case_type=PME", "ph_rejected"])
    assert not result.assumptions_hold


def test_cox_refuses_blank_covariates():
    data = _ph_data(3, crossing=False)
    data.loc[0, "sen_status"] = None
    with pytest.raises(ValueError, match="1 cases have a blank covariate \\(sen_status\\)"):
        survival.cox_model(data, ["case_type", "sen_status"])


def test_logrank_separates_different_curves():
    data = _ph_data(7, crossing=False)
    assert survival.logrank(data, "case_type")["p_value"] < 0.001
    assert survival.logrank(data, "sen_status")["degrees_of_freedom"] == 2


def test_cox_can_stratify_on_a_failing_characteristic():
    # case_type fails the PH test in the crossing data; as a stratum it gets its own baseline
    # hazard and no ratio, and only SEN status is estimated
    result = survival.cox_model(_ph_data(11, crossing=True), ["sen_status"], references={"sen_status": "N"},
                                strata=["case_type"])
    assert result.hazard_ratios["covariate"].tolist() == ["sen_status=E", "sen_status=K"]
    assert list(result.model.baseline_hazard_.columns) == ["CME", "PME"]
    assert not result.ph_test["covariate"].str.startswith("case_type").any()


def test_groups_with_blank_values_are_refused():
    data = HAND.assign(case_type=["CME", None, "PME", "PME", "CME", "CME", "PME", "PME"])
    with pytest.raises(ValueError, match="1 cases have a blank 'case_type'"):
        survival.kaplan_meier(data, by="case_type")


def test_cox_refuses_an_absent_reference_level():
    with pytest.raises(ValueError, match="reference level 'X' of 'sen_status' is not in the data"):
        survival.cox_model(_ph_data(3, crossing=False), ["sen_status"], references={"sen_status": "X"})
