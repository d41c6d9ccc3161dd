"""The monthly pack's table shapes, on the six hand-made episodes of _metrics_data.FLOW_CASES.

Hand working (dates in 2024): A PME referred 20 Aug, open; B PME referred and closed 5 Sep;
C CME referred 10 Sep, closed 15 Oct; D PME referred 1 Oct, open; E CME referred 1 Jul, closed
31 Aug; F PME referred 30 Sep, closed 30 Nov.
Open at end of 30 Sep: C (CME); A, F (PME). Open at end of 31 Oct: A, D, F (all PME).
"""
from __future__ import annotations

import pandas as pd
from _metrics_data import FLOW_CASES, make

from pmereport.metrics import monthly


def cases():
    return make("cases", FLOW_CASES)


def test_month_ends():
    assert monthly.previous_month_end("2026-10-31") == pd.Timestamp("2026-09-30")
    assert monthly.previous_month_end("2024-03-15") == pd.Timestamp("2024-02-29")  # leap year
    assert monthly.month_end("2024-02-03") == pd.Timestamp("2024-02-29")


def test_headline_measures():
    table = monthly.headline_measures(cases(), "2024-10-31", "2024-09-30").set_index("measure")
    # 30 Sep: CME 1 (C), PME 2 (A, F); September referrals B, C, F = 3, closures B = 1
    # 31 Oct: CME 0, PME 3 (A, D, F); October referrals D = 1, closures C = 1
    assert table["previous"].tolist() == [1, 2, 3, 3, 1]
    assert table["current"].tolist() == [0, 3, 3, 1, 1]


def test_flows_by_case_type():
    table = monthly.flows_by_case_type(cases(), "2024-09-01", "2024-10-31")
    assert table["month"].tolist() == [pd.Timestamp("2024-09-30"), pd.Timestamp("2024-10-31")]
    # Sep: CME referred C, none closed, C open; PME referred B and F, B closed, A and F open
    # Oct: CME C closed, none open; PME D referred, A, D, F open
    assert table["CME_referrals"].tolist() == [1, 0]
    assert table["CME_closures"].tolist() == [0, 1]
    assert table["CME_open_end"].tolist() == [1, 0]
    assert table["PME_referrals"].tolist() == [2, 1]
    assert table["PME_closures"].tolist() == [1, 0]
    assert table["PME_open_end"].tolist() == [2, 3]


def test_characteristic_by_case_type():
    table = monthly.characteristic_by_case_type(cases(), "2024-10-31", "sex").set_index("sex")
    # open at 31 Oct: A (F), D (M), F (F by default); every sex code listed
    assert table.loc["F", ["CME", "PME", "total"]].tolist() == [0, 2, 2]
    assert table.loc["M", ["CME", "PME", "total"]].tolist() == [0, 1, 1]
    assert table.loc["U", "total"] == 0
    assert table.loc["F", "share"] == 2 / 3
    assert table.loc["F", "label"] == "Female"


def test_characteristic_without_code_list_is_largest_first():
    rows = [dict(r, district="South") if r["case_id"] in ("A", "D") else r for r in FLOW_CASES]
    table = monthly.characteristic_by_case_type(make("cases", rows), "2024-10-31", "district")
    assert table["district"].tolist() == ["South", "North"]  # A and D in South; F in North
    assert table["total"].tolist() == [2, 1]


def test_reason_by_key_stage():
    frame = cases()
    open_pme = frame[frame["case_id"].isin(["A", "D", "F"])]
    table = monthly.reason_by(open_pme, "key_stage").set_index("reason")
    # A: MED -> medical, Year 7 = KS3; D: MHN -> medical, Year 10 = KS4; F: GRT, Reception = EYFS
    assert list(table.columns) == ["label", "EYFS", "KS1", "KS2", "KS3", "KS4", "total"]
    assert table.loc["MEDICAL", ["EYFS", "KS1", "KS2", "KS3", "KS4", "total"]].tolist() == [0, 0, 0, 1, 1, 2]
    assert table.loc["GRT", ["EYFS", "total"]].tolist() == [1, 1]
    assert table["total"].tolist() == [2, 0, 1, 0, 0]  # MEDICAL, BEHAVIOURAL, GRT, SEND_UNMET, OTHER
    assert table.loc["MEDICAL", "label"] == "Medical needs, including SEMH"


def test_duration_bands_by_case_type():
    table = monthly.duration_bands_by_case_type(cases(), "2024-10-31").set_index("band")
    # A open 72 days (20 Aug to 31 Oct), D 30 days, F 31 days: all "4 to 12 weeks" (28 to 83 days)
    assert table.loc["4 to 12 weeks", ["CME", "PME", "total"]].tolist() == [0, 3, 3]
    assert table["total"].sum() == 3


def test_ap_schools_counts_schools_not_pupils():
    returns = make("pme_returns", [
        dict(return_month="2024-10", school_urn="100001", pupil_id="X0001", provision_type="APS"),
        dict(return_month="2024-10", school_urn="100001", pupil_id="X0002", provision_type="APS"),
        dict(return_month="2024-10", school_urn="100002", pupil_id="X0003", provision_type="APL"),
        dict(return_month="2024-10", school_urn="100003", pupil_id="X0004", provision_type="RTT",
             rtt_start_date="2024-10-01", rtt_end_date="2024-12-01", rtt_review_date="2024-11-01"),
        dict(return_month="2024-09", school_urn="100001", pupil_id="X0001", provision_type="APL"),
    ])
    table = monthly.ap_schools(returns).set_index("return_month")
    # Sep: one school, LA-arranged AP, one pupil. Oct: school 1 has 2 APS pupils, school 2 one APL
    assert table.loc[pd.Timestamp("2024-09-01")].tolist() == [1, 0, 1, 0, 1]
    assert table.loc[pd.Timestamp("2024-10-01")].tolist() == [2, 1, 1, 2, 1]
