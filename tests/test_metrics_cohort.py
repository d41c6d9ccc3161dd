"""Cohort snapshots, breakdowns, census rates and monthly flows on hand-made cases.

The six episodes are FLOW_CASES in _metrics_data.py (all dates 2024):
  A PME MED   ref 08-20, open                     ncy 7  school 100001  SEN K
  B PME SBD   ref 09-05, closed 09-05 (same day)  ncy 10 school 100002  pupil P0002
  C CME       ref 09-10, closed 10-15             ncy 3  no school
  D PME MHN   ref 10-01, open                     ncy 10 school 100002  pupil P0002 again, SEN E
  E CME       ref 07-01, closed 08-31             ncy 11 no school
  F PME GRT   ref 09-30, closed 11-30             ncy 0  school 100001
"""
from __future__ import annotations

import math

import pandas as pd
import pytest
from _metrics_data import FLOW_CASES, make

from pmereport.metrics import cohort, flows


@pytest.fixture(scope="module")
def cases():
    return make("cases", FLOW_CASES)


@pytest.fixture(scope="module")
def census():
    # 2024/25 roll: 440 pupils; SEN support 20+3+30+6 = 59, EHCP 5+0+10+2 = 17, so no SEN 364;
    # FSM 30+5+50+10 = 95. One 2023/24 row that must not be counted.
    return make("census", [
        dict(school_urn="100001", academic_year="2024/25", ncy="7", headcount="150", headcount_fsm="30",
             headcount_sen_support="20", headcount_ehcp="5"),
        dict(school_urn="100001", academic_year="2024/25", ncy="0", headcount="30", headcount_fsm="5",
             headcount_sen_support="3", headcount_ehcp="0"),
        dict(school_urn="100002", academic_year="2024/25", ncy="10", headcount="200", headcount_fsm="50",
             headcount_sen_support="30", headcount_ehcp="10"),
        dict(school_urn="100003", academic_year="2024/25", ncy="3", headcount="60", headcount_fsm="10",
             headcount_sen_support="6", headcount_ehcp="2"),
        dict(school_urn="100003", academic_year="2023/24", ncy="3", headcount="999", headcount_fsm="",
             headcount_sen_support="", headcount_ehcp=""),
    ])


def test_open_on_end_of_day(cases):
    # 30 Sep: A (open), C (closes 15 Oct), F (referred that day). B closed 5 Sep, E closed
    # 31 Aug, D not yet referred.
    assert sorted(cohort.open_on(cases, "2024-09-30")["case_id"]) == ["A", "C", "F"]
    # the same-day case B is never open, not even on its own day
    assert "B" not in set(cohort.open_on(cases, "2024-09-05")["case_id"])
    # a case closed on the snapshot day is out: C on 15 Oct
    assert sorted(cohort.open_on(cases, "2024-10-15")["case_id"]) == ["A", "D", "F"]


def test_snapshot_cme_pme_together_and_apart(cases):
    together = cohort.snapshot(cases, "2024-09-30", by="case_type")
    # CME: C; PME: A, F
    assert together[["case_type", "count"]].values.tolist() == [["CME", 1], ["PME", 2]]
    assert together["share"].tolist() == pytest.approx([1 / 3, 2 / 3])
    apart = cohort.snapshot(cases, "2024-09-30", by="reason", split="case_type")
    pme = apart[apart["case_type"] == "PME"].set_index("reason")
    # PME open: A MED -> MEDICAL, F GRT -> GRT; every reason listed, zero or not
    assert pme["count"].to_dict() == {"MEDICAL": 1, "BEHAVIOURAL": 0, "GRT": 1, "SEND_UNMET": 0, "OTHER": 0}
    assert pme.loc["MEDICAL", "share"] == 0.5
    cme = apart[apart["case_type"] == "CME"].set_index("reason")
    assert cme.loc["OTHER", "count"] == 1 and cme["count"].sum() == 1


