"""Exclusion counts as one portable SQL query, for an engine that holds more than pandas can.

The same figures as :func:`pmereport.metrics.exclusions.exclusion_counts` (suspensions, permanent
exclusions, distinct pupils suspended, suspension days; DfE "Suspensions and permanent exclusions
in England" methodology, DOMAIN.md "Publishing conventions"), written as a single ``GROUP BY``
over the exclusions extract. The SQL keeps to what DuckDB, Spark SQL and the usual warehouses all
accept (``CASE``, ``||``, ``LPAD``, ``EXTRACT``, ``COUNT(DISTINCT ...)``), so a national analysis
can run it where the rows are (docs/national-scale.md); :func:`exclusion_counts_duckdb` runs it on
this machine with DuckDB, over a frame or over CSV/Parquet files read out of core.

Phase and the census denominators are left out on purpose: they join small tables (schools,
census) to the result, which pandas does well after the heavy aggregation.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .exclusions import EXCLUSION_DIMENSIONS

SQL_DIMENSIONS = sorted(EXCLUSION_DIMENSIONS - {"phase"})

_YEAR = "(EXTRACT(YEAR FROM start_date) - CASE WHEN EXTRACT(MONTH FROM start_date) < 9 THEN 1 ELSE 0 END)"
# Derived periods as exclusions.py defines them: the academic year runs 1 September to 31 August;
# month-based terms AUT Sep-Dec, SPR Jan-Apr, SUM May-Aug.
# The text type is the one word that differs between engines: VARCHAR (DuckDB, PostgreSQL,
# Snowflake), STRING (Spark SQL, BigQuery).
DERIVED = {
    "academic_year": (f"CAST({_YEAR} AS {{text}}) || '/' || "
                      f"LPAD(CAST(MOD({_YEAR} + 1, 100) AS {{text}}), 2, '0')"),
    "term": ("CASE WHEN EXTRACT(MONTH FROM start_date) >= 9 THEN 'AUT' "
             "WHEN EXTRACT(MONTH FROM start_date) >= 5 THEN 'SUM' ELSE 'SPR' END"),
    "month": ("CAST(EXTRACT(YEAR FROM start_date) AS {text}) || '-' || "
              "LPAD(CAST(EXTRACT(MONTH FROM start_date) AS {text}), 2, '0')"),
}


def exclusion_counts_sql(source: str, by: list[str], text_type: str = "VARCHAR") -> str:
    """The query giving, per group of ``by``, columns ``susp``, ``perm_excl``, ``one_plus_susp`` and
    ``susp_days``. ``source`` is a table name or table expression with the extract's columns
    (``start_date`` a DATE); ``text_type`` the engine's name for text (STRING on Spark SQL and
    BigQuery). Rows with a blank grouping value are left out, as pandas does."""
    unknown = set(by) - set(SQL_DIMENSIONS)
    if unknown:
        raise ValueError(f"cannot break exclusions down by {sorted(unknown)} in SQL; use {SQL_DIMENSIONS}")
    keys = [f"{DERIVED[k].format(text=text_type) if k in DERIVED else k} AS {k}" for k in by]
    measures = [
        "SUM(CASE WHEN category = 'SUSP' THEN 1 ELSE 0 END) AS susp",
        "SUM(CASE WHEN category = 'PERM' THEN 1 ELSE 0 END) AS perm_excl",
        "COUNT(DISTINCT CASE WHEN category = 'SUSP' THEN pupil_id END) AS one_plus_susp",
        "COALESCE(SUM(CASE WHEN category = 'SUSP' THEN sessions END), 0) / 2.0 AS susp_days",
    ]
    select = ",\n       ".join(keys + measures)
    where = " AND ".join(f"{k} IS NOT NULL" for k in by if k not in DERIVED) or "1 = 1"
    group = f"\nGROUP BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""
    order = f"\nORDER BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""
    return f"SELECT {select}\nFROM {source}\nWHERE {where}{group}{order}"


def exclusion_counts_duckdb(exclusions: pd.DataFrame | str | Path | list, by: list[str]) -> pd.DataFrame:
    """Run :func:`exclusion_counts_sql` with DuckDB on a validated frame, or on CSV / Parquet files
    (a path, a glob or a list) with the contract's column names, scanned without loading them."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": "1GB"})
    con.execute("SET enable_progress_bar = false")
    if isinstance(exclusions, pd.DataFrame):
        con.register("exclusions_df", exclusions)
        source = "exclusions_df"
    else:
        paths = [str(p) for p in (exclusions if isinstance(exclusions, (list, tuple)) else [exclusions])]
        files = "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"
        reader = "read_parquet" if paths[0].endswith(".parquet") else "read_csv_auto"
        source = f"(SELECT * REPLACE (CAST(start_date AS DATE) AS start_date) FROM {reader}({files}))"
    out = con.execute(exclusion_counts_sql(source, by)).df()
    con.close()
    for column in ("susp", "perm_excl", "one_plus_susp"):
        out[column] = out[column].astype(int)
    out["susp_days"] = out["susp_days"].astype(float)
    return out
