"""Pathway stage durations, time open and duration bands (calendar days), worked by hand."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from _metrics_data import FLOW_CASES, make

from pmereport.metrics import durations

STAGE_CASES = [
    # S1 goes through every stage: 2 Sep, 9 Sep, 23 Sep, 7 Oct, 21 Oct, closed 18 Nov
    # = 7, 14, 14, 14 and 28 days
    dict(case_id="S1", pupil_id="P0011", referral_date="2024-09-02", assessment_date="2024-09-09",
         case_management_date="2024-09-23", placement_identified_date="2024-10-07",
         monitoring_date="2024-10-21", closure_date="2024-11-18", closure_reason="SCH"),
    # S2 skips case management: referral 14 days, assessment 15 Oct -> 1 Nov = 17 days, placement
    # from 1 Nov still running at 31 Dec = 60 days (not completed)
    dict(case_id="S2", pupil_id="P0012", referral_date="2024-10-01", assessment_date="2024-10-15",
         placement_identified_date="2024-11-01"),
    # S3 referred and closed the same day: 0 days in referral, completed
    dict(case_id="S3", pupil_id="P0013", referral_date="2024-12-10", closure_date="2024-12-10",
         closure_reason="OTH"),
    # S4 referred after the analysis date: not counted
    dict(case_id="S4", pupil_id="P0014", referral_date="2025-01-05"),
    # S5 assessed after the analysis date: still in referral at 31 Dec, 11 days so far
    dict(case_id="S5", pupil_id="P0015", referral_date="2024-12-20", assessment_date="2025-01-03"),
]
AS_OF = "2024-12-31"


@pytest.fixture(scope="module")
def stage_cases():
    return make("cases", STAGE_CASES)


def test_stage_durations(stage_cases):
    out = durations.stage_durations(stage_cases, AS_OF)
    got = {(r.case_id, r.stage): (r.days, r.completed) for r in out.itertuples()}
    assert got == {
        ("S1", "referral"): (7, True), ("S1", "assessment"): (14, True),
        ("S1", "case_management"): (14, True), ("S1", "placement"): (14, True),
        ("S1", "monitoring"): (28, True),
        ("S2", "referral"): (14, True), ("S2", "assessment"): (17, True), ("S2", "placement"): (60, False),
        ("S3", "referral"): (0, True),
        ("S5", "referral"): (11, False),
    }


def test_stage_duration_summary(stage_cases):
    out = durations.stage_duration_summary(durations.stage_durations(stage_cases, AS_OF)).set_index("stage")
    assert list(out.index) == ["referral", "assessment", "case_management", "placement", "monitoring"]
    ref = out.loc["referral"]
    # reached by S1, S2, S3, S5; completed 7, 14, 0 -> sorted 0, 7, 14: median 7, linear quartiles
    # q1 = 0 + 0.5 x (7 - 0) = 3.5, q3 = 7 + 0.5 x (14 - 7) = 10.5; S5 ongoing
    assert (ref["cases"], ref["completed"], ref["ongoing"]) == (4, 3, 1)
    assert (ref["median_days"], ref["q1_days"], ref["q3_days"]) == (7, 3.5, 10.5)
    # assessment: 14 and 17 -> median 15.5, q1 14.75, q3 16.25
    assert out.loc["assessment", ["median_days", "q1_days", "q3_days"]].tolist() == [15.5, 14.75, 16.25]
    # placement: S1 completed 14, S2 ongoing (60 so far, not in the quartiles)
    assert out.loc["placement", ["cases", "completed", "ongoing", "median_days"]].tolist() == [2, 1, 1, 14]


def test_case_durations():
    cases = make("cases", FLOW_CASES)
    out = durations.case_durations(cases, "2024-11-15").set_index("case_id")
    # A open: 20 Aug -> 15 Nov = 11 + 30 + 31 + 15 = 87; B same day: 0, re-engaged (FTE);
    # C 10 Sep -> 15 Oct = 20 + 15 = 35, re-engaged (SCH); D open 1 Oct -> 15 Nov = 45;
    # E 1 Jul -> 31 Aug = 61, closed but moved away (MOV): not re-engaged;
    # F closes 30 Nov, after the analysis date: open at 15 Nov, 30 Sep -> 15 Nov = 46
    assert out["days_open"].to_dict() == {"A": 87, "B": 0, "C": 35, "D": 45, "E": 61, "F": 46}
    assert out["closed"].to_dict() == {"A": False, "B": True, "C": True, "D": False, "E": True, "F": False}
    assert out["reengaged"].to_dict() == {"A": False, "B": True, "C": True, "D": False, "E": False, "F": False}


def test_duration_bands_edges():
    days = pd.Series([0, 13, 14, 27, 28, 83, 84, 181, 182, 363, 364, 1000])
    out = durations.duration_band_table(days)
    # bands are [0,14) [14,28) [28,84) [84,182) [182,364) [364,inf): two values in each
    assert out["band"].tolist() == ["Less than 2 weeks", "2 to 4 weeks", "4 to 12 weeks",
                                    "12 to 26 weeks", "26 to 52 weeks", "Over 52 weeks"]
    assert out["count"].tolist() == [2] * 6
    assert out["share"].sum() == pytest.approx(1)
    with pytest.raises(ValueError):
        durations.duration_band(pd.Series([-1]))


def test_open_duration_bands():
    cases = make("cases", FLOW_CASES)
    out = durations.open_duration_bands(cases, "2024-09-30").set_index("band")["count"]
    # open on 30 Sep: A since 20 Aug = 41 days (4-12 weeks), C since 10 Sep = 20 (2-4 weeks),
    # F referred that day = 0 (less than 2 weeks)
    assert out.to_dict() == {"Less than 2 weeks": 1, "2 to 4 weeks": 1, "4 to 12 weeks": 1,
                             "12 to 26 weeks": 0, "26 to 52 weeks": 0, "Over 52 weeks": 0}
    empty = durations.open_duration_bands(cases, "2024-01-01")
    assert empty["count"].sum() == 0 and math.isnan(empty["share"].iloc[0])


def test_closed_duration_bands():
    cases = make("cases", FLOW_CASES)
    out = durations.closed_duration_bands(cases, "2024-09-01", "2024-11-30").set_index("band")["count"]
    # closed in Sep-Nov: B same day = 0 days; C 10 Sep -> 15 Oct = 35; F 30 Sep -> 30 Nov = 61.
    # E closed 31 Aug, outside the period.
    assert out.to_dict() == {"Less than 2 weeks": 1, "2 to 4 weeks": 0, "4 to 12 weeks": 2,
                             "12 to 26 weeks": 0, "26 to 52 weeks": 0, "Over 52 weeks": 0}
