"""Term dates: read and check the per-LA, per-year term-dates file (``parameters/terms/*.yaml``).

Term dates differ by local authority and year (DOMAIN.md: "Day counts are school days ... term
dates differ by LA and year, so they are parameters, not code"). A file looks like::

    local_authority: Shire County
    academic_years:
      "2024/25":
        terms:
          AUT: {start: 2024-09-02, end: 2024-12-20, half_term: [2024-10-28, 2024-11-01]}
          SPR: {start: 2025-01-06, end: 2025-04-04, half_term: [2025-02-17, 2025-02-21]}
          SUM: {start: 2025-04-22, end: 2025-07-22, half_term: [2025-05-26, 2025-05-30]}
        inset_days: [2024-09-02, 2024-09-03, 2025-01-06, 2025-06-02, 2025-07-22]

``start``/``end`` are the first and last days of term (INSET days included); ``half_term`` is the
first and last day of the half-term holiday inside the term. Bank holidays are not listed here:
they come from the maintained ``holidays`` package.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from ..contract.codes import TERMS
from .academic_year import academic_year_bounds


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader where built: same result, faster


class TermDatesError(ValueError):
    """The term-dates file is malformed: names the file, the year and what is wrong."""


@dataclass(frozen=True)
class Term:
    """One term of one academic year; the half-term holiday lies inside ``start``..``end``."""

    academic_year: str
    code: str  # AUT, SPR, SUM (contract code list TERMS)
    start: pd.Timestamp
    end: pd.Timestamp
    half_term_start: pd.Timestamp | None
    half_term_end: pd.Timestamp | None

    def contains(self, date) -> bool:
        return self.start <= pd.Timestamp(date) <= self.end


@dataclass(frozen=True)
class TermDates:
    """Every configured term and INSET day of one local authority."""

    local_authority: str
    terms: tuple[Term, ...]
    inset_days: tuple[pd.Timestamp, ...]
    source: str

    @property
    def academic_years(self) -> list[str]:
        return sorted({t.academic_year for t in self.terms})


def _date(value, where: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise TermDatesError(f"{where}: not a date: {value!r} (write YYYY-MM-DD)") from None


def parse_term_dates(spec: dict, source: str = "<dict>") -> TermDates:
    """Build :class:`TermDates` from the parsed YAML mapping, checking every date is sensible."""
    years = spec.get("academic_years") if isinstance(spec, dict) else None
    if not years:
        raise TermDatesError(f"{source}: no 'academic_years' section")
    terms: list[Term] = []
    insets: list[pd.Timestamp] = []
    for label, year in years.items():
        label = str(label)
        where = f"{source}, academic year {label}"
        try:
            first, last = academic_year_bounds(label)
        except ValueError as exc:
            raise TermDatesError(f"{where}: {exc}") from None
        year_terms = year.get("terms") or {}
        if list(year_terms) != list(TERMS):
            raise TermDatesError(f"{where}: terms must be {list(TERMS)} in that order, got {list(year_terms)}")
        previous_end = first - pd.Timedelta(days=1)
        for code, t in year_terms.items():
            w = f"{where}, term {code}"
            start, end = _date(t.get("start"), f"{w} start"), _date(t.get("end"), f"{w} end")
            if not (first <= start <= end <= last):
                raise TermDatesError(f"{w}: start {start.date()} and end {end.date()} must be in order "
                                     f"and inside {first.date()}..{last.date()}")
            if start <= previous_end:
                raise TermDatesError(f"{w}: starts {start.date()}, before the previous term ends")
            previous_end = end
            ht = t.get("half_term")
            hs = he = None
            if ht is not None:
                if not isinstance(ht, (list, tuple)) or len(ht) != 2:
                    raise TermDatesError(f"{w}: half_term must be [first day, last day]")
                hs, he = _date(ht[0], f"{w} half_term"), _date(ht[1], f"{w} half_term")
                if not (start < hs <= he < end):
                    raise TermDatesError(f"{w}: half-term {hs.date()}..{he.date()} must lie inside the term")
            terms.append(Term(label, code, start, end, hs, he))
        for value in year.get("inset_days") or []:
            day = _date(value, f"{where} inset_days")
            in_term = [t for t in terms if t.academic_year == label and t.contains(day)
                       and not (t.half_term_start is not None and t.half_term_start <= day <= t.half_term_end)]
            if not in_term or day.dayofweek >= 5:
                raise TermDatesError(f"{where}: INSET day {day.date()} must be a weekday in term time")
            insets.append(day)
    return TermDates(str(spec.get("local_authority", "")), tuple(terms), tuple(sorted(insets)), source)


def read_term_dates(path: str | Path) -> TermDates:
    """Read a term-dates YAML file (see the module docstring for its layout)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"term-dates file not found: {path}")
    with path.open(encoding="utf-8") as fh:
        spec = yaml.load(fh, Loader=_SAFE_LOADER)
    return parse_term_dates(spec, source=str(path))
