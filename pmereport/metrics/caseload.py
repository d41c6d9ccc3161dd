"""Caseload: how many CME and PME case episodes are open, at a date and month by month.

"Open" is ``cohort.open_on``: referred on or before the day and not closed by its end. CME
(Education Act 1996 s436A: not on a roll) and PME (Ofsted 2013: on a roll, not in full-time
education) are counted separately and together (DOMAIN.md, "Who is counted").
"""
from __future__ import annotations

import pandas as pd

from ..contract.codes import CASE_TYPES
from .cohort import open_on

CASE_TYPE_ORDER = list(CASE_TYPES)  # CME, PME


def caseload_on(cases: pd.DataFrame, on) -> pd.DataFrame:
    """Open case episodes at the end of ``on``: one row per case type, then a Total row.

    Columns: case_type (code, or "Total"), label (the case type in words, or "Total"), open_cases.
    """
    counts = open_on(cases, on)["case_type"].value_counts()
    rows = [{"case_type": t, "label": CASE_TYPES[t], "open_cases": int(counts.get(t, 0))} for t in CASE_TYPE_ORDER]
    rows.append({"case_type": "Total", "label": "Total", "open_cases": sum(r["open_cases"] for r in rows)})
    return pd.DataFrame(rows)


def month_ends(period_end, months: int = 12) -> list[pd.Timestamp]:
    """The last day of each of the ``months`` months up to ``period_end``'s month, the last one
    being ``period_end`` itself (a report may end mid-month)."""
    end = pd.Timestamp(period_end).normalize()
    last = end.to_period("M")
    days = [(last - k).to_timestamp(how="end").normalize() for k in range(months - 1, -1, -1)]
    days[-1] = min(days[-1], end)
    return days


def caseload_by_month(cases: pd.DataFrame, period_end, months: int = 12) -> pd.DataFrame:
    """Open case episodes at each month end: columns month_end, CME, PME, total (oldest first)."""
    rows = []
    for day in month_ends(period_end, months):
        counts = open_on(cases, day)["case_type"].value_counts()
        row = {"month_end": day, **{t: int(counts.get(t, 0)) for t in CASE_TYPE_ORDER}}
        row["total"] = sum(row[t] for t in CASE_TYPE_ORDER)
        rows.append(row)
    return pd.DataFrame(rows)
