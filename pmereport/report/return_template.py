"""The monthly PME return as an Excel workbook for schools to fill in (issue 8, part 3).

Generated from the contract (``contract/extracts.py`` PME_RETURNS, codes from ``contract/codes.py``),
so it never drifts from what ``pmereport validate`` accepts:

- sheet **Return** (first, so the readers find it): the contract's columns in row 1, and on the
  rows below a drop-down list for every coded column (from sheet Codes), whole-number or decimal
  limits for numbers, a date check for dates, text length for ``pupil_id``, each with an input
  prompt and an error message taken from the field's description. With ``month`` and ``school``
  given, ``return_month`` and ``school_urn`` offer only those values;
- sheet **Codes**: every code list with its labels (the drop-downs point here);
- sheet **Notes**: one row per column (description, type, blank allowed, allowed values or range)
  and the cross-column rules (RET01...), then how to send a nil return;
- sheet **About**: the month and school the workbook is for (read back by ``returns-feedback``).

Excel can be switched past a drop-down (pasting); the feedback step validates every row anyway.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..contract.extracts import PME_RETURNS
from ..contract.spec import Extract, Field

TEMPLATE_ROWS = 500  # rows of the Return sheet carrying the validation
ABOUT_SHEET = "About"
ABOUT_MONTH_CELL = "B3"
ABOUT_SCHOOL_CELL = "B4"
NIL_RETURN_NOTE = ("Nil return: if no pupil at your school is missing out on full-time education this month, "
                   "send this workbook back with no rows filled in. That is your nil return: it counts as received.")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TYPE_WORDS = {"str": "text", "int": "whole number", "float": "number", "date": "date (YYYY-MM-DD)",
              "month": "month (YYYY-MM)", "code": "code from the list"}


@dataclass(frozen=True)
class TemplateFor:
    """Who and when the workbook is for (both optional)."""

    month: str | None = None   # "YYYY-MM"
    school: int | None = None  # URN


def _check(target: TemplateFor) -> None:
    if target.month is not None:
        try:
            dt.datetime.strptime(target.month, "%Y-%m")
        except ValueError:
            raise ValueError(f"month {target.month!r} is not YYYY-MM") from None
    if target.school is not None and not 100000 <= int(target.school) <= 999999:
        raise ValueError(f"school URN {target.school} is not a six-digit URN")


def allowed_values(f: Field) -> str:
    """What a field accepts, in words (for the Notes sheet and error messages)."""
    if f.codes:
        return ", ".join(f"{code} ({label})" for code, label in f.codes.items())
    if f.minimum is not None or f.maximum is not None:
        low = "" if f.minimum is None else f"{f.minimum:g}"
        high = "" if f.maximum is None else f"{f.maximum:g}"
        return f"{TYPE_WORDS[f.type]} from {low} to {high}" if low and high else f"{TYPE_WORDS[f.type]} {low or high}"
    if f.pattern:
        return f"{TYPE_WORDS[f.type]} matching {f.pattern}"
    return TYPE_WORDS[f.type]


def _code_ranges(wb: Workbook, extract: Extract) -> dict[str, str]:
    """Write sheet Codes (one pair of columns per code list); return field -> range formula."""
    ws = wb.create_sheet("Codes")
    ranges = {}
    column = 1
    for f in extract.fields:
        if not f.codes:
            continue
        code_col, label_col = get_column_letter(column), get_column_letter(column + 1)
        ws[f"{code_col}1"], ws[f"{label_col}1"] = f.name, f"{f.name} meaning"
        ws[f"{code_col}1"].font = ws[f"{label_col}1"].font = Font(bold=True)
        for i, (code, label) in enumerate(f.codes.items(), start=2):
            ws[f"{code_col}{i}"], ws[f"{label_col}{i}"] = code, label
        ranges[f.name] = f"Codes!${code_col}$2:${code_col}${len(f.codes) + 1}"
        ws.column_dimensions[code_col].width = 12
        ws.column_dimensions[label_col].width = 45
        column += 3
    return ranges


def _validation(f: Field, code_range: str | None, target: TemplateFor) -> DataValidation:
    """The Excel check for one column."""
    blank_ok = f.nullable
    if f.name == "return_month" and target.month:
        dv = DataValidation(type="list", formula1=f'"{target.month}"', allow_blank=True)
    elif f.name == "school_urn" and target.school:
        dv = DataValidation(type="list", formula1=f'"{int(target.school)}"', allow_blank=True)
    elif code_range:
        dv = DataValidation(type="list", formula1=f"={code_range}", allow_blank=blank_ok)
    elif f.type in ("int", "float") and (f.minimum is not None or f.maximum is not None):
        dv = DataValidation(type="whole" if f.type == "int" else "decimal", operator="between",
                            formula1=f"{f.minimum if f.minimum is not None else -1e9:g}",
                            formula2=f"{f.maximum if f.maximum is not None else 1e9:g}", allow_blank=blank_ok)
    elif f.type == "date":
        dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=blank_ok)  # 2000-01-01
    elif f.type == "month":
        dv = DataValidation(type="textLength", operator="equal", formula1="7", allow_blank=blank_ok)
    else:  # text: the length the pattern allows (pupil_id: [A-Za-z0-9_-]{4,40}), else 1 to 255
        lengths = re.search(r"\{(\d+),(\d+)\}$", f.pattern or "")
        low, high = lengths.groups() if lengths else ("1", "255")
        dv = DataValidation(type="textLength", operator="between", formula1=low, formula2=high, allow_blank=blank_ok)
    dv.showErrorMessage = dv.showInputMessage = True
    dv.errorTitle, dv.promptTitle = f"{f.name}: not allowed"[:32], f.name[:32]
    dv.prompt = f"{f.description}. {'Leave blank if it does not apply.' if f.nullable else 'Required.'}"[:255]
    dv.error = f"{f.name} must be: {allowed_values(f)}"[:255]
    return dv


def _return_sheet(ws, extract: Extract, ranges: dict[str, str], target: TemplateFor) -> None:
    ws.title = "Return"
    for i, f in enumerate(extract.fields, start=1):
        letter = get_column_letter(i)
        cell = ws[f"{letter}1"]
        cell.value = f.name
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        ws.column_dimensions[letter].width = max(14, len(f.name) + 2)
        dv = _validation(f, ranges.get(f.name), target)
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        if f.type == "date":
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
        elif f.type in ("month", "str"):  # keep 2026-10 and P0001 as typed text, not a date or number
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"


def _notes_sheet(wb: Workbook, extract: Extract) -> None:
    ws = wb.create_sheet("Notes")
    ws.append([f"{extract.title}: notes on each column"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([extract.description])
    ws.append([NIL_RETURN_NOTE])
    ws.append([])
    ws.append(["column", "what it is", "type", "blank allowed", "allowed values"])
    header_row = ws.max_row
    for f in extract.fields:
        ws.append([f.name, f.description, TYPE_WORDS[f.type], "yes" if f.nullable else "no", allowed_values(f)])
    ws.append([])
    ws.append(["rule", "what it checks", "columns", "source"])
    rules_row = ws.max_row
    for r in extract.rules:
        ws.append([r.code, r.message, ", ".join(r.columns), r.source])
    for row in (header_row, rules_row):
        for cell in ws[row]:
            cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (20, 60, 22, 14, 80)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _about_sheet(wb: Workbook, extract: Extract, target: TemplateFor) -> None:
    ws = wb.create_sheet(ABOUT_SHEET)
    ws["A1"] = f"{extract.title}: monthly return to the local authority"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A3"], ws[ABOUT_MONTH_CELL] = "Return month", target.month or ""
    ws["A4"], ws[ABOUT_SCHOOL_CELL] = "School URN", int(target.school) if target.school else ""
    ws["A6"] = "Fill in one row per pupil on sheet Return; sheet Notes explains every column."
    ws["A7"] = NIL_RETURN_NOTE
    ws.column_dimensions["A"].width = 16


def write_return_template(path: str | Path, month: str | None = None, school: int | None = None,
                          extract: Extract = PME_RETURNS) -> Path:
    """Write the return workbook to ``path`` (.xlsx); ``month`` (YYYY-MM) and ``school`` (URN)
    fix those two columns' drop-downs and are recorded on sheet About."""
    target = TemplateFor(month, None if school is None else int(school))
    _check(target)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}: the template is an Excel workbook; give a name ending .xlsx")
    wb = Workbook()
    ranges = _code_ranges(wb, extract)
    _return_sheet(wb.active, extract, ranges, target)
    _notes_sheet(wb, extract)
    _about_sheet(wb, extract, target)
    wb.move_sheet("Codes", offset=wb.sheetnames.index(ABOUT_SHEET) - wb.sheetnames.index("Codes"))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
