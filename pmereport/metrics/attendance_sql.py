"""DfE absence summaries by group as one DuckDB query over a per-enrolment table.

The same figures, columns and row order as :func:`pmereport.metrics.attendance.summary` (DfE:
enrolments with possible sessions; overall, authorised and unauthorised absence as % of possible
sessions; persistent absentees missed 10% or more, severe 50% or more), computed where the year to
date already is when it comes from session marks (:func:`~pmereport.metrics.attendance_marks.
attendance_from_marks`), so that no per-enrolment frame has to be grouped again in pandas. The
tests check it against the pandas summary row for row.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from .attendance import PERSISTENT_SHARE, SESSION_COLUMNS, SEVERE_SHARE


def _name(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def summary_sql(table: str, by: str | None = None, persistent_share: float = PERSISTENT_SHARE,
                severe_share: float = SEVERE_SHARE) -> str:
    """The query: one row per value of ``by`` (nulls last), or one overall row if None, from
    ``table`` (one row per enrolment with the three session columns)."""
    missed = "(sessions_authorised + sessions_unauthorised) / sessions_possible"  # DOUBLE division
    group = f"{_name(by)}, " if by else ""
    tail = f" GROUP BY {_name(by)}" if by else ""
    return f"""
        SELECT {group}enrolments, {", ".join(SESSION_COLUMNS)}, persistent_absentees, severe_absentees,
               (sessions_authorised + sessions_unauthorised) / sessions_possible * 100 AS overall_absence_pct,
               sessions_authorised / sessions_possible * 100 AS authorised_absence_pct,
               sessions_unauthorised / sessions_possible * 100 AS unauthorised_absence_pct,
               persistent_absentees / enrolments * 100 AS persistent_pct,
               severe_absentees / enrolments * 100 AS severe_pct
        FROM (SELECT {group}count(*) AS enrolments,
                     {", ".join(f"CAST(sum({c}) AS BIGINT) AS {c}" for c in SESSION_COLUMNS)},
                     count(*) FILTER (WHERE {missed} >= {float(persistent_share)!r}) AS persistent_absentees,
                     count(*) FILTER (WHERE {missed} >= {float(severe_share)!r}) AS severe_absentees
              FROM {table} WHERE sessions_possible > 0{tail})
        {"ORDER BY " + _name(by) + " NULLS LAST" if by else ""}"""


def summary_duckdb(con: duckdb.DuckDBPyConnection, table: str, by: str | None = None,
                   persistent_share: float = PERSISTENT_SHARE, severe_share: float = SEVERE_SHARE) -> pd.DataFrame:
    """Run :func:`summary_sql` on ``con``; a ``by`` the table lacks is a clear error."""
    columns = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
    if by is not None and by not in columns:
        raise ValueError(f"cannot summarise by {by!r}: the year to date has columns {columns} "
                         "(characteristics come from the roll)")
    out = con.execute(summary_sql(table, by, persistent_share, severe_share)).df()
    if by is not None and out[by].dtype == object:
        out[by] = out[by].fillna(np.nan)  # a blank group as pandas labels it (NaN, not None)
    return out.astype({"enrolments": "int64", "persistent_absentees": "int64", "severe_absentees": "int64"})
