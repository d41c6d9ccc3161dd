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
    return f"{day.day} {day:%B %Y}"


def caseload_summary(caseload: PublishedTable, by_month: PublishedTable | None = None) -> str:
    """One paragraph: open cases at the period end, CME and PME, and the change over the month.

    ``caseload`` is the published ``metrics.caseload.caseload_on`` table (label, open_cases);
    ``by_month`` the published ``caseload_by_month`` table (month_end, CME, PME, total).
    """
    values = {row[0]: row[caseload.columns.index("open_cases")] for row in caseload.rows}
    total = values["Total"]
    cme, pme = values[CASE_TYPES["CME"]], values[CASE_TYPES["PME"]]
    sentence = (f"There were {count_text(total, 'open CME or PME case')}: {count_text(cme, 'CME case')} and "
                f"{count_text(pme, 'PME case')}.")
    hidden = any(is_symbol(v) for v in (total, cme, pme))
    if by_month is not None and len(by_month.rows) >= 2:
        column = by_month.columns.index("total")
        previous_day, previous = by_month.rows[-2][0], by_month.rows[-2][column]
        current = by_month.rows[-1][column]
        change = change_text(current, previous)
        if change:
            sentence += (f" The total is {change} on {_day(previous_day)}, when "
                         f"{count_text(previous, 'case was', 'cases were')} open.")
    return sentence + (WHY_NOT_SHOWN if hidden else "")


__all__ = ["count_text", "change_text", "caseload_summary", "NOT_SHOWN"]
