"""Session-level attendance marks -> per-pupil term aggregates, out of core with DuckDB.

A county's marks are large (100,000 pupils x 190 days x 2 sessions = 38 million rows a year), so
they are never loaded into pandas: DuckDB scans the CSV or Parquet files once into per-pupil,
per-school, per-term totals (shaped like the contract's ``attendance`` extract) and sums those to
the year to date; only these small frames come back to pandas, where the measures of
:mod:`pmereport.metrics.attendance` and the triggers run on them.

Data contract v1 has no marks extract (a v2 candidate). Marks files have the columns
``pupil_id``, ``school_urn``, ``date`` (ISO), ``session`` (AM/PM) and ``mark`` (DfE attendance
code). Codes and how they count: DfE "Working together to improve school attendance" (August
2024), as in DfE's published year-to-date attendance data (reason columns of ``EES_ytd_data.csv``):
present and approved educational activity count as attendance; codes where attendance is not
required are not possible sessions (Q too: it is absent from DfE's possible-session breakdown).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import duckdb
import numpy as np
import pandas as pd

from ..calendar import SchoolCalendar
from ..contract.codes import TERMS
from .attendance import ENROLMENT, SESSION_COLUMNS, add_rates
from .attendance_sql import summary_duckdb

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


# Each DfE mark with 0/1 flags: a possible session, authorised absence, unauthorised absence.
MARK_CODE_ROWS = tuple((m, int(m in POSSIBLE), int(c == "authorised"), int(c == "unauthorised"))
                       for m, c in MARK_CATEGORY.items())


def mark_codes() -> pd.DataFrame:
    """Each DfE mark with 0/1 columns: a possible session, authorised, unauthorised absence."""
    return pd.DataFrame(MARK_CODE_ROWS, columns=["mark", "possible", "authorised", "unauthorised"])


def connect(threads: int | None = None, memory_limit: str = "1GB") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with bounded memory (spills to a temp folder beyond it)."""
    con = duckdb.connect(config={"memory_limit": memory_limit, "preserve_insertion_order": False})
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def _load_lookups(con: duckdb.DuckDBPyConnection, calendar: SchoolCalendar) -> None:
    """Create the small lookup tables the scan joins: ``term_days`` (as :func:`term_days`),
    ``mark_codes`` (as :func:`mark_codes`, INTEGER flags) and ``term_weekdays`` (Monday to Friday
    per term: the bound of the duplicated-marks check). Written as SQL values rather than
    registered pandas frames, which cost more than the tables are worth."""
    spans = ", ".join(f"({i}, DATE '{t.start.date()}', DATE '{t.end.date()}')" for i, t in enumerate(calendar.terms))
    codes = ", ".join(f"('{m.replace(chr(39), chr(39) * 2)}', {p}, {a}, {u})" for m, p, a, u in MARK_CODE_ROWS)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE term_days AS
        SELECT CAST(unnest(generate_series(first_day, last_day, INTERVAL 1 DAY)) AS DATE) AS date,
               CAST(term_no AS SMALLINT) AS term_no
        FROM (VALUES {spans}) AS t(term_no, first_day, last_day)""")
    con.execute("CREATE OR REPLACE TEMP TABLE term_weekdays AS SELECT term_no, count(*) AS weekdays "
                "FROM term_days WHERE isodow(date) <= 5 GROUP BY term_no")
    con.execute(f"CREATE OR REPLACE TEMP TABLE mark_codes AS SELECT * FROM (VALUES {codes}) "
                "AS k(mark, possible, authorised, unauthorised)")


def _where(paths: list[str]) -> str:
    return paths[0] + (" ..." if len(paths) > 1 else "")


def _aggregate(con: duckdb.DuckDBPyConnection, marks, calendar: SchoolCalendar) -> None:
    """Scan the marks once into the temp table ``term_totals`` (pupil, school, term number,
    sessions possible / authorised / unauthorised) and check what the scan saw.

    Every mark must be counted: none with an unknown code or a date outside the configured terms.
    Parquet files state their row count (read without a scan), so the scan joins the lookups with
    inner joins, the faster kind, and a mark they drop shows as a shortfall against that count. A
    CSV file's count would need a scan of its own, so there left joins keep unmatched marks and the
    same pass counts them. Either way a bad mark is then looked for and named."""
    paths, fmt = _files(marks)
    _load_lookups(con, calendar)
    source = marks_relation_sql(paths, fmt)
    counted_by_file = fmt == ".parquet"
    join = "JOIN" if counted_by_file else "LEFT JOIN"
    try:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE term_totals AS
            SELECT m.pupil_id, m.school_urn, t.term_no,
                   coalesce(sum(k.possible), 0) AS sessions_possible,
                   coalesce(sum(k.authorised), 0) AS sessions_authorised,
                   coalesce(sum(k.unauthorised), 0) AS sessions_unauthorised,
                   count(*) AS marks{"" if counted_by_file else ", count(*) - count(k.mark) AS unknown_marks"}
            FROM {source} AS m
                 {join} term_days AS t ON m.date = t.date
                 {join} mark_codes AS k ON m.mark = k.mark
            GROUP BY ALL""")
        if counted_by_file:
            in_files, = con.execute(f"SELECT count(*) FROM {source}").fetchone()
            counted, = con.execute("SELECT coalesce(sum(marks), 0) FROM term_totals").fetchone()
            all_counted = counted == in_files
        else:
            all_counted = con.execute("SELECT coalesce(sum(unknown_marks), 0) = 0 AND count(*) FILTER "
                                      "(WHERE term_no IS NULL) = 0 FROM term_totals").fetchone()[0]
    except duckdb.Error as exc:
        raise MarksError(f"cannot read marks {_where(paths)}: {exc}") from None
    if not all_counted:
        _raise_first_bad_mark(con, marks_relation_sql(paths, fmt, filename=True))
    too_many = con.execute("SELECT t.pupil_id, t.school_urn, t.term_no, t.marks FROM term_totals AS t "
                           "JOIN term_weekdays AS w USING (term_no) WHERE t.marks > 2 * w.weekdays LIMIT 1").fetchone()
    if too_many:
        pupil, urn, term_no, n = too_many
        term = calendar.terms[term_no]
        raise MarksError(f"{_where(paths)}: pupil {pupil} at school {urn} has {n} marks in {term.code} "
                         f"{term.academic_year}, more than two a weekday: duplicated marks?")


