"""tables.xlsx: gptables-style layout, numbers as numbers, symbols as text, fixed bytes."""
import datetime as dt
import zipfile

import pandas as pd
from openpyxl import load_workbook

from pmereport.present.tables import prepare_table
from pmereport.report.excel import WorkbookInfo, sheet_names, write_workbook

INFO = WorkbookInfo(title="CME/PME board report", period="Position at 31 October 2026", source="Case extract",
                    la_name="Shire County Council", produced=dt.date(2026, 11, 20), marking="OFFICIAL",
                    contact="cme.team@shire.example")


def tables():
    caseload = pd.DataFrame({"label": ["CME", "PME", "Total"], "open_cases": [3, 1208, 1211]})
    reasons = pd.DataFrame({"label": ["Medical", "Other"], "count": [600, 608], "share": [600 / 1208, 608 / 1208]})
    return [prepare_table(caseload, "caseload", "Open cases", units={"open_cases": "count"}, period="p", source="s",
                          notes=["Total: CME and PME."]),
            prepare_table(reasons, "pme_reasons", "Reasons", units={"count": "count", "share": "share"}, period="p",
                          source="s")]


def test_workbook_layout(tmp_path):
    path = write_workbook(tables(), tmp_path / "tables.xlsx", INFO)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Cover", "Contents", "Notes", "caseload", "pme_reasons"]
    cover = wb["Cover"]
    assert cover["A1"].value == "CME/PME board report"
    cover_text = {cover.cell(row=r, column=1).value: cover.cell(row=r, column=2).value for r in range(3, 10)}
    assert cover_text["Protective marking"] == "OFFICIAL"
    assert cover_text["Organisation"] == "Shire County Council"
    assert cover_text["Contact"] == "cme.team@shire.example"
    contents = wb["Contents"]
    assert contents["A4"].value == "caseload" and contents["A4"].hyperlink.location == "'caseload'!A1"
    assert contents["B5"].value == "Reasons"
    notes = [wb["Notes"].cell(row=r, column=2).value for r in range(4, 12)]
    assert "Total: CME and PME." in notes
    sheet = wb["caseload"]
    assert sheet["A1"].value == "Open cases"
    assert sheet["A7"].value == "Label" and sheet["B7"].value == "Open cases (number)"
    # CME 3 is below 5 -> c; PME then the only other cell in the column besides the total -> c too.
    assert [sheet.cell(row=r, column=2).value for r in (8, 9, 10)] == ["c", "c", 1211]
    assert isinstance(sheet["B10"].value, int) and sheet["B10"].number_format == "#,##0"
    shares = wb["pme_reasons"]
    assert shares["C8"].value == 49.7  # 600/1208 = 49.668...% -> 49.7
    assert shares["C8"].number_format == "#,##0.0"


def test_sheet_names_are_unique_and_short():
    t = tables()[0]
    long = [t.__class__(**{**t.to_dict(), "name": "x" * 40}), t.__class__(**{**t.to_dict(), "name": "x" * 40})]
    names = sheet_names(long)
    assert len(set(names)) == 2 and all(len(n) <= 31 for n in names)


def test_bytes_are_fixed(tmp_path):
    path = write_workbook(tables(), tmp_path / "tables.xlsx", INFO)
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2026-11-20T00:00:00Z") == 2  # created and modified: the production date
    again = write_workbook(tables(), tmp_path / "again.xlsx", INFO)
    assert again.read_bytes() == path.read_bytes()
