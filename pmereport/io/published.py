"""Read published DfE statistics (EES layout and the older DfE open-data layout).

Explore Education Statistics files have ``time_period``, ``time_identifier``, ``geographic_level``,
country/region/LA columns, then filter columns and indicator columns. Older files name the year
``year`` and the level ``level`` (e.g. "NATIONAL"). Indicators may carry DfE symbols instead of
numbers: ``c`` suppressed, ``low`` rounds to 0, ``x`` unavailable, ``z`` not applicable, ``u`` low
reliability, and ``.``, ``-``, ``NA`` in older files. Numbers are sometimes stored as text.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .readers import CSV_ENCODINGS, ReadError

DFE_SYMBOLS = {"c": "suppressed", "low": "rounds to 0", "x": "not available", "z": "not applicable",
               "u": "low reliability", ".": "not applicable", "-": "not available", "na": "not available",
               ":": "not available", "": "blank"}

# Columns that identify a row (time, place, filters) rather than measure something.
GEOGRAPHY_COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
                     "region_code", "region_name", "old_la_code", "new_la_code", "la_name"]
RENAMES = {"year": "time_period", "level": "geographic_level"}
LEVELS = {"national": "National", "regional": "Regional", "region": "Regional", "local authority": "Local authority",
          "la": "Local authority", "school": "School"}


@dataclass
class PublishedTable:
    """A published file: ``data`` with indicators as numbers (NaN where a symbol stood) and
    ``symbols`` giving the symbol text for each indicator cell that was not a number."""

    path: Path
    data: pd.DataFrame
    symbols: pd.DataFrame
    indicators: list[str]
    filters: list[str]

    def rows(self, level: str | None = None, **filters) -> pd.DataFrame:
        """Rows at a geographic level ("National", "Regional", "Local authority") matching filters
        given as column=value (e.g. ``school_type="Total"``, ``la_name="Leicestershire"``)."""
        mask = pd.Series(True, index=self.data.index)
        if level is not None:
            mask &= self.data["geographic_level"] == level
        for column, value in filters.items():
            mask &= self.data[column].astype(str) == str(value)
        return self.data[mask]


def time_period_label(time_period) -> str:
    """DfE time periods as people write them: 201617 -> "2016/17"; anything else (2025, 2024/25) as is."""
    text = str(time_period).strip()
    if len(text) == 6 and text.isdigit() and int(text[4:]) == (int(text[2:4]) + 1) % 100:
        return f"{text[:4]}/{text[4:]}"
    return text


def _read_text_frame(path: Path) -> pd.DataFrame:
    for encoding in CSV_ENCODINGS:
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(f"{path}: cannot decode as UTF-8 or Windows-1252")


def _numbers_or_symbols(text: pd.Series, number: pd.Series) -> bool:
    """True for an indicator column: every cell a number or a DfE symbol (even if mostly symbols)."""
    return bool((number.notna() | text.str.strip().str.lower().isin(DFE_SYMBOLS)).all())


def read_published(path: str | Path, filters: list[str] | None = None) -> PublishedTable:
    """Read a DfE published CSV of any layout. Filter columns are the non-geography columns that
    are mostly text other than DfE symbols (or those named in ``filters``); everything else is an
    indicator. A file with no level column and no LA or region column is national."""
    path = Path(path)
    raw = _read_text_frame(path)
    raw.columns = [c.strip().lower() for c in raw.columns]
    raw = raw.rename(columns={k: v for k, v in RENAMES.items() if v not in raw.columns})
    if "time_period" in raw and "geographic_level" not in raw and not {"la_name", "region_name"} & set(raw.columns):
        raw["geographic_level"] = "National"   # national-only summaries name no level (e.g. nat_summary.csv)
    if "time_period" not in raw or "geographic_level" not in raw:
        raise ReadError(f"{path}: not a DfE statistics file (needs time_period/year and geographic_level/level)")
    level = raw["geographic_level"]
    raw["geographic_level"] = level.str.strip().str.lower().map(LEVELS).fillna(level)
    raw["time_period"] = raw["time_period"].str.strip()
    candidates = [c for c in raw.columns if c not in GEOGRAPHY_COLUMNS]
    numbers = {c: pd.to_numeric(raw[c].str.strip().str.replace(",", "", regex=False), errors="coerce")
               for c in candidates}
    if filters is None:
        filters = [c for c in candidates
                   if numbers[c].notna().mean() < 0.5 and not _numbers_or_symbols(raw[c], numbers[c])]
    indicators = [c for c in candidates if c not in filters]
    data = raw[[c for c in raw.columns if c not in indicators]].copy()
    symbols = pd.DataFrame(index=raw.index)
    for c in indicators:
        data[c] = numbers[c]
        symbols[c] = raw[c].where(numbers[c].isna())
    return PublishedTable(path, data, symbols, indicators, filters)
