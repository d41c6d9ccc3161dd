"""Which academic years and terms an exclusions report can show, and year-on-year change.

A rate needs the January census of its academic year (DfE: per 100 pupils of the January census
headcount; DOMAIN.md "Publishing conventions"), and a period still running at the report date is
not comparable with a whole one. So a report shows the years (and month-based terms, see
``metrics.exclusions``) that have a census and ended on or before the period end; the rest are
listed so the report can say what was left out.
"""
from __future__ import annotations

import pandas as pd

from .exclusions import period_start

TERM_NAMES = {"AUT": "Autumn", "SPR": "Spring", "SUM": "Summer"}


def year_end(academic_year: pd.Series) -> pd.Series:
    """31 August at the end of each academic year label ("2024/25" -> 2025-08-31)."""
    first = academic_year.astype(str).str[:4].astype(int)
    return pd.to_datetime((first + 1).astype(str) + "-08-31")


def complete_years(census: pd.DataFrame, period_end) -> list[str]:
    """Academic years with a January census that ended on or before ``period_end``, oldest first."""
    years = pd.Series(sorted(census["academic_year"].astype(str).unique()))
    return years[year_end(years) <= pd.Timestamp(period_end)].tolist()


def term_end(academic_year: pd.Series, term: pd.Series) -> pd.Series:
    """Last day of each month-based term (Autumn 31 Dec, Spring 30 Apr, Summer 31 Aug)."""
    order = ["AUT", "SPR", "SUM"]
    nxt = term.map(lambda t: order[(order.index(t) + 1) % 3])
    start_next = period_start(academic_year, nxt)
    rolls = term == "SUM"  # the term after Summer is next year's Autumn
    start_next = start_next.where(~rolls, start_next + pd.DateOffset(years=1))
    return start_next - pd.Timedelta(days=1)


def complete_terms(series: pd.DataFrame, years: list[str], period_end) -> pd.DataFrame:
    """Rows of a termly series (academic_year, term, ...) in ``years`` whose term ended by
    ``period_end``, with a ``label`` such as "Autumn 2024/25"."""
    done = series["academic_year"].isin(years) & (term_end(series["academic_year"], series["term"])
                                                   <= pd.Timestamp(period_end))
    out = series[done].reset_index(drop=True)
    return out.assign(label=term_label(out["academic_year"], out["term"]))


def term_label(academic_year: pd.Series, term: pd.Series) -> pd.Series:
    """"Autumn 2024/25" for ("2024/25", "AUT")."""
    return term.map(TERM_NAMES) + " " + academic_year.astype(str)


def with_change(frame: pd.DataFrame, rates: dict[str, str], suppress_below: int) -> pd.DataFrame:
    """``frame`` (one row per year, oldest first) with ``<rate>_change``: this year's rate minus last
    year's, for each {rate column: count column}. The change is left blank (NaN) where either
    year's count is 1 to ``suppress_below - 1``: with the other year's rate it would reveal the
    hidden one (DOMAIN.md, small numbers)."""
    out = frame.copy()
    for rate, count in rates.items():
        small = (out[count] > 0) & (out[count] < suppress_below)
        change = out[rate].diff()
        out[f"{rate}_change"] = change.where(~small & ~small.shift(1, fill_value=False))
    return out


__all__ = ["TERM_NAMES", "year_end", "complete_years", "term_end", "complete_terms",
           "term_label", "with_change"]
