"""Exclusion triggers at, one below and one above their lines (hand-worked)."""
import pytest

from triggers_support import D, cases, crossed, exclusions, run


# EXC01 / EXC02 count sessions and suspensions, not calendar days: holidays do not enter; the
# school-year boundary does (a 2023/24 suspension is not counted in 2024/25).
# EXC01: more than 35 days (70 sessions) of suspension in the school year.
@pytest.mark.parametrize("second, expected", [
    (9, None),                                     # 60 + 9 = 69 sessions = 34.5 days
    (10, None),                                    # 70 = 35 days: not MORE than 35
    (11, (D("2025-02-24"), 35.5, 0.5)),            # 71 = 35.5 days, over on the second suspension
])
def test_exc01_more_than_thirty_five_days(second, expected):
    rows = exclusions({"exclusion_id": "E0", "start_date": "2024-06-03", "sessions": 40},  # 2023/24: not counted
                      {"exclusion_id": "E1", "start_date": "2024-10-01", "sessions": 60},
                      {"exclusion_id": "E2", "start_date": "2025-02-24", "sessions": second},
                      {"exclusion_id": "E3", "start_date": "2025-03-03", "category": "PERM", "sessions": None})
    assert crossed(run("EXC01", {"exclusions": rows}, "2025-03-10")) == expected


def test_exc01_threshold_is_a_parameter():
    rows = exclusions({"exclusion_id": "E1", "start_date": "2024-10-01", "sessions": 60})
    assert run("EXC01", {"exclusions": rows}, "2025-03-10").empty
    assert crossed(run("EXC01", {"exclusions": rows}, "2025-03-10", days=29)) == (D("2024-10-01"), 30.0, 1.0)


# EXC02: the second suspension in the school year triggers an early help assessment.
@pytest.mark.parametrize("n, expected", [
    (1, None), (2, (D("2024-11-04"), 2, 0)), (3, (D("2024-11-04"), 3, 1)),
])
def test_exc02_repeat_suspension(n, expected):
    dates = ["2024-10-01", "2024-11-04", "2025-01-13"][:n]
    rows = exclusions({"exclusion_id": "E0", "start_date": "2024-07-01"},  # last school year
                      *[{"exclusion_id": f"E{i + 1}", "start_date": d} for i, d in enumerate(dates)])
    assert crossed(run("EXC02", {"exclusions": rows}, "2025-03-10")) == expected


# EXC03: provision from the sixth school day of a permanent exclusion (first day = day 1).
# From Thu 13 Feb 2025: 13 (1), 14 (2), half-term, 24 (3), 25 (4), 26 (5), Thu 27 Feb (6), 28 (7).
# From Wed 30 Apr 2025: 30 (1), 1 May (2), 2 (3), May Day, 6 (4), 7 (5), Thu 8 May (6), 9 (7).
@pytest.mark.parametrize("start, as_of, expected", [
    ("2025-02-13", "2025-02-26", None),
    ("2025-02-13", "2025-02-27", (D("2025-02-27"), 6, 0)),
    ("2025-02-13", "2025-02-28", (D("2025-02-27"), 7, 1)),
    ("2025-04-30", "2025-05-07", None),
    ("2025-04-30", "2025-05-08", (D("2025-05-08"), 6, 0)),
    ("2025-04-30", "2025-05-09", (D("2025-05-08"), 7, 1)),
])
def test_exc03_sixth_day_provision(start, as_of, expected):
    rows = exclusions({"category": "PERM", "start_date": start, "sessions": None})
    found = run("EXC03", {"exclusions": rows, "cases": cases({"pme_group": "PEX"})}, as_of)
    assert crossed(found) == expected


def test_exc03_placement_recorded_clears_it():
    rows = exclusions({"category": "PERM", "start_date": "2025-02-13", "sessions": None})
    placed = cases({"pme_group": "PEX", "referral_date": "2025-02-13", "placement_identified_date": "2025-02-20"})
    assert run("EXC03", {"exclusions": rows, "cases": placed}, "2025-02-28").empty
    # a placement from before this exclusion does not count
    old = cases({"referral_date": "2024-09-10", "placement_identified_date": "2024-10-01"})
    assert crossed(run("EXC03", {"exclusions": rows, "cases": old}, "2025-02-28"))[1] == 7
