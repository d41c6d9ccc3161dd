"""School days: weekdays in term, excluding half-terms, bank holidays in England and INSET days.

DOMAIN.md: "Day counts are school days: weekdays in term, excluding bank holidays and INSET days."
Bank holidays come from the maintained ``holidays`` package (England subdivision of GB), never
from a hand-typed list. Counting is inclusive of both ends: from Monday to the Friday of a
normal week is 5 school days.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .academic_year import academic_year_bounds, academic_year_of
from .terms import Term, TermDates, read_term_dates


@lru_cache(maxsize=8)
def england_bank_holidays(first_year: int, last_year: int) -> tuple[tuple[pd.Timestamp, str], ...]:
    """Bank holidays in England from 1 January ``first_year`` to 31 December ``last_year``, in date
    order, with their names (``holidays`` package, GB subdivision ENG).

    Imported and computed on first use and remembered: importing ``holidays`` loads every country
    it knows (about 0.1 s), which work that needs only term dates (e.g. counting session marks)
    should not pay."""
    import holidays

    england = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return tuple(sorted((pd.Timestamp(day), name) for day, name in england.items()))


class OutsideTermsError(ValueError):
    """A date lies outside the academic years (or terms) the term-dates file configures."""


@dataclass(frozen=True)
class Window:
    """A span of dates and the school days in it (e.g. "the last month", "this term")."""

    start: pd.Timestamp
    end: pd.Timestamp
    school_days: pd.DatetimeIndex

    @property
    def n_school_days(self) -> int:
        return len(self.school_days)


class SchoolCalendar:
    """School days of one local authority, built from its term dates.

    Dates from 1 September of the first configured academic year to 31 August of the last are
    covered; any other date raises :class:`OutsideTermsError` (a count across an unconfigured year
    would silently be wrong).
    """

    def __init__(self, term_dates: TermDates):
        self.term_dates = term_dates
        self.terms: tuple[Term, ...] = tuple(sorted(term_dates.terms, key=lambda t: t.start))
        years = term_dates.academic_years
        self._years = set(years)
        self.first_day = academic_year_bounds(years[0])[0]
        self.last_day = academic_year_bounds(years[-1])[1]

    # School days need the bank holidays: built on first use (see england_bank_holidays).
    @cached_property
    def _bank_holiday_names(self) -> dict[pd.Timestamp, str]:
        return dict(england_bank_holidays(self.first_day.year, self.last_day.year))

    @cached_property
    def bank_holidays(self) -> pd.DatetimeIndex:
        """Bank holidays in England over the configured academic years."""
        return pd.DatetimeIndex(list(self._bank_holiday_names))

    @cached_property
    def school_day_index(self) -> pd.DatetimeIndex:
        """Every school day of the configured terms, in order."""
        days = []
        for t in self.terms:
            span = pd.date_range(t.start, t.end, freq="D")
            keep = span.dayofweek < 5
            if t.half_term_start is not None:
                keep &= ~((span >= t.half_term_start) & (span <= t.half_term_end))
            days.append(span[keep])
        all_days = days[0].append(days[1:]) if len(days) > 1 else days[0]
        excluded = self.bank_holidays.append(pd.DatetimeIndex(self.term_dates.inset_days))
        return all_days[~all_days.isin(excluded)]

    @cached_property
    def _days(self) -> np.ndarray:
        return self.school_day_index.values.astype("datetime64[D]")

    @classmethod
    def from_file(cls, path: str | Path) -> "SchoolCalendar":
        return cls(read_term_dates(path))

    # -- coverage ---------------------------------------------------------------------------
    def _check(self, date) -> pd.Timestamp:
        date = pd.Timestamp(date).normalize()
        if not (self.first_day <= date <= self.last_day) or academic_year_of(date) not in self._years:
            raise OutsideTermsError(
                f"{date.date()} is outside the term dates configured in {self.term_dates.source} "
                f"(academic years {', '.join(self.term_dates.academic_years)}); add that year's terms")
        return date

    def _check_many(self, dates: pd.Series) -> np.ndarray:
        values = pd.to_datetime(pd.Series(dates)).dt.normalize()
        if values.empty:
            return values.values.astype("datetime64[D]")
        if values.isna().any():
            raise ValueError("school-day counts need dates: a blank date was given")
        lo, hi = values.min(), values.max()
        for d in (lo, hi):
            self._check(d)
        if len(self._years) != len(range(self.first_day.year, self.last_day.year)):
            for d in values.unique():  # a gap in the configured years: check every distinct date
                self._check(d)
        return values.values.astype("datetime64[D]")

    # -- single dates -------------------------------------------------------------------------
    def is_school_day(self, date) -> bool:
        date = self._check(date)
        i = np.searchsorted(self._days, np.datetime64(date.date()))
        return bool(i < len(self._days) and self._days[i] == np.datetime64(date.date()))

    def school_days(self, start, end) -> pd.DatetimeIndex:
        """The school days from ``start`` to ``end``, both included."""
        start, end = self._check(start), self._check(end)
        idx = self.school_day_index
        return idx[(idx >= start) & (idx <= end)]

    def count_school_days(self, start, end) -> int:
        """Number of school days from ``start`` to ``end``, both included (0 if end < start)."""
        return len(self.school_days(start, end))

    def count_school_days_between(self, starts, ends) -> np.ndarray:
        """Vectorised :meth:`count_school_days` for two equal-length date columns."""
        s, e = self._check_many(starts), self._check_many(ends)
        counts = np.searchsorted(self._days, e, "right") - np.searchsorted(self._days, s, "left")
        return np.maximum(counts, 0)

    def nth_school_day(self, start, n: int) -> pd.Timestamp:
        """The ``n``-th school day counting ``start`` as day 1 if it is a school day.

        E.g. the sixth school day of an exclusion that starts on ``start`` (Leics framework).
        """
        start = self._check(start)
        return pd.Timestamp(self.nth_school_days(pd.Series([start]), n)[0])

    def nth_school_days(self, starts, n: int) -> np.ndarray:
        """Vectorised :meth:`nth_school_day` (``datetime64[D]`` array)."""
        if n < 1:
            raise ValueError(f"n counts school days from 1, got {n}")
        s = self._check_many(starts)
        i = np.searchsorted(self._days, s, "left") + n - 1
        if (i >= len(self._days)).any():
            last = self.term_dates.academic_years[-1]
            raise OutsideTermsError(f"school day {n} from {pd.Timestamp(s[np.argmax(i >= len(self._days))]).date()} "
                                    f"falls after the last configured academic year ({last}) in "
                                    f"{self.term_dates.source}")
        return self._days[i]

    def bank_holiday_name(self, date) -> str | None:
        return self._bank_holiday_names.get(pd.Timestamp(date).normalize())

    # -- terms and windows -------------------------------------------------------------------
    def term_of(self, date) -> Term:
        """The term that ``date`` lies in (half-term counts as in term); error in the holidays."""
        date = self._check(date)
        for t in self.terms:
            if t.contains(date):
                return t
        raise OutsideTermsError(f"{date.date()} falls in a holiday between terms "
                                f"(term dates: {self.term_dates.source})")

    def latest_term(self, on) -> Term:
        """The term containing ``on``, or in a holiday the last term that ended before it."""
        on = self._check(on)
        started = [t for t in self.terms if t.start <= on]
        if not started:
            raise OutsideTermsError(f"{on.date()} is before the first configured term "
                                    f"({self.terms[0].start.date()}, {self.term_dates.source})")
        return started[-1]

    def term(self, academic_year: str, code: str) -> Term:
        for t in self.terms:
            if t.academic_year == academic_year and t.code == code:
                return t
        raise OutsideTermsError(f"term {code} {academic_year} is not configured in {self.term_dates.source}")

    def this_term(self, on) -> Window:
        """School days of the current term up to and including ``on`` (the whole term if ``on``
        is in the holiday after it)."""
        on = self._check(on)
        t = self.latest_term(on)
        end = min(on, t.end)
        return Window(t.start, end, self.school_days(t.start, end))

    def last_month(self, on) -> Window:
        """School days in the month up to and including ``on``: from the day after the same date
        a month earlier (31 March -> 1 March .. 31 March; 15 March -> 16 February .. 15 March)."""
        on = self._check(on)
        start = on - pd.DateOffset(months=1) + pd.Timedelta(days=1)
        return Window(start, on, self.school_days(start, on))

    def terms_table(self) -> pd.DataFrame:
        """One row per term: academic year, term, start, end, half-term and school days."""
        return pd.DataFrame([{
            "academic_year": t.academic_year, "term": t.code, "start": t.start, "end": t.end,
            "half_term_start": t.half_term_start, "half_term_end": t.half_term_end,
            "school_days": self.count_school_days(t.start, t.end)} for t in self.terms])


def load_calendar(path: str | Path) -> SchoolCalendar:
    """The school calendar of the term-dates file at ``path``."""
    return SchoolCalendar.from_file(path)
