"""Sentences for the report, written from published (already suppressed) tables.

A sentence must not reveal what its table hides: it takes its numbers from a ``PublishedTable``,
so a suppressed count is described, never printed (DOMAIN.md, "Publishing conventions").
"""
from __future__ import annotations

import pandas as pd

from ..contract.codes import CASE_TYPES
from .rounding import format_number, round_half_up
from .suppression import is_symbol
from .tables import PublishedTable

NOT_SHOWN = "an undisclosed number"
WHY_NOT_SHOWN = " Numbers not disclosed are suppressed to protect the children concerned (see the count rules)."


def count_text(value, singular: str, plural: str | None = None) -> str:
    """'1,043 open cases', '1 open case', or a phrase for a suppressed count."""
    if is_symbol(value):
        return f"{NOT_SHOWN} of {plural or singular + 's'}"
    return f"{format_number(value)} {singular if value == 1 else plural or singular + 's'}"


def change_text(current, previous) -> str | None:
    """'up 108 (11.6%)', 'down 5 (0.5%)', 'unchanged'; None if either value is not shown."""
    if is_symbol(current) or is_symbol(previous) or previous in (None, 0):
        return None
    difference = current - previous
    if difference == 0:
        return "unchanged"
    percent = round_half_up(abs(difference) / previous * 100, 1)
    return f"{'up' if difference > 0 else 'down'} {format_number(abs(difference))} ({percent:.1f}%)"


def _day(value) -> str:
    day = pd.Timestamp(value)
    return f"{day.day} {day:%B %Y}"  # "%-d" is not portable (Windows)


def position_at(period_end) -> str:
    """The period line of every table and of the cover: 'Position at 31 October 2026'."""
    return f"Position at {_day(period_end)}"


def caseload_summary(caseload: PublishedTable) -> str:
    """Open cases at the period end, CME and PME, from the published ``metrics.caseload.caseload_on``
    table (columns label, open_cases)."""
    values = {row[0]: row[caseload.columns.index("open_cases")] for row in caseload.rows}
    total, cme, pme = values["Total"], values[CASE_TYPES["CME"]], values[CASE_TYPES["PME"]]
    sentence = (f"There were {count_text(total, 'open CME or PME case')}: {count_text(cme, 'CME case')} and "
                f"{count_text(pme, 'PME case')}.")
    return sentence + (WHY_NOT_SHOWN if any(is_symbol(v) for v in (total, cme, pme)) else "")


def trend_summary(by_month: PublishedTable, column: str = "total", noun: str = "open CME and PME cases") -> str:
    """The latest month end against the one before and the first of the published series."""
    index = by_month.columns.index(column)
    (first_day, first), (previous_day, previous), (last_day, last) = (
        (row[0], row[index]) for row in (by_month.rows[0], by_month.rows[-2], by_month.rows[-1]))
    if is_symbol(last):
        return f"The number of {noun} at {_day(last_day)} is not shown, to protect the children concerned."
    sentence = f"At {_day(last_day)} there were {count_text(last, noun[:-1], noun)}"
    parts = []
    earlier = dict.fromkeys([(previous_day, previous), (first_day, first)])  # no repeats in a short series
    for day, value in earlier:
        if day == last_day:
            continue
        change = change_text(last, value)
        if change:
            parts.append(f"{change} on {_day(day)} ({format_number(value)})")
    return sentence + (": " + ", and ".join(parts) if parts else "") + "."


__all__ = ["count_text", "change_text", "caseload_summary", "trend_summary", "position_at", "NOT_SHOWN"]
