"""Provision triggers (monthly PME returns) at, one below and one above their lines."""
import pandas as pd
import pytest

from triggers_support import D, cases, crossed, returns, run


# RTT01: no end date, past a grace of school days. Started Fri 14 Feb 2025: 14 (1), half-term,
# 24 (2), 25 (3), 26 (4), 27 (5), Fri 28 Feb (6). Started Thu 1 May 2025: 1 (1), 2 (2), May Day,
# Tue 6 May (3).
@pytest.mark.parametrize("start, as_of, grace, expected", [
    ("2025-02-14", "2025-02-16", 0, (D("2025-02-14"), 1, 1)),   # default: flagged from its first day
    ("2025-02-14", "2025-02-26", 5, None),                      # 4 days
    ("2025-02-14", "2025-02-27", 5, None),                      # 5 days: at the grace
    ("2025-02-14", "2025-02-28", 5, (D("2025-02-28"), 6, 1)),   # 6 days, over on the 6th
    ("2025-05-01", "2025-05-01", 2, None),                      # 1 day
    ("2025-05-01", "2025-05-05", 2, None),                      # 2 days (5 May bank holiday)
    ("2025-05-01", "2025-05-06", 2, (D("2025-05-06"), 3, 1)),   # 3 days
])
def test_rtt01_no_end_date(start, as_of, grace, expected):
    ret = returns({"return_month": D(as_of).replace(day=1), "rtt_start_date": start, "rtt_end_date": None})
    assert crossed(run("RTT01", {"pme_returns": ret}, as_of, grace_school_days=grace)) == expected


def test_rtt01_only_current_returns_count():
    old = returns({"rtt_start_date": "2025-01-13", "rtt_end_date": None, "return_month": "2025-01-01"})
    new = returns({"return_month": "2025-02-01", "pupil_id": "P002"})  # the school's newer return
    assert run("RTT01", {"pme_returns": pd.concat([old, new], ignore_index=True)}, "2025-02-28").empty


# RTT02: past its end date. Ended Fri 14 Feb 2025; school days after it: Mon 24 (1), 25 (2), 26 (3).
# Ended Fri 2 May 2025: Mon 5 May is a bank holiday (0), Tue 6 May (1).
@pytest.mark.parametrize("end, as_of, grace, expected", [
    ("2025-02-14", "2025-02-14", 0, None),
    ("2025-02-14", "2025-02-24", 0, (D("2025-02-24"), 1, 1)),
    ("2025-02-14", "2025-02-24", 2, None),
    ("2025-02-14", "2025-02-25", 2, None),
    ("2025-02-14", "2025-02-26", 2, (D("2025-02-26"), 3, 1)),
    ("2025-05-02", "2025-05-05", 0, None),
    ("2025-05-02", "2025-05-06", 0, (D("2025-05-06"), 1, 1)),
])
def test_rtt02_past_end_date(end, as_of, grace, expected):
    ret = returns({"return_month": D(as_of).replace(day=1), "rtt_start_date": "2025-01-13", "rtt_end_date": end})
    assert crossed(run("RTT02", {"pme_returns": ret}, as_of, grace_school_days=grace)) == expected


# RTT03: review overdue (same school-day counting as RTT02), or never set.
@pytest.mark.parametrize("review, as_of, grace, expected", [
    ("2025-02-14", "2025-02-25", 2, None),
    ("2025-02-14", "2025-02-26", 2, (D("2025-02-26"), 3, 1)),
    ("2025-02-14", "2025-02-24", 2, None),
    ("2025-05-02", "2025-05-05", 0, None),                        # Mon 5 May bank holiday
    ("2025-05-02", "2025-05-06", 0, (D("2025-05-06"), 1, 1)),
    (None, "2025-02-13", 0, (D("2025-02-13"), 1, 1)),  # no review date: overdue from the start
])
def test_rtt03_review_overdue(review, as_of, grace, expected):
    ret = returns({"return_month": D(as_of).replace(day=1), "rtt_start_date": "2025-02-13",
                   "rtt_review_date": review})
    assert crossed(run("RTT03", {"pme_returns": ret}, as_of, grace_school_days=grace)) == expected


