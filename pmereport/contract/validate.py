"""Validate extracts against the contract, with row accounting.

Every row read ends up either kept or rejected, and every rejected row has at least one reason
naming its file, row, column and rule: ``rows_read == rows_kept + rows_rejected`` always.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..io.readers import SOURCE_COLUMNS, ReadError, find_extract_files, read_table
from .extracts import EXTRACTS
from .parse import parse_field
from .schemas import pandera_schema
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
}
PANDERA_CHECK_RULES = {"isin": "FIELD_CODE", "greater_than_or_equal_to": "FIELD_MIN",
                       "less_than_or_equal_to": "FIELD_MAX", "str_matches": "FIELD_PATTERN"}
TYPE_WORDS = {"date": "date (YYYY-MM-DD or DD/MM/YYYY)", "month": "month (YYYY-MM)", "int": "whole number",
              "float": "number", "str": "text", "code": "code"}


@dataclass
class ExtractResult:
    """The outcome of validating one extract: kept rows (typed), and every issue found."""

    extract: str
    files: list[str]
    rows_read: int
    data: pd.DataFrame  # kept rows, typed, with _source_file / _source_row
    issues: pd.DataFrame  # one row per (row, column, rule) problem; row is None for file-level ones
    file_errors: list[str] = field(default_factory=list)

    @property
    def rows_kept(self) -> int:
        return len(self.data)

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - self.rows_kept

    @property
    def ok(self) -> bool:
        return not self.file_errors and self.issues.empty

    def accounting(self) -> dict:
        """Row accounting for quality.json: read = kept + rejected, and reasons by rule."""
        by_rule = (self.issues.dropna(subset=["row"]).groupby(["column", "rule"]).size()
                   .rename("rows").reset_index().to_dict("records")) if not self.issues.empty else []
        return {"extract": self.extract, "files": self.files, "rows_read": self.rows_read,
                "rows_kept": self.rows_kept, "rows_rejected": self.rows_rejected,
                "file_errors": self.file_errors, "rejections_by_rule": by_rule}


def _issue_frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=ISSUE_COLUMNS)


def _field_message(rule: str, f) -> str:
    message = FIELD_RULE_MESSAGES[rule].format(type=TYPE_WORDS[f.type], minimum=f.minimum or 0,
                                               maximum=f.maximum or 0, pattern=f.pattern)
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


def validate_frame(raw: pd.DataFrame, extract: Extract, files: list[str]) -> ExtractResult:
    """Validate a raw (text) frame, as read by ``io.read_table``, against ``extract``."""
    raw = raw.reset_index(drop=True)
    present = set(raw.columns)
    missing = [f.name for f in extract.fields if f.required and f.name not in present]
    if missing:
        error = (f"{', '.join(files) or extract.name}: missing required column(s) {', '.join(missing)} "
                 f"(extract '{extract.name}'; see docs/data-dictionary.md)")
        issues = _issue_frame([dict(extract=extract.name, file=", ".join(files), row=None,
                                    column=", ".join(missing), rule="FILE_COLUMNS", message=error,
                                    value=None)])
        return ExtractResult(extract.name, files, len(raw), raw.iloc[0:0], issues, [error])

    typed = pd.DataFrame(index=raw.index)
    records: list[dict] = []
    for f in extract.fields:
        column = raw[f.name] if f.name in present else pd.Series(pd.NA, index=raw.index, dtype=object)
        values, failed = parse_field(column, f)
        typed[f.name] = values
        for i in failed[failed].index:
            records.append(dict(column=f.name, rule="FIELD_TYPE", message=_field_message("FIELD_TYPE", f),
                                value=_display(raw.at[i, f.name]), i=i))
    extra = [c for c in raw.columns if c not in typed.columns]
    for c in extra:
        typed[c] = raw[c]

    bad_parse = {r["i"] for r in records}
    checkable = typed.drop(index=list(bad_parse))
    try:
        pandera_schema(extract).validate(checkable, lazy=True)
    except pa.errors.SchemaErrors as exc:
        records += _pandera_issues(exc.failure_cases, extract, raw)

    for r in records:
        r.update(extract=extract.name, file=raw.at[r["i"], "_source_file"], row=int(raw.at[r["i"], "_source_row"]))
    rejected = {r.pop("i") for r in records}
    kept = typed.drop(index=list(rejected))
    issues = _issue_frame(records).sort_values(["file", "row", "column"], kind="stable").reset_index(drop=True)
    return ExtractResult(extract.name, files, len(raw), kept.reset_index(drop=True), issues)


def load_extract(data_dir: str | Path, name: str) -> ExtractResult | None:
    """Read and validate one extract from a data folder; None if an optional extract is absent."""
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
    frames = []
    for p in paths:
        try:
            frames.append(read_table(p))
        except ReadError as exc:
            return _file_error(extract, [str(p) for p in paths], str(exc))
    raw = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return validate_frame(raw, extract, [str(p) for p in paths])


def _file_error(extract: Extract, files: list[str], message: str) -> ExtractResult:
    issues = _issue_frame([dict(extract=extract.name, file=", ".join(files), row=None, column=None,
                                rule="FILE_READ", message=message, value=None)])
    empty = pd.DataFrame(columns=extract.columns + SOURCE_COLUMNS)
    return ExtractResult(extract.name, files, 0, empty, issues, [message])


def validate_folder(data_dir: str | Path) -> dict[str, ExtractResult]:
    """Validate every extract of the contract found in ``data_dir``."""
    results = {}
    for name in EXTRACTS:
        result = load_extract(data_dir, name)
        if result is not None:
            results[name] = result
    return results
