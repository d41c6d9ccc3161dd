"""Sentences for the triggers and attendance section, written from published (suppressed) tables.

As in ``present.narrative``: a number a table hides is described, never printed.
"""
from __future__ import annotations

from .narrative import WHY_NOT_SHOWN, count_text
from .rounding import format_number
from .suppression import is_symbol
from .tables import PublishedTable


def _column(table: PublishedTable, column: str) -> list:
    index = table.columns.index(column) if column in table.columns else table.columns.index(f"{column}_percent")
    return [row[index] for row in table.rows]


def _percent(value) -> str:
    return "not shown" if is_symbol(value) else f"{format_number(value, 1)}%"


def trigger_counts_sentence(tables: list[PublishedTable]) -> str:
    """How many rules ran, which could not (and why), and the rules most pupils crossed, over the
    published counts tables (one per family of rules)."""
    codes, pupils, status = ([v for t in tables for v in _column(t, column)] for column in ("code", "pupils", "status"))
    ran = [(c, p) for c, p, s in zip(codes, pupils, status) if s == "run"]
    not_run = [f"{c} ({s.removeprefix('not run: ')})" for c, s in zip(codes, status) if s != "run"]
    text = f"{len(ran)} of the {len(codes)} trigger rules were run on this month's extracts."
    if not_run:
        text += (" Not run, because an optional extract they need is not in the data folder: "
                 + ", ".join(not_run) + "; they are shown as not run, not as zero.")
    shown = sorted(((p, c) for c, p in ran if not is_symbol(p) and p > 0), reverse=True)[:3]
    if shown:
        text += " Most pupils crossed " + ", ".join(f"{c} ({count_text(p, 'pupil')})" for p, c in shown) + "."
    none = [c for c, p in ran if p == 0]
    if none:
        text += f" No pupil crossed {', '.join(none)}."
    if any(is_symbol(p) for _, p in ran):
        text += WHY_NOT_SHOWN
    return text


def attendance_sentence(overall: PublishedTable, period: str, england: PublishedTable | None) -> str:
    """Overall, persistent and severe absence year to date; England's figures beside them if given
    (``england``: the by-phase comparison table, whose Total row is all schools)."""
    absence = overall.value("All pupils", "overall_absence_pct")
    persistent = overall.value("All pupils", "persistent_pct")
    severe = overall.value("All pupils", "severe_pct")
    text = (f"{period}, pupils in the authority's schools missed {_percent(absence)} of their possible sessions; "
            f"{_percent(persistent)} of enrolments were persistently absent and {_percent(severe)} severely absent.")
    if england is None:
        return text + (" No comparison with England is made: England's published 2024/25 attendance file "
                       "was not found.")
    return text + (f" In England in 2024/25 (DfE's published year-to-date figures, state-funded schools), overall "
                   f"absence was {_percent(england.value('Total', 'overall_absence_pct_england'))} and persistent "
                   f"absence {_percent(england.value('Total', 'persistent_pct_england'))}. The periods differ: "
                   "absence early in the autumn term is usually lower than over most of a year, so read the "
                   "comparison as context, not as a target.")


def intensive_support_sentence(by_term: PublishedTable, below: float, below_ehcp: float) -> str:
    """The latest term's count of pupils below the intensive-support line."""
    if not by_term.rows:
        return "No attendance was recorded this academic year, so the intensive-support trigger was not counted."
    term, count = by_term.rows[-1][0], by_term.value(by_term.rows[-1][0], "below_line")
    return (f"In {term} so far, {count_text(count, 'pupil')} attended less than {below * 100:g}% of possible "
            f"sessions ({below_ehcp * 100:g}% for pupils with an EHC plan), the Lancashire line for a request "
            "for intensive support." + (WHY_NOT_SHOWN if is_symbol(count) else ""))


def risk_sentence(rag: PublishedTable, whereabouts: PublishedTable) -> str:
    """The open CME cohort's size, Red share and whereabouts unknown."""
    total = rag.value("Total", "count")
    red = rag.value("Red (high priority)", "count")
    unknown = whereabouts.value("Whereabouts unknown", "count")
    cohort = count_text(total, 'open CME case')
    text = (f"{cohort[:1].upper()}{cohort[1:]} at the period end: {count_text(red, 'case')} rated "
            f"Red (high priority) and {count_text(unknown, 'case')} with the child's whereabouts unknown.")
    return text + (WHY_NOT_SHOWN if any(is_symbol(v) for v in (total, red, unknown)) else "")


__all__ = ["trigger_counts_sentence", "attendance_sentence", "intensive_support_sentence", "risk_sentence"]
