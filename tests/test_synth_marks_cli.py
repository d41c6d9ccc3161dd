"""`pmereport synth --marks`: a year of session marks beside the extracts, from the generated roll."""
from __future__ import annotations

import pandas as pd
import pyarrow.dataset as pads

from pmereport.cli import main
from pmereport.synth.marks import latest_complete_year, roll_from_attendance


def test_latest_complete_year():
    assert latest_complete_year("2026-10-31") == "2025/26"
    assert latest_complete_year("2026-08-31") == "2025/26"  # the year ends on 31 August
    assert latest_complete_year("2026-08-30") == "2024/25"


def test_roll_takes_each_pupils_latest_school(tmp_path):
    path = tmp_path / "attendance.csv"
    pd.DataFrame({
        "pupil_id": ["P1", "P1", "P2", "P3"], "school_urn": [100, 200, 100, 100],
        "academic_year": ["2025/26", "2025/26", "2025/26", "2024/25"], "term": ["SPR", "AUT", "AUT", "AUT"],
        "ncy": [5, 5, 9, 3], "sex": ["F", "F", "M", "M"], "ethnicity": ["WHIT"] * 4, "sen_status": ["E", "N", "N", "N"],
        "fsm": ["Y", "N", "N", "N"], "sessions_possible": [100] * 4, "sessions_authorised": [0] * 4,
        "sessions_unauthorised": [0] * 4}).to_csv(path, index=False)
    roll = roll_from_attendance(path, "2025/26")
    # P1 moved from school 200 (autumn) to 100 (spring): the spring school and SEN status; P3 not in 2025/26
    assert roll[["pupil_id", "school_urn", "sen_status"]].values.tolist() == [["P1", 100, "E"], ["P2", 100, "N"]]


def test_synth_marks_small(tmp_path):
    out = tmp_path / "data"
    assert main(["synth", "--out", str(out), "--size", "small", "--marks", "--marks-format", "csv"]) == 0
    marks = pads.dataset(str(out / "attendance_marks"), format="csv").to_table().to_pandas()
    attendance = pd.read_csv(out / "attendance.csv")
    pupils = attendance.loc[attendance["academic_year"] == "2025/26", "pupil_id"].nunique()
    # Shire County 2025/26 has 190 pupil school days (parameters/terms/shire-county.yaml), two sessions each
    assert len(marks) == pupils * 190 * 2
    assert marks["pupil_id"].nunique() == pupils
    assert set(pd.to_datetime(marks["date"]).dt.strftime("%Y-%m")) >= {"2025-09", "2026-07"}
    assert (out / "attendance_roll.csv").is_file() and (out / "cases.csv").is_file()


def test_synth_terms_option_names_a_missing_file(tmp_path, capsys):
    missing = tmp_path / "no-such-terms.yaml"
    assert main(["synth", "--out", str(tmp_path / "out"), "--size", "small", "--terms", str(missing)]) == 1
    assert f"term-dates file not found: {missing}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # refused before anything is written
