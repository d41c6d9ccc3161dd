"""Attendance triggers at, one below and one above their lines (hand-worked).

Possible sessions come from hand-counted Shire County 2024/25 terms: autumn 73 school days = 146
sessions; spring 59 days = 118 (over the 17-21 Feb half-term); summer 58 days = 116 (May Day and
the Spring Bank Holiday in half-term excluded, INSET 2 Jun and 22 Jul excluded). Year: 380.
"""
import pytest

from triggers_support import D, attendance, crossed, run, same


def _year(missed_aut_auth, missed_spr_unauth, missed_sum_auth, pupil="P001"):
    return [
        {"pupil_id": pupil, "term": "AUT", "sessions_possible": 146, "sessions_authorised": missed_aut_auth},
        {"pupil_id": pupil, "term": "SPR", "sessions_possible": 118, "sessions_unauthorised": missed_spr_unauth},
        {"pupil_id": pupil, "term": "SUM", "sessions_possible": 116, "sessions_authorised": missed_sum_auth},
    ]


# ATT01: 10% of 380 = 38 sessions. 37/380 = 9.74%, 39/380 = 10.263%.
@pytest.mark.parametrize("missed, expected", [
    ((20, 10, 7), None),
    ((20, 10, 8), (D("2025-07-22"), 10.0, 0.0)),
    ((20, 10, 9), (D("2025-07-22"), 39 / 380 * 100, 39 / 380 * 100 - 10)),
])
def test_att01_persistent_absence(missed, expected):
    found = crossed(run("ATT01", {"attendance": attendance(*_year(*missed))}, "2025-07-31"))
    assert same(found, expected)


def test_att01_sums_a_pupil_across_schools_and_ignores_other_years():
    rows = _year(20, 10, 0)  # 30 missed at the first school
    rows.append({"school_urn": 100002, "term": "SUM", "sessions_possible": 0, "sessions_unauthorised": 0})
    rows.append({"academic_year": "2023/24", "term": "SUM", "sessions_possible": 100, "sessions_unauthorised": 50})
    rows[2].update(sessions_possible=58)  # left the first school at half-term...
    rows.append({"school_urn": 100002, "term": "SUM", "sessions_possible": 58, "sessions_authorised": 8})
    # ...and missed 8 of 58 at the second: 38 of 146+118+58+58 = 380 -> exactly 10%
    assert crossed(run("ATT01", {"attendance": attendance(*rows)}, "2025-07-31"))[1] == pytest.approx(10.0)


# ATT02: 50% of 380 = 190 sessions
@pytest.mark.parametrize("missed, crossed_it", [((100, 50, 39), False), ((100, 50, 40), True), ((100, 50, 41), True)])
def test_att02_severe_absence(missed, crossed_it):
    found = run("ATT02", {"attendance": attendance(*_year(*missed))}, "2025-07-31")
    assert (not found.empty) == crossed_it


# ATT03: below 75% in a term (80% with an EHCP).
# Summer 116 sessions: 75% attendance = 29 missed (29/116 = 0.25 exactly); 30 -> 74.14%; 28 -> 75.86%.
# Joined Mon 24 Feb 2025 after half-term: 24 Feb-4 Apr = 6 weeks = 30 days = 60 sessions;
# EHCP line 80% = 12 missed; 13 missed -> 78.33%.
@pytest.mark.parametrize("possible, missed, sen, expected", [
    (116, 28, "N", None),
    (116, 29, "N", None),
    (116, 30, "N", (D("2025-07-22"), 86 / 116 * 100, 75 - 86 / 116 * 100)),
    (60, 11, "E", None),
    (60, 12, "E", None),
    (60, 13, "E", (D("2025-04-04"), 47 / 60 * 100, 80 - 47 / 60 * 100)),
    (60, 14, "K", None),  # SEN support: the 75% line applies (76.67%)
])
def test_att03_below_seventy_five_in_a_term(possible, missed, sen, expected):
    term = "SUM" if possible == 116 else "SPR"
    rows = attendance({"term": term, "sessions_possible": possible, "sessions_authorised": missed, "sen_status": sen})
    found = crossed(run("ATT03", {"attendance": rows}, "2025-07-31"))
    assert same(found, expected)


def test_att03_dates_a_running_term_at_as_of():
    rows = attendance({"term": "SUM", "sessions_possible": 40, "sessions_unauthorised": 20})
    assert crossed(run("ATT03", {"attendance": rows}, "2025-05-23"))[0] == D("2025-05-23")


# ATT04: 15 school days = 30 unauthorised sessions, cumulative over the year.
@pytest.mark.parametrize("aut, spr, expected", [
    (20, 9, None),
    (20, 10, (D("2025-04-04"), 15.0, 0.0)),   # reached in the spring term: dated at its end
    (31, 0, (D("2024-12-20"), 15.5, 0.5)),    # reached in the autumn term
])
def test_att04_fifteen_days_unauthorised(aut, spr, expected):
    rows = attendance({"term": "AUT", "sessions_unauthorised": aut},
                      {"term": "SPR", "sessions_possible": 118, "sessions_unauthorised": spr})
    assert crossed(run("ATT04", {"attendance": rows}, "2025-05-01")) == expected


def test_att03_from_session_marks(tmp_path):
    """Marks -> term aggregates (DuckDB) -> triggers. P1 (EHC plan) joined Mon 24 Feb 2025, after
    the spring half-term: 24 Feb-4 Apr = 6 weeks = 30 school days = 60 sessions; 13 unauthorised
    -> 47/60 = 78.3%, below 80%. P2 (no SEN), summer term 22 Apr-22 Jul = 58 school days (May
    Day, Spring Bank Holiday, INSET 2 Jun and 22 Jul out) = 116 sessions; 29 ill -> exactly 75%."""
    import pandas as pd

    from pmereport.metrics.attendance_marks import term_aggregates_from_marks
    from triggers_support import CAL
    spring = CAL.school_days("2025-02-24", "2025-04-04")
    summer = CAL.school_days("2025-04-22", "2025-07-22")
    assert (len(spring), len(summer)) == (30, 58)  # the hand counts above
    lines = ["pupil_id,school_urn,date,session,mark"]
    for pupil, days, code, n_absent in (("P1", spring, "O", 13), ("P2", summer, "I", 29)):
        sessions = [(d, s) for d in days for s in ("AM", "PM")]
        for i, (d, s) in enumerate(sessions):
            mark = code if i < n_absent else ("/" if s == "AM" else "\\")
            lines.append(f"{pupil},100001,{d.date()},{s},{mark}")
    path = tmp_path / "marks.csv"
    path.write_text("\n".join(lines) + "\n")
    roll = pd.DataFrame({"pupil_id": ["P1", "P2"], "school_urn": [100001, 100001], "sen_status": ["E", "N"]})
    terms = term_aggregates_from_marks(path, CAL, roll)
    found = run("ATT03", {"attendance": terms}, "2025-07-31")
    assert list(found["pupil_id"]) == ["P1"]
    assert same(crossed(found, "P1"), (D("2025-04-04"), 47 / 60 * 100, 80 - 47 / 60 * 100))
    with pytest.raises(ValueError, match="ATT03 needs the pupils' sen_status"):
        run("ATT03", {"attendance": term_aggregates_from_marks(path, CAL)}, "2025-07-31")
