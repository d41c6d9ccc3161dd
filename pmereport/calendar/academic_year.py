"""Academic years in England: 1 September to 31 August, labelled like ``2024/25``."""
from __future__ import annotations

import re

import pandas as pd

ACADEMIC_YEAR_LABEL = re.compile(r"^(\d{4})/(\d{2})$")


def academic_year_start(date) -> int:
    """The calendar year in which the academic year containing ``date`` starts: 31 August 2025 -> 2024,
    1 September 2025 -> 2025."""
    date = pd.Timestamp(date)
    return date.year if date.month >= 9 else date.year - 1


def academic_year_starts(dates) -> pd.Series:
    """Vectorised :func:`academic_year_start` (nullable integers; blank dates stay blank)."""
    dates = pd.to_datetime(pd.Series(dates))
    return (dates.dt.year - (dates.dt.month < 9)).astype("Int64")


def academic_year_label(first: int) -> str:
    """The label of the academic year starting in September of ``first``: 2024 -> ``2024/25``."""
    return f"{first}/{(first + 1) % 100:02d}"


def academic_year_of(date) -> str:
    """The academic year a date falls in: 31 August 2025 is in 2024/25, 1 September 2025 in 2025/26."""
    return academic_year_label(academic_year_start(date))


def academic_years_of(dates: pd.Series) -> pd.Series:
    """Vectorised :func:`academic_year_of` (blank dates stay blank)."""
    first = academic_year_starts(dates)
    label = first.astype(str) + "/" + ((first + 1) % 100).astype(str).str.zfill(2)
    return label.where(first.notna())


def academic_year_bounds(label: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day (1 September, 31 August) of an academic year such as ``2024/25``."""
    match = ACADEMIC_YEAR_LABEL.match(str(label))
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"not an academic year label like 2024/25: {label!r}")
    first = int(match.group(1))
    return pd.Timestamp(first, 9, 1), pd.Timestamp(first + 1, 8, 31)
