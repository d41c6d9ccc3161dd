"""Validate extracts against the contract, with row accounting.

Every row read ends up either kept or rejected, and every rejected row has at least one reason
naming its file, row, column and rule: ``rows_read == rows_kept + rows_rejected`` always. A file
that cannot be used at all (unreadable, a required column missing, a column holding direct
identifiers) is a file error: a sentence naming the file and what to do, with all its rows
rejected. Nothing raises: every bad input ends as an ``ExtractResult`` (docs/bad-inputs.md).
"""
from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..io.readers import MAX_FILE_BYTES, MAX_LINE_BYTES, SOURCE_COLUMNS, ReadError, find_extract_files, read_table
from .extracts import EXTRACTS
from .identifiers import find_identifier_columns
from .parse import DFE_SYMBOLS, is_dfe_symbol, parse_field
from .schemas import pandera_schema
from .result import ExtractResult
from .spec import Extract

ISSUE_COLUMNS = ["extract", "file", "row", "column", "rule", "message", "value"]

FIELD_RULE_MESSAGES = {
    "FIELD_TYPE": "not a valid {type}",
    "FIELD_REQUIRED": "a value is required",
    "FIELD_CODE": "not an allowed code",
    "FIELD_MIN": "below the minimum ({minimum:g})",
    "FIELD_MAX": "above the maximum ({maximum:g})",
    "FIELD_PATTERN": "does not match the expected format (regular expression {pattern})",
    "FIELD_UNIQUE": "duplicate value: must be unique",
    "FIELD_FUTURE": "a date after {today}, the day the data was checked: it cannot have happened yet "
                    "(check the year)",
}
DFE_SYMBOL_MESSAGE = ("a DfE suppression symbol ({symbols}) is not allowed in an extract, which holds the LA's "
                      "own pupil-level or per-school figures: give the actual number (suppression is applied "
                      "to published tables, not to inputs)")
SAVE_AS_HINT = "try saving it again as CSV UTF-8"
ROW_HEADER_MESSAGE = "this row repeats the header (two files pasted together?); delete it"
# Dates that may lie in the future because they are planned, not recorded (contract descriptions).
FUTURE_ALLOWED = {("pme_returns", "rtt_end_date"), ("pme_returns", "rtt_review_date")}
PANDERA_CHECK_RULES = {"isin": "FIELD_CODE", "greater_than_or_equal_to": "FIELD_MIN",
                       "less_than_or_equal_to": "FIELD_MAX", "str_matches": "FIELD_PATTERN"}
TYPE_WORDS = {"date": "date (YYYY-MM-DD or DD/MM/YYYY)", "month": "month (YYYY-MM)", "int": "whole number",
              "float": "number", "str": "text", "code": "code"}


def _issue_frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=ISSUE_COLUMNS)


def _field_message(rule: str, f, today: dt.date | None = None) -> str:
    message = FIELD_RULE_MESSAGES[rule].format(type=TYPE_WORDS[f.type], minimum=f.minimum or 0,
                                               maximum=f.maximum or 0, pattern=f.pattern, today=today)
    if rule == "FIELD_CODE" and f.codes and len(f.codes) <= 20:
        message += f" (allowed: {', '.join(f.codes)})"
    return message


def _pandera_issues(failures: pd.DataFrame, extract: Extract, raw: pd.DataFrame) -> list[dict]:
    """Turn pandera's failure cases into issue records (one per failing row and rule)."""
    rules = {r.code: r for r in extract.rules}
    records = []
    seen: set[tuple[int, str]] = set()
    for case in failures.itertuples(index=False):
        if case.index is None or pd.isna(case.index):
            continue  # frame-level failures without a row are reported by the caller
        i = int(case.index)
        check = str(case.check)
        if check in rules:
            if (i, check) in seen:
                continue  # pandera lists a frame-level failure once per column of the row
            seen.add((i, check))
            rule = rules[check]
            given = [c for c in rule.columns if c in raw and _display(raw.at[i, c]) is not None]
            values = "; ".join(f"{c}={_display(raw.at[i, c])}" for c in given)
            records.append(dict(column=", ".join(given or rule.columns), rule=rule.code,
                                message=f"{rule.message} [{rule.source}]", value=values, i=i))
            continue
        f = extract.field(case.column)
        if check == "not_nullable":
            name = "FIELD_REQUIRED"
        elif check == "field_uniqueness":
            name = "FIELD_UNIQUE"
        else:
            name = PANDERA_CHECK_RULES.get(check.split("(")[0], check)
        message = _field_message(name, f) if name in FIELD_RULE_MESSAGES else check
        records.append(dict(column=case.column, rule=name, message=message,
                            value=_display(raw.at[i, case.column]), i=i))
    return records


