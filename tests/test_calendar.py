"""School calendar: hand-counted school days for Shire County (parameters/terms/shire-county.yaml).

Hand working uses a wall calendar: 2025-02-17..21 is the spring half-term, 2025-05-05 (May Day)
and 2025-05-26 (Spring Bank Holiday) are bank holidays, INSET days are listed in the YAML.
"""
from pathlib import Path

import pandas as pd
import pytest

from pmereport.calendar import (OutsideTermsError, TermDatesError, academic_year_of, academic_years_of,
                                load_calendar, parse_term_dates)

TERMS_FILE = Path(__file__).resolve().parents[1] / "parameters" / "terms" / "shire-county.yaml"


@pytest.fixture(scope="module")
def cal():
    return load_calendar(TERMS_FILE)


def test_across_spring_half_term(cal):
    # Mon 10 Feb .. Fri 28 Feb 2025: 10-14 Feb (5) + half-term 17-21 Feb (0) + 24-28 Feb (5) = 10
    assert cal.count_school_days("2025-02-10", "2025-02-28") == 10


def test_across_may_day_bank_holiday(cal):
    # Thu 1 .. Fri 9 May 2025: 1, 2 May (2) + Mon 5 May bank holiday (0) + 6-9 May (4) = 6
    assert cal.count_school_days("2025-05-01", "2025-05-09") == 6
    assert not cal.is_school_day("2025-05-05")
    assert cal.bank_holiday_name("2025-05-05") is not None


def test_across_half_term_bank_holiday_and_inset(cal):
    # Fri 23 May .. Wed 4 Jun 2025: 23 May (1); 26 May bank holiday inside half-term 26-30 May (0);
    # Mon 2 Jun INSET (0); 3, 4 Jun (2) = 3
    assert cal.count_school_days("2025-05-23", "2025-06-04") == 3


def test_inset_days_are_not_school_days(cal):
    # INSET 2 and 3 Sep 2024, so Mon 2 .. Fri 6 Sep 2024 has 4, 5, 6 Sep = 3 school days
    assert cal.count_school_days("2024-09-02", "2024-09-06") == 3
    assert not cal.is_school_day("2024-09-02") and cal.is_school_day("2024-09-04")


def test_state_funeral_bank_holiday_2022(cal):
    # Mon 19 Sep 2022 was the Queen's state funeral bank holiday: Mon 19 .. Fri 23 Sep = 4 days
    assert cal.count_school_days("2022-09-19", "2022-09-23") == 4


def test_every_configured_year_has_about_190_days(cal):
    totals = cal.terms_table().groupby("academic_year")["school_days"].sum()
    assert list(totals.index) == ["2020/21", "2021/22", "2022/23", "2023/24", "2024/25", "2025/26", "2026/27"]
    # 2022/23 lost two term-time days to the Queen's funeral (19 Sep) and the Coronation (8 May)
    assert totals.drop("2022/23").eq(190).all() and totals["2022/23"] == 189


def test_term_and_year_totals_2024_25(cal):
    table = cal.terms_table().set_index(["academic_year", "term"])["school_days"]
    # Autumn 2 Sep-20 Dec: 15 full weeks outside half-term = 75 weekdays - 2 INSET = 73
    # Spring 6 Jan-4 Apr: 12 weeks = 60 - INSET 6 Jan = 59
    # Summer 22 Apr-22 Jul: 4+5+(5-May Day)+5+5+(5-INSET 2 Jun)+5*6+(2-INSET 22 Jul) = 58
    assert table[("2024/25", "AUT")] == 73
    assert table[("2024/25", "SPR")] == 59
    assert table[("2024/25", "SUM")] == 58
    assert table.groupby(level=0).sum()["2024/25"] == 190


def test_sixth_school_day_over_half_term(cal):
    # Excluded from Thu 13 Feb 2025: 13 (1), 14 (2), half-term, 24 (3), 25 (4), 26 (5), Thu 27 Feb (6)
    assert cal.nth_school_day("2025-02-13", 6) == pd.Timestamp("2025-02-27")
    # Starting on a non-school day (Sat 15 Feb) counts from the next school day, Mon 24 Feb
    assert cal.nth_school_day("2025-02-15", 1) == pd.Timestamp("2025-02-24")


def test_last_month_window(cal):
    # 14 Mar 2025 -> 15 Feb .. 14 Mar: weekend, half-term 17-21 Feb, then 24 Feb-14 Mar = 15 days
    w = cal.last_month("2025-03-14")
    assert (w.start, w.end) == (pd.Timestamp("2025-02-15"), pd.Timestamp("2025-03-14"))
    assert w.n_school_days == 15


