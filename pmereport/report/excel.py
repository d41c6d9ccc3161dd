"""tables.xlsx: every table of the report, in the spirit of ONS gptables.

Layout (gptables / Analysis Function guidance on releasing statistics in spreadsheets): a Cover
sheet (title, period, source, contact, protective marking), a Contents sheet linking to every
table, a Notes sheet (notes and symbols), then one sheet per table: its title in A1, then period,
units and source lines, then the table with one header row. Numbers are stored as numbers with a
number format; suppressed and other symbol cells hold the symbol text.

No text from the data is ever written as a formula: a cell whose text starts with ``=``, ``+``,
``-`` or ``@`` (a school name, a label, a note) is stored as a string with Excel's quote prefix, so
that neither opening nor editing the sheet evaluates it (OWASP, "CSV injection"; issue 6 item 4).

The bytes are the same for the same tables: workbook created/modified times are set to the
production date and the zip entries get a fixed timestamp (openpyxl stamps "now" in both).
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from ..io.xlsx import reproducible_xlsx
from ..present.suppression import SYMBOLS
from ..present.tables import PublishedTable, display_value

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
LINK = Font(color="0563C1", underline="single")


@dataclass(frozen=True)
class WorkbookInfo:
    title: str
    period: str
    source: str
    la_name: str
    produced: dt.date
    marking: str = "OFFICIAL"
    contact: str | None = None


def sheet_names(tables: list[PublishedTable]) -> list[str]:
    """Excel sheet names (31 characters at most, unique, no []:*?/\\)."""
    names, seen = [], set()
    for t in tables:
        base = re.sub(r"[\[\]:*?/\\]", "_", t.name)[:28]
        name, n = base, 2
        while name.lower() in seen or name.lower() in ("cover", "contents", "notes"):
            name, n = f"{base[:26]}_{n}", n + 1
        seen.add(name.lower())
        names.append(name)
    return names


def _number_format(decimals: int | None) -> str:
    return "#,##0" if not decimals else "#,##0." + "0" * decimals


FORMULA_STARTS = ("=", "+", "-", "@")


def guard_formulas(wb: Workbook) -> int:
    """Make every text cell that starts with ``FORMULA_STARTS`` a plain string with a quote prefix
    (openpyxl stores ``"=..."`` as a formula otherwise). Returns how many cells were guarded."""
    guarded = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    guarded += 1
    return guarded


def _fit_widths(ws, minimum: int = 8, maximum: int = 60) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or (cell.row == 1 and cell.column == 1):
                continue
            text = str(cell.value)
            widths[cell.column] = max(widths.get(cell.column, 0), min(len(text), maximum))
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = max(minimum, width + 2)


def _cover(wb: Workbook, info: WorkbookInfo, n_tables: int) -> None:
    ws = wb.active
    ws.title = "Cover"
    ws["A1"] = info.title
    ws["A1"].font = TITLE
    lines = [("Organisation", info.la_name), ("Period", info.period), ("Protective marking", info.marking),
             ("Date produced", info.produced.isoformat()), ("Source", info.source),
             ("Contact", info.contact or "not given"),
             ("Contents", f"{n_tables} tables, one per sheet; see the Contents sheet. Notes and "
                          "symbols are on the Notes sheet.")]
    for i, (label, value) in enumerate(lines, start=3):
        ws.cell(row=i, column=1, value=label).font = BOLD
        ws.cell(row=i, column=2, value=value).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 90


def _contents(wb: Workbook, tables: list[PublishedTable], names: list[str]) -> None:
    ws = wb.create_sheet("Contents")
    ws["A1"] = "Contents"
    ws["A1"].font = TITLE
    ws["A2"] = "This worksheet contains one table. Select a sheet name to go to the table."
    for column, header in enumerate(("Sheet name", "Table title", "Period"), start=1):
        ws.cell(row=3, column=column, value=header).font = BOLD
    for i, (table, name) in enumerate(zip(tables, names), start=4):
        cell = ws.cell(row=i, column=1, value=name)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{name}'!A1", display=name)
        cell.font = LINK
        ws.cell(row=i, column=2, value=table.title)
        ws.cell(row=i, column=3, value=table.period)
    _fit_widths(ws)


def _notes(wb: Workbook, tables: list[PublishedTable], names: list[str]) -> None:
    ws = wb.create_sheet("Notes")
    ws["A1"] = "Notes"
    ws["A1"].font = TITLE
    ws["A2"] = "This worksheet contains one table: the notes of each table, then the symbols used."
    for column, header in enumerate(("Sheet name", "Note"), start=1):
        ws.cell(row=3, column=column, value=header).font = BOLD
    row = 4
    for table, name in zip(tables, names):
        for note in table.notes:
            ws.cell(row=row, column=1, value=name)
            ws.cell(row=row, column=2, value=note).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    for symbol, meaning in SYMBOLS.items():
        ws.cell(row=row, column=1, value=f"Symbol {symbol}")
        ws.cell(row=row, column=2, value=meaning)
        row += 1
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100


def _table_sheet(wb: Workbook, table: PublishedTable, name: str) -> None:
    ws = wb.create_sheet(name)
    ws["A1"] = table.title
    ws["A1"].font = TITLE
    ws["A2"] = f"Period: {table.period}"
    units = "; ".join(h for h, u in zip(table.headers, table.units) if u)
    ws["A3"] = f"Units: given in the column headers ({units})." if units else "Units: none."
    ws["A4"] = f"Source: {table.source}"
    ws["A5"] = "Notes: see the Notes sheet. Symbols: c suppressed, low rounds to 0, x not available."
    header_row = 7
    for column, header in enumerate(table.headers, start=1):
        cell = ws.cell(row=header_row, column=column, value=header)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="bottom",
                                   horizontal="right" if table.units[column - 1] else "left")
    for r, row in enumerate(table.rows, start=header_row + 1):
        for c, (value, unit, decimals) in enumerate(zip(row, table.units, table.decimals), start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if unit is not None:
                cell.alignment = Alignment(horizontal="right")
                if not isinstance(value, str):
                    cell.number_format = _number_format(decimals)
            if r - header_row - 1 in table.total_rows:
                cell.font = BOLD
    for c, header in enumerate(table.headers, start=1):
        longest = max([len(header) if len(header) < 30 else 30]
                      + [len(display_value(row[c - 1], table.decimals[c - 1])) for row in table.rows])
        ws.column_dimensions[get_column_letter(c)].width = max(10, longest + 2)


def write_workbook(tables: list[PublishedTable], path: str | Path, info: WorkbookInfo) -> Path:
    """Write tables.xlsx: Cover, Contents, Notes, then one sheet per table."""
    names = sheet_names(tables)
    wb = Workbook()
    _cover(wb, info, len(tables))
    _contents(wb, tables, names)
    _notes(wb, tables, names)
    for table, name in zip(tables, names):
        _table_sheet(wb, table, name)
    guard_formulas(wb)
    stamp = dt.datetime.combine(info.produced, dt.time())
    wb.properties.creator = info.la_name
    wb.properties.title = info.title
    wb.properties.created = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    path = Path(path)
    path.write_bytes(reproducible_xlsx(buffer.getvalue(), stamp))
    return path
