"""The bad-input corpus (issue 8, item 1): every broken extract gives a clear file error, clear
row rejections or a note; none gives a traceback or loses a row without a word."""
import pytest

from bad_inputs import CORPUS, run_case, run_corpus, summary
from bad_inputs.summary import committed_block, render


@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_bad_input_gives_a_clear_outcome(case, tmp_path):
    outcome = run_case(case, tmp_path / case.name)
    assert outcome.got != "traceback", outcome.detail
    assert outcome.got == case.expect, f"expected {case.expect}, got {outcome.got}: {outcome.detail}"
    assert outcome.clear, f"unclear: {outcome.detail}"
    assert not outcome.silent_loss, outcome.detail


def test_corpus_summary(tmp_path):
    outcomes = run_corpus(tmp_path)
    totals = summary(outcomes)
    print("\n".join(f"{k}: {v}" for k, v in totals.items()))
    assert totals["files tried"] == len(CORPUS) >= 40
    assert totals["silent losses"] == 0
    assert totals["tracebacks"] == 0
    assert totals["unclear messages"] == 0 and totals["not as expected"] == 0
    # the table in docs/bad-inputs.md is the one the corpus gives (regenerate: tests/bad_inputs/summary.py)
    assert render(outcomes, tmp_path) == committed_block()
    assert (totals["clear file errors"] + totals["clear row rejections"] + totals["accepted with a note"]
            + totals["accepted correctly"]) == totals["files tried"]


def test_validation_report_prints_notes(tmp_path):
    from pmereport.contract.report import format_validation

    case = next(c for c in CORPUS if c.name == "title-rows-csv")
    outcome = run_case(case, tmp_path / case.name)
    text = format_validation({"cases": outcome.result})
    assert "cases: note(s)" in text and "skipped 2 title line(s) above the header (line 3)" in text
    assert "PASSED" in text  # a note is not a failure


def test_planned_dates_may_be_in_the_future_recorded_ones_may_not(tmp_path):
    import datetime as dt

    from bad_inputs import csv_text, rows
    from pmereport.contract.validate import load_extract

    # the tiny return row: month 2024-10, RTT from 2024-10-01, planned end 2024-12-20, review 2024-11-12
    records = rows("pme_returns", 2)
    (tmp_path / "pme_returns.csv").write_text(csv_text(records))
    # on 2024-11-01 the planned end (2024-12-20) and review (2024-11-12) are still to come: allowed
    assert load_extract(tmp_path, "pme_returns", today=dt.date(2024, 11, 1)).rows_rejected == 0
    # on 2024-09-30 the October return (month starting 2024-10-01) and the RTT start are in the future
    result = load_extract(tmp_path, "pme_returns", today=dt.date(2024, 9, 30))
    assert result.rows_rejected == 2
    assert set(zip(result.issues["column"], result.issues["rule"])) == {
        ("return_month", "FIELD_FUTURE"), ("rtt_start_date", "FIELD_FUTURE")}


def test_a_file_that_cannot_be_opened_is_a_file_error(tmp_path, monkeypatch):
    """A workbook locked by Excel (Windows) raises PermissionError on open: a file error, not a traceback."""
    from pathlib import Path

    from bad_inputs import CASES_CSV
    from pmereport.contract.validate import load_extract

    (tmp_path / "cases.csv").write_text(CASES_CSV)
    real_open = Path.open

    def locked(self, *args, **kwargs):
        if self.name == "cases.csv":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", locked)
    result = load_extract(tmp_path, "cases")
    assert result.file_errors == [f"{tmp_path / 'cases.csv'}: cannot open the file (Permission denied); close it "
                                  "in Excel or any other program and check you may read it"]
    assert (result.rows_read, result.rows_rejected) == (0, 0)