# CIN01: always escalated. RTT from Mon 10 Feb 2025 to Mon 24 Feb: 10-14 (5) + 24 (1) = 6 days.
# APL first reported January 2025 (1 Jan): Jan 7-10 (4; 6 Jan INSET), 13-17, 20-24, 27-31,
# Feb 3-7, 10-14 (5 each), 24 Feb (1) = 30 school days.
def test_cin01_plan_on_reduced_provision():
    ret = pd.concat([
        returns({"pupil_id": "P001", "rtt_start_date": "2025-02-10"}),
        returns({"pupil_id": "P002", "provision_type": "APL", "rtt_start_date": None, "rtt_end_date": None,
                 "rtt_review_date": None, "return_month": "2025-01-01"}),
        returns({"pupil_id": "P002", "provision_type": "APL", "rtt_start_date": None, "rtt_end_date": None,
                 "rtt_review_date": None}),
        returns({"pupil_id": "P003"}), returns({"pupil_id": "P004", "provision_type": "HTU"}),
    ], ignore_index=True)
    case_rows = cases({"case_id": "C1", "pupil_id": "P001", "cin_status": "CPP"},
                      {"case_id": "C2", "pupil_id": "P002", "cin_status": "CIN"},
                      {"case_id": "C3", "pupil_id": "P003", "cin_status": "N"},
                      {"case_id": "C4", "pupil_id": "P004", "cin_status": "CPP"})
    found = run("CIN01", {"pme_returns": ret, "cases": case_rows}, "2025-02-24")
    assert sorted(found["pupil_id"]) == ["P001", "P002"]
    assert crossed(found, "P001") == (D("2025-02-10"), 6, 6)
    assert crossed(found, "P002") == (D("2025-01-01"), 30, 30)


# FTE01: full-time hours by key stage (KS4 25 h, KS1 21 h; Reception as KS1).
@pytest.mark.parametrize("ncy, hours, expected", [
    (10, 24.0, (D("2025-02-01"), 24.0, 1.0)), (10, 25.0, None), (10, 26.0, None),
    (1, 20.5, (D("2025-02-01"), 20.5, 0.5)), (1, 21.0, None), (0, 21.0, None),
])
def test_fte01_below_full_time_hours(ncy, hours, expected):
    ret = returns({"ncy": ncy, "hours_offered": hours, "hours_attended": 0.0})
    assert crossed(run("FTE01", {"pme_returns": ret}, "2025-02-24")) == expected


def test_fte01_hours_are_a_parameter():
    ret = returns({"ncy": 10, "hours_offered": 25.0, "hours_attended": 0.0})
    hours = {"EYFS": 21.0, "KS1": 21.0, "KS2": 23.5, "KS3": 24.0, "KS4": 26.0}
    assert crossed(run("FTE01", {"pme_returns": ret}, "2025-02-24", hours_by_key_stage=hours))[2] == 1.0


# MDD01: 3 occasions in the last month. As of Fri 14 Mar 2025 the window is 15 Feb-14 Mar (it
# spans the half-term); as of Fri 30 May it is 1-30 May (May Day, half-term, Spring BH).
@pytest.mark.parametrize("as_of, dates, expected", [
    ("2025-03-14", ["2025-02-14", "2025-02-24", "2025-03-03"], None),                  # 2 in window
    ("2025-03-14", ["2025-02-14", "2025-02-24", "2025-03-03", "2025-03-10"], (D("2025-03-10"), 3, 0)),
    ("2025-03-14", ["2025-02-24", "2025-02-25", "2025-03-03", "2025-03-10"], (D("2025-03-03"), 4, 1)),
    ("2025-05-30", ["2025-04-30", "2025-05-01", "2025-05-02"], None),
    ("2025-05-30", ["2025-05-01", "2025-05-02", "2025-05-06"], (D("2025-05-06"), 3, 0)),
])
def test_mdd01_missing_three_times_in_a_month(as_of, dates, expected):
    occ = pd.DataFrame({"pupil_id": "P001", "occasion_date": pd.to_datetime(dates)})
    occ = pd.concat([occ, occ.head(1)], ignore_index=True)  # an exact duplicate row counts once
    assert crossed(run("MDD01", {"missing_occasions": occ}, as_of)) == expected
