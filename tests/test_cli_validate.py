"""`pmereport validate`: a readable report, exit 0 on good data and 1 on a contract failure."""
import subprocess
import sys

from pmereport.cli import main
from tiny_data import write_tiny_data


def test_validate_passes_on_good_data(tmp_path, capsys):
    data = write_tiny_data(tmp_path / "data")
    assert main(["validate", str(data)]) == 0
    out = capsys.readouterr().out
    assert "PASSED" in out
    assert "cases" in out and "rows read" in out


def test_validate_fails_naming_file_row_column_and_rule(tmp_path, capsys):
    data = write_tiny_data(tmp_path / "data")
    text = (data / "exclusions.csv").read_text().replace("E02,PUPP12,110001,2024-11-01",
                                                         "E02,PUPP12,110001,2024-11-31")
    (data / "exclusions.csv").write_text(text)
    issues_csv = tmp_path / "issues.csv"
    assert main(["validate", str(data), "--issues", str(issues_csv)]) == 1
    out = capsys.readouterr().out
    # 31 November is not a date: file, spreadsheet row 3 (header is row 1), column, rule, value
    assert f"{data / 'exclusions.csv'}, row 3, column start_date: FIELD_TYPE" in out
    assert "'2024-11-31'" in out
    assert "FAILED" in out
    assert "start_date" in issues_csv.read_text()


def test_validate_missing_folder_and_module_entry_point(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pmereport", "validate", str(tmp_path / "nope")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "data folder not found" in result.stderr


def test_validate_in_chunks_reports_exactly_what_reading_whole_files_does(tmp_path, capsys, monkeypatch):
    """`pmereport validate` goes through validate_to_cache (chunks for large CSVs); with
    --drop-identifiers (nothing to drop here) it reads every file whole: the two must agree."""
    import functools

    from pmereport.contract import chunked, dataset

    data = write_tiny_data(tmp_path / "data", bad_case_rows=2)
    text = (data / "census.csv").read_text().splitlines()
    (data / "census.csv").write_text("\n".join(text + [text[1], "x" + text[2]]) + "\n")
    spied = []
    real = chunked.validate_extract_to_parquet

    def spy(*args, **options):
        summary = real(*args, **options)
        spied.append(summary is not None)
        return summary

    monkeypatch.setattr(chunked, "validate_extract_to_parquet", spy)
    monkeypatch.setattr(dataset, "validate_to_cache",  # every chunkable CSV in chunks of 3 rows
                        functools.partial(dataset.validate_to_cache, chunk_rows=3, chunk_min_bytes=0))
    assert main(["validate", str(data), "--issues", str(tmp_path / "chunked.csv")]) == 1
    chunked_out = capsys.readouterr().out
    assert any(spied)  # census and return_log were read in chunks
    assert main(["validate", str(data), "--drop-identifiers", "--issues", str(tmp_path / "whole.csv")]) == 1
    assert chunked_out == capsys.readouterr().out
    assert (tmp_path / "chunked.csv").read_text() == (tmp_path / "whole.csv").read_text()
    # the census rows added: a repeat of the first row (CEN01) and a school_urn that is not a number
    assert "census.csv, row " in chunked_out and "CEN01" in chunked_out and "FIELD_TYPE" in chunked_out
