"""Sentences from published tables never print a suppressed count."""
import pandas as pd

from pmereport.present.narrative import NOT_SHOWN, caseload_summary, change_text, count_text
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


def by_month(previous, current):
    frame = pd.DataFrame({"month_end": ["2026-09-30", "2026-10-31"], "CME": [100, 196], "PME": [previous - 100, 847],
                          "total": [previous, current]})
    return prepare_table(frame, "m", "M", units={"CME": "count", "PME": "count", "total": "count"}, period="p",
                         source="s", lines="rows")


def test_caseload_summary_with_change():
    text = caseload_summary(caseload(196, 847), by_month(935, 1043))
    assert text == ("There were 1,043 open CME or PME cases: 196 CME cases and 847 PME cases. "
                    "The total is up 108 (11.6%) on 30 September 2026, when 935 cases were open.")


def test_caseload_summary_hides_suppressed_counts():
    text = caseload_summary(caseload(3, 40))  # 3 -> c, and 40 as its complement -> c
    assert text == ("There were 43 open CME or PME cases: an undisclosed number of CME cases and an undisclosed "
                    "number of PME cases. Numbers not disclosed are suppressed to protect the children concerned "
                    "(see the count rules).")
    assert text.count(NOT_SHOWN) == 2
