"""Session-level attendance marks -> per-pupil term aggregates, out of core with DuckDB.

A county's marks are large (100,000 pupils x 190 days x 2 sessions = 38 million rows a year), so
they are never loaded into pandas: DuckDB scans the CSV or Parquet files and returns one row per
pupil, school and term, shaped like the contract's ``attendance`` extract; the measures in
:mod:`pmereport.metrics.attendance` then run on that small frame.

Marks files have the columns ``pupil_id``, ``school_urn``, ``date`` (ISO), ``session`` (AM/PM) and
``mark`` (DfE attendance code). Codes and how they count: DfE "Working together to improve school
attendance" (August 2024), as in DfE's published year-to-date attendance data (reason columns of
``EES_ytd_data.csv``): present and approved educational activity count as attendance; codes where
attendance is not required are not possible sessions.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import duckdb
import numpy as np
import pandas as pd

from ..calendar import SchoolCalendar
from ..contract.codes import TERMS
from .attendance import ENROLMENT, year_to_date

PRESENT = ("/", "\\", "L")
APPROVED_ACTIVITY = ("B", "J", "K", "P", "V", "W")  # attending a place other than the school
AUTHORISED = ("C", "C1", "C2", "E", "H", "I", "J1", "M", "R", "S", "T")
UNAUTHORISED = ("G", "N", "O", "U")
NOT_POSSIBLE = ("D", "X", "Y", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z", "#", "Q")
MARK_CATEGORY = {**{m: "present" for m in PRESENT}, **{m: "approved_activity" for m in APPROVED_ACTIVITY},
                 **{m: "authorised" for m in AUTHORISED}, **{m: "unauthorised" for m in UNAUTHORISED},
                 **{m: "not_possible" for m in NOT_POSSIBLE}}
POSSIBLE = PRESENT + APPROVED_ACTIVITY + AUTHORISED + UNAUTHORISED

MARK_COLUMNS = {"pupil_id": "VARCHAR", "school_urn": "INTEGER", "date": "DATE", "session": "VARCHAR",
                "mark": "VARCHAR"}
AGGREGATE_COLUMNS = ["pupil_id", "school_urn", "academic_year", "term", "sessions_possible",
                     "sessions_authorised", "sessions_unauthorised"]


class MarksError(ValueError):
    """Marks that cannot be counted: an unknown code, or a date outside the configured terms."""


def _sql_list(values: Iterable[str]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def _files(marks: str | Path | list) -> tuple[list[str], str]:
    """The marks files (a file, a folder of part files, a glob or a list) and their format."""
    if isinstance(marks, (list, tuple)):
        paths = [str(p) for p in marks]
    else:
        path = Path(marks)
        if path.is_dir():
            paths = sorted(str(p) for p in path.iterdir() if p.suffix in (".csv", ".parquet"))
        elif any(ch in str(marks) for ch in "*?["):
            paths = sorted(str(p) for p in Path(path.anchor or ".").glob(str(path.relative_to(path.anchor or "."))))
        else:
            paths = [str(path)]
    if not paths:
        raise FileNotFoundError(f"no marks files (.csv or .parquet) at {marks}")
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        raise FileNotFoundError(f"marks file not found: {missing[0]}")
    suffixes = {Path(p).suffix for p in paths}
    if len(suffixes) != 1 or suffixes - {".csv", ".parquet"}:
        raise MarksError(f"marks files must all be .csv or all .parquet, got {sorted(suffixes)} at {marks}")
    return paths, suffixes.pop()


def marks_relation_sql(paths: list[str], fmt: str, filename: bool = False) -> str:
    """A DuckDB table expression reading the marks files with the contract's column types
    (plus a ``filename`` column if asked)."""
    files = "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"
    extra = ", filename=true" if filename else ""
    if fmt == ".parquet":
        return f"read_parquet({files}{extra})"
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in MARK_COLUMNS.items()) + "}"
    return f"read_csv({files}, header=true, columns={columns}, quote='\"', escape='\"'{extra})"


def term_days(calendar: SchoolCalendar) -> pd.DataFrame:
    """Every date from the first to the last day of each configured term -> ``term_no``, the
    term's position in ``calendar.terms``.

    Marks are matched on term dates, not on the LA's school days, so an academy with its own INSET
    days still has its marks counted (a mark in the holidays is an error)."""
    rows = [pd.DataFrame({"date": pd.date_range(t.start, t.end, freq="D").date, "term_no": i})
            for i, t in enumerate(calendar.terms)]
    out = pd.concat(rows, ignore_index=True)
    out["term_no"] = out["term_no"].astype("int16")
    return out


def mark_codes() -> pd.DataFrame:
    """Each DfE mark with 0/1 columns: a possible session, authorised, unauthorised absence."""
    return pd.DataFrame({"mark": list(MARK_CATEGORY),
                         "possible": [int(m in POSSIBLE) for m in MARK_CATEGORY],
                         "authorised": [int(c == "authorised") for c in MARK_CATEGORY.values()],
                         "unauthorised": [int(c == "unauthorised") for c in MARK_CATEGORY.values()]})


def connect(threads: int | None = None, memory_limit: str = "1GB") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with bounded memory (spills to a temp folder beyond it)."""
    con = duckdb.connect(config={"memory_limit": memory_limit, "preserve_insertion_order": False})
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def _load_lookups(con: duckdb.DuckDBPyConnection, calendar: SchoolCalendar) -> None:
    for name, frame in (("term_days", term_days(calendar)), ("mark_codes", mark_codes())):
        con.register(f"{name}_df", frame)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_df")
        con.unregister(f"{name}_df")


