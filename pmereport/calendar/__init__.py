"""Academic years, terms and school days (term dates and bank holidays are parameters, not code)."""
from .academic_year import (academic_year_bounds, academic_year_label, academic_year_of, academic_year_start,
                            academic_year_starts, academic_years_of)
from .school_calendar import OutsideTermsError, SchoolCalendar, Window, load_calendar
from .terms import Term, TermDates, TermDatesError, parse_term_dates, read_term_dates

__all__ = ["academic_year_bounds", "academic_year_label", "academic_year_of", "academic_year_start",
           "academic_year_starts", "academic_years_of", "OutsideTermsError", "SchoolCalendar", "Window",
           "load_calendar", "Term", "TermDates", "TermDatesError", "parse_term_dates", "read_term_dates"]