def _display(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def _file_label(raw: pd.DataFrame, files: list[str]) -> str:
    if "_source_file" in raw and len(raw):
        return ", ".join(dict.fromkeys(raw["_source_file"].astype(str)))
    return ", ".join(files)


def _missing_columns(raw: pd.DataFrame, extract: Extract, label: str) -> tuple[str, str] | None:
    """(columns, message) when required columns are missing, suggesting the closest unexpected
    column for each (a renamed column is the usual cause)."""
    missing = [f.name for f in extract.fields if f.required and f.name not in raw.columns]
    if not missing:
        return None
    unexpected = [c for c in raw.columns if c not in extract.columns and c not in SOURCE_COLUMNS]
    hints = []
    for name in missing:
        close = difflib.get_close_matches(name, unexpected, n=1, cutoff=0.6)
        if close:
            hints.append(f"'{close[0]}' for '{name}'")
    message = (f"{label}: missing required column(s) {', '.join(missing)} (extract '{extract.name}'; "
               f"see docs/data-dictionary.md)")
    if hints:
        message += f"; did you mean {', '.join(hints)}? Rename the column to the contract's name"
    return ", ".join(missing), message


def screen_columns(raw: pd.DataFrame, extract: Extract, label: str, today: dt.date,
                   drop_identifiers: bool = False) -> tuple[pd.DataFrame, list[tuple[str, str, str]], list[str]]:
    """Check one file's columns before its rows: direct identifiers, missing and extra columns.

    Returns (frame, errors as (rule, column, message), notes). With ``drop_identifiers`` an
    identifier column outside the contract is dropped and reported in a note instead of refused;
    a contract column holding identifiers (``pupil_id`` full of UPNs) is refused either way.
    """
    errors, notes = [], []
    for found in find_identifier_columns(raw, extract, today):
        if drop_identifiers and not found.in_contract:
            raw = raw.drop(columns=found.column)
            notes.append(f"{label}: dropped column '{found.column}' ({found.kind}; recognised by {found.evidence})")
        else:
            errors.append(("FILE_IDENTIFIER", found.column, found.message(label)))
    missing = _missing_columns(raw, extract, label)
    if missing:
        errors.append(("FILE_COLUMNS", *missing))
    extra = [c for c in raw.columns if c not in extract.columns and c not in SOURCE_COLUMNS]
    if extra and not errors:
        notes.append(f"{label}: column(s) {', '.join(extra)} are not in the contract for '{extract.name}': "
                     f"kept as they are, not checked")
    return raw, errors, notes


def _refused(raw: pd.DataFrame, extract: Extract, files: list[str], errors: list[tuple[str, str, str]],
             notes: list[str]) -> ExtractResult:
    """Every row of a file that cannot be used is rejected, for the file-level reasons given."""
    issues = _issue_frame([dict(extract=extract.name, file=", ".join(files), row=None, column=column, rule=rule,
                                message=message, value=None) for rule, column, message in errors])
    return ExtractResult(extract.name, files, len(raw), raw.iloc[0:0], issues, [e[2] for e in errors], notes)


def _repeated_header(raw: pd.DataFrame, extract: Extract) -> pd.Series:
    """Rows where most contract columns hold their own column name: a header pasted into the data.
    Only rows whose first contract column holds its own name are looked at further (speed)."""
    columns = [c for c in extract.columns if c in raw]
    if not columns:
        return pd.Series(False, index=raw.index)

    def own_name(c: str, rows: pd.Index) -> pd.Series:
        text = raw.loc[rows, c].astype("string[pyarrow]").str.strip().str.lower().str.lstrip("\ufeff")
        return text.eq(c).fillna(False).astype(bool)

    candidates = raw.index[own_name(columns[0], raw.index).to_numpy()]
    repeated = pd.Series(False, index=raw.index)
    if len(candidates):
        same = sum(own_name(c, candidates).astype(int) for c in columns)
        repeated[candidates] = (same >= max(2, len(columns) // 2)).to_numpy()
    return repeated


def _type_issues(raw: pd.DataFrame, extract: Extract, typed: pd.DataFrame, skip: pd.Series) -> list[dict]:
    """Parse every contract column into ``typed``; a record per cell that does not parse."""
    records = []
    for f in extract.fields:
        column = raw[f.name] if f.name in raw else pd.Series(pd.NA, index=raw.index, dtype=object)
        values, failed = parse_field(column, f)
        typed[f.name] = values
        failed &= ~skip
        if not failed.any():
            continue
        symbol = is_dfe_symbol(column) & failed if f.type in ("int", "float") else failed & False
        for i in failed[failed].index:
            message = (DFE_SYMBOL_MESSAGE.format(symbols=", ".join(DFE_SYMBOLS)) if symbol.at[i]
                       else _field_message("FIELD_TYPE", f))
            records.append(dict(column=f.name, rule="FIELD_TYPE", message=message,
                                value=_display(raw.at[i, f.name]), i=i))
    return records


def _future_issues(raw: pd.DataFrame, extract: Extract, typed: pd.DataFrame, today: dt.date) -> list[dict]:
    """Recorded dates after ``today`` (planned dates, FUTURE_ALLOWED, may be later). A month is in
    the future when it starts after today."""
    records = []
    limit = pd.Timestamp(today)
    for f in extract.fields:
        if f.type not in ("date", "month") or (extract.name, f.name) in FUTURE_ALLOWED:
            continue
        future = (typed[f.name] > limit).fillna(False)
        for i in future[future].index:
            records.append(dict(column=f.name, rule="FIELD_FUTURE", message=_field_message("FIELD_FUTURE", f, today),
                                value=_display(raw.at[i, f.name]), i=i))
    return records


def _check_rows(raw: pd.DataFrame, extract: Extract, today: dt.date) -> tuple[pd.DataFrame, list[dict], pd.Index]:
    """Phase one (parse, repeated headers, future dates) and phase two (pandera) on the rows of
    ``raw`` (numbered 0..n-1). Returns the typed rows, one issue record per problem (``i`` is the
    row), and the rows pandera checked: those whose every cell parsed (not FIELD_TYPE, not
    ROW_HEADER), which are the rows a one-row-per-key rule compares."""
    header_rows = _repeated_header(raw, extract)
    records = [dict(column="(whole row)", rule="ROW_HEADER", message=ROW_HEADER_MESSAGE, value=None, i=i)
               for i in header_rows[header_rows].index]
    typed = pd.DataFrame(index=raw.index)
    records += _type_issues(raw, extract, typed, header_rows)
    for c in raw.columns:
        if c not in typed.columns:
            typed[c] = raw[c]
    records += _future_issues(raw, extract, typed, today)

    bad_parse = {r["i"] for r in records if r["rule"] in ("FIELD_TYPE", "ROW_HEADER")}
    checkable = typed.drop(index=list(bad_parse)) if bad_parse else typed
    try:
        pandera_schema(extract).validate(checkable, lazy=True)
    except pa.errors.SchemaErrors as exc:
        records += _pandera_issues(exc.failure_cases, extract, raw)
    return typed, records, checkable.index


def _kept_and_issues(raw: pd.DataFrame, extract: Extract, typed: pd.DataFrame,
                     records: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The typed rows without any issue, and the issues (file and row named), in file and row order."""
    for r in records:
        r.update(extract=extract.name, file=raw.at[r["i"], "_source_file"], row=int(raw.at[r["i"], "_source_row"]))
    rejected = {r.pop("i") for r in records}
    kept = typed.drop(index=list(rejected)).reset_index(drop=True) if rejected else typed
    issues = _issue_frame(records).sort_values(["file", "row", "column"], kind="stable").reset_index(drop=True)
    return kept, issues


def _validate_rows(raw: pd.DataFrame, extract: Extract, files: list[str], today: dt.date,
                   notes: list[str]) -> ExtractResult:
    """Every row checked (``_check_rows``) and accounted for: kept, or rejected with its issues."""
    raw = _numbered(raw)
    typed, records, _ = _check_rows(raw, extract, today)
    kept, issues = _kept_and_issues(raw, extract, typed, records)
    return ExtractResult(extract.name, files, len(raw), kept, issues, notes=notes)


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with rows numbered 0..n-1 (copied only when they are not already: speed)."""
    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return frame
    return frame.reset_index(drop=True)


def validate_frame(raw: pd.DataFrame, extract: Extract, files: list[str], *, today: dt.date | None = None,
                   drop_identifiers: bool = False) -> ExtractResult:
    """Validate a raw (text) frame, as read by ``io.read_table``, against ``extract``.

    ``today`` (default: the real today) is the day dates are checked against: a recorded date
    after it is rejected (FIELD_FUTURE). Tests pass it so that they do not depend on the clock.
    """
    today = today or dt.date.today()
    raw = _numbered(raw)
    raw, errors, notes = screen_columns(raw, extract, _file_label(raw, files), today, drop_identifiers)
    if errors:
        return _refused(raw, extract, files, errors, notes)
    return _validate_rows(raw, extract, files, today, notes)


def load_extract(data_dir: str | Path, name: str, *, today: dt.date | None = None, drop_identifiers: bool = False,
                 max_bytes: int = MAX_FILE_BYTES, max_line_bytes: int = MAX_LINE_BYTES) -> ExtractResult | None:
    """Read and validate one extract from a data folder; None if an optional extract is absent.

    Never raises for bad input: unreadable files, missing columns and identifier columns are file
    errors, bad values are row rejections. Each file of a folder extract is screened on its own,
    so a renamed column in one monthly file names that file. ``max_bytes`` and ``max_line_bytes``
    are the reader's limits; ``drop_identifiers`` drops identifier columns instead of refusing.
    """
    today = today or dt.date.today()
    extract = EXTRACTS[name]
    try:
        paths = find_extract_files(data_dir, name, folder_allowed=extract.folder)
    except ReadError as exc:
        return _file_error(extract, [str(data_dir)], str(exc))
    if not paths:
        if extract.optional:
            return None
        return _file_error(extract, [str(Path(data_dir) / name)],
                           f"{data_dir}: extract '{name}' not found (expected {name}.csv, {name}.xlsx"
                           + (f" or a folder {name}/" if extract.folder else "") + ")")
    files = [str(p) for p in paths]
    frames, notes, errors, unreadable = [], [], [], []
    for p in paths:
        try:
            frame = read_table(p, extract.columns, max_bytes=max_bytes, max_line_bytes=max_line_bytes)
        except ReadError as exc:
            unreadable.append(("FILE_READ", str(exc)))
            continue
        except Exception as exc:  # a reader failure we did not foresee: still a clear file error, never a traceback
            unreadable.append(("FILE_UNEXPECTED", f"{p}: could not be read ({type(exc).__name__}: {exc}); "
                               f"{SAVE_AS_HINT} and report this to the pmereport maintainers"))
            continue
        notes += frame.attrs.get("notes", [])
        frame, file_errors, file_notes = screen_columns(frame, extract, str(p), today, drop_identifiers)
        errors += file_errors
        notes += file_notes
        frames.append(frame)
    raw = pd.concat(frames, ignore_index=True) if len(frames) > 1 else (frames[0] if frames else None)
    if unreadable:
        rows = 0 if raw is None else len(raw)
        return _file_error(extract, files, [m for _, m in unreadable], rows, [r for r, _ in unreadable], notes)
    if errors:
        return _refused(raw, extract, files, errors, notes)
    return _validate_rows(raw, extract, files, today, notes)


def _file_error(extract: Extract, files: list[str], messages: str | list[str], rows_read: int = 0,
                rules: list[str] | None = None, notes: list[str] | None = None) -> ExtractResult:
    """A result for an extract whose file(s) could not be read: every row read is rejected."""
    messages = [messages] if isinstance(messages, str) else messages
    rules = rules or ["FILE_READ"] * len(messages)
    issues = _issue_frame([dict(extract=extract.name, file=", ".join(files), row=None, column=None,
                                rule=rule, message=message, value=None) for rule, message in zip(rules, messages)])
    empty = pd.DataFrame(columns=extract.columns + SOURCE_COLUMNS)
    return ExtractResult(extract.name, files, rows_read, empty, issues, messages, notes or [])


def validate_folder(data_dir: str | Path, *, today: dt.date | None = None,
                    drop_identifiers: bool = False) -> dict[str, ExtractResult]:
    """Validate every extract of the contract found in ``data_dir`` (see ``load_extract``)."""
    results = {}
    for name in EXTRACTS:
        result = load_extract(data_dir, name, today=today, drop_identifiers=drop_identifiers)
        if result is not None:
            results[name] = result
    return results
