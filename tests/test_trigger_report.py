"""Trigger results shaped for reports: counts per family, exception lists, threshold text,
attendance breakdowns, intensive support by term, England's published attendance."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pmereport.metrics import attendance_summaries as att
from pmereport.metrics.triggers import evaluate, exceptions, resolve_thresholds
from pmereport.present.trigger_tables import (counts_table, exception_tables, exception_units, family_of, threshold_text,
                                              window_start)
from triggers_support import CAL, attendance, cases

ENGLAND = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "dfe-attendance-2024-25"


def _two_cases():
    # Referred Mon 6 Jan 2025, an INSET day in Shire's 2024/25 terms. As of Fri 7 Feb 2025: 5 weeks of term
    # (spring half-term is 17-21 Feb) = 25 weekdays less the INSET day = 24 school days for C1. C2 referred
    # Mon 27 Jan: 10 school days (27 Jan - 7 Feb). ESC01 needs more than 20.
    return cases({"case_id": "C1", "pupil_id": "P001", "referral_date": "2025-01-06"},
                 {"case_id": "C2", "pupil_id": "P002", "referral_date": "2025-01-27"})


def test_counts_table_has_thresholds_and_says_not_run():
    evaluation = evaluate({"cases": _two_cases()}, CAL, "2025-02-07")
    counts = counts_table(evaluation).set_index("code")
    assert CAL.count_school_days("2025-01-06", "2025-02-07") == 24  # the hand count above
    assert counts.loc["ESC01", "pupils"] == 1 and counts.loc["ESC01", "threshold"] == "school days 20"
    assert pd.isna(counts.loc["PNL01", "pupils"]) and counts.loc["PNL01", "status"] == "not run: needs panels"
    assert pd.isna(counts.loc["ATT01", "pupils"]) and counts.loc["ATT01", "status"] == "not run: needs attendance"
    assert counts_table(evaluation).attrs["classification"] == "aggregate"


def test_counts_table_by_family():
    evaluation = evaluate({"cases": _two_cases()}, CAL, "2025-02-07")
    assert list(counts_table(evaluation, "cases")["code"]) == ["CME01", "CON01", "EHE01", "EHE02", "ESC01",
                                                                "PNL01", "REV01"]
    assert list(counts_table(evaluation, "exclusions")["code"]) == ["EXC01", "EXC02", "EXC03"]
    assert family_of("RTT02") == "provision" and family_of("ATT03") == "attendance"
    with pytest.raises(KeyError, match="unknown trigger family"):
        counts_table(evaluation, "panels")


def test_threshold_text():
    assert threshold_text({"missed_share": 0.1}) == "missed share 10%"
    assert threshold_text({"attendance_below": 0.75, "attendance_below_ehcp": 0.8}) == \
        "attendance below 75%; attendance below ehcp 80%"
    assert threshold_text({"hours_by_key_stage": {"KS1": 21.0, "KS2": 23.5}}) == "hours by key stage KS1 21, KS2 23.5"
    assert threshold_text({"cin_statuses": ["CIN", "CPP"]}) == "cin statuses CIN/CPP"


def test_exception_tables_are_internal_and_windowed():
    # as of Fri 14 Feb 2025: C1 open 29 school days (24 + 5), crossed on its 21st school day: from Tue 7 Jan,
    # 4 + 5 + 5 + 5 = 19 by Fri 31 Jan, Mon 3 Feb the 20th, Tue 4 Feb the 21st. C2: 15 school days, not crossed.
    evaluation = evaluate({"cases": _two_cases()}, CAL, "2025-02-14")
    day21 = CAL.nth_school_day("2025-01-06", 21)
    assert day21 == pd.Timestamp("2025-02-04")
    lists = exception_tables(exceptions(evaluation), "2025-02-14", codes=["ESC01"])
    esc = lists["ESC01"]
    assert esc.attrs["classification"] == "internal"
    assert list(esc.columns) == ["pupil_id", "case_id", "date_crossed", "value", "threshold", "over_by",
                                 "days_since_crossed"]
    row = esc.iloc[0]
    assert (row["pupil_id"], row["case_id"], row["value"], row["threshold"], row["over_by"]) == \
        ("P001", "C1", 29.0, 20.0, 9.0)
    assert row["days_since_crossed"] == 10  # 4 Feb -> 14 Feb, calendar days
    assert len(esc) == 1
    # crossed Tue 4 Feb: the last 5 school days to Fri 14 Feb start Mon 10 Feb (outside); the last 9, Tue 4 Feb
    assert window_start(CAL, "2025-02-14", 5) == pd.Timestamp("2025-02-10")
    assert exception_tables(exceptions(evaluation), "2025-02-14", codes=["ESC01"],
                            since=window_start(CAL, "2025-02-14", 5))["ESC01"].empty
    assert len(exception_tables(exceptions(evaluation), "2025-02-14", codes=["ESC01"],
                                since=window_start(CAL, "2025-02-14", 9))["ESC01"]) == 1


def test_window_over_a_half_term():
    # Sat 31 Oct 2026 ends Shire's half-term (26-30 Oct): the last 5 school days are Mon 19 - Fri 23 Oct
    assert window_start(CAL, "2026-10-31", 5) == pd.Timestamp("2026-10-19")


def test_pupil_rules_list_no_case_column():
    frame = attendance({"pupil_id": "P001", "sessions_possible": 100, "sessions_unauthorised": 40},
                       {"pupil_id": "P002", "sessions_possible": 100, "sessions_unauthorised": 2})
    evaluation = evaluate({"attendance": frame}, CAL, "2024-12-20")
    att01 = exception_tables(exceptions(evaluation), "2024-12-20", codes=["ATT01"])["ATT01"]
    assert "case_id" not in att01 and list(att01["pupil_id"]) == ["P001"]


def test_intensive_support_by_term():
    # As of Fri 28 Feb 2025 (spring term running). Lines 75%, 80% with an EHC plan (E).
    # AUT: P1 146 possible, 40 missed -> 72.6% attended: below. P2 (EHCP) 146, 25 missed -> 82.9%: not below 80.
    # SPR: P1 100, 10 missed -> 90%: no. P2 (EHCP) 100, 22 missed -> 78%: below 80. P3 100, 30 missed -> 70%: below.
    frame = attendance(
        {"pupil_id": "P1", "term": "AUT", "sessions_possible": 146, "sessions_authorised": 40},
        {"pupil_id": "P2", "term": "AUT", "sen_status": "E", "sessions_possible": 146, "sessions_authorised": 25},
        {"pupil_id": "P1", "term": "SPR", "sessions_possible": 100, "sessions_authorised": 10},
        {"pupil_id": "P2", "term": "SPR", "sen_status": "E", "sessions_possible": 100, "sessions_unauthorised": 22},
        {"pupil_id": "P3", "term": "SPR", "sessions_possible": 100, "sessions_unauthorised": 30})
    evaluation = evaluate({"attendance": frame}, CAL, "2025-02-28")
    out = att.intensive_support_by_term(evaluation.results["ATT03"], frame, CAL, "2025-02-28", 0.80)
    assert list(out["term"]) == ["Autumn 2024/25", "Spring 2024/25"]
    assert list(out["pupils"]) == [2, 3]
    assert list(out["below_line"]) == [1, 2]
    assert list(out["below_line_ehcp"]) == [0, 1]
    assert out["below_line_share"].tolist() == pytest.approx([0.5, 2 / 3])


def test_attendance_breakdown_by_phase():
    # P1 at a primary: 100 possible, 12 missed (PA). P2 at a secondary: 100 possible, 60 missed (PA and SA).
    # P3 at the same secondary: 100, 0 missed. Secondary: 200 possible, 60 missed = 30.0%; 2 enrolments, 1 PA = 50%.
    frame = attendance({"pupil_id": "P1", "school_urn": 1, "sessions_possible": 100, "sessions_authorised": 12},
                       {"pupil_id": "P2", "school_urn": 2, "sessions_possible": 100, "sessions_unauthorised": 60},
                       {"pupil_id": "P3", "school_urn": 2, "sessions_possible": 100})
    schools = pd.DataFrame({"school_urn": [1, 2], "phase": ["PRI", "SEC"]})
    ytd = att.attendance_year_to_date(frame, schools, "2024-12-20", resolve_thresholds(None))
    by_phase = att.attendance_breakdown(ytd, "phase").set_index("label")
    assert list(by_phase.index) == ["Primary", "Secondary", "Total"]
    assert by_phase.loc["Secondary", "overall_absence_pct"] == pytest.approx(30.0)
    assert by_phase.loc["Secondary", "persistent_pct"] == pytest.approx(50.0)
    assert by_phase.loc["Total", "persistent_absentees"] == 2 and by_phase.loc["Total", "severe_absentees"] == 1
    assert by_phase.loc["Total", "overall_absence_pct"] == pytest.approx(72 / 300 * 100)
    # a stricter persistent line (the LA's ATT01) moves P1 (12% missed) out of PA
    strict = att.attendance_year_to_date(frame, schools, "2024-12-20", resolve_thresholds({"ATT01": {"missed_share": 0.15}}))
    assert att.attendance_breakdown(strict).loc[0, "persistent_absentees"] == 1


@pytest.mark.skipif(not ENGLAND.is_dir(), reason="shared real data not available")
def test_england_attendance_matches_the_published_figures():
    england = att.england_attendance(ENGLAND).set_index("phase")
    # DfE 2024/25 year to date, England: persistent absence 18.7% (all schools), 13.5% primary, 24.32%
    # secondary, as published in the separate week-30 file week_29_persistent_absence.csv.
    assert england.loc["All", "persistent_pct"] == pytest.approx(18.7, abs=0.005)
    assert england.loc["PRI", "persistent_pct"] == pytest.approx(13.5, abs=0.005)
    assert england.loc["SEC", "persistent_pct"] == pytest.approx(24.32, abs=0.005)
    assert england.loc["All", "overall_absence_pct"] == pytest.approx(6.87, abs=0.005)  # DfE: 6.9%


def test_no_england_file_means_no_comparison(tmp_path):
    assert att.england_attendance(tmp_path) is None
    assert att.england_attendance(None) is None


def test_exception_units_follow_the_rule():
    whole = pd.DataFrame({"value": [21.0], "threshold": [20.0], "over_by": [1.0]})
    assert exception_units("ESC01", whole)["value"] == "days:0"  # school days open
    assert exception_units("PNL01", whole)["value"] == "calendar_days:0"  # days since the panel
    assert exception_units("EXC01", whole.assign(value=36.5, over_by=1.5))["value"] == "days:1"  # suspension days
    assert exception_units("ATT01", whole)["value"] == "percent:0"
    assert exception_units("FTE01", whole)["value"] == "hours:0"
    assert exception_units("EXC02", whole)["value"] == "number:0"
    assert exception_units("ESC01", whole)["days_since_crossed"] == "calendar_days"


@pytest.mark.parametrize("name, params", [("triggers.ipynb", "monthly.yaml"), ("exceptions.ipynb", "exceptions.yaml")])
def test_notebooks_are_committed_clean_with_their_parameters(name, params):
    import nbformat
    import papermill
    import yaml

    repo = Path(__file__).resolve().parents[1]
    path = repo / "notebooks" / name
    nb = nbformat.read(str(path), as_version=4)
    assert all(not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code")
    declared = papermill.inspect_notebook(str(path))
    assert {"data_dir", "period_end", "run_dir", "la", "audience"} <= set(declared)
    spec = yaml.safe_load((repo / "parameters" / params).read_text())
    given = next(n for n in spec["notebooks"] if n["path"].endswith(name)).get("parameters") or {}
    assert set(given) <= set(declared)
    assert spec.get("audience", "board") == ("internal" if name == "exceptions.ipynb" else "board")
