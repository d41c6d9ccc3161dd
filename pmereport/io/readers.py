"""Read CSV and Excel extracts as text, remembering where every row came from.

Values are left as read (text for CSV; Excel cells as calamine gives them) so that the contract
layer can report a bad value exactly as the user typed it. Each frame gets two columns,
``_source_file`` and ``_source_row`` (the spreadsheet row number: the header is row 1 unless
title rows sit above it).

A file is checked before it is read (docs/bad-inputs.md): its size against a limit, CSV lines
against a line-length limit (a scan in fixed-size chunks, so a file of one enormous line is
refused without being loaded), and its first bytes against what its name says it is (an old
``.xls`` or a password-protected workbook is an OLE2 container, starting ``D0 CF 11 E0``; a real
``.xlsx`` is a zip archive). Every refusal is a ``ReadError`` whose message names the file and
says what to do. Things that are handled but worth saying (title rows skipped, empty rows
skipped) are listed in ``df.attrs["notes"]``.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")
CSV_ENCODINGS = ("utf-8-sig", "cp1252")  # utf-8-sig also reads plain utf-8 (no BOM)
SOURCE_COLUMNS = ["_source_file", "_source_row"]

MAX_FILE_BYTES = 200 * 2**20  # a county's largest extract is well under 50 MB
MAX_LINE_BYTES = 2**20  # a CSV row of the widest extract (cases, 43 columns) is under 1 kB
HEADER_SEARCH_ROWS = 10  # how far down to look for the header when title rows sit above it
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNZIPPED_RATIO = 10  # a workbook's unzipped size may be at most 10x the size limit
SAVE_AS = "open it in Excel and save it as Excel Workbook (.xlsx) or CSV UTF-8 (.csv)"
UNSUPPORTED_SUFFIXES = {
    ".xls": "an old Excel 97-2003 workbook (.xls)",
    ".xlsm": "a macro-enabled workbook (.xlsm)",
    ".xlsb": "a binary Excel workbook (.xlsb)",
    ".ods": "an OpenDocument spreadsheet (.ods)",
    ".tsv": "a tab-separated file (.tsv)",
    ".txt": "a text file (.txt)",
}
MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf\u2018-\u203a\u20ac\u0152-\u0178]")


class ReadError(Exception):
    """A file could not be read at all (wrong format, unreadable encoding, too large, no header)."""


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _check_size(path: Path, max_bytes: int) -> None:
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(f"{path}: the file is {size / 2**20:,.0f} MB, above the size limit of "
                        f"{max_bytes / 2**20:,.0f} MB; check it is the right file, or split it (for example "
                        f"one file per month in a folder)")


def _check_line_lengths(path: Path, max_line_bytes: int) -> None:
    """Refuse a CSV with a line longer than the limit, reading at most one limit's worth at a time."""
    run, line = 0, 1
    with path.open("rb") as handle:
        while chunk := handle.read(max_line_bytes):
            first = chunk.find(b"\n")
            if first < 0:
                run += len(chunk)
            else:
                run += first
            if run > max_line_bytes:
                raise ReadError(f"{path}: line {line} is longer than {max_line_bytes / 2**20:g} MB, which no row "
                                f"of an extract needs (a file saved without line breaks, or not a CSV file?); "
                                f"{SAVE_AS}")
            if first >= 0:
                line += chunk.count(b"\n")
                run = len(chunk) - chunk.rfind(b"\n") - 1


def _check_csv_bytes(path: Path, head: bytes) -> None:
    if head.startswith(ZIP_MAGIC):
        raise ReadError(f"{path}: this is an Excel workbook (or another zip file) with a .csv name; "
                        f"rename it to .xlsx, or {SAVE_AS}")
    if head.startswith(OLE2_MAGIC):
        raise ReadError(f"{path}: this is an old or password-protected Excel file with a .csv name; {SAVE_AS}")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(f"{path}: the file is saved as UTF-16 ('Unicode text'); save it as CSV UTF-8 instead")
    if b"\x00" in head:
        raise ReadError(f"{path}: the file holds binary data (zero bytes), so it is not a CSV text file; {SAVE_AS}")


