"""School return workbooks: the template and feedback on a folder of returns (issue 8, part 3)."""
import datetime as dt
import json
import os
import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook

from pmereport.cli import main
from pmereport.contract.extracts import PME_RETURNS
from pmereport.contract.validate import load_extract
from pmereport.report.return_template import write_return_template


def validations(path):
    """column name -> (type, formula1, formula2) of the Return sheet's data validations."""
    ws = load_workbook(path)["Return"]
    header = {cell.column_letter: cell.value for cell in ws[1]}
    out = {}
    for dv in ws.data_validations.dataValidation:
        letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
        assert str(dv.sqref) == f"{letter}2:{letter}501"  # 500 rows under the header
        out[header[letter]] = (dv.type, dv.formula1, dv.formula2)
    return out


def list_values(path, formula):
    """The values a list validation offers (an inline list or a range on sheet Codes)."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, cells = formula.lstrip("=").split("!")
    first, last = cells.replace("$", "").split(":")
    ws = load_workbook(path)[sheet]
    return [c.value for row in ws[f"{first}:{last}"] for c in row]


def test_template_has_a_dropdown_for_every_coded_column(tmp_path):
    path = write_return_template(tmp_path / "return.xlsx")
    checks = validations(path)
    assert list(checks) == PME_RETURNS.columns  # every column has a check
    # coded columns (written out from codes.py's CBDS / Leicestershire lists by hand)
    assert list_values(path, checks["sen_status"][1]) == ["N", "K", "E"]
    assert list_values(path, checks["provision_type"][1]) == ["RTT", "APS", "APL", "HOS", "HTU", "MED", "EXC", "OTH"]
    # the Leicestershire PME groups: PEX SBD MHN MED RAR PYM CNP CUS NTC GRT MFA CSF YOS CME EHU YCR MDD = 17
    assert len(list_values(path, checks["pme_group"][1])) == 17 and "PEX" in list_values(path, checks["pme_group"][1])
    # numbers and text: ncy 0-11 whole; hours 0-32.5; attendance 0-100; pupil_id 4-40 characters
    assert checks["ncy"] == ("whole", "0", "11")
    assert checks["hours_offered"] == ("decimal", "0", "32.5")
    assert checks["attendance_pct"] == ("decimal", "0", "100")
    assert checks["pupil_id"] == ("textLength", "4", "40")
    assert checks["rtt_start_date"][0] == "date"
    assert load_workbook(path).sheetnames[0] == "Return"


def test_template_for_a_month_and_school_offers_only_those(tmp_path):
    path = write_return_template(tmp_path / "return.xlsx", month="2026-10", school=110001)
    checks = validations(path)
    assert checks["return_month"] == ("list", '"2026-10"', None)
    assert checks["school_urn"] == ("list", '"110001"', None)
    about = load_workbook(path)["About"]
    assert about["B3"].value == "2026-10" and about["B4"].value == 110001
    with pytest.raises(ValueError, match="not YYYY-MM"):
        write_return_template(tmp_path / "bad.xlsx", month="Oct 2026")


def test_notes_sheet_describes_every_column_and_rule(tmp_path):
    ws = load_workbook(write_return_template(tmp_path / "return.xlsx"))["Notes"]
    first_cells = [row[0] for row in ws.iter_rows(values_only=True)]
    for column in PME_RETURNS.columns:
        assert column in first_cells
    for rule in ("RET01", "RET02", "RET03", "RET04", "RET05"):
        assert rule in first_cells
    rows = {row[0]: row for row in ws.iter_rows(values_only=True) if row[0]}
    assert rows["sen_status"][4] == "N (No SEN), K (SEN support), E (EHC plan)"
    assert rows["attendance_pct"][3] == "yes" and rows["pupil_id"][3] == "no"


RETURN_ROW = {"return_month": "2026-10", "pupil_id": "PUP0001", "ncy": 9, "sen_status": "N", "provision_type": "HTU",
              "pme_group": "MED", "hours_offered": 10, "hours_attended": 8, "attendance_pct": 80}


def fill(template, path, urn, rows):
    """A school fills in the template (openpyxl, as Excel would save it)."""
    shutil.copy(template, path)
    wb = load_workbook(path)
    ws = wb["Return"]
    columns = [c.value for c in ws[1]]
    for row in rows:
        ws.append([{**row, "school_urn": urn}.get(c) for c in columns])
    wb.save(path)
    return path


def test_an_untouched_template_reads_as_no_rows_and_a_filled_one_validates(tmp_path):
    template = write_return_template(tmp_path / "template.xlsx", month="2026-10", school=110001)
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(template, data / "pme_returns.xlsx")
    empty = load_extract(data, "pme_returns", today=dt.date(2026, 11, 20))
    assert empty.rows_read == 0 and empty.file_errors == []
    bad = {**RETURN_ROW, "pupil_id": "PUP0002", "provision_type": "XYZ"}
    fill(template, data / "pme_returns.xlsx", 110001, [RETURN_ROW, bad])
    result = load_extract(data, "pme_returns", today=dt.date(2026, 11, 20))
    # header on row 1, the good row on 2, the bad on 3: 2 read, 1 kept, 1 rejected for its code
    assert (result.rows_read, result.rows_kept, result.rows_rejected) == (2, 1, 1)
    issue = result.issues.iloc[0]
    assert (issue["row"], issue["column"], issue["rule"], issue["value"]) == (3, "provision_type", "FIELD_CODE", "XYZ")


def set_received(path, day):
    stamp = dt.datetime.combine(day, dt.time(12)).timestamp()
    os.utime(path, (stamp, stamp))


@pytest.fixture()
def returns_folder(tmp_path):
    """October 2026 returns (deadline 10 November), assessed on 20 November:
    110001 on time (5 Nov) 2 good rows; 110002 late (14 Nov) 3 rows, 2 bad; 110003 none (missing);
    110004 closed 31 August (not expected); 110005 a nil return on 1 November."""
    pd.DataFrame({"school_urn": [110001, 110002, 110003, 110004, 110005],
                  "school_name": ["Shire Academy", "Vale Primary", "Hill School", "Old School", "Brook Primary"],
                  "phase": ["SEC", "PRI", "SEC", "PRI", "PRI"], "district": ["North"] * 5,
                  "open_date": [""] * 5, "close_date": ["", "", "", "2026-08-31", ""]}
                 ).to_csv(tmp_path / "schools.csv", index=False)
    folder = tmp_path / "returns"
    folder.mkdir()
    template = write_return_template(tmp_path / "template.xlsx", month="2026-10")
    a = fill(template, folder / "shire.xlsx", 110001, [RETURN_ROW, {**RETURN_ROW, "pupil_id": "PUP0003"}])
    b = fill(template, folder / "vale.xlsx", 110002, [
        RETURN_ROW,
        {**RETURN_ROW, "pupil_id": "PUP0004", "provision_type": "XYZ"},          # row 3: unknown code
        {**RETURN_ROW, "pupil_id": "PUP0005", "hours_attended": 12}])            # row 4: 12 > 10 offered
    nil = write_return_template(folder / "brook.xlsx", month="2026-10", school=110005)
    for path, day in ((a, dt.date(2026, 11, 5)), (b, dt.date(2026, 11, 14)), (nil, dt.date(2026, 11, 1))):
        set_received(path, day)
    return tmp_path


def test_returns_feedback_per_school_and_compliance(returns_folder, capsys):
    out = returns_folder / "feedback-out"
    assert main(["returns-feedback", str(returns_folder / "returns"), "--schools",
                 str(returns_folder / "schools.csv"), "--out", str(out), "--as-of", "2026-11-20"]) == 0
    summary = json.loads((out / "compliance_summary.json").read_text())
    # due: 110001, 110002, 110003, 110005 = 4 (110004 closed before October); received 3 (incl. the
    # nil return); on time 110001 and 110005 = 2; late 110002; missing 110003.
    # return rate 3/4 = 75.0 %, on time 2/4 = 50.0 %
    assert {k: summary[k] for k in ("return_month", "due", "received", "on_time", "late", "missing", "nil_returns",
                                    "return_rate", "on_time_rate")} == {
        "return_month": "2026-10", "due": 4, "received": 3, "on_time": 2, "late": 1, "missing": 1,
        "nil_returns": 1, "return_rate": 75.0, "on_time_rate": 50.0}
    compliance = pd.read_csv(out / "compliance.csv").set_index("school_urn")
    # 110004 (closed, no file) is neither expected nor received: not listed
    assert compliance["status"].to_dict() == {110001: "on time", 110002: "late", 110003: "missing", 110005: "on time"}
    assert compliance.loc[110002, ["rows_read", "rows_accepted", "rows_rejected", "days_late"]].tolist() == [3, 1, 2, 4]

    vale = pd.read_csv(out / "feedback" / "110002.csv")
    assert vale[["row", "column", "rule"]].dropna(subset=["row"]).astype({"row": int}).values.tolist()[0] == \
        [3, "provision_type", "FIELD_CODE"]
    assert "RET01" in set(vale["rule"]) and 4 in set(vale.loc[vale["rule"] == "RET01", "row"])
    late = vale.loc[vale["rule"] == "RETURN_LATE", "message"].item()
    assert late == "received 2026-11-14, 4 day(s) after the deadline 2026-11-10"
    hill = pd.read_csv(out / "feedback" / "110003.csv")
    assert hill["rule"].tolist() == ["RETURN_MISSING"]
    assert hill["message"].item() == "no return received for 2026-10; the deadline was 2026-11-10"
    shire = pd.read_csv(out / "feedback" / "110001.csv")
    assert shire[["rule", "message"]].values.tolist() == [["RETURN_OK", "2 row(s) accepted, nothing to fix"]]
    brook = pd.read_csv(out / "feedback" / "110005.csv")
    assert brook["message"].tolist() == ["nil return received"]
    assert "3 of 4 due received (75.0%), 1 late, 1 missing" in capsys.readouterr().err
