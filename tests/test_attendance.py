"""Attendance measures from per-term aggregates, checked against hand working and DfE figures."""
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from pmereport.metrics.attendance import add_rates, summary, term_attendance, year_to_date

REALDATA = Path("/work/shared/realdata/dfe-absence/absence_3term_nat_reg_la_200607_201819.csv")


def _terms():
    rows = [  # pupil, school, term, possible, authorised, unauthorised
        ("P1", 100001, "AUT", 146, 10, 5), ("P1", 100001, "SPR", 118, 0, 24),
        ("P2", 100001, "AUT", 146, 73, 0), ("P2", 100001, "SPR", 118, 50, 10),
        ("P3", 100002, "AUT", 146, 0, 14),
        ("P4", 100002, "AUT", 0, 0, 0),
        ("P1", 100001, "SUM", 116, 0, 0),
    ]
    df = pd.DataFrame(rows, columns=["pupil_id", "school_urn", "term", "sessions_possible",
                                     "sessions_authorised", "sessions_unauthorised"])
    df["ncy"] = [8, 8, 8, 8, 3, 3, 9]  # P1 moved up a year group in the summer row (latest wins)
    return df.assign(academic_year="2024/25")


def test_year_to_date_per_enrolment():
    ytd = year_to_date(_terms(), "2024/25", up_to_term="SPR").set_index("pupil_id")
    # P1: 264 possible, 10 + 5 + 24 = 39 missed = 14.77% -> persistent; 29 unauthorised sessions = 14.5 days
    assert ytd.loc["P1", "sessions_possible"] == 264
    assert ytd.loc["P1", "absence_pct"] == pytest.approx(39 / 264 * 100)
    assert ytd.loc["P1", "unauthorised_days"] == 14.5
    assert ytd.loc["P1", "persistent"] and not ytd.loc["P1", "severe"]
    # P2: 73 + 50 + 10 = 133 of 264 = 50.38% -> severe; P3: 14/146 = 9.59% -> neither
    assert ytd.loc["P2", "severe"] and not ytd.loc["P3", "persistent"]
    # P4 has no possible sessions: no rates, no flags
    assert pd.isna(ytd.loc["P4", "absence_pct"]) and not ytd.loc["P4", "persistent"]


def test_year_to_date_whole_year_and_autumn_only():
    whole = year_to_date(_terms(), "2024/25").set_index("pupil_id")
    assert whole.loc["P1", "sessions_possible"] == 380 and whole.loc["P1", "ncy"] == 9
    assert whole.loc["P1", "latest_term"] == "SUM"
    autumn = year_to_date(_terms(), "2024/25", up_to_term="AUT").set_index("pupil_id")
    # P2 missed exactly 73 of 146 = 50%: severe (the line is "50% or more")
    assert autumn.loc["P2", "severe"]
    assert autumn.loc["P1", "absence_pct"] == pytest.approx(15 / 146 * 100)


def test_summary_by_school_and_overall():
    ytd = year_to_date(_terms(), "2024/25", up_to_term="SPR")
    by_school = summary(ytd, "school_urn").set_index("school_urn")
    # School 100001: P1 + P2: possible 528, authorised 133, unauthorised 39 -> 172/528 = 32.58%
    assert by_school.loc[100001, "overall_absence_pct"] == pytest.approx(172 / 528 * 100)
    assert by_school.loc[100001, "unauthorised_absence_pct"] == pytest.approx(39 / 528 * 100)
    assert by_school.loc[100001, ["persistent_absentees", "severe_absentees"]].tolist() == [2, 1]
    # School 100002: P4 (no possible sessions) left out, so 1 enrolment, P3 not persistent
    assert by_school.loc[100002, "enrolments"] == 1 and by_school.loc[100002, "persistent_pct"] == 0
    overall = summary(ytd).iloc[0]
    # 3 enrolments, 674 possible, 186 missed; 2 persistent of 3
    assert overall["overall_absence_pct"] == pytest.approx(186 / 674 * 100)
    assert overall["persistent_pct"] == pytest.approx(200 / 3)


def test_term_attendance_keeps_sen_status():
    terms = _terms().assign(sen_status="E")
    out = term_attendance(terms).set_index(["pupil_id", "term"])
    assert out.loc[("P1", "SPR"), "attendance_pct"] == pytest.approx(94 / 118 * 100)
    assert out.loc[("P1", "SPR"), "sen_status"] == "E"


@pytest.mark.skipif(not REALDATA.exists(), reason="shared real data not available")
def test_rates_reproduce_dfe_national_absence_2018_19():
    # DfE absence 2018/19, England, each school type: published % to 1 dp (rounded half-up)
    dfe = pd.read_csv(REALDATA, low_memory=False)
    england = dfe[(dfe["geographic_level"] == "National") & (dfe["time_period"] == 201819)]
    assert len(england) == 4  # special, primary, secondary, total
    frame = england.rename(columns={"sess_possible": "sessions_possible", "sess_authorised": "sessions_authorised",
                                    "sess_unauthorised": "sessions_unauthorised"})
    out = summary(add_rates(frame).assign(persistent=False, severe=False), "school_type").set_index("school_type")
    for _, row in england.iterrows():
        got = out.loc[row["school_type"]]
        assert _half_up(got["overall_absence_pct"]) == row["sess_overall_percent"]
        assert _half_up(got["unauthorised_absence_pct"]) == row["sess_unauthorised_percent"]


def _half_up(x: float) -> float:
    return float(Decimal(repr(float(x))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