def _pick_header(rows: list[list], expected: set[str] | None) -> int:
    """Index of the header among the first rows: the first row naming the most expected columns.

    With no expected columns, or none named anywhere, the first row is the header (the contract
    then reports the missing columns).
    """
    if not expected:
        return 0
    scores = [sum(str(v).strip().lower().lstrip("\ufeff") in expected for v in row) for row in rows]
    best = max(scores, default=0)
    return scores.index(best) if best > 0 else 0


def _csv_header_line(path: Path, head: bytes, expected: set[str] | None) -> tuple[int, list[str]]:
    """Line index of the header (0 = first line) and the text of any title lines above it."""
    text = head.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    try:
        rows = list(csv.reader(lines))
    except csv.Error:
        return 0, []
    index = _pick_header(rows, expected)
    titles = [",".join(r).strip(", ") for r in rows[:index]]
    return index, [t for t in titles if t] or ["(blank)"] * min(index, 1)


def _parser_error_message(path: Path, exc: Exception) -> str:
    """pandas' tokenizer error as a sentence; its line numbers count from the top of the file
    (title lines included): "row" from 0, "line" from 1."""
    detail = str(exc)
    quote = re.search(r"EOF inside string starting at row (\d+)", detail)
    if quote:
        return (f"{path}: a quote mark (\") opens a value that never closes, from line "
                f"{int(quote.group(1)) + 1}; remove the stray quote or close it, then save again")
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", detail)
    if fields:
        return (f"{path}: line {fields.group(2)} has {fields.group(3)} values but the header has "
                f"{fields.group(1)} (a stray comma, or a value with a comma that is not in quotes?)")
    return f"{path}: not a well-formed CSV file ({detail})"


