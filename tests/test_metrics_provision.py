"""Hours against the full-time benchmark, reduced timetables and alternative provision."""
from __future__ import annotations

import pytest
from _metrics_data import make

from pmereport.metrics import provision

RTT = "RTT"
RETURNS = [
    # October 2024
    dict(return_month="2024-10", school_urn="100001", pupil_id="X0001", ncy="2", provision_type=RTT,
         hours_offered="10.5", hours_attended="7", rtt_start_date="2024-09-02",
         rtt_end_date="2024-12-20", rtt_review_date="2024-10-14"),
    dict(return_month="2024-10", school_urn="100001", pupil_id="X0002", ncy="8", provision_type=RTT,
         hours_offered="12", hours_attended="6", rtt_start_date="2024-06-03",
         rtt_review_date="2024-09-20"),
    dict(return_month="2024-10", school_urn="100002", pupil_id="X0003", ncy="10", provision_type=RTT,
         hours_offered="15", hours_attended="15", rtt_start_date="2024-04-15", rtt_end_date="2024-07-19"),
    dict(return_month="2024-10", school_urn="100002", pupil_id="X0004", ncy="11", provision_type="APS",
         hours_offered="25", hours_attended="20"),
    dict(return_month="2024-10", school_urn="100002", pupil_id="X0005", ncy="9", provision_type="APL",
         hours_offered="24", hours_attended="12"),
    dict(return_month="2024-10", school_urn="100001", pupil_id="X0006", ncy="5", provision_type="HTU",
         hours_offered="5", hours_attended="5"),
    dict(return_month="2024-10", school_urn="100003", pupil_id="X0007", ncy="4", provision_type=RTT,
         hours_offered="11.75", hours_attended="11.75", rtt_start_date="2024-10-07",
         rtt_end_date="2024-11-29"),
    # September 2024: X0002 already on its reduced timetable
    dict(return_month="2024-09", school_urn="100001", pupil_id="X0002", ncy="8", provision_type=RTT,
         hours_offered="12", hours_attended="6", rtt_start_date="2024-06-03",
         rtt_review_date="2024-09-20"),
]


@pytest.fixture(scope="module")
def returns():
    return make("pme_returns", RETURNS)


def test_reduced_timetable_flags(returns):
    out = provision.reduced_timetables(returns)
    oct_ = out[out["return_month"] == "2024-10-01"].set_index("pupil_id")
    # days on RTT to 31 Oct: X1 from 2 Sep = 28 + 31 = 59; X2 from 3 Jun = 27+31+31+30+31 = 150;
    # X3 from 15 Apr = 15+31+30+31+31+30+31 = 199; X7 from 7 Oct = 24
    assert oct_["days_on_rtt"].to_dict() == {"X0001": 59, "X0002": 150, "X0003": 199, "X0007": 24}
    assert oct_["no_end_date"].to_dict() == {"X0001": False, "X0002": True, "X0003": False, "X0007": False}
    # X3's timetable ended 19 Jul, before October began, yet it is still reported
    assert oct_["past_end_date"].to_dict() == {"X0001": False, "X0002": False, "X0003": True, "X0007": False}
    assert oct_["no_review_date"].to_dict() == {"X0001": False, "X0002": False, "X0003": True, "X0007": True}
    # X2's review was due 20 Sep (before October); X3 has none after 199 days (> 6 weeks = 42);
    # X7 has none but started only 24 days ago; X1's review (14 Oct) falls in the month
    assert oct_["overdue_review"].to_dict() == {"X0001": False, "X0002": True, "X0003": True, "X0007": False}
    sep = out[out["return_month"] == "2024-09-01"].iloc[0]
    # in September X2's review (20 Sep) was not yet overdue; 3 Jun -> 30 Sep = 119 days
    assert (sep["days_on_rtt"], sep["overdue_review"]) == (119, False)


def test_reduced_timetable_summary(returns):
    out = provision.reduced_timetable_summary(provision.reduced_timetables(returns)).set_index("return_month")
    oct_ = out.loc["2024-10-01"]
    # 4 pupils; days 24, 59, 150, 199 -> median (59 + 150) / 2 = 104.5; over 42 days: 3
    assert oct_.to_dict() == {"pupils": 4, "median_days_on_rtt": 104.5, "over_6_weeks": 3,
                              "no_end_date": 1, "past_end_date": 1, "no_review_date": 2,
                              "overdue_review": 2}
    assert out.loc["2024-09-01", "pupils"] == 1


def test_hours_against_full_time_benchmark(returns):
    out = provision.hours_summary(returns[returns["return_month"] == "2024-10-01"]).set_index("key_stage")
    # KS1 (X1, Year 2): 10.5 of 21 h = 50%; attended 7 of 10.5 offered = 66.67%
    assert out.loc["KS1", "offered_pct_of_full_time"] == pytest.approx(50)
    assert out.loc["KS1", "attended_pct_of_offered"] == pytest.approx(200 / 3)
    # KS2 (X6 Year 5, 5 h; X7 Year 4, 11.75 h): 16.75 of 2 x 23.5 = 47 -> 35.64%
    assert out.loc["KS2", "offered_pct_of_full_time"] == pytest.approx(16.75 / 47 * 100)
    # KS3 (X2 12/6, X5 24/12): mean offered 18, attended 9; 36 of 48 = 75%; 18 of 36 = 50%
    ks3 = out.loc["KS3"]
    assert (ks3["pupils"], ks3["mean_hours_offered"], ks3["mean_hours_attended"]) == (2, 18, 9)
    assert (ks3["offered_pct_of_full_time"], ks3["attended_pct_of_offered"]) == (75, 50)
    # KS4 (X3 15/15, X4 25/20): 40 of 50 = 80%; 35 of 40 = 87.5%
    assert (out.loc["KS4", "offered_pct_of_full_time"], out.loc["KS4", "attended_pct_of_offered"]) == (80, 87.5)
    # the 2024 minimum school week as the benchmark: KS4 40 of 2 x 32.5 = 61.54%
    week = {ks: provision.MINIMUM_SCHOOL_WEEK_HOURS for ks in provision.FULL_TIME_HOURS}
    alt = provision.hours_summary(returns[returns["return_month"] == "2024-10-01"], full_time=week)
    assert alt.set_index("key_stage").loc["KS4", "offered_pct_of_full_time"] == pytest.approx(40 / 65 * 100)


def test_benchmark_must_cover_every_key_stage(returns):
    with pytest.raises(ValueError, match="KS4"):
        provision.hours_against_benchmark(returns, {"KS1": 21, "KS2": 23.5, "KS3": 24})


def test_provision_counts_and_alternative_provision(returns):
    counts = provision.provision_counts(returns).set_index("return_month")
    assert counts.loc["2024-10-01", ["RTT", "APS", "APL", "HTU", "HOS", "total"]].tolist() == [4, 1, 1, 1, 0, 7]
    assert counts.loc["2024-09-01", ["RTT", "total"]].tolist() == [1, 1]
    ap = provision.alternative_provision(returns)
    # only school 100002 uses AP: one pupil in each kind in October
    assert ap[["school_urn", "APS", "APL", "total"]].values.tolist() == [[100002, 1, 1, 2]]