Roll = pd.DataFrame | str | Path | None


def _load_roll(con: duckdb.DuckDBPyConnection, roll: Roll) -> list[str]:
    """Put the roll (a frame, or a .parquet / .csv file read by DuckDB) in the connection as
    ``roll``, checking it has one row per enrolment; returns its columns ([] if no roll)."""
    if roll is None:
        return []
    if isinstance(roll, pd.DataFrame):
        con.register("roll", roll)
    else:
        path = str(roll).replace("'", "''")
        if str(roll).endswith(".parquet"):
            # a view: each join reads only the columns it needs, which costs less than copying the
            # roll into a table (measured: a copied roll made the next join about 0.07 s slower)
            con.execute(f"CREATE OR REPLACE TEMP VIEW roll AS SELECT * FROM read_parquet('{path}')")
        else:  # a CSV file is parsed once
            con.execute("CREATE OR REPLACE TEMP TABLE roll AS SELECT * FROM read_csv("
                        f"'{path}', header=true, types={{'pupil_id': 'VARCHAR', 'school_urn': 'INTEGER'}})")
    columns = [d[0] for d in con.execute("SELECT * FROM roll LIMIT 0").description]
    missing = [c for c in ENROLMENT if c not in columns]
    if missing:
        raise ValueError(f"roll lacks columns {missing}")
    duplicate = con.execute("SELECT pupil_id, school_urn FROM roll GROUP BY ALL HAVING count(*) > 1 LIMIT 1").fetchone()
    if duplicate:
        raise ValueError(f"roll: pupil {duplicate[0]} appears twice at school {duplicate[1]}")
    return columns


def _roll_sql(roll_columns: list[str], wanted: Iterable[str] | None = None) -> tuple[str, str]:
    """SQL pieces joining the loaded roll: its ``wanted`` columns (default all but the keys), and
    the join ("" and "" if there is nothing to join)."""
    extra = [c for c in (roll_columns if wanted is None else wanted) if c not in ENROLMENT and c in roll_columns]
    if not extra:
        return "", ""
    return "".join(f", r.{c}" for c in extra), " LEFT JOIN roll AS r USING (pupil_id, school_urn)"


def _categories(calendar: SchoolCalendar, term_no: np.ndarray) -> tuple[pd.Categorical, pd.Categorical]:
    """Academic year and term (categoricals) of each term number."""
    terms = calendar.terms
    years = sorted({t.academic_year for t in terms})
    year = pd.Categorical.from_codes([years.index(t.academic_year) for t in terms], years)[term_no]
    term = pd.Categorical.from_codes([list(TERMS).index(t.code) for t in terms], list(TERMS))[term_no]
    return year, term


SESSIONS_SQL = ", ".join(SESSION_COLUMNS)


