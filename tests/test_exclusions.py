"""Exclusion rates on a small hand-made extract; every expected value is worked out by hand."""
import pandas as pd
import pytest

from pmereport.metrics.exclusions import (academic_year, census_headcount, exclusion_counts,
                                          exclusion_rates, month_term, period_start)

SCHOOLS = pd.DataFrame({"school_urn": [100001, 100002], "phase": ["PRI", "SEC"]})
# January 2024 census: 200 + 300 + 100 = 600 pupils.
CENSUS = pd.DataFrame({
    "school_urn": [100001, 100002, 100002],
    "academic_year": ["2023/24"] * 3,
    "ncy": [3, 9, 10],
    "headcount": [200, 300, 100],
    "headcount_fsm": [40, 60, 10],
    "headcount_sen_support": [20, 30, 10],
    "headcount_ehcp": [5, 10, 5],
})
EXCLUSIONS = pd.DataFrame({
    "exclusion_id": ["E1", "E2", "E3", "E4", "E5", "E6"],
    "pupil_id": ["P1", "P1", "P2", "P3", "P4", "P5"],
    "school_urn": [100002, 100002, 100002, 100001, 100002, 100002],
    "start_date": pd.to_datetime(["2023-10-02", "2024-01-15", "2023-11-20", "2024-05-07", "2024-03-01",
                                  "2024-09-03"]),
    "category": ["SUSP", "SUSP", "SUSP", "SUSP", "PERM", "SUSP"],
    "sessions": pd.array([4, 2, 1, 6, None, 2], dtype="Int64"),
    "reason_code": ["PA", "PA", "VP", "DB", "PA", "DB"],
    "ncy": [9, 9, 10, 3, 10, 9],
    "sex": ["M", "M", "F", "M", "M", "F"],
    "ethnicity": ["WHIT"] * 6,
    "sen_status": ["K", "K", "N", "E", "N", "N"],
    "fsm": ["Y", "Y", "N", "Y", "Y", "N"],
})


def one(frame, **where):
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


def test_academic_year_and_month_terms():
    dates = ["2024-10-07", "2024-08-31", "2024-09-01", "2025-01-06", "2025-05-01"]
    assert list(academic_year(dates)) == ["2024/25", "2023/24", "2024/25", "2024/25", "2024/25"]
    assert list(month_term(dates)) == ["AUT", "SUM", "AUT", "SPR", "SUM"]
    assert academic_year(["1999-12-01"]).iloc[0] == "1999/00"
    starts = period_start(pd.Series(["2023/24"] * 3), pd.Series(["AUT", "SPR", "SUM"]))
    assert list(starts.dt.strftime("%Y-%m-%d")) == ["2023-09-01", "2024-01-01", "2024-05-01"]


def test_rates_by_year():
    rates = exclusion_rates(EXCLUSIONS, CENSUS, by="academic_year")
    y = one(rates, academic_year="2023/24")
    # 2023/24: suspensions E1-E4 = 4, one permanent (E5), pupils suspended P1, P2, P3 = 3,
    # days (4+2+1+6)/2 = 6.5; headcount 600.
    assert (y["headcount"], y["susp"], y["perm_excl"], y["one_plus_susp"]) == (600, 4, 1, 3)
    assert y["susp_rate"] == pytest.approx(4 / 6)           # 4 per 600 = 0.667 per 100
    assert y["perm_excl_rate"] == pytest.approx(1 / 6)      # 0.167
    assert y["one_plus_susp_rate"] == pytest.approx(0.5)    # 3 per 600
    assert y["susp_days"] == 6.5 and y["average_susp_length_days"] == pytest.approx(1.625)
    # E6 (Sept 2024) has no January 2025 census: kept with its count, headcount and rate missing
    late = one(rates, academic_year="2024/25")
    assert late["susp"] == 1 and pd.isna(late["headcount"]) and pd.isna(late["susp_rate"])


def test_rates_by_term_use_annual_headcount_and_keep_empty_terms():
    rates = exclusion_rates(EXCLUSIONS[EXCLUSIONS["exclusion_id"] != "E6"], CENSUS, by=["academic_year", "term"])
    assert list(rates["term"]) == ["AUT", "SPR", "SUM"]
    aut, spr, summer = (one(rates, term=t) for t in ["AUT", "SPR", "SUM"])
    # Autumn: E1 (Oct), E3 (Nov): 2 suspensions, 2 pupils, (4+1)/2 = 2.5 days; 2/600 per 100
    assert (aut["susp"], aut["one_plus_susp"], aut["susp_days"]) == (2, 2, 2.5)
    assert aut["susp_rate"] == pytest.approx(100 * 2 / 600)
    # Spring (Jan-Apr): E2 (Jan) suspension, E5 (Mar) permanent
    assert (spr["susp"], spr["perm_excl"], spr["headcount"]) == (1, 1, 600)
    # Summer (May-Aug): E4 in May, 3 days
    assert (summer["susp"], summer["average_susp_length_days"]) == (1, 3.0)


def test_rates_by_month_list_all_twelve_months():
    rates = exclusion_rates(EXCLUSIONS[EXCLUSIONS["exclusion_id"] != "E6"], CENSUS, by=["academic_year", "month"])
    assert list(rates["month"]) == ["2023-09", "2023-10", "2023-11", "2023-12", "2024-01", "2024-02",
                                    "2024-03", "2024-04", "2024-05", "2024-06", "2024-07", "2024-08"]
    assert list(rates["susp"]) == [0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0]
    assert list(rates["perm_excl"]) == [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]


def test_rates_by_school_and_phase():
    rates = exclusion_rates(EXCLUSIONS, CENSUS, by=["academic_year", "school_urn"])
    a = one(rates, academic_year="2023/24", school_urn=100001)
    b = one(rates, academic_year="2023/24", school_urn=100002)
    assert (a["headcount"], a["susp"], a["susp_rate"]) == (200, 1, 0.5)   # 1 per 200
    # school 100002: E1, E2, E3 suspensions (pupils P1, P2), E5 permanent; 400 pupils
    assert (b["headcount"], b["susp"], b["one_plus_susp"], b["perm_excl"]) == (400, 3, 2, 1)
    assert b["susp_rate"] == pytest.approx(0.75) and b["perm_excl_rate"] == pytest.approx(0.25)
    phases = exclusion_rates(EXCLUSIONS, CENSUS, by=["academic_year", "phase"], schools=SCHOOLS)
    assert one(phases, academic_year="2023/24", phase="SEC")["susp_rate"] == pytest.approx(0.75)
    with pytest.raises(ValueError, match="schools extract"):
        exclusion_rates(EXCLUSIONS, CENSUS, by=["academic_year", "phase"])


def test_rates_by_sen_and_fsm_split_the_census_headcount():
    sen = exclusion_rates(EXCLUSIONS, CENSUS, by=["academic_year", "sen_status"])
    sen = sen[sen["academic_year"] == "2023/24"]
    # EHCP: 5+10+5 = 20 pupils, 1 suspension (E4) -> 5 per 100; SEN support: 20+30+10 = 60, P1's two
    # suspensions -> 3.33, one pupil -> 1.67; no SEN: 600-80 = 520, E3 -> 0.192, E5 permanent
    assert one(sen, sen_status="E")[["headcount", "susp"]].tolist() == [20, 1]
    assert one(sen, sen_status="E")["susp_rate"] == pytest.approx(5.0)
    k = one(sen, sen_status="K")
    assert k["headcount"] == 60 and k["susp_rate"] == pytest.approx(200 / 60)
    assert k["one_plus_susp_rate"] == pytest.approx(100 / 60)
    n = one(sen, sen_status="N")
    assert (n["headcount"], n["susp"], n["perm_excl"]) == (520, 1, 1)
    fsm = exclusion_rates(EXCLUSIONS, CENSUS, by=["academic_year", "fsm"])
    y = one(fsm, academic_year="2023/24", fsm="Y")
    # FSM: 40+60+10 = 110 pupils; suspensions E1, E2, E4 = 3 -> 2.727 per 100; E5 permanent -> 0.909
    assert y["headcount"] == 110 and y["susp_rate"] == pytest.approx(300 / 110)
    assert y["perm_excl_rate"] == pytest.approx(100 / 110)
    assert one(fsm, academic_year="2023/24", fsm="N")["headcount"] == 490


def test_year_group_rates_and_sex_needs_denominators():
    ncy = exclusion_rates(EXCLUSIONS, CENSUS, by=["academic_year", "ncy"])
    # Year 9: 300 pupils, E1, E2 -> 2 suspensions, 1 pupil
    row = one(ncy, academic_year="2023/24", ncy=9)
    assert (row["headcount"], row["susp"], row["one_plus_susp"]) == (300, 2, 1)
    with pytest.raises(ValueError, match="no headcount by \\['sex'\\]"):
        exclusion_rates(EXCLUSIONS, CENSUS, by=["academic_year", "sex"])
    denominators = pd.DataFrame({"academic_year": ["2023/24"] * 2, "sex": ["F", "M"], "headcount": [290, 310]})
    by_sex = exclusion_rates(EXCLUSIONS, CENSUS, by=["academic_year", "sex"], denominators=denominators)
    # boys: E1, E2, E4 suspensions (P1, P3) of 310 pupils
    m = one(by_sex, academic_year="2023/24", sex="M")
    assert (m["susp"], m["one_plus_susp"]) == (3, 2) and m["susp_rate"] == pytest.approx(300 / 310)


def test_counts_by_reason_and_bad_dimension():
    counts = exclusion_counts(EXCLUSIONS, ["reason_code"])
    # PA: E1, E2 suspensions and E5 permanent; VP: E3; DB: E4, E6
    assert one(counts, reason_code="PA")[["susp", "perm_excl"]].tolist() == [2, 1]
    assert one(counts, reason_code="DB")["susp"] == 2
    with pytest.raises(ValueError, match="cannot break exclusions down"):
        exclusion_counts(EXCLUSIONS, ["postcode"])
    with pytest.raises(ValueError, match="joint SEN x FSM"):
        census_headcount(CENSUS, ["sen_status", "fsm"])