def term_aggregates_from_marks(marks, calendar: SchoolCalendar, roll: pd.DataFrame | None = None, *,
                               con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """One row per pupil, school, academic year and term: sessions possible, authorised and
    unauthorised absence, counted from session marks by DuckDB without loading them into pandas.
    Rows come in no particular order (sort before writing them out).

    One scan joins each mark to its term (by date) and its 0/1 category columns (by code) and sums
    them per pupil, school and term. ``roll`` (optional; ``pupil_id``, ``school_urn`` and any of ncy, sex, ethnicity,
    sen_status, fsm) adds pupil characteristics. Raises :class:`MarksError` naming the file and an
    example row if a mark is not a DfE code, a date falls outside the configured terms, or a pupil
    has more marks in a term than two per weekday of it (e.g. a file loaded twice; a single
    repeated row within that bound is not detected, as an exact check would need a second scan).
    """
    paths, fmt = _files(marks)
    con = con or connect()
    _load_lookups(con, calendar)
    query = f"""
        SELECT m.pupil_id, m.school_urn, t.term_no,
               sum(k.possible) AS sessions_possible, sum(k.authorised) AS sessions_authorised,
               sum(k.unauthorised) AS sessions_unauthorised,
               count(*) - count(k.mark) AS unknown_marks, count(*) AS marks
        FROM {marks_relation_sql(paths, fmt)} AS m
             LEFT JOIN term_days AS t ON m.date = t.date
             LEFT JOIN mark_codes AS k ON m.mark = k.mark
        GROUP BY ALL
    """
    try:
        out = con.execute(query).df()
    except duckdb.Error as exc:
        raise MarksError(f"cannot read marks {paths[0]}{' ...' if len(paths) > 1 else ''}: {exc}") from None
    if out["unknown_marks"].sum() or out["term_no"].isna().any():
        _raise_first_bad_mark(con, marks_relation_sql(paths, fmt, filename=True))
    terms = calendar.terms
    term_no = out["term_no"].to_numpy("int16")
    weekdays = np.array([len(pd.bdate_range(t.start, t.end)) for t in terms])
    too_many = out["marks"].to_numpy() > 2 * weekdays[term_no]
    if too_many.any():
        row, term = out[too_many].iloc[0], terms[term_no[too_many][0]]
        raise MarksError(f"{paths[0]}{' ...' if len(paths) > 1 else ''}: pupil {row['pupil_id']} at school "
                         f"{row['school_urn']} has {int(row['marks'])} marks in {term.code} {term.academic_year}, "
                         f"more than two a weekday: duplicated marks?")
    years = sorted({t.academic_year for t in terms})
    out = pd.DataFrame({
        "pupil_id": out["pupil_id"], "school_urn": out["school_urn"],
        "academic_year": pd.Categorical.from_codes([years.index(t.academic_year) for t in terms], years)[term_no],
        "term": pd.Categorical.from_codes([list(TERMS).index(t.code) for t in terms], list(TERMS))[term_no],
        **{col: out[col].fillna(0).astype("int64")
           for col in ["sessions_possible", "sessions_authorised", "sessions_unauthorised"]}})
    if roll is not None:
        out = out.merge(roll, on=["pupil_id", "school_urn"], how="left", validate="many_to_one")
    return out


def attendance_from_marks(marks, calendar: SchoolCalendar, academic_year: str, roll: pd.DataFrame | None = None,
                          *, up_to_term: str | None = None,
                          con: duckdb.DuckDBPyConnection | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Term aggregates (no characteristics) and the year to date per enrolment, with the roll's
    characteristics joined once per enrolment (cheaper than once per term). For the triggers,
    which need SEN status per term, use ``term_aggregates_from_marks(marks, calendar, roll)``."""
    terms = term_aggregates_from_marks(marks, calendar, con=con)
    ytd = year_to_date(terms, academic_year, up_to_term)
    if roll is not None:
        ytd = ytd.merge(roll, on=list(ENROLMENT), how="left", validate="many_to_one")
    return terms, ytd


def _raise_first_bad_mark(con, source: str) -> None:
    """Find one bad mark (only run when the aggregate has seen one) and raise naming it."""
    bad = con.execute(f"""
        SELECT m.filename, m.pupil_id, m.date, m.session, m.mark,
               (m.mark IS NULL OR m.mark NOT IN {_sql_list(MARK_CATEGORY)}) AS unknown
        FROM {source} AS m
        LEFT JOIN term_days AS t ON m.date = t.date
        WHERE t.term_no IS NULL OR m.mark IS NULL OR m.mark NOT IN {_sql_list(MARK_CATEGORY)}
        LIMIT 1""").fetchone()
    filename, pupil, date, session, mark, unknown = bad
    if unknown:
        raise MarksError(f"{filename}: column mark: {mark!r} is not a DfE attendance code "
                         f"(pupil {pupil}, {date} {session}); known codes: {' '.join(MARK_CATEGORY)}")
    raise MarksError(f"{filename}: column date: {date} (pupil {pupil}, {session}) is not in a configured "
                     f"term; check the marks or the term dates")
