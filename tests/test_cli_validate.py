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
