"""A corpus of broken extracts, built at test time (issue 8, item 1; docs/bad-inputs.md).

Every case writes one broken extract into an empty data folder and says what a user must get:
a file error, row rejections, a note (handled, but said), or clean acceptance (handled silently
and correctly). ``run_case`` loads it through ``load_extract`` exactly as ``pmereport validate``
does and classifies the outcome; ``tests/test_bad_inputs.py`` runs every case and
``tests/bad_inputs/summary.py`` writes the summary table into docs/bad-inputs.md.

Nothing here is a committed binary: workbooks are written with openpyxl, the 300 MB one-line
file is a sparse file (no disk blocks), and the password-protected workbook is the OLE2 (CFB)
container header and directory names that Excel writes for an encrypted workbook.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import traceback
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import openpyxl
import pandas as pd

from pmereport.contract.extracts import EXTRACTS
from pmereport.contract.validate import load_extract

from tiny_data import FILES

TODAY = dt.date(2025, 3, 31)  # injected "today": the rows used here are tiny data's 2024-09 to 2025-02 ones
FILE_ERROR, ROWS, NOTE, ACCEPTED = "file error", "rows rejected", "note", "accepted"


def _base_row(extract: str) -> dict:
    """The tiny data folder's first row of ``extract``; for cases, P11 (a PME case of 2024/25 with every
    pathway stage dated)."""
    text = FILES[f"{extract}.csv"]
    records = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False).to_dict("records")
    return next(r for r in records if r["case_id"] == "P11") if extract == "cases" else records[0]


def rows(extract: str, n: int = 5) -> list[dict]:
    """``n`` valid rows of an extract, varied from the tiny data folder's so that ids stay unique."""
    base = _base_row(extract)
    out = []
    for k in range(n):
        row = dict(base)
        if extract == "cases":
            row.update(case_id=f"C{k + 1:04d}", pupil_id=f"P{k + 1:07d}")
        elif extract == "pme_returns":
            row.update(pupil_id=f"P{k + 1:07d}")
        elif extract == "exclusions":
            row.update(exclusion_id=f"E{k + 1:04d}")
        elif extract in ("schools", "return_log"):
            row.update(school_urn=str(120001 + k))
        elif extract == "census":
            row.update(ncy=str(k % 12), school_urn=str(120001 + k // 12))
        elif extract == "attendance":
            row.update(pupil_id=f"P{k + 1:07d}")
        out.append(row)
    return out


def csv_text(records: list[dict], columns: list[str] | None = None) -> str:
    columns = columns or list(records[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for r in records:
        writer.writerow([r.get(c, "") for c in columns])
    return out.getvalue()


def xlsx_bytes(table: list[list], merge: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for line in table:
        sheet.append(line)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table(records: list[dict]) -> list[list]:
    return [list(records[0])] + [list(r.values()) for r in records]


def ole2_container(stream_names: list[str]) -> bytes:
    """The start of an OLE2 compound file (the container of .xls and of encrypted .xlsx files):
    the 512-byte header, then a directory sector naming the streams (UTF-16, 128 bytes each)."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:34] = b"\x3e\x00\x03\x00\xfe\xff\x09\x00\x06\x00"  # versions, byte order, sector shifts
    directory = bytearray()
    for name in ["Root Entry"] + stream_names:
        entry = bytearray(128)
        encoded = name.encode("utf-16-le")
        entry[0:len(encoded)] = encoded
        entry[64:66] = (len(encoded) + 2).to_bytes(2, "little")
        entry[66] = 5 if name == "Root Entry" else 2
        directory += entry
    return bytes(header) + bytes(directory).ljust(512, b"\x00")


@dataclass(frozen=True)
class BadInput:
    """One broken extract and what a user must see for it."""

    name: str
    problem: str
    extract: str
    build: Callable[[Path], None]
    expect: str
    mentions: tuple[str, ...] = ()  # words the messages (or rule codes) must contain
    rows_in_file: int | None = None  # data rows the file holds, for accounting; None if unreadable
    rejected: int | None = None  # rows that must be rejected
    check: Callable[[pd.DataFrame], bool] | None = None  # a further check of the kept rows


def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return build


def _edit(extract: str, n: int = 5, columns: list[str] | None = None, **changes) -> str:
    """CSV text of ``n`` valid rows where row ``k`` (1-based data row) takes ``changes[f'r{k}']``."""
    records = rows(extract, n)
    for key, update in changes.items():
        records[int(key[1:]) - 1].update(update)
    return csv_text(records, columns)


def _huge_line(folder: Path) -> None:
    """A 300 MB file of one line (a header then NUL-free nothing: sparse, so no disk is used)."""
    path = folder / "cases.csv"
    with path.open("wb") as handle:
        handle.write(b"case_id,pupil_id," + b"x" * 1000)
        handle.truncate(300 * 2**20)


def _long_line(folder: Path) -> None:
    header = csv_text(rows("cases", 1)).splitlines()[0]
    (folder / "cases.csv").write_text(header + "\n" + "C0001," + "y" * (3 * 2**20) + "\n")


def _monthly(folder: Path, second: str, name: str = "pme_return_2024-11.csv") -> None:
    (folder / "pme_returns").mkdir()
    (folder / "pme_returns" / "pme_return_2024-10.csv").write_text(_edit("pme_returns", 2))
    target = folder / "pme_returns" / name
    target.write_bytes(second.encode() if isinstance(second, str) else second)


def _workbook(records: list[dict], above: list[list] | None = None, merge: str | None = None) -> bytes:
    return xlsx_bytes((above or []) + table(records), merge)


CASE_COLS = EXTRACTS["cases"].columns
R5 = rows("cases", 5)
CASES_CSV = csv_text(R5)
UPNS = ["A123456789012", "B823456789013", "C923456789014", "D023456789015", "E123456789016"]
NAMES = ["Amelia Jones", "Oliver Smith", "Isla Brown", "Noah Patel", "Ava O'Connor"]


def _with_column(extract: str, column: str, values: list[str], position: int | None = None) -> str:
    records = rows(extract, len(values))
    for r, v in zip(records, values):
        r[column] = v
    columns = list(records[0])
    if position is not None:
        columns.insert(position, columns.pop())
    return csv_text(records, columns)


def _shouting(text: str) -> str:
    header, rest = text.split("\n", 1)
    return header.upper().replace(",", " , ") + "\n" + rest


def _two_sheets() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Extract of CME/PME cases for the board paper"])
    data = book.create_sheet("Cases")
    for line in table(R5):
        data.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _formulas() -> bytes:
    """Hours written as formulas (=10+2.5) with no cached values, as a script saving with openpyxl leaves them."""
    records = rows("pme_returns", 3)
    for r in records[1:]:
        r["hours_offered"] = "=10+2.5"
    return xlsx_bytes(table(records))


def _truncated_workbook() -> bytes:
    data = _workbook(R5)
    return data[: len(data) // 2]


def _zip_not_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("cases.csv", CASES_CSV)
    return out.getvalue()


def _mixed_encoding() -> bytes:
    lines = FILES["schools.csv"].splitlines()
    lines[1] = lines[1].replace("Shire Academy", "Académie de Shire")
    lines[2] = lines[2].replace("Vale Primary", "École du Val")
    return (lines[0] + "\n" + lines[1] + "\n").encode("utf-8") + (lines[2] + "\n").encode("cp1252") + (
        lines[3] + "\n").encode("utf-8")


def _pasted_files() -> bytes:
    first = csv_text(R5[:3]).encode("utf-8-sig")
    second = csv_text(R5[3:]).encode("utf-8-sig")
    return first + second


CORPUS: list[BadInput] = [
    # --- encodings and byte-level problems ---
    BadInput("utf16-csv", "CSV saved as UTF-16 ('Unicode text')", "cases",
             _write("cases.csv", CASES_CSV, "utf-16"), FILE_ERROR, ("UTF-16",)),
    BadInput("utf8-bom", "UTF-8 with a byte-order mark", "cases",
             _write("cases.csv", CASES_CSV, "utf-8-sig"), ACCEPTED, rows_in_file=5,
             check=lambda d: d["case_id"].tolist() == ["C0001", "C0002", "C0003", "C0004", "C0005"]),
    BadInput("double-bom", "two byte-order marks (BOM added twice by a tool)", "cases",
             _write("cases.csv", "\ufeff" + CASES_CSV, "utf-8-sig"), ACCEPTED, rows_in_file=5),
    BadInput("pasted-files", "two CSV files pasted together (second header and BOM mid-file)", "cases",
             _write("cases.csv", _pasted_files()), ROWS, ("ROW_HEADER",), rows_in_file=6, rejected=1),
    BadInput("mixed-encoding", "UTF-8 file with one line in Windows-1252", "schools",
             _write("schools.csv", _mixed_encoding()), NOTE, ("mixes encodings",), rows_in_file=3),
    BadInput("cp1252", "Windows-1252 (Excel's 'CSV') with accents", "schools",
             _write("schools.csv", FILES["schools.csv"].replace("Shire", "Shire-Thérèse"), "cp1252"), ACCEPTED,
             rows_in_file=3, check=lambda d: d["school_name"].iloc[0] == "Shire-Thérèse Academy"),
    BadInput("workbook-named-csv", "an Excel workbook saved with a .csv name", "cases",
             _write("cases.csv", _workbook(R5)), FILE_ERROR, ("Excel workbook", "rename")),
    BadInput("binary-csv", "binary data in a .csv file", "cases",
             _write("cases.csv", b"case_id\x00\x01\x02" * 100), FILE_ERROR, ("binary",)),
    BadInput("empty-file", "an empty file (0 bytes)", "cases", _write("cases.csv", b""), FILE_ERROR, ("empty",)),
    BadInput("blank-lines-only", "a file of blank lines", "cases", _write("cases.csv", "\n \n\n"), FILE_ERROR,
             ("empty",)),
    BadInput("header-only-csv", "a CSV with a header and no rows", "cases",
             _write("cases.csv", ",".join(CASE_COLS) + "\n"), NOTE, ("no data rows",), rows_in_file=0),
    BadInput("header-only-xlsx", "a workbook with a header and no rows", "cases",
             _write("cases.xlsx", xlsx_bytes([CASE_COLS])), NOTE, ("no data rows",), rows_in_file=0),
    # --- file formats ---
    BadInput("old-xls", "an old Excel 97-2003 .xls workbook", "cases",
             _write("cases.xls", ole2_container(["Workbook"])), FILE_ERROR, (".xls", "save it as")),
    BadInput("xls-in-monthly-folder", "an .xls among the monthly return files (must not be skipped)",
             "pme_returns", lambda f: _monthly(f, ole2_container(["Workbook"]), "pme_return_2024-11.xls"),
             FILE_ERROR, ("pme_return_2024-11.xls", "save it as")),
    BadInput("password-protected-xlsx", "a password-protected (encrypted) .xlsx", "cases",
             _write("cases.xlsx", ole2_container(["EncryptionInfo", "EncryptedPackage"])), FILE_ERROR,
             ("password",)),
    BadInput("truncated-xlsx", "a workbook cut off half way (incomplete copy)", "cases",
             _write("cases.xlsx", _truncated_workbook()), FILE_ERROR, ("truncated",)),
    BadInput("zip-not-workbook", "a zip archive named .xlsx", "cases",
             _write("cases.xlsx", _zip_not_workbook()), FILE_ERROR, ("not an Excel workbook",)),
    BadInput("csv-named-xlsx", "CSV text saved with an .xlsx name", "cases",
             _write("cases.xlsx", CASES_CSV), FILE_ERROR, ("not an Excel workbook",)),
    BadInput("semicolon-csv", "a CSV separated by semicolons (European Excel settings)", "cases",
             _write("cases.csv", CASES_CSV.replace(",", ";")), FILE_ERROR, ("semicolons",)),
    BadInput("tab-separated-csv", "tab-separated values saved with a .csv name", "cases",
             _write("cases.csv", CASES_CSV.replace(",", "\t")), FILE_ERROR, ("tabs",)),
    BadInput("excel-sep-line", "Excel's 'sep=,' hint line above the header", "cases",
             _write("cases.csv", "sep=,\n" + CASES_CSV), NOTE, ("'sep='",), rows_in_file=5),
    BadInput("data-on-second-sheet", "a notes sheet first, the data on the second sheet", "cases",
             _write("cases.xlsx", _two_sheets()), FILE_ERROR, ("sheet 'Cases'", "not on the first sheet")),
    BadInput("formulas-without-values", "formulas saved without their values (no cached result)",
             "pme_returns", _write("pme_returns.xlsx", _formulas()), ROWS, ("hours_offered",), 3, 2),
    BadInput("stray-quote", "a stray quote that never closes", "cases",
             _write("cases.csv", CASES_CSV.replace("C0003,", 'C0003,"', 1)), FILE_ERROR, ("quote", "line 4")),
    BadInput("extra-field", "a row with one value too many (unquoted comma)", "cases",
             _write("cases.csv", CASES_CSV.replace("North Shire", "North, Shire", 3).replace(
                 "North, Shire", "North Shire", 2)), FILE_ERROR, ("line 4", "values but the header has")),
    BadInput("title-and-stray-quote", "a title line, then a stray quote on line 5", "cases",
             _write("cases.csv", "Cases export\n" + CASES_CSV.replace("C0003,", 'C0003,"', 1)), FILE_ERROR,
             ("quote", "line 5")),
    BadInput("title-and-extra-field", "a title line, then a row with one value too many on line 5", "cases",
             _write("cases.csv", "Cases export\n" + CASES_CSV.replace("C0003,", "C0003,,", 1)), FILE_ERROR,
             ("line 5 has 44 values",)),
    BadInput("short-row", "a row cut short (fewer values than the header)", "cases",
             _write("cases.csv", "\n".join(line if i != 3 else line[:40] for i, line in
                                           enumerate(CASES_CSV.splitlines())) + "\n"),
             ROWS, ("FIELD_REQUIRED",), rows_in_file=5, rejected=1),
    BadInput("huge-single-line", "one line of 300 MB", "cases", _huge_line, FILE_ERROR, ("size limit",)),
    BadInput("long-line", "a 3 MB line in a small file", "cases", _long_line, FILE_ERROR, ("line 2", "longer than")),
    # --- layout ---
    BadInput("title-rows-csv", "two title lines above the header (CSV)", "cases",
             _write("cases.csv", "CME/PME cases export\nRun on 2025-03-01,,\n" + CASES_CSV), NOTE,
             ("skipped 2 title line", "CME/PME cases export"), rows_in_file=5,
             check=lambda d: d["_source_row"].tolist() == [4, 5, 6, 7, 8]),
    BadInput("title-rows-xlsx", "a title row and a blank row above the header (Excel)", "cases",
             _write("cases.xlsx", _workbook(R5, [["Cases at 1 March 2025"], []])), NOTE,
             ("skipped 2 row", "Cases at 1 March 2025"), rows_in_file=5,
             check=lambda d: d["_source_row"].tolist() == [4, 5, 6, 7, 8]),
    BadInput("merged-cells-xlsx", "district merged over three rows (Excel)", "cases",
             _write("cases.xlsx", _workbook(R5, merge=f"P2:P4")), ROWS, ("FIELD_REQUIRED", "district"),
             rows_in_file=5, rejected=2),
    BadInput("blank-rows", "blank lines and a row of empty cells between rows", "cases",
             _write("cases.csv", CASES_CSV.replace("\nC0003", "\n\n" + "," * 42 + "\nC0003")), NOTE,
             ("2 empty row",), rows_in_file=5, check=lambda d: d["_source_row"].tolist() == [2, 3, 6, 7, 8]),
    # --- columns ---
    BadInput("renamed-column", "a column renamed (closure_reasn)", "cases",
             _write("cases.csv", CASES_CSV.replace("closure_reason", "closure_reasn")), FILE_ERROR,
             ("closure_reason", "did you mean 'closure_reasn'"), rows_in_file=5, rejected=5),
    BadInput("missing-column", "a required column left out", "cases",
             _write("cases.csv", csv_text(R5, [c for c in CASE_COLS if c != "ncy"])), FILE_ERROR,
             ("missing required column(s) ncy",), rows_in_file=5, rejected=5),
    BadInput("extra-column", "an extra column not in the contract", "cases",
             _write("cases.csv", _with_column("cases", "team_notes", ["seen", "called", "", "seen", "letter"])),
             NOTE, ("team_notes", "not in the contract"), rows_in_file=5),
    BadInput("duplicated-column", "the same column twice", "cases",
             _write("cases.csv", CASES_CSV.replace("district", "ncy", 1)), FILE_ERROR, ("'ncy' appears more than once",)),
    BadInput("duplicated-column-case", "the same column twice, differing in case and spaces", "schools",
             _write("schools.csv", FILES["schools.csv"].replace("district", "School_URN ", 1)), FILE_ERROR,
             ("'school_urn' appears more than once", "columns A and D")),
    BadInput("reordered-upper-case", "columns in another order, names in capitals", "schools",
             _write("schools.csv", _shouting(csv_text(rows("schools", 3), EXTRACTS["schools"].columns[::-1]))),
             ACCEPTED, rows_in_file=3, check=lambda d: d["school_urn"].tolist() == [120001, 120002, 120003]),
    BadInput("monthly-file-renamed-column", "one monthly return file with a renamed column", "pme_returns",
             lambda f: _monthly(f, _edit("pme_returns", 2).replace("hours_offered", "hours_ofered")), FILE_ERROR,
             ("pme_return_2024-11.csv", "did you mean 'hours_ofered'"), rows_in_file=4, rejected=4),
    BadInput("unnamed-column", "a column of values with no header", "schools",
             _write("schools.csv", FILES["schools.csv"].replace("close_date", "close_date,").replace(
                 ",,\n", ",,,spare\n")), NOTE, ("no header",), rows_in_file=3),
    # --- values ---
    BadInput("duplicate-ids", "the same case_id twice", "cases",
             _write("cases.csv", _edit("cases", r4={"case_id": "C0002"})), ROWS, ("FIELD_UNIQUE",), 5, 1),
    BadInput("duplicate-pupil-month", "a pupil twice in one school's return month", "pme_returns",
             _write("pme_returns.csv", _edit("pme_returns", r3={"pupil_id": "P0000001"})), ROWS, ("RET04",), 5, 1),
    BadInput("impossible-date", "31 November", "cases",
             _write("cases.csv", _edit("cases", r2={"referral_date": "2024-11-31"})), ROWS, ("FIELD_TYPE",), 5, 1),
    BadInput("impossible-date-uk", "29/02/2023 (not a leap year)", "exclusions",
             _write("exclusions.csv", _edit("exclusions", r1={"start_date": "29/02/2023"})), ROWS, ("FIELD_TYPE",),
             5, 1),
    BadInput("excel-serial-date", "a date as an Excel serial number in a CSV", "cases",
             _write("cases.csv", _edit("cases", r5={"referral_date": "45566"})), ROWS, ("FIELD_TYPE",), 5, 1),
    BadInput("future-referral", "a referral dated next year", "cases",
             _write("cases.csv", _edit("cases", r1={"referral_date": "2026-01-05", "assessment_date": "",
                                                    "case_management_date": "", "placement_identified_date": "",
                                                    "monitoring_date": "", "closure_date": "",
                                                    "closure_reason": ""})),
             ROWS, ("FIELD_FUTURE", "2025-03-31"), 5, 1),
    BadInput("future-return-month", "a return for a month that has not started", "return_log",
             _write("return_log.csv", _edit("return_log", 3, r3={"return_month": "2025-06",
                                                                 "submitted_date": "2025-07-02"})),
             ROWS, ("FIELD_FUTURE",), 3, 1),
    BadInput("closure-before-referral", "a case closed before it was referred", "cases",
             _write("cases.csv", _edit("cases", r2={"closure_date": "2024-09-01"})), ROWS, ("CASE01",), 5, 1),
    BadInput("negative-hours", "negative hours offered", "pme_returns",
             _write("pme_returns.csv", _edit("pme_returns", r1={"hours_offered": "-5"})), ROWS, ("FIELD_MIN",), 5, 1),
    BadInput("absurd-hours", "168 hours a week", "pme_returns",
             _write("pme_returns.csv", _edit("pme_returns", r2={"hours_offered": "168", "hours_attended": "168"})),
             ROWS, ("FIELD_MAX",), 5, 1),
    BadInput("attendance-over-100", "attendance of 104.5%", "pme_returns",
             _write("pme_returns.csv", _edit("pme_returns", r2={"attendance_pct": "104.5"})), ROWS, ("FIELD_MAX",),
             5, 1),
    BadInput("sessions-missed-over-possible", "more sessions missed than possible", "attendance",
             _write("attendance.csv", _edit("attendance", 3, r1={"sessions_unauthorised": "200"})), ROWS,
             ("ATT01",), 3, 1),
    BadInput("dfe-symbol-c", "DfE 'c' (suppressed) in a headcount", "census",
             _write("census.csv", _edit("census", r2={"headcount": "c"})), ROWS, ("DfE suppression symbol",), 5, 1),
    BadInput("dfe-symbol-x", "DfE 'x' in hours offered", "pme_returns",
             _write("pme_returns.csv", _edit("pme_returns", r3={"hours_offered": "x"})), ROWS,
             ("DfE suppression symbol",), 5, 1),
    BadInput("dfe-symbol-low", "DfE 'low' and ':' in sessions", "exclusions",
             _write("exclusions.csv", _edit("exclusions", r1={"sessions": "low"}, r2={"sessions": ":"})), ROWS,
             ("DfE suppression symbol",), 5, 2),
    BadInput("number-as-words", "a year group written in words", "cases",
             _write("cases.csv", _edit("cases", r3={"ncy": "nine"})), ROWS, ("FIELD_TYPE",), 5, 1),
    BadInput("excel-error-value", "#REF! exported from a broken formula", "pme_returns",
             _write("pme_returns.csv", _edit("pme_returns", r4={"hours_attended": "#REF!"})), ROWS, ("FIELD_TYPE",),
             5, 1),
    BadInput("unknown-code", "a code not in the code list", "cases",
             _write("cases.csv", _edit("cases", r2={"pme_group": "HOLIDAY"})), ROWS, ("FIELD_CODE",), 5, 1),
    BadInput("year-group-out-of-range", "year group 14", "cases",
             _write("cases.csv", _edit("cases", r1={"ncy": "14"})), ROWS, ("FIELD_MAX",), 5, 1),
    # --- direct identifiers (issue 8, item 2) ---
    BadInput("surname-column", "a surname column", "cases",
             _write("cases.csv", _with_column("cases", "surname", ["Jones", "Smith", "Brown", "Patel", "Khan"])),
             FILE_ERROR, ("'surname'", "names", "pseudonymis"), 5, 5),
    BadInput("upn-column", "a UPN column", "cases", _write("cases.csv", _with_column("cases", "UPN", UPNS, 1)),
             FILE_ERROR, ("'upn'", "UPN", "pseudonymis"), 5, 5),
    BadInput("upns-in-ref", "UPNs in a column called 'ref'", "cases",
             _write("cases.csv", _with_column("cases", "ref", UPNS)), FILE_ERROR, ("'ref'", "UPNs"), 5, 5),
    BadInput("upns-as-pupil-id", "UPNs in the pupil_id column", "pme_returns",
             _write("pme_returns.csv", csv_text([dict(r, pupil_id=u) for r, u in zip(rows("pme_returns"), UPNS)])),
             FILE_ERROR, ("'pupil_id'", "UPNs"), 5, 5),
    BadInput("names-by-content", "pupils' names in a column called 'child'", "cases",
             _write("cases.csv", _with_column("cases", "child", NAMES)), FILE_ERROR, ("'child'", "names"), 5, 5),
    BadInput("address-column", "an address_line_1 column", "cases",
             _write("cases.csv", _with_column("cases", "address_line_1", ["1 High Street"] * 5)), FILE_ERROR,
             ("address",), 5, 5),
    BadInput("postcodes-by-content", "full postcodes in a column called 'pc'", "cases",
             _write("cases.csv", _with_column("cases", "pc", ["LE1 6ZG", "LE11 3TU", "NG7 2RD", "DE1 1AN",
                                                              "LE65 1AB"])), FILE_ERROR, ("'pc'", "postcode"), 5, 5),
    BadInput("emails-by-content", "email addresses in a column called 'contact'", "cases",
             _write("cases.csv", _with_column("cases", "contact", [f"parent{k}@example.org" for k in range(5)])),
             FILE_ERROR, ("'contact'", "email"), 5, 5),
    BadInput("phones-by-content", "phone numbers in a column called 'c2'", "cases",
             _write("cases.csv", _with_column("cases", "c2", ["07700 900123", "0116 496 0123", "+44 7700 900456",
                                                              "(0115) 496 0789", "07700-900789"])),
             FILE_ERROR, ("'c2'", "phone"), 5, 5),
    BadInput("dob-by-content", "children's dates of birth in a column called 'd1'", "cases",
             _write("cases.csv", _with_column("cases", "d1", ["2012-05-04", "2014-11-30", "15/01/2016",
                                                              "2010-02-28", "2013-07-19"])),
             FILE_ERROR, ("'d1'", "date of birth"), 5, 5),
    BadInput("dob-column", "a DOB column", "exclusions",
             _write("exclusions.csv", _with_column("exclusions", "DOB", [""] * 5)), FILE_ERROR,
             ("'dob'", "date of birth"), 5, 5),
]


@dataclass
class Outcome:
    """What one corpus case gave, judged against what it should give."""

    case: BadInput
    got: str  # FILE_ERROR / ROWS / NOTE / ACCEPTED, or "traceback"
    clear: bool
    silent_loss: bool
    detail: str
    result: object = field(default=None, repr=False)

    @property
    def passed(self) -> bool:
        return self.got == self.case.expect and self.clear and not self.silent_loss


def _contains_all(text: str, words: tuple[str, ...]) -> bool:
    return all(w.lower() in text.lower() for w in words)


def run_case(case: BadInput, folder: Path) -> Outcome:
    """Build the case in an empty ``folder`` and load it as ``pmereport validate`` would."""
    folder.mkdir(parents=True, exist_ok=True)
    case.build(folder)
    try:
        result = load_extract(folder, case.extract, today=TODAY)
    except Exception:  # what the corpus exists to prove never happens
        return Outcome(case, "traceback", False, False, traceback.format_exc(limit=3))
    if result.file_errors:
        got, text = FILE_ERROR, " | ".join(result.file_errors)
    elif result.rows_rejected:
        got = ROWS
        rowwise = result.issues.dropna(subset=["row"])
        text = " | ".join(f"{i.file} row {int(i.row)} {i.column} {i.rule}: {i.message}" for i in rowwise.itertuples())
    elif result.notes:
        got, text = NOTE, " | ".join(result.notes)
    else:
        got, text = ACCEPTED, f"{result.rows_kept} rows kept"
    clear = _clear(case, result, got, text)
    losses = _losses(case, result, got)
    return Outcome(case, got, clear, bool(losses), "; ".join(losses) or text, result)


def _clear(case: BadInput, result, got: str, text: str) -> bool:
    """A file error names the file; a row rejection names file, row, column and rule; and the
    messages carry the words the case asks for."""
    if got == FILE_ERROR:
        named = all(any(Path(f).name in m or str(Path(f).parent) in m for f in result.files)
                    for m in result.file_errors)
        return named and _contains_all(text, case.mentions)
    if got == ROWS:
        rowwise = result.issues.dropna(subset=["row"])
        complete = rowwise[["file", "row", "column", "rule", "message"]].notna().all().all()
        return bool(complete) and _contains_all(text, case.mentions)
    if got == NOTE:
        return _contains_all(text, case.mentions)
    return case.check(result.data) if case.check else True


def _losses(case: BadInput, result, got: str) -> list[str]:
    """Anything that would lose rows without a word: accounting that does not balance, rows read
    that are not all the file's rows, rejected rows without a reason, a problem let through."""
    losses = []
    if result.rows_read != result.rows_kept + result.rows_rejected:
        losses.append(f"read {result.rows_read} != kept {result.rows_kept} + rejected {result.rows_rejected}")
    if case.rows_in_file is not None and result.rows_read != case.rows_in_file:
        losses.append(f"the file holds {case.rows_in_file} rows but {result.rows_read} were read")
    if got == ROWS:
        reasoned = result.issues.dropna(subset=["row"])[["file", "row"]].drop_duplicates()
        if len(reasoned) != result.rows_rejected:
            losses.append(f"{result.rows_rejected} rows rejected but {len(reasoned)} have a reason")
    if case.rejected is not None and result.rows_rejected != case.rejected:
        losses.append(f"expected {case.rejected} rows rejected, got {result.rows_rejected}")
    if got == ACCEPTED and case.expect != ACCEPTED:
        losses.append("the problem went through unnoticed")
    return losses


def run_corpus(workdir: Path) -> list[Outcome]:
    return [run_case(case, workdir / case.name) for case in CORPUS]


def summary(outcomes: list[Outcome]) -> dict:
    return {
        "files tried": len(outcomes),
        "clear file errors": sum(o.got == FILE_ERROR and o.clear for o in outcomes),
        "clear row rejections": sum(o.got == ROWS and o.clear for o in outcomes),
        "accepted with a note": sum(o.got == NOTE and o.clear for o in outcomes),
        "accepted correctly": sum(o.got == ACCEPTED and o.clear for o in outcomes),
        "unclear messages": sum(not o.clear and o.got != "traceback" for o in outcomes),
        "not as expected": sum(o.got != o.case.expect for o in outcomes),
        "silent losses": sum(o.silent_loss for o in outcomes),
        "tracebacks": sum(o.got == "traceback" for o in outcomes),
    }
