"""Turn text cells into typed columns, marking every cell that does not parse.

Phase one of validation: pandera (phase two) checks typed data, so a cell that is not a date or a
number must be caught here, with its original text, before the checks run.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .spec import Field

TRUE_BLANKS = {"", "na", "n/a", "null", "none", "nan"}


def is_blank(raw: pd.Series) -> pd.Series:
    """Blank cells: missing, empty or whitespace, or a conventional null word (NA, null...)."""
    text = raw.astype("string").str.strip().str.lower()
    return raw.isna() | text.isin(TRUE_BLANKS).fillna(True)


def _parse_dates(raw: pd.Series) -> pd.Series:
    """ISO dates (2024-09-30), UK dates (30/09/2024) and Excel date cells."""
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    is_dt = raw.map(lambda v: isinstance(v, (dt.date, pd.Timestamp)))
    if is_dt.any():
        out[is_dt] = pd.to_datetime(raw[is_dt].map(lambda v: pd.Timestamp(v).normalize()))
    text = raw[~is_dt].astype("string").str.strip()
    iso = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    out[~is_dt] = iso.fillna(uk)
    return out


def _parse_months(raw: pd.Series) -> pd.Series:
    """A month as 2024-09, or any date within it; returned as the first of the month."""
    text = raw.astype("string").str.strip()
    month = pd.to_datetime(text, format="%Y-%m", errors="coerce")
    as_date = _parse_dates(raw)
    return month.fillna(as_date).dt.to_period("M").dt.to_timestamp()


def _parse_numbers(raw: pd.Series, integer: bool) -> pd.Series:
    text = raw.astype("string").str.strip().str.replace(",", "", regex=False)
    num = pd.to_numeric(text, errors="coerce")
    if integer:
        whole = num.notna() & np.isclose(num.fillna(0) % 1, 0)
        num = num.where(whole)
        return num.astype("Int64")
    return num.astype("Float64")


def parse_field(raw: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    """Parse one column. Returns (typed values, mask of cells that were not blank but did not parse)."""
    blank = is_blank(raw)
    if field.type == "date":
        typed = _parse_dates(raw)
    elif field.type == "month":
        typed = _parse_months(raw)
    elif field.type in ("int", "float"):
        typed = _parse_numbers(raw, integer=field.type == "int")
    else:  # str and code: text, trimmed; Excel numbers that are whole print without ".0"
        typed = raw.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else v)
        typed = typed.astype("string").str.strip()
        if field.type == "code":
            typed = typed.str.upper()
    typed = typed.where(~blank)
    failed = ~blank & typed.isna()
    return typed, failed
