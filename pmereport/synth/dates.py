"""Dates for the simulation: school days and terms come from the LA's configured calendar.

Term dates differ by local authority and year (DOMAIN.md: they are parameters, not code), so the
generator reads them from the same term-dates file the reports count school days with
(``pmereport.calendar``; by default the one ``parameters/la.yaml`` names). Exclusions fall on its
school days and attendance counts two sessions (DfE) per school day. The other two date rules here
are not term dates: the end of compulsory school age, and moving an LA working day off a weekend.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..calendar import (OutsideTermsError, SchoolCalendar, Term, academic_year_bounds, academic_year_label,
                        academic_year_start, load_calendar)

LA_SETTINGS = Path(__file__).resolve().parents[2] / "parameters" / "la.yaml"


def default_terms_file() -> Path:
    """The term-dates file the LA's settings (``parameters/la.yaml``, ``terms:``) name."""
    with LA_SETTINGS.open(encoding="utf-8") as fh:
        terms = (yaml.safe_load(fh) or {}).get("terms")
    if not terms:
        raise FileNotFoundError(f"{LA_SETTINGS} names no term-dates file ('terms:'); pass one to the generator")
    return (LA_SETTINGS.parent / terms).resolve()


def school_calendar(terms: SchoolCalendar | str | Path | None = None) -> SchoolCalendar:
    """The calendar to simulate on: ``terms`` (a calendar, or a term-dates file), else the LA's."""
    if isinstance(terms, SchoolCalendar):
        return terms
    return load_calendar(default_terms_file() if terms is None else terms)


def require_years(calendar: SchoolCalendar, first: dt.date, last: dt.date) -> None:
    """Refuse, before anything is simulated, dates whose academic years the term dates leave out."""
    needed = [academic_year_label(y) for y in range(academic_year_start(first), academic_year_start(last) + 1)]
    missing = [y for y in needed if y not in calendar.term_dates.academic_years]
    if missing:
        later = missing[-1] == needed[-1]
        raise OutsideTermsError(
            f"synthetic data from {first} to {last} needs the term dates of academic years {needed[0]} to "
            f"{needed[-1]}, but {calendar.term_dates.source} has none for {', '.join(missing)}: add those "
            f"years' terms" + (", or choose an earlier end date" if later else ""))


def year_terms(calendar: SchoolCalendar, year: int) -> tuple[Term, ...]:
    """The terms (AUT, SPR, SUM) of the academic year starting in September of ``year``."""
    label = academic_year_label(year)
    return tuple(t for t in calendar.terms if t.academic_year == label)


def school_days(calendar: SchoolCalendar, start, end) -> np.ndarray:
    """School days from ``start`` to ``end`` (both included) as ``datetime64[D]``."""
    return calendar.school_days(start, end).values.astype("datetime64[D]")


def year_school_days(calendar: SchoolCalendar, year: int, until: dt.date | None = None) -> np.ndarray:
    """The school days of academic year ``year`` (``datetime64[D]``, in order), up to ``until``."""
    first, last = academic_year_bounds(academic_year_label(year))
    return school_days(calendar, first, last if until is None else min(last, pd.Timestamp(until)))


def last_friday_of_june(year: int) -> dt.date:
    """End of compulsory school age: the last Friday in June of Year 11 (Education Act 1996 s8)."""
    day = dt.date(year, 6, 30)
    return day - dt.timedelta(days=(day.weekday() - 4) % 7)


def next_weekday(days: np.ndarray) -> np.ndarray:
    """Each date (datetime64[D]) moved forward to a Monday if it falls on a weekend (the LA's working
    days for referrals and case stages, which go on in the school holidays)."""
    weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
    return days + np.where(weekday == 5, 2, np.where(weekday == 6, 1, 0)) * np.timedelta64(1, "D")
