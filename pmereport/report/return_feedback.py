"""Feedback on a folder of completed school returns (issue 8, part 3).

Each file in the folder (a workbook from ``return_template`` or a CSV with the PME_RETURNS
columns) is validated on its own against the contract (``contract/validate.validate_frame``),
matched to its school and month, and dated by when it arrived (the file's modification time, or
the date in ``received``). Compliance comes from ``metrics/compliance.return_status``: a school
expected in the month with no file is *missing* once the deadline (default the 10th of the next
month) has passed; a file after the deadline is *late*; a workbook with no rows is a nil return.

Written to the output folder:

- ``feedback/<URN>.csv``: for each school, one row per problem (file, row, column, rule, message,
  value): invalid rows, a file that could not be read, rows for another month, a return missing
  or late; a school with nothing to fix gets one ``RETURN_OK`` row saying how many rows were taken;
- ``compliance.csv``: one row per school (status, received date, days late, rows read, accepted,
  rejected, problems) and ``compliance_summary.json``: the month's rates
  (``metrics/compliance.return_rates``) and any file that could not be matched to a school.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..contract.extracts import PME_RETURNS, SCHOOLS
from ..contract.validate import ISSUE_COLUMNS, ExtractResult, validate_frame
from ..io.readers import ReadError, read_table
from ..metrics.compliance import DEADLINE_DAY, return_rates, return_status
from .return_template import ABOUT_MONTH_CELL, ABOUT_SCHOOL_CELL, ABOUT_SHEET

FEEDBACK_COLUMNS = ["school_urn", "return_month", "file", "row", "column", "rule", "message", "value"]
RETURN_SUFFIXES = (".xlsx", ".csv")


class ReturnsFeedbackError(ValueError):
    """The folder or the schools file cannot be used; the message says why."""


@dataclass
class ReturnFile:
    path: Path
    received: dt.date
    school_urn: int | None = None
    month: pd.Period | None = None
    result: ExtractResult | None = None
    problems: list[dict] = field(default_factory=list)  # beyond the contract's own issues

    @property
    def rows_read(self) -> int:
        return self.result.rows_read if self.result else 0

    @property
    def rows_kept(self) -> int:
        return self.result.rows_kept if self.result else 0


def read_schools(path: str | Path, today: dt.date) -> pd.DataFrame:
    """The schools reference (contract SCHOOLS), typed; refused if any row fails the contract."""
    try:
        raw = read_table(path, SCHOOLS.columns)
    except ReadError as exc:
        raise ReturnsFeedbackError(str(exc)) from None
    result = validate_frame(raw, SCHOOLS, [str(path)], today=today)
    if not result.ok:
        first = result.file_errors[:1] or [f"row {r.row}, column {r.column}: {r.message} ({r.rule})"
                                            for r in result.issues.head(1).itertuples()]
        raise ReturnsFeedbackError(f"{path}: the schools file fails its contract: {first[0]}")
    return result.data


def _about(path: Path) -> tuple[str | None, int | None]:
    """Month and URN written on a template's About sheet (None when absent)."""
    if path.suffix.lower() != ".xlsx":
        return None, None
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True)
    except Exception:  # the reader will report the file properly
        return None, None
    try:
        if ABOUT_SHEET not in wb.sheetnames:
            return None, None
        ws = wb[ABOUT_SHEET]
        month, urn = ws[ABOUT_MONTH_CELL].value, ws[ABOUT_SCHOOL_CELL].value
    finally:
        wb.close()
    month = month.strftime("%Y-%m") if isinstance(month, (dt.date, dt.datetime)) else (str(month).strip() or None
                                                                                       if month else None)
    try:
        urn = int(urn) if urn not in (None, "") else None
    except (TypeError, ValueError):
        urn = None
    return month, urn


def _problem(rf: ReturnFile, rule: str, message: str, row=None, column=None, value=None) -> dict:
    return {"file": str(rf.path), "row": row, "column": column, "rule": rule, "message": message, "value": value}