def _fetch_terms(con: duckdb.DuckDBPyConnection, calendar: SchoolCalendar, chars: str, join: str) -> pd.DataFrame:
    out = con.execute(f"SELECT pupil_id, school_urn, term_no, {SESSIONS_SQL}{chars} FROM term_totals{join}").df()
    year, term = _categories(calendar, out.pop("term_no").to_numpy("int16"))
    out.insert(2, "academic_year", year)
    out.insert(3, "term", term)
    return out.astype({c: "int64" for c in SESSION_COLUMNS})


def term_aggregates_from_marks(marks, calendar: SchoolCalendar, roll: Roll = None, *,
                               con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """One row per pupil, school, academic year and term: sessions possible, authorised and
    unauthorised absence, counted from session marks by DuckDB without loading them into pandas.
    Rows come in no particular order (sort before writing them out).

    One scan joins each mark to its term (by date) and its 0/1 category columns (by code) and sums
    them per pupil, school and term. ``roll`` (optional: a frame or a .parquet / .csv file with
    ``pupil_id``, ``school_urn`` and any of ncy, sex, ethnicity, sen_status, fsm) adds pupil
    characteristics. Raises :class:`MarksError`
    naming the file and an example row if a mark is not a DfE code, a date falls outside the
    configured terms, or a pupil has more marks in a term than two per weekday of it (e.g. a file
    loaded twice; a single repeated row within that bound is not detected, as an exact check would
    need a second scan).
    """
    con = con or connect()
    _aggregate(con, marks, calendar)
    return _fetch_terms(con, calendar, *_roll_sql(_load_roll(con, roll)))


@dataclass(frozen=True)
class MarksAttendance:
    """What :func:`attendance_from_marks` computes: per term (for the triggers), year to date and
    any summaries asked for."""

    terms: pd.DataFrame  # as term_aggregates_from_marks, with the roll's sen_status (for ATT03)
    year_to_date: pd.DataFrame  # as attendance.year_to_date, one row per enrolment
    summaries: dict[str | None, pd.DataFrame] = field(default_factory=dict)  # by -> as attendance.summary


def attendance_from_marks(marks, calendar: SchoolCalendar, academic_year: str, roll: Roll = None,
                          *, up_to_term: str | None = None, summaries: Iterable[str | None] = (),
                          con: duckdb.DuckDBPyConnection | None = None) -> MarksAttendance:
    """Term aggregates and the year to date per enrolment from one scan of the marks. The roll's
    characteristics are joined once per enrolment; the term rows get only ``sen_status`` (the
    EHCP line of trigger ATT03), which keeps the per-term frame small.

    The year-to-date sums over terms are done by DuckDB on the term totals it already holds (same
    result as :func:`pmereport.metrics.attendance.year_to_date` on the term frame, which the tests
    check); rates and flags are added by the shared :func:`~pmereport.metrics.attendance.add_rates`.
    ``summaries`` names the groupings wanted (a roll column such as ``school_urn``, ``ncy``,
    ``fsm``; None = all enrolments): each is computed by DuckDB in the same connection
    (:func:`pmereport.metrics.attendance_sql.summary_duckdb`, the figures of
    :func:`pmereport.metrics.attendance.summary`).
    """
    order = list(TERMS)
    term_nos = [i for i, t in enumerate(calendar.terms) if t.academic_year == academic_year
                and (up_to_term is None or order.index(t.code) <= order.index(up_to_term))]
    if not term_nos:
        raise ValueError(f"no configured terms for {academic_year} (up to {up_to_term}) in "
                         f"{calendar.term_dates.source}")
    con = con or connect()
    _aggregate(con, marks, calendar)
    roll_columns = _load_roll(con, roll)
    terms = _fetch_terms(con, calendar, *_roll_sql(roll_columns, ["sen_status"]))
    chars, join = _roll_sql(roll_columns)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE year_to_date AS
        SELECT e.*{chars}
        FROM (SELECT pupil_id, school_urn, {", ".join(f"CAST(sum({c}) AS BIGINT) AS {c}" for c in SESSION_COLUMNS)},
                     max(term_no) AS latest_term_no
              FROM term_totals WHERE term_no IN ({", ".join(map(str, term_nos))})
              GROUP BY pupil_id, school_urn) AS e{join}""")
    ytd = con.execute("SELECT * FROM year_to_date").df()
    _, latest = _categories(calendar, ytd.pop("latest_term_no").to_numpy("int16"))
    ytd["latest_term"] = latest
    by_group = {by: summary_duckdb(con, "year_to_date", by) for by in summaries}
    return MarksAttendance(terms, add_rates(ytd), by_group)


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