def test_snapshot_key_stage_and_blank_school(cases):
    ks = cohort.snapshot(cases, "2024-09-30", by="key_stage").set_index("key_stage")
    # A ncy 7 -> KS3, C ncy 3 -> KS2, F ncy 0 -> EYFS
    assert ks["count"].to_dict() == {"EYFS": 1, "KS1": 0, "KS2": 1, "KS3": 1, "KS4": 0}
    schools = cohort.snapshot(cases, "2024-09-30", by="school_urn").set_index("school_urn")
    # A and F at 100001; the CME case C has no school and is counted under "(none)", not dropped
    assert schools["count"].to_dict() == {100001: 2, cohort.NONE_KEY: 1}


def test_pupil_with_two_episodes_counts_per_episode(cases):
    # On 31 Oct pupil P0002 has D open (B closed): one episode open, counted once
    open_oct = cohort.open_on(cases, "2024-10-31")
    assert sorted(open_oct["case_id"]) == ["A", "D", "F"]
    # counting all episodes referred in Sep-Oct, P0002 appears twice (B and D)
    referred = cases[cases["referral_date"].between("2024-09-01", "2024-10-31")]
    assert (referred["pupil_id"] == "P0002").sum() == 2


def test_census_roll_and_rates_per_1000(cases, census):
    by_ncy = cohort.rate_per_1000(cohort.snapshot(cases, "2024-09-30", by="ncy"),
                                  cohort.census_roll(census, "2024/25", "ncy"), "ncy").set_index("ncy")
    # F (Reception) 1 / 30 x 1000 = 33.33; C (Year 3) 1 / 60 x 1000 = 16.67; A (Year 7) 1 / 150 x
    # 1000 = 6.67; Year 10 none open of 200 = 0; Year 1 has no roll: blank, not 0
    assert by_ncy.loc[0, "rate_per_1000"] == pytest.approx(33.3333, abs=1e-3)
    assert by_ncy.loc[3, "rate_per_1000"] == pytest.approx(16.6667, abs=1e-3)
    assert by_ncy.loc[7, "rate_per_1000"] == pytest.approx(6.6667, abs=1e-3)
    assert by_ncy.loc[10, "rate_per_1000"] == 0
    assert math.isnan(by_ncy.loc[1, "rate_per_1000"])
    total = cohort.rate_per_1000(pd.DataFrame({"count": [3]}), cohort.census_roll(census, "2024/25"))
    assert total.loc[0, "pupils"] == 440  # 150 + 30 + 200 + 60 (the 2023/24 row excluded)
    assert total.loc[0, "rate_per_1000"] == pytest.approx(3 / 440 * 1000)  # 6.818
    schools = cohort.rate_per_1000(cohort.snapshot(cases, "2024-09-30", by="school_urn"),
                                   cohort.census_roll(census, "2024/25", "school_urn"),
                                   "school_urn").set_index("school_urn")
    assert schools.loc[100001, "rate_per_1000"] == pytest.approx(2 / 180 * 1000)  # roll 150 + 30
    assert math.isnan(schools.loc[cohort.NONE_KEY, "rate_per_1000"])


def test_sen_and_fsm_denominators(cases, census):
    sen = cohort.census_roll(census, "2024/25", "sen_status").set_index("sen_status")["pupils"]
    assert sen.to_dict() == {"N": 364, "K": 59, "E": 17}
    fsm = cohort.census_roll(census, "2024/25", "fsm").set_index("fsm")["pupils"]
    assert fsm.to_dict() == {"Y": 95, "N": 345}
    rates = cohort.rate_per_1000(cohort.snapshot(cases, "2024-09-30", by="sen_status"),
                                 cohort.census_roll(census, "2024/25", "sen_status"),
                                 "sen_status").set_index("sen_status")
    # open on 30 Sep: A SEN support; C and F no SEN -> K 1/59, N 2/364, E 0/17
    assert rates.loc["K", "rate_per_1000"] == pytest.approx(1000 / 59)
    assert rates.loc["N", "rate_per_1000"] == pytest.approx(2000 / 364)
    assert rates.loc["E", "rate_per_1000"] == 0


def test_census_roll_refuses_what_it_cannot_give(census):
    with pytest.raises(ValueError, match="no census denominator for 'sex'"):
        cohort.census_roll(census, "2024/25", "sex")
    with pytest.raises(ValueError, match="no rows for academic year 2022/23"):
        cohort.census_roll(census, "2022/23")
    with pytest.raises(ValueError, match="blank headcount_fsm"):
        cohort.census_roll(census, "2023/24", "fsm")