def check_return_file(path: Path, month: pd.Period | None, today: dt.date,
                      received: dt.date | None = None) -> ReturnFile:
    """Read and validate one returned file, and work out its school and month."""
    rf = ReturnFile(path, received or dt.date.fromtimestamp(path.stat().st_mtime))
    about_month, about_urn = _about(path)
    try:
        raw = read_table(path, PME_RETURNS.columns)
    except ReadError as exc:
        rf.problems.append(_problem(rf, "FILE_READ", str(exc)))
        rf.school_urn, rf.month = about_urn, pd.Period(about_month, "M") if about_month else month
        return rf
    rf.result = validate_frame(raw, PME_RETURNS, [str(path)], today=today)
    urns = set(pd.to_numeric(raw.get("school_urn", pd.Series(dtype=str)), errors="coerce").dropna().astype(int))
    if about_urn is not None:
        urns.add(about_urn)
    if len(urns) == 1:
        rf.school_urn = urns.pop()
    elif len(urns) > 1:
        rf.problems.append(_problem(rf, "RETURN_SCHOOLS", f"the file holds rows for several schools "
                                    f"({', '.join(map(str, sorted(urns)))}): send one file per school"))
    typed = rf.result.data
    months = set(typed["return_month"].dt.to_period("M")) if "return_month" in typed else set()
    rf.month = month or (pd.Period(about_month, "M") if about_month else None) or (
        months.pop() if len(months) == 1 else None)
    if rf.month is not None and "return_month" in typed:
        for row in typed.itertuples():
            if row.return_month.to_period("M") != rf.month:
                rf.problems.append(_problem(rf, "RETURN_MONTH", f"this row is for {row.return_month:%Y-%m}, but "
                                            f"the return is for {rf.month}", row._asdict()["_source_row"],
                                            "return_month", f"{row.return_month:%Y-%m}"))
    return rf


def _issue_rows(rf: ReturnFile) -> list[dict]:
    rows = []
    if rf.result is not None:
        rows += [{k: r[k] for k in ISSUE_COLUMNS if k != "extract"} for r in rf.result.issues.to_dict("records")]
        rows += [_problem(rf, "FILE_ERROR", m) for m in rf.result.file_errors if m]
    return rows + rf.problems