def test_this_term_window(cal):
    # 26 Feb 2025 in the spring term: 7 Jan-14 Feb = 4+5+5+5+5+5 = 29 (6 Jan INSET), + 24-26 Feb = 32
    w = cal.this_term("2025-02-26")
    assert w.start == pd.Timestamp("2025-01-06") and w.n_school_days == 32
    # In the Easter holiday the "current" term is the spring term just ended, whole (59 days)
    assert cal.this_term("2025-04-10").n_school_days == 59


def test_vectorised_count_agrees_with_hand_counts(cal):
    starts = pd.Series(pd.to_datetime(["2025-02-10", "2025-05-01", "2025-05-23"]))
    ends = pd.Series(pd.to_datetime(["2025-02-28", "2025-05-09", "2025-06-04"]))
    assert list(cal.count_school_days_between(starts, ends)) == [10, 6, 3]


def test_dates_outside_configured_years_fail_clearly(cal):
    with pytest.raises(OutsideTermsError, match="2027-09-01 is outside the term dates configured in .*shire-county"):
        cal.count_school_days("2027-08-31", "2027-09-01")  # 31 Aug 2027 is the last configured day
    with pytest.raises(OutsideTermsError, match="2020-08-31"):  # 2019/20 is not configured
        cal.is_school_day("2020-08-31")


def test_summer_holiday_is_in_range_but_not_in_a_term(cal):
    assert not cal.is_school_day("2025-08-01")
    with pytest.raises(OutsideTermsError, match="holiday between terms"):
        cal.term_of("2025-08-01")
    assert cal.term_of("2025-02-19").code == "SPR"  # half-term is inside the spring term


def test_academic_year_of():
    assert academic_year_of("2025-08-31") == "2024/25"
    assert academic_year_of("2025-09-01") == "2025/26"
    got = academic_years_of(pd.Series(pd.to_datetime(["1999-12-31", "2000-09-01", None])))
    assert got.iloc[0] == "1999/00" and got.iloc[1] == "2000/01" and pd.isna(got.iloc[2])


@pytest.mark.parametrize("change, message", [
    ({"half_term": ["2025-01-01", "2025-01-03"]}, "half-term .* must lie inside the term"),
    ({"start": "2025-13-01"}, "not a date"),
    ({"end": "2024-12-01"}, "must be in order"),
])
def test_bad_term_dates_are_named(change, message):
    spr = {"start": "2025-01-06", "end": "2025-04-04", "half_term": ["2025-02-17", "2025-02-21"]}
    spr.update(change)
    spec = {"academic_years": {"2024/25": {"terms": {
        "AUT": {"start": "2024-09-02", "end": "2024-12-20"}, "SPR": spr,
        "SUM": {"start": "2025-04-22", "end": "2025-07-22"}}}}}
    with pytest.raises(TermDatesError, match=f"academic year 2024/25, term SPR.*{message}"):
        parse_term_dates(spec, source="t.yaml")


def test_inset_day_on_a_weekend_is_rejected():
    spec = {"academic_years": {"2024/25": {"terms": {
        "AUT": {"start": "2024-09-02", "end": "2024-12-20"}, "SPR": {"start": "2025-01-06", "end": "2025-04-04"},
        "SUM": {"start": "2025-04-22", "end": "2025-07-22"}}, "inset_days": ["2024-09-07"]}}}
    with pytest.raises(TermDatesError, match="INSET day 2024-09-07 must be a weekday in term time"):
        parse_term_dates(spec, source="t.yaml")


def test_bank_holidays_are_worked_out_on_first_use():
    # Reading the terms (all that counting session marks needs) must not import `holidays`
    # (about 0.1 s); the first school-day count does, and gets them right: Thu 1 .. Fri 9 May 2025
    # with the May Day bank holiday on Mon 5 May = 6 school days (as test_across_may_day_bank_holiday)
    fresh = load_calendar(TERMS_FILE)
    assert [t.code for t in fresh.terms[:3]] == ["AUT", "SPR", "SUM"]
    assert "bank_holidays" not in vars(fresh) and "school_day_index" not in vars(fresh)
    assert fresh.count_school_days("2025-05-01", "2025-05-09") == 6
    assert pd.Timestamp("2025-05-05") in fresh.bank_holidays
