"""Turn text cells into typed columns, marking every cell that does not parse.

Phase one of validation: pandera (phase two) checks typed data, so a cell that is not a date or a
number must be caught here, with its original text, before the checks run. Text work uses
Arrow-backed strings, which keeps a county-sized extract (hundreds of thousands of rows) fast.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .spec import Field

BLANK_WORDS = ["", "na", "n/a", "null", "none", "nan"]
TEXT = "string[pyarrow]"
# Symbols that DfE statistics put in place of a number (explore-education-statistics guidance:
# c confidential/suppressed, x not available, z not applicable, u low reliability, low and ~
# a positive figure that rounds to 0, ":" and ".." not available). They belong in published
# tables, never in a pupil-level extract.
DFE_SYMBOLS = ["c", "x", "z", "u", "low", "~", ":", ".."]


def _as_text(raw: pd.Series) -> pd.Series:
    """Cells as trimmed Arrow strings; Excel numbers that are whole print without '.0'."""
    if pd.api.types.infer_dtype(raw, skipna=True) not in ("string", "empty"):
        raw = raw.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else v, na_action="ignore")
        raw = raw.map(lambda v: v if isinstance(v, str) else str(v), na_action="ignore")
    return raw.astype(TEXT).str.strip()


def is_blank(text: pd.Series) -> pd.Series:
    """Blank cells: missing, empty or whitespace, or a conventional null word (NA, null...)."""
    return text.isna() | text.str.lower().isin(BLANK_WORDS).fillna(True).astype(bool)


def _parse_dates(raw: pd.Series, text: pd.Series) -> pd.Series:
    """ISO dates (2024-09-30), UK dates (30/09/2024) and Excel date cells."""
    out = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    missing = out.isna() & text.notna()
    if missing.any():
        out[missing] = pd.to_datetime(text[missing], format="%d/%m/%Y", errors="coerce")
    if raw.dtype == object:
        is_dt = raw.map(lambda v: isinstance(v, (dt.date, pd.Timestamp)))
        if is_dt.any():
            out[is_dt] = pd.to_datetime(raw[is_dt].map(lambda v: pd.Timestamp(v).normalize()))
    return out.astype("datetime64[ns]")


def _parse_months(raw: pd.Series, text: pd.Series) -> pd.Series:
    """A month as 2024-09, or any date within it; returned as the first of the month."""
    month = pd.to_datetime(text, format="%Y-%m", errors="coerce")
    missing = month.isna() & text.notna()
    if missing.any():
        month[missing] = _parse_dates(raw[missing], text[missing])
    return month.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")


def _to_float(text: pd.Series) -> pd.Series:
    """Text to float64, NaN where a cell is not a number. Fast path: one Arrow cast of the whole
    column, which succeeds when every cell is a plain number (the usual extract); any cell it
    refuses (a thousands comma, a DfE symbol, a typo) sends the column to pandas, cell by cell."""
    if text.dtype == TEXT:
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            cast = pc.cast(text.array.__arrow_array__(), pa.float64())
            return pd.Series(cast.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce").astype("float64")


def _parse_numbers(text: pd.Series, integer: bool) -> pd.Series:
    num = _to_float(text)
    if integer:
        whole = ~np.isnan(num) & np.isclose(np.nan_to_num(num) % 1, 0)
        return num.where(whole).astype("Int64")
    return num.astype("Float64")


def parse_field(raw: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    """Parse one column. Returns (typed values, mask of cells that were not blank but did not parse)."""
    text = _as_text(raw)
    blank = is_blank(text)
    text = text.where(~blank)
    if field.type == "date":
        typed = _parse_dates(raw, text)
    elif field.type == "month":
        typed = _parse_months(raw, text)
    elif field.type in ("int", "float"):
        typed = _parse_numbers(text, integer=field.type == "int")
    else:
        typed = text.str.upper() if field.type == "code" else text
        typed = typed.astype("string")
    typed = typed.where(~blank)
    failed = ~blank & typed.isna()
    return typed, failed


def is_dfe_symbol(raw: pd.Series) -> pd.Series:
    """Cells that hold a DfE suppression or "not available" symbol instead of a number."""
    return _as_text(raw).str.lower().isin(DFE_SYMBOLS).fillna(False).astype(bool)
