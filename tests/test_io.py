"""Reading extracts: encodings, Excel, folders of monthly files, source rows."""
import pandas as pd
import pytest

from pmereport.contract.dataset import load
from pmereport.io import ReadError, find_extract_files, read_table
from tiny_data import write_tiny_data

SCHOOLS = "school_urn,school_name,phase,district,open_date,close_date\n120001,Ecole Sainte-Thérèse,PRI,Méridien,,\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings_read_the_same_text(tmp_path, encoding):
    path = tmp_path / "schools.csv"
    path.write_bytes(SCHOOLS.encode(encoding))
    df = read_table(path)
    assert df.loc[0, "school_name"] == "Ecole Sainte-Thérèse"
    assert list(df.columns[:2]) == ["school_urn", "school_name"]  # no BOM glued to the first name
    assert df.loc[0, "_source_row"] == 2  # the header is row 1


def test_header_names_are_trimmed_and_lower_cased(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(" School_URN ,Phase\n1,PRI\n")
    assert list(read_table(path).columns) == ["school_urn", "phase", "_source_file", "_source_row"]


def test_unknown_file_type_and_empty_file(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(ReadError, match="unsupported file type"):
        read_table(tmp_path / "a.txt")
    (tmp_path / "b.csv").write_text("")
    with pytest.raises(ReadError, match="empty"):
        read_table(tmp_path / "b.csv")


def test_excel_returns_folder_with_an_empty_month(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    returns = pd.read_csv(data / "pme_returns.csv", dtype=str)
    (data / "pme_returns.csv").unlink()
    folder = data / "pme_returns"
    folder.mkdir()
    # October 2024 as Excel with real date cells, November 2024 and October 2026 as CSV, December
    # 2024 has nobody to report (tests/tiny_data.py: one row in each 2024 month, two in October 2026)
    october = returns[returns["return_month"] == "2024-10"].copy()
    for c in ["rtt_start_date", "rtt_end_date", "rtt_review_date"]:
        october[c] = pd.to_datetime(october[c])
    october["hours_offered"] = 12.5
    october.to_excel(folder / "pme_return_2024-10.xlsx", index=False)
    returns[returns["return_month"] == "2024-11"].to_csv(folder / "pme_return_2024-11.csv", index=False)
    returns.iloc[0:0].to_csv(folder / "pme_return_2024-12.csv", index=False)
    returns[returns["return_month"] == "2026-10"].to_csv(folder / "pme_return_2026-10.csv", index=False)
    assert [p.name for p in find_extract_files(data, "pme_returns", folder_allowed=True)] == [
        "pme_return_2024-10.xlsx", "pme_return_2024-11.csv", "pme_return_2024-12.csv", "pme_return_2026-10.csv"]
    ds = load(data)
    assert ds.ok, ds.issues()
    r = ds.results["pme_returns"]
    assert (r.rows_read, r.rows_kept) == (4, 4)
    assert ds.pme_returns["rtt_end_date"].iloc[0] == pd.Timestamp("2024-12-20")


def test_an_extract_given_twice_is_an_error(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    pd.read_csv(data / "schools.csv").to_excel(data / "schools.xlsx", index=False)
    ds = load(data)
    assert "more than once" in ds.results["schools"].file_errors[0]


def test_bad_cell_in_excel_names_the_row(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    schools = pd.read_csv(data / "schools.csv", dtype=str)
    schools.loc[1, "phase"] = "NURSERY"
    (data / "schools.csv").unlink()
    schools.to_excel(data / "schools.xlsx", index=False)
    issues = load(data).results["schools"].issues
    assert issues[["row", "column", "rule", "value"]].values.tolist() == [[3, "phase", "FIELD_CODE", "NURSERY"]]
    assert issues["file"].iloc[0].endswith("schools.xlsx")