def _csv_preamble(path: Path, expected: set[str] | None, max_line_bytes: int) -> tuple[int, list[str]]:
    """The checks made before a CSV is parsed (empty file, bytes that say it is not a CSV, line
    lengths) and where its header is: returns (title lines above the header, their text)."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if not head.strip():
        raise ReadError(f"{path}: the file is empty (no header row); export the extract again")
    _check_csv_bytes(path, head)
    _check_line_lengths(path, max_line_bytes)
    return _csv_header_line(path, head, expected)


def _title_note(path: Path, skip: int, titles: list[str]) -> list[str]:
    if not titles:
        return []
    return [f"{path}: skipped {skip} title line(s) above the header (line {skip + 1}): "
            + "; ".join(repr(t[:60]) for t in titles)]


def _csv_options(skip: int, encoding: str) -> dict:
    """How pandas reads a CSV's cells: as text, only an empty cell missing, blank lines kept (so
    that row numbers stay those of the file), the header as the first row of cells."""
    return dict(dtype=str, keep_default_na=False, na_values=[""], encoding=encoding, header=None,
                skiprows=skip, skip_blank_lines=False)


def _read_csv(path: Path, expected: set[str] | None, max_line_bytes: int) -> tuple[pd.DataFrame, int, dict]:
    """The CSV as text cells, with the header row already taken out; returns (cells, header row, attrs)."""
    skip, titles = _csv_preamble(path, expected, max_line_bytes)
    last_error: Exception | None = None
    for encoding in CSV_ENCODINGS:
        try:
            cells = pd.read_csv(path, **_csv_options(skip, encoding))
            break
        except UnicodeDecodeError as exc:
            last_error = exc
        except pd.errors.EmptyDataError:
            raise ReadError(f"{path}: the file is empty (no header row); export the extract again") from None
        except pd.errors.ParserError as exc:
            raise ReadError(_parser_error_message(path, exc)) from None
    else:
        raise ReadError(f"{path}: cannot decode as UTF-8 or Windows-1252 ({last_error}); save it as CSV UTF-8")
    notes = []
    if encoding == "cp1252":
        sample = cells.head(1000).astype(str).to_numpy().ravel()
        if any(MOJIBAKE.search(v) for v in sample):
            notes.append(f"{path}: read as Windows-1252, but some text looks like UTF-8 (for example 'Ã©' for "
                         f"'é'): the file mixes encodings; save it again as CSV UTF-8 and check names with accents")
    notes += _title_note(path, skip, titles)
    return cells, skip + 1, {"encoding": encoding, "notes": notes}


def _check_workbook(path: Path, max_bytes: int) -> None:
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise ReadError(f"{path}: the file is empty (0 bytes); export the extract again")
    if head.startswith(OLE2_MAGIC):
        raise ReadError(f"{path}: this workbook is password-protected (encrypted), or is an old .xls workbook "
                        f"renamed .xlsx, so it cannot be read; remove the password (File > Info > Protect "
                        f"Workbook) and {SAVE_AS}")
    if not head.startswith(ZIP_MAGIC):
        raise ReadError(f"{path}: this is not an Excel workbook (an .xlsx file is a zip archive; this one is not: "
                        f"a CSV or web page renamed .xlsx?); {SAVE_AS}")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            unzipped = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError):
        raise ReadError(f"{path}: the workbook is damaged or truncated (an incomplete download or copy?); "
                        f"copy or export it again") from None
    if "xl/workbook.xml" not in names:
        raise ReadError(f"{path}: this is a zip archive but not an Excel workbook; {SAVE_AS}")
    if unzipped > MAX_UNZIPPED_RATIO * max_bytes:
        raise ReadError(f"{path}: the workbook unpacks to {unzipped / 2**20:,.0f} MB, above "
                        f"{MAX_UNZIPPED_RATIO * max_bytes / 2**20:,.0f} MB; check it is the right file")


def _first_rows(cells: pd.DataFrame) -> list[list]:
    head = cells.head(HEADER_SEARCH_ROWS)
    return head.astype(object).where(head.notna(), "").values.tolist()


def _names_expected(cells: pd.DataFrame, expected: set[str]) -> bool:
    return any(str(v).strip().lower() in expected for row in _first_rows(cells) for v in row)


def _refuse_if_on_another_sheet(path: Path, expected: set[str]) -> None:
    """The first sheet names no contract column: if another sheet does, say so (a cover sheet
    or notes put first is common)."""
    try:
        sheets = pd.read_excel(path, dtype=object, engine="calamine", sheet_name=None, header=None,
                               nrows=HEADER_SEARCH_ROWS)
    except Exception:  # the first sheet was readable; the others are only a hint
        return
    for name, cells in list(sheets.items())[1:]:
        if _names_expected(cells, expected):
            raise ReadError(f"{path}: the extract's columns are on sheet '{name}', not on the first sheet; move "
                            f"that sheet to the front, or save it alone as CSV UTF-8")


def _read_excel(path: Path, expected: set[str] | None, max_bytes: int) -> tuple[pd.DataFrame, int, dict]:
    """First sheet of a workbook, via calamine (Rust): ~35x faster than openpyxl on a county's
    50 monthly return workbooks (measured 0.96 s against 35 s)."""
    _check_workbook(path, max_bytes)
    try:
        cells = pd.read_excel(path, dtype=object, engine="calamine", sheet_name=0, header=None)
    except Exception as exc:  # calamine raises its own error types for a damaged workbook
        raise ReadError(f"{path}: cannot read as an Excel workbook ({exc}); {SAVE_AS}") from None
    if expected and not _names_expected(cells, expected):
        _refuse_if_on_another_sheet(path, expected)
    if cells.empty:
        raise ReadError(f"{path}: the first sheet is empty (no header row); put the extract on the first sheet")
    first_rows = _first_rows(cells)
    skip = _pick_header(first_rows, expected)
    notes = []
    if skip:
        titles = [" ".join(str(v) for v in row if str(v).strip()) for row in first_rows[:skip]]
        titles = [t for t in titles if t]
        notes.append(f"{path}: skipped {skip} row(s) above the header (row {skip + 1})"
                     + (": " + "; ".join(repr(t[:60]) for t in titles) if titles else ""))
    return cells.iloc[skip:].reset_index(drop=True), skip + 1, {"encoding": None, "notes": notes}


def _blank_cells(column: pd.Series) -> pd.Series:
    """True for cells that are missing or only spaces."""
    if column.dtype != object:
        return column.isna()
    return column.isna() | column.str.strip().eq("").fillna(False).astype(bool)


def _empty_rows(body: pd.DataFrame) -> pd.Series:
    """Rows with no value in any cell. Only rows whose first cell is blank can be empty, so the
    other columns are looked at for those rows alone (a county's attendance has 700,000 rows)."""
    if body.shape[1] == 0:
        return pd.Series(True, index=body.index)
    candidates = _blank_cells(body.iloc[:, 0])
    empty = candidates.copy()
    for i in range(1, body.shape[1]):
        if not empty.any():
            break
        empty[empty] = _blank_cells(body.iloc[:, i][empty]).to_numpy()
    return empty


def _header_names(path: Path, first_row: pd.Series) -> list[str]:
    """The header row's cells as column names (trimmed, lower-cased, byte-order marks removed);
    refuses a file whose values are separated by something other than commas."""
    header = [("" if pd.isna(v) else str(v)).replace("\ufeff", "").strip().lower() for v in first_row]
    named = [h for h in header if h]
    for separator, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
        if len(named) == 1 and named[0].count(separator) >= 2:
            raise ReadError(f"{path}: the values are separated by {word}, not commas; save it as CSV UTF-8 "
                            f"(comma delimited), or in Excel's regional settings use a comma as list separator")
    return header


def _with_source(path: Path, body: pd.DataFrame, first_row: int) -> tuple[pd.DataFrame, int]:
    """``body`` (cells below the header, columns named) without its empty rows, with
    ``_source_file`` and ``_source_row`` (``first_row`` is the file's row number of body's first
    row); returns (frame, how many empty rows were skipped)."""
    rows = np.arange(first_row, first_row + len(body), dtype="int64")
    empty = _empty_rows(body)
    body, rows = body.loc[~empty].reset_index(drop=True), rows[~empty.to_numpy()]
    body["_source_file"] = str(path)
    body["_source_row"] = rows
    return body, int(empty.sum())


def _empty_rows_note(path: Path, skipped: int) -> list[str]:
    return [f"{path}: skipped {skipped} empty row(s)"] if skipped else []


def _with_header(path: Path, cells: pd.DataFrame, header_row: int, attrs: dict) -> pd.DataFrame:
    """Turn the first row of ``cells`` into column names: lower-cased, trimmed, checked for duplicates.

    Columns with no name and no values are dropped (Excel's trailing formatted columns); rows with
    no values at all are dropped and counted in a note, so row numbers stay those of the file.
    """
    header = _header_names(path, cells.iloc[0])
    body = cells.iloc[1:]
    notes = attrs["notes"]
    keep, names = [], []
    for i, name in enumerate(header):
        if not name:
            if _blank_cells(body.iloc[:, i]).all():
                continue
            name = f"unnamed column {_column_letter(i)}"
            notes.append(f"{path}: column {_column_letter(i)} has values but no header; it is not used")
        keep.append(i)
        names.append(name)
    seen: dict[str, int] = {}
    for i, name in zip(keep, names):
        if name in seen:
            raise ReadError(f"{path}: column '{name}' appears more than once (columns {_column_letter(seen[name])} "
                            f"and {_column_letter(i)}); keep one and delete the other")
        seen[name] = i
    body = body.iloc[:, keep]
    body.columns = names
    body, skipped = _with_source(path, body, header_row + 1)
    notes += _empty_rows_note(path, skipped)
    if body.empty:
        notes.append(f"{path}: the file has a header but no data rows")
    body.attrs.update(attrs)
    return body


def read_table(path: str | Path, expected_columns=None, max_bytes: int = MAX_FILE_BYTES,
               max_line_bytes: int = MAX_LINE_BYTES) -> pd.DataFrame:
    """Read one CSV (UTF-8, UTF-8 with BOM, or cp1252), .xlsx (first sheet) or Parquet file.

    ``expected_columns`` (the contract's column names) lets the reader find the header below
    title rows: the header is the row, among the first ten, that names most expected columns;
    rows above it are skipped and listed in a note. Column names are stripped of spaces and
    lower-cased. Returns the frame with ``_source_file`` and ``_source_row``;
    ``df.attrs["encoding"]`` says how a CSV was decoded and ``df.attrs["notes"]`` what was
    skipped. Raises ReadError, naming the file and what to do, for anything it cannot read.
    """
    path = Path(path)
    try:
        return _read_table(path, expected_columns, max_bytes, max_line_bytes)
    except OSError as exc:  # e.g. a workbook locked by Excel on Windows, or no read permission
        raise ReadError(f"{path}: cannot open the file ({exc.strerror or exc}); close it in Excel or any other "
                        f"program and check you may read it") from None


def _read_table(path: Path, expected_columns, max_bytes: int, max_line_bytes: int) -> pd.DataFrame:
    suffix = path.suffix.lower()
    expected = {str(c).lower() for c in expected_columns} if expected_columns is not None else None
    if suffix in UNSUPPORTED_SUFFIXES:
        raise ReadError(f"{path}: unsupported file type {suffix!r}: this is {UNSUPPORTED_SUFFIXES[suffix]}, "
                        f"which pmereport does not read; {SAVE_AS}")
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(f"{path}: unsupported file type {suffix!r} (use {', '.join(SUPPORTED_SUFFIXES)})")
    _check_size(path, max_bytes)
    if suffix == ".parquet":
        try:
            df = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise ReadError(f"{path}: cannot read as a Parquet file ({exc}); export it again") from None
        df.columns = [str(c).strip().lower() for c in df.columns]
        df = df.reset_index(drop=True)
        df["_source_file"] = str(path)
        df["_source_row"] = range(2, len(df) + 2)
        df.attrs.update(encoding=None, notes=[])
        return df
    if suffix == ".csv":
        cells, header_row, attrs = _read_csv(path, expected, max_line_bytes)
    else:
        cells, header_row, attrs = _read_excel(path, expected, max_bytes)
    return _with_header(path, cells, header_row, attrs)


class NotChunkable(Exception):
    """The chunked reader leaves this file to the whole-file reader (``read_table``), whose result
    or message is the proven one: anything unusual about it (see ``CsvChunks``)."""


class CsvChunks:
    """A large CSV file read ``chunk_rows`` rows at a time, so that memory holds one chunk, not the
    file (issue 7: a county's attendance extract is two million rows).

    Each chunk is what ``read_table`` gives for the same rows of the whole file: the same checks
    first (size, line lengths, magic bytes, the header found below any title lines), column names
    trimmed and lower-cased, ``_source_file`` and ``_source_row`` (the file's row numbers), empty
    rows skipped. ``notes`` is complete once every chunk has been read: the title-line and
    empty-row notes, worded as ``read_table`` words them. Iterating raises ``NotChunkable``, at the
    start or from any chunk, for anything that is not plainly a well-formed UTF-8 CSV with a clean
    header and data rows (a byte that is not UTF-8, a malformed line, a header cell blank or
    repeated, another separator, an empty file, any ``ReadError``): the caller then reads the file
    whole instead of this class repeating those rarer paths.
    """

    def __init__(self, path: str | Path, expected_columns, chunk_rows: int, max_bytes: int = MAX_FILE_BYTES,
                 max_line_bytes: int = MAX_LINE_BYTES):
        self.path = Path(path)
        self.expected = {str(c).lower() for c in expected_columns} if expected_columns is not None else None
        self.chunk_rows, self.max_bytes, self.max_line_bytes = chunk_rows, max_bytes, max_line_bytes
        self.notes: list[str] = []

    def __iter__(self) -> Iterator[pd.DataFrame]:
        try:
            yield from self._chunks()
        except NotChunkable:
            raise
        except Exception as exc:  # ReadError, UnicodeDecodeError, ParserError, OSError...: read it whole
            raise NotChunkable(f"{self.path}: {type(exc).__name__}: {exc}") from exc

    def _chunks(self) -> Iterator[pd.DataFrame]:
        path = self.path
        if path.suffix.lower() != ".csv":
            raise NotChunkable(f"{path}: not a CSV file")
        _check_size(path, self.max_bytes)
        skip, titles = _csv_preamble(path, self.expected, self.max_line_bytes)
        self.notes = _title_note(path, skip, titles)
        header: list[str] | None = None
        next_row, skipped, rows = skip + 1, 0, 0  # next_row: the file's row number of the next cells
        with pd.read_csv(path, **_csv_options(skip, "utf-8-sig"), chunksize=self.chunk_rows) as reader:
            for cells in reader:
                if header is None:
                    header = self._clean_header(cells.iloc[0])
                    cells, next_row = cells.iloc[1:], next_row + 1
                if cells.shape[1] != len(header):
                    raise NotChunkable(f"{path}: a chunk has {cells.shape[1]} columns, the header {len(header)}")
                chunk, empty = _with_source(path, cells.set_axis(header, axis=1), next_row)
                next_row, skipped, rows = next_row + len(cells), skipped + empty, rows + len(chunk)
                if len(chunk):
                    chunk.attrs.update(encoding="utf-8-sig", notes=[])
                    yield chunk
        if not rows:
            raise NotChunkable(f"{path}: no data rows")
        self.notes += _empty_rows_note(path, skipped)

    def _clean_header(self, first_row: pd.Series) -> list[str]:
        header = _header_names(self.path, first_row)
        if not all(header) or len(set(header)) < len(header):
            raise NotChunkable(f"{self.path}: a header cell is blank or repeated")
        return header


def find_extract_files(data_dir: str | Path, name: str, folder_allowed: bool = False) -> list[Path]:
    """The files holding extract ``name`` in ``data_dir``: ``name.csv|.xlsx|.parquet``, or (for
    extracts that allow it) a folder ``name/`` of such files, read in name order.

    Returns [] when the extract is absent; raises ReadError if it is there twice, or if it (or a
    file in its folder) is in a format pmereport does not read, such as an old ``.xls``: such a
    file is refused, never skipped, so that no data is lost without a word.
    """
    data_dir = Path(data_dir)
    for s, what in UNSUPPORTED_SUFFIXES.items():
        if s != ".txt" and (data_dir / f"{name}{s}").is_file():
            raise ReadError(f"{data_dir / f'{name}{s}'}: this is {what}, which pmereport does not read; {SAVE_AS}")
    singles = [data_dir / f"{name}{s}" for s in SUPPORTED_SUFFIXES if (data_dir / f"{name}{s}").is_file()]
    folder = data_dir / name
    in_folder: list[Path] = []
    if folder.is_dir():
        if not folder_allowed:
            raise ReadError(f"{folder}: extract '{name}' must be a single file, not a folder")
        visible = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(("~$", ".")))
        for p in visible:
            if p.suffix.lower() in UNSUPPORTED_SUFFIXES and p.suffix.lower() != ".txt":
                raise ReadError(f"{p}: this is {UNSUPPORTED_SUFFIXES[p.suffix.lower()]}, which pmereport does "
                                f"not read; {SAVE_AS}")
        in_folder = [p for p in visible if p.suffix.lower() in SUPPORTED_SUFFIXES]
    if len(singles) > 1 or (singles and in_folder):
        found = ", ".join(str(p) for p in singles + ([folder] if in_folder else []))
        raise ReadError(f"{data_dir}: extract '{name}' is given more than once ({found}); keep one")
    return singles or in_folder
