"""A plausible English school calendar for the simulated county.

Term dates differ by local authority and year (DOMAIN.md: they are parameters). The generator
needs only plausible ones: three terms with a half-term week each, Easter holidays in early April,
bank holidays (England and Wales, from the ``holidays`` package) never school days, ~190 days a
year. Sessions are two per day (DfE).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
import numpy as np

TERM_CODES = ("AUT", "SPR", "SUM")


def academic_year_label(start_year: int) -> str:
    """2024 -> '2024/25'."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def academic_year_of(day: dt.date) -> int:
    """The start year of the academic year (September to August) containing ``day``."""
    return day.year if day.month >= 9 else day.year - 1


def _first_weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _monday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _last_monday(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return _monday_on_or_before(nxt - dt.timedelta(days=1))


@dataclass(frozen=True)
class Term:
    academic_year: int
    code: str
    start: dt.date
    end: dt.date
    half_term: dt.date  # Monday of the half-term week


@lru_cache(maxsize=None)
def terms(start_year: int) -> tuple[Term, Term, Term]:
    """The three terms of academic year ``start_year``/``+1`` (rule-based, see module docstring)."""
    y, z = start_year, start_year + 1
    autumn = Term(y, "AUT", _weekday_on_or_after(dt.date(y, 9, 4)), _weekday_on_or_before(dt.date(y, 12, 20)),
                  _monday_on_or_before(dt.date(y, 10, 28)))
    easter_break = _first_weekday_on_or_after(dt.date(z, 4, 1), 0)  # two weeks from this Monday
    spring = Term(z, "SPR", _weekday_on_or_after(dt.date(z, 1, 4)),
                  easter_break - dt.timedelta(days=3),
                  _first_weekday_on_or_after(dt.date(z, 2, 15), 0))
    summer = Term(z, "SUM", easter_break + dt.timedelta(days=14), _weekday_on_or_before(dt.date(z, 7, 22)),
                  _last_monday(z, 5))
    return autumn, spring, summer


@lru_cache(maxsize=None)
def _bank_holidays(year: int) -> frozenset:
    return frozenset(holidays.UK(subdiv="ENG", years=[year]).keys())


def term_days(term: Term, until: dt.date | None = None) -> np.ndarray:
    """School days of ``term`` (datetime64[D]), up to and including ``until`` if given."""
    last = term.end if until is None else min(term.end, until)
    if last < term.start:
        return np.array([], dtype="datetime64[D]")
    days = np.arange(np.datetime64(term.start), np.datetime64(last) + 1, dtype="datetime64[D]")
    weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
    half = np.datetime64(term.half_term)
    in_half_term = (days >= half) & (days < half + 5)
    banks = np.array(sorted(_bank_holidays(term.start.year) | _bank_holidays(term.end.year)),
                     dtype="datetime64[D]")
    return days[(weekday < 5) & ~in_half_term & ~np.isin(days, banks)]


def school_days(start_year: int, until: dt.date | None = None) -> np.ndarray:
    """All school days of an academic year, in order, up to ``until``."""
    return np.concatenate([term_days(t, until) for t in terms(start_year)])


def last_friday_of_june(year: int) -> dt.date:
    """End of compulsory school age: the last Friday in June of Year 11 (Education Act 1996 s8)."""
    day = dt.date(year, 6, 30)
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def next_weekday(days: np.ndarray) -> np.ndarray:
    """Each date (datetime64[D]) moved forward to a Monday if it falls on a weekend."""
    weekday = (days.astype("int64") + 3) % 7
    return days + np.where(weekday == 5, 2, np.where(weekday == 6, 1, 0)) * np.timedelta64(1, "D")