def assess_returns(returns_dir: str | Path, schools: pd.DataFrame, month: str | None = None,
                   deadline_day: int = DEADLINE_DAY, as_of: dt.date | None = None,
                   received: dict[str, dt.date] | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame, list[ReturnFile], pd.DataFrame]:
    """(feedback rows, compliance per school, files, ``return_status`` rows) for ``returns_dir``.

    ``month`` (YYYY-MM) is the month the returns are for (default: the one month the files
    name); ``as_of`` the day the folder is assessed (default today); ``received`` overrides the
    arrival date of files by name.
    """
    returns_dir = Path(returns_dir)
    if not returns_dir.is_dir():
        raise ReturnsFeedbackError(f"returns folder not found: {returns_dir}")
    as_of = as_of or dt.date.today()
    period = pd.Period(month, "M") if month else None
    paths = sorted(p for p in returns_dir.iterdir()
                   if p.is_file() and p.suffix.lower() in RETURN_SUFFIXES and not p.name.startswith(("~$", ".")))
    files = [check_return_file(p, period, as_of, (received or {}).get(p.name)) for p in paths]
    if period is None:
        months = {rf.month for rf in files if rf.month is not None}
        if len(months) != 1:
            raise ReturnsFeedbackError(f"{returns_dir}: the returns are for {len(months)} months "
                                       f"({', '.join(sorted(map(str, months))) or 'none named'}); give --month YYYY-MM")
        period = months.pop()
    used: dict[int, ReturnFile] = {}
    for rf in sorted((f for f in files if f.school_urn is not None), key=lambda f: (f.received, f.path.name)):
        if rf.school_urn in used:  # the later file replaces the earlier one
            earlier = used[rf.school_urn]
            rf.problems.append(_problem(rf, "RETURN_DUPLICATE", f"a second return for this school: this one "
                                        f"replaces {earlier.path.name} (received {earlier.received})"))
        used[rf.school_urn] = rf
    log = pd.DataFrame({"return_month": [period.start_time] * len(used), "school_urn": list(used),
                        "submitted_date": [pd.Timestamp(rf.received) for rf in used.values()],
                        "nil_return": ["Y" if rf.result is not None and rf.rows_read == 0 else "N"
                                       for rf in used.values()]})
    status = return_status(schools, log, period, period, deadline_day, as_of)
    feedback, compliance = [], []
    for s in status.itertuples():
        rf = used.get(s.school_urn)
        rows = []
        for f in files:
            if f.school_urn == s.school_urn:
                rows += _issue_rows(f)
        if s.status == "missing":
            rows.append({"rule": "RETURN_MISSING", "message": f"no return received for {period}; the deadline "
                         f"was {s.deadline:%Y-%m-%d}"})
        elif s.status == "late":
            rows.append({"file": str(rf.path), "rule": "RETURN_LATE", "message": f"received {s.submitted_date:%Y-%m-%d}, "
                         f"{s.days_late} day(s) after the deadline {s.deadline:%Y-%m-%d}"})
        elif s.status == "not expected":
            rows.append({"file": str(rf.path), "rule": "RETURN_NOT_EXPECTED",
                         "message": "this school is not in the schools list as open this month: check its URN"})
        problems = len(rows)
        if not rows:
            rows.append({"file": str(rf.path) if rf else None, "rule": "RETURN_OK",
                         "message": ("nil return received" if rf and rf.rows_read == 0 else
                                     f"{rf.rows_kept} row(s) accepted, nothing to fix") if rf else
                         f"not yet due (deadline {s.deadline:%Y-%m-%d})"})
        feedback += [{"school_urn": s.school_urn, "return_month": str(period), **r} for r in rows]
        compliance.append({"school_urn": s.school_urn, "school_name": s.school_name, "return_month": str(period),
                           "status": s.status, "received": s.submitted_date.date() if rf else None,
                           "days_late": s.days_late if rf else None, "rows_read": rf.rows_read if rf else 0,
                           "rows_accepted": rf.rows_kept if rf else 0,
                           "rows_rejected": rf.rows_read - rf.rows_kept if rf else 0, "problems": problems})
    for rf in files:
        if rf.school_urn is None:
            feedback += [{"school_urn": None, "return_month": str(period), **r} for r in _issue_rows(rf)]
    return (pd.DataFrame(feedback, columns=FEEDBACK_COLUMNS), pd.DataFrame(compliance), files, status)


def write_feedback(returns_dir: str | Path, schools_path: str | Path, out_dir: str | Path, month: str | None = None,
                   deadline_day: int = DEADLINE_DAY, as_of: dt.date | None = None) -> dict:
    """Assess the folder and write feedback/<URN>.csv, compliance.csv and compliance_summary.json;
    returns the summary."""
    as_of = as_of or dt.date.today()
    schools = read_schools(schools_path, as_of)
    feedback, compliance, files, status = assess_returns(returns_dir, schools, month, deadline_day, as_of)
    out = Path(out_dir)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    for urn, rows in feedback.dropna(subset=["school_urn"]).groupby("school_urn"):
        rows.to_csv(out / "feedback" / f"{int(urn)}.csv", index=False)
    unmatched = feedback[feedback["school_urn"].isna()]
    if not unmatched.empty:
        unmatched.to_csv(out / "feedback" / "unmatched.csv", index=False)
    compliance.to_csv(out / "compliance.csv", index=False)
    rates = return_rates(status).iloc[0].to_dict()
    summary = {"return_month": str(rates.pop("return_month")), "as_of": as_of.isoformat(), "deadline_day": deadline_day,
               **{k: (None if pd.isna(v) else round(float(v), 1) if "rate" in k else int(v)) for k, v in rates.items()},
               "files": len(files), "unmatched_files": sorted({str(f.path.name) for f in files if f.school_urn is None})}
    (out / "compliance_summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary
