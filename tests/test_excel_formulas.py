"""tables.xlsx never turns text from the data into a formula (issue 6 item 4; OWASP "CSV injection").

A school name, a label or a note that starts with =, +, - or @ must be written as text: no <f>
(formula) element anywhere in the workbook's XML, the text read back exactly as given, and Excel's
quote prefix set so that editing the cell does not evaluate it either. Numbers (negative ones
included) stay numbers.
"""
import datetime as dt
import re
import zipfile

import pandas as pd
from openpyxl import load_workbook

from pmereport.present.tables import prepare_table
from pmereport.report.excel import WorkbookInfo, write_workbook

INFO = WorkbookInfo(title="=HYPERLINK(\"http://evil.example\",\"Click\")", period="p", source="@SUM(A1:A9)",
                    la_name="-Shire County Council", produced=dt.date(2026, 11, 20))
DANGEROUS = ["=1+1", "+44 1632 960000", "-2 days", "@SUM(1,2)", "=cmd|' /C calc'!A0"]


def _workbook(tmp_path):
    frame = pd.DataFrame({"school": DANGEROUS + ["Total"], "change": [-3.5, 1.0, 0.0, 2.0, -1.0, -1.5],
                          "pupils": [10, 20, 30, 40, 50, 150]})
    table = prepare_table(frame, "schools", "+Schools with a leading plus", units={"change": "number", "pupils": "count"},
                          period="p", source="s", notes=["=A1*2 is not a formula here"], suppress=False)
    return write_workbook([table], tmp_path / "tables.xlsx", INFO)


def test_no_formula_is_written(tmp_path):
    path = _workbook(tmp_path)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        xml = "".join(z.read(n).decode("utf-8") for n in sheets)
    assert sheets
    assert not re.search(r"<f[\s>]", xml), "a formula element was written"


def test_dangerous_text_reads_back_as_text_with_quote_prefix(tmp_path):
    wb = load_workbook(_workbook(tmp_path))
    sheet = wb["schools"]
    labels = [sheet.cell(row=r, column=1) for r in range(8, 8 + len(DANGEROUS))]  # header on row 7
    assert [c.value for c in labels] == DANGEROUS
    assert all(c.data_type == "s" and c.quotePrefix for c in labels)
    assert sheet["A1"].value == "+Schools with a leading plus" and sheet["A1"].quotePrefix
    cover = {wb["Cover"].cell(row=r, column=1).value: wb["Cover"].cell(row=r, column=2) for r in range(3, 10)}
    assert wb["Cover"]["A1"].value.startswith("=HYPERLINK") and wb["Cover"]["A1"].data_type == "s"
    assert cover["Organisation"].value == "-Shire County Council" and cover["Organisation"].quotePrefix
    assert cover["Source"].value == "@SUM(A1:A9)" and cover["Source"].quotePrefix


def test_numbers_stay_numbers(tmp_path):
    sheet = load_workbook(_workbook(tmp_path))["schools"]
    # change column: -3.5 published to 1 dp ("number" unit) is the number -3.5, not text
    assert sheet.cell(row=8, column=2).value == -3.5 and sheet.cell(row=8, column=2).data_type == "n"
    assert sheet.cell(row=8, column=3).value == 10 and not sheet.cell(row=8, column=3).quotePrefix