def test_monthly_flows_all_cases(cases):
    out = flows.monthly_flows(cases, "2024-09-01", "2024-11-30")
    # opening (end of 31 Aug): A only (E closed on 31 Aug).
    # Sep: referred B, C, F; closed B (same day) -> 1 + 3 - 1 = 3 (A, C, F)
    # Oct: referred D; closed C -> 3; Nov: closed F -> 2 (A, D)
    assert out[["open_start", "referrals", "closures", "open_end"]].values.tolist() == [
        [1, 3, 1, 3], [3, 1, 1, 3], [3, 0, 1, 2]]
    assert out["month"].astype(str).tolist() == ["2024-09", "2024-10", "2024-11"]


def test_monthly_flows_by_case_type(cases):
    out = flows.monthly_flows(cases, "2024-09", "2024-11", by="case_type")
    got = {(str(r.month), r.case_type): (r.open_start, r.referrals, r.closures, r.open_end)
           for r in out.itertuples()}
    # CME: none open at the start (E closed 31 Aug); C in Sep, closed in Oct
    assert got[("2024-09", "CME")] == (0, 1, 0, 1)
    assert got[("2024-10", "CME")] == (1, 0, 1, 0)
    assert got[("2024-11", "CME")] == (0, 0, 0, 0)
    # PME: A open at the start; B and F in Sep (B closed the same day); D in Oct; F closes in Nov
    assert got[("2024-09", "PME")] == (1, 2, 1, 2)
    assert got[("2024-10", "PME")] == (2, 1, 0, 3)
    assert got[("2024-11", "PME")] == (3, 0, 1, 2)


def test_flows_agree_with_snapshots_at_month_ends(cases):
    out = flows.monthly_flows(cases, "2024-07", "2024-12")
    for row in out.itertuples():
        assert row.open_end == len(cohort.open_on(cases, row.month.end_time.normalize()))


def test_referral_rate_per_1000_from_flows(cases, census):
    monthly = flows.monthly_flows(cases, "2024-09", "2024-09")
    out = cohort.rate_per_1000(monthly, cohort.census_roll(census, "2024/25"), count="referrals")
    # 3 referrals in September of a 440 roll: 6.818 per 1,000
    assert out.loc[0, "rate_per_1000"] == pytest.approx(3000 / 440)


def test_split_refuses_to_drop_rows(cases):
    # splitting by school would leave the CME cases (no school) out of every block: an error
    with pytest.raises(ValueError, match="cannot split by 'school_urn'"):
        cohort.count_by(cases, "reason", split="school_urn")


def test_rates_by_key_stage_and_fsm(cases, census):
    ks = cohort.rate_per_1000(cohort.snapshot(cases, "2024-09-30", by="key_stage"),
                              cohort.census_roll(census, "2024/25", "key_stage"), "key_stage")
    ks = ks.set_index("key_stage")
    # KS3 roll: Year 7 at 100001 = 150 (A open) -> 6.67; EYFS roll 30 (F) -> 33.3; KS1 no roll
    assert ks.loc["KS3", ["count", "pupils"]].tolist() == [1, 150]
    assert ks.loc["EYFS", "rate_per_1000"] == pytest.approx(1000 / 30)
    assert math.isnan(ks.loc["KS1", "rate_per_1000"])
    fsm = cohort.rate_per_1000(cohort.snapshot(cases, "2024-09-30", by="fsm"),
                               cohort.census_roll(census, "2024/25", "fsm"), "fsm").set_index("fsm")
    # all three open cases are not FSM (the default): 3 / 345 x 1000 = 8.70; FSM 0 of 95
    assert fsm.loc["N", "rate_per_1000"] == pytest.approx(3000 / 345)
    assert fsm.loc["Y", "rate_per_1000"] == 0
    # overall 3 / 440 x 1000 = 6.818, so non-FSM pupils are 8.696 / 6.818 = 1.2754 times as likely
    assert fsm.loc["N", "relative_rate"] == pytest.approx((3 / 345) / (3 / 440))
