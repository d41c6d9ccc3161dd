"""The attendance year to date and per-term attendance are worked out once per evaluation and shared
by the rules and the attendance tables (issue 7); the shared frames equal the direct computations."""
import pandas as pd
import pytest

from pmereport.metrics import attendance as attendance_module
from pmereport.metrics import attendance_summaries as att
from pmereport.metrics.attendance import AttendanceYear, term_attendance, year_to_date
from pmereport.metrics.triggers import evaluate, resolve_thresholds
from triggers_support import CAL, D, attendance, crossed, run


def _two_schools():
    # P1 moved school at the spring half-term; P2 has no spring row; a 2023/24 row is ignored.
    return attendance(
        {"pupil_id": "P1", "school_urn": 100001, "term": "AUT", "sessions_possible": 146, "sessions_unauthorised": 20},
        {"pupil_id": "P1", "school_urn": 100001, "term": "SPR", "sessions_possible": 58, "sessions_authorised": 4},
        {"pupil_id": "P1", "school_urn": 100002, "term": "SPR", "sessions_possible": 60, "sessions_unauthorised": 6},
        {"pupil_id": "P2", "school_urn": 100002, "term": "SUM", "sessions_possible": 116, "sessions_authorised": 60},
        {"pupil_id": "P2", "school_urn": 100002, "term": "AUT", "sessions_possible": 146, "sessions_unauthorised": 1},
        {"pupil_id": "P3", "academic_year": "2023/24", "term": "SUM", "sessions_possible": 100,
         "sessions_unauthorised": 100},
    )


def test_shared_frames_equal_the_direct_ones():
    frame = _two_schools()
    year = AttendanceYear(frame, "2024/25")
    by_pupil = year.by_pupil.set_index("pupil_id")
    # P1: 146 + 58 + 60 = 264 possible, 20 + 4 + 6 = 30 missed, latest SPR; P2: 262, 61, latest SUM
    assert by_pupil.loc["P1", ["sessions_possible", "sessions_missed"]].tolist() == [264, 30]
    assert by_pupil.loc["P2", ["sessions_possible", "sessions_missed"]].tolist() == [262, 61]
    assert by_pupil["latest_term"].tolist() == ["SPR", "SUM"] and "P3" not in by_pupil.index
    direct = year_to_date(frame, "2024/25", by=["pupil_id"])
    pd.testing.assert_frame_equal(year.by_pupil, direct[year.by_pupil.columns], check_dtype=False)
    pd.testing.assert_frame_equal(year.by_enrolment, year_to_date(frame, "2024/25"))
    pd.testing.assert_frame_equal(year.pupil_terms, term_attendance(frame[frame["academic_year"] == "2024/25"]))


def test_one_computation_per_evaluation(monkeypatch):
    calls = {"year_to_date": 0, "term_attendance": 0}
    for name in calls:
        original = getattr(attendance_module, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)
        monkeypatch.setattr(attendance_module, name, counted)
    frame = _two_schools()
    evaluation = evaluate({"attendance": frame}, CAL, "2025-07-31", codes=["ATT01", "ATT02", "ATT03", "ATT04"])
    shared = evaluation.derived["attendance_year"]
    att.attendance_year_to_date(frame, pd.DataFrame({"school_urn": [100001, 100002], "phase": ["PRI", "SEC"]}),
                                "2025-07-31", resolve_thresholds(None), shared=shared)
    assert calls == {"year_to_date": 1, "term_attendance": 1}


def test_tables_from_the_shared_year_equal_their_own():
    frame = _two_schools()
    schools = pd.DataFrame({"school_urn": [100001, 100002], "phase": ["PRI", "SEC"]})
    thresholds = resolve_thresholds({"ATT01": {"missed_share": 0.2}})
    shared = evaluate({"attendance": frame}, CAL, "2025-07-31", codes=["ATT01"]).derived["attendance_year"]
    with_shared = att.attendance_year_to_date(frame, schools, "2025-07-31", thresholds, shared=shared)
    pd.testing.assert_frame_equal(with_shared, att.attendance_year_to_date(frame, schools, "2025-07-31", thresholds))
    # the LA's 20% line, not the shared frames' default 10%: P2 (61/262 = 23.3%) only
    assert with_shared.groupby("pupil_id")["persistent"].any().to_dict() == {"P1": False, "P2": True}
    with pytest.raises(ValueError, match="worked out from another frame or year"):
        att.attendance_year_to_date(frame.copy(), schools, "2025-07-31", thresholds, shared=shared)


def test_att04_running_total_over_a_missing_term_and_categorical_terms():
    # P1: 20 unauthorised sessions in autumn, none recorded in spring, 12 in summer:
    # 10 days, then 10, then 16 -> reaches 15 days in the summer term (ends 22 Jul 2025), total 16.
    # P2: 29 sessions in spring only = 14.5 days: not reached.
    frame = attendance({"pupil_id": "P1", "term": "SUM", "sessions_unauthorised": 12},
                       {"pupil_id": "P1", "term": "AUT", "sessions_unauthorised": 20},
                       {"pupil_id": "P2", "term": "SPR", "sessions_unauthorised": 29})
    for terms in (frame, frame.assign(term=pd.Categorical(frame["term"], ["AUT", "SPR", "SUM"]))):
        found = run("ATT04", {"attendance": terms}, "2025-07-31")
        assert list(found["pupil_id"]) == ["P1"]
        assert crossed(found, "P1") == (D("2025-07-22"), 16.0, 1.0)


def test_intensive_support_counts_a_term_with_nobody_below_the_line():
    # Autumn: P1 146 possible, 10 missed (93%), P2 146, 0 missed: nobody below 75%.
    # Spring (running on Fri 28 Feb 2025): P1 80 possible, 30 missed (62.5%): below.
    frame = attendance({"pupil_id": "P1", "term": "AUT", "sessions_authorised": 10},
                       {"pupil_id": "P2", "term": "AUT"},
                       {"pupil_id": "P1", "term": "SPR", "sessions_possible": 80, "sessions_unauthorised": 30},
                       {"pupil_id": "P2", "term": "SPR", "sessions_possible": 0})
    evaluation = evaluate({"attendance": frame}, CAL, "2025-02-28", codes=["ATT03"])
    out = att.intensive_support_by_term(evaluation.results["ATT03"], frame, CAL, "2025-02-28", 0.80)
    assert out["term"].tolist() == ["Autumn 2024/25", "Spring 2024/25"]
    assert out[["pupils", "below_line", "below_line_ehcp"]].values.tolist() == [[2, 0, 0], [1, 1, 0]]
    assert out["below_line_share"].tolist() == [0.0, 1.0]  # P2 had no possible sessions in spring
