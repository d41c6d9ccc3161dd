"""Reason breakdowns: Wilson intervals, change between periods, reason by year group, headline."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import chi2

from pmereport.metrics import reasons


def cohort_of(counts: dict, **extra) -> pd.DataFrame:
    """One row per case with the given reason counts (the metrics only read the reason column)."""
    rows = [r for r, n in counts.items() for _ in range(n)]
    return pd.DataFrame({"reason": pd.array(rows, dtype="string"), **extra})


def test_breakdown_keeps_its_contract():
    out = reasons.breakdown(cohort_of({"MEDICAL": 3, "OTHER": 1}))
    assert list(out.columns) == ["reason", "label", "count", "share"]
    assert out["reason"].tolist() == ["MEDICAL", "BEHAVIOURAL", "GRT", "SEND_UNMET", "OTHER"]
    assert out["count"].tolist() == [3, 0, 0, 0, 1]
    assert out["share"].tolist() == [0.75, 0, 0, 0, 0.25]


def test_wilson_intervals_by_hand():
    out = reasons.breakdown_with_ci(cohort_of({"MEDICAL": 45, "BEHAVIOURAL": 26, "GRT": 9,
                                               "SEND_UNMET": 2, "OTHER": 18})).set_index("reason")
    # Wilson, n = 100, z = 1.959964, z^2 = 3.841459:
    #   centre = (p + z^2/2n) / (1 + z^2/n), half = z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)
    # 45/100: centre = (0.45 + 0.019207) / 1.038415 = 0.451816; half = 1.959964 x 0.050705 / 1.038415
    #   = 0.095704 -> [0.35615, 0.54755]
    assert out.loc["MEDICAL", "ci_lower"] == pytest.approx(0.35615, abs=5e-5)
    assert out.loc["MEDICAL", "ci_upper"] == pytest.approx(0.54755, abs=5e-5)
    # 2/100 -> [0.00550, 0.07001]
    assert out.loc["SEND_UNMET", ["ci_lower", "ci_upper"]].tolist() == pytest.approx([0.00550, 0.07001], abs=5e-5)


def test_wilson_interval_of_a_zero_count():
    out = reasons.breakdown_with_ci(cohort_of({"MEDICAL": 100})).set_index("reason")
    # 0/100: lower 0, upper = (z^2/n) / (1 + z^2/n) = 0.0384146 / 1.0384146 = 0.036993
    assert out.loc["GRT", "ci_lower"] == pytest.approx(0, abs=1e-12)
    assert out.loc["GRT", "ci_upper"] == pytest.approx(0.036993, abs=5e-6)


def test_empty_cohort_gives_blank_intervals():
    out = reasons.breakdown_with_ci(cohort_of({}))
    assert out["count"].sum() == 0 and out["ci_lower"].isna().all()


def test_change_between_periods():
    previous = cohort_of({"MEDICAL": 40, "BEHAVIOURAL": 30, "GRT": 10, "OTHER": 20})
    current = cohort_of({"MEDICAL": 60, "BEHAVIOURAL": 20, "GRT": 10, "OTHER": 10})
    out = reasons.change(previous, current).set_index("reason")
    med = out.loc["MEDICAL"]
    assert (med["count_previous"], med["count_current"]) == (40, 60)
    assert med["change_points"] == pytest.approx(20)
    # pooled p = 100/200 = 0.5; se = sqrt(0.25 x (1/100 + 1/100)) = 0.0707107; z = 0.2 / se = 2.8284
    # two-sided p = erfc(2.8284 / sqrt 2) = 0.0046777
    assert med["z"] == pytest.approx(2.8284271, abs=1e-6)
    assert med["p_value"] == pytest.approx(0.0046777, abs=1e-6)
    assert out.loc["GRT", "z"] == pytest.approx(0) and out.loc["GRT", "p_value"] == pytest.approx(1)
    # no SEND_UNMET case in either period: nothing to test
    assert math.isnan(out.loc["SEND_UNMET", "p_value"])
    # chi-square, 2 x 4 (SEND_UNMET dropped); expected = half of each column total: 50, 25, 10, 15
    # X2 = 2 x (10^2/50 + 5^2/25 + 0 + 5^2/15) = 2 x (2 + 1 + 1.6667) = 9.3333 on 3 df
    assert out["chi2_p_value"].iloc[0] == pytest.approx(chi2.sf(28 / 3, 3), rel=1e-9)


def test_reason_by_year_group():
    cohort = pd.DataFrame({"reason": pd.array(["MEDICAL", "MEDICAL", "GRT", "OTHER"], dtype="string"),
                           "ncy": pd.array([9, 9, 9, 0], dtype="Int64")})
    out = reasons.cross_tab(cohort, "reason", "ncy")
    assert list(out.columns) == ["ncy", "reason", "count", "share"]
    assert len(out) == 12 * 5  # every year group x every reason
    y9 = out[out["ncy"] == 9].set_index("reason")
    assert y9["count"].to_dict() == {"MEDICAL": 2, "BEHAVIOURAL": 0, "GRT": 1, "SEND_UNMET": 0, "OTHER": 0}
    assert y9.loc["MEDICAL", "share"] == pytest.approx(2 / 3)
    ks = reasons.cross_tab(cohort, "reason", "key_stage")
    assert ks[(ks["key_stage"] == "KS3") & (ks["reason"] == "MEDICAL")]["count"].item() == 2


def test_percent_half_up():
    assert reasons.percent_half_up(0.125) == 13  # banker's rounding would give 12
    assert reasons.percent_half_up(0.285) == 29  # 0.285 x 100 is 28.499999999999996 in floats
    assert reasons.percent_half_up(0.4504) == 45


def test_headline_sentence():
    # Leicestershire Feb 2016 cohort (988 cases): 445 + 257 + 89 + 20 + 177 = 988
    table = reasons.breakdown(cohort_of({"MEDICAL": 445, "BEHAVIOURAL": 257, "GRT": 89,
                                         "SEND_UNMET": 20, "OTHER": 177}))
    # 445/988 = 45.04% -> 45; 257/988 = 26.01% -> 26; 177/988 = 17.91% -> 18
    assert reasons.headline(table) == ("Medical needs, including SEMH, account for 45% of the cohort "
                                       "(445 of 988).")
    assert reasons.headline(table, top=3) == (
        "Medical needs, including SEMH, account for 45% of the cohort (445 of 988); "
        "then behavioural 26% (257) and other 18% (177).")
    assert reasons.headline(reasons.breakdown(cohort_of({}))) == "There are no cases in the cohort."
