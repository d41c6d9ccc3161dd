"""Sentences from published tables never print a suppressed count."""
import pandas as pd

from pmereport.present.narrative import (NOT_SHOWN, caseload_summary, change_text, count_text, position_at,
                                         trend_summary)
from pmereport.present.tables import prepare_table


def test_count_and_change_text():
    assert count_text(1043, "open case") == "1,043 open cases"
    assert count_text(1, "open case") == "1 open case"
    assert count_text("c", "CME case") == f"{NOT_SHOWN} of CME cases"
    assert change_text(1043, 935) == "up 108 (11.6%)"  # 108 / 935 = 11.55...% -> 11.6 (half up)
    assert change_text(930, 935) == "down 5 (0.5%)"  # 5 / 935 = 0.53...%
    assert change_text(935, 935) == "unchanged"
    assert change_text("c", 935) is None


def caseload(cme, pme):
    frame = pd.DataFrame({"label": ["Child missing education", "Pupil missing out on education", "Total"],
                          "open_cases": [cme, pme, cme + pme]})
    return prepare_table(frame, "caseload", "Open", units={"open_cases": "count"}, period="p", source="s")


def by_month(first, previous, current):
    frame = pd.DataFrame({"month_end": ["2025-11-30", "2026-09-30", "2026-10-31"], "total": [first, previous, current]})
    return prepare_table(frame, "m", "M", units={"total": "count"}, period="p", source="s", lines="rows")


def test_caseload_summary():
    assert caseload_summary(caseload(196, 847)) == "There were 1,043 open CME or PME cases: 196 CME cases and 847 PME cases."


def test_trend_summary():
    # 1,043 - 935 = 108 (108 / 935 = 11.55 % -> 11.6); 1,068 - 1,043 = 25 (25 / 1,068 = 2.34 % -> 2.3)
    assert trend_summary(by_month(1068, 935, 1043)) == (
        "At 31 October 2026 there were 1,043 open CME and PME cases: up 108 (11.6%) on 30 September 2026 (935), "
        "and down 25 (2.3%) on 30 November 2025 (1,068).")
    assert trend_summary(by_month(10, 12, 3)) == ("The number of open CME and PME cases at 31 October 2026 is not "
                                                  "shown, to protect the children concerned.")


def test_caseload_summary_hides_suppressed_counts():
    text = caseload_summary(caseload(3, 40))  # 3 -> c, and 40 as its complement -> c
    assert text == ("There were 43 open CME or PME cases: an undisclosed number of CME cases and an undisclosed "
                    "number of PME cases. Numbers not disclosed are suppressed to protect the children concerned "
                    "(see the count rules).")
    assert text.count(NOT_SHOWN) == 2


def test_position_at():
    assert position_at("2026-10-31") == "Position at 31 October 2026"
    assert position_at("2027-01-05") == "Position at 5 January 2027"  # no leading zero
