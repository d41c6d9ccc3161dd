"""Write extracts byte-for-byte reproducibly: CSV with fixed formatting, Excel with fixed metadata.

openpyxl stamps the save time into ``docProps/core.xml`` and every zip entry's date, so two runs
with the same seed would differ. ``write_xlsx`` rewrites the workbook's zip with a fixed timestamp
(the data's end date) so that the same seed gives identical bytes (checked by sha256 in the tests).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from ..contract.extracts import EXTRACTS
from ..io.xlsx import reproducible_xlsx


def _in_contract_order(df: pd.DataFrame, extract: str) -> pd.DataFrame:
    columns = EXTRACTS[extract].columns
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{extract}: generator produced no column(s) {missing}")
    return df[columns]


def write_csv(df: pd.DataFrame, path: Path, extract: str) -> int:
    """Write ``df`` as UTF-8 CSV in the contract's column order; returns the rows written."""
    df = _in_contract_order(df, extract)
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return len(df)


def _cell(value):
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def write_xlsx(df: pd.DataFrame, path: Path, extract: str, stamp: dt.date, sheet: str = "return") -> int:
    """Write ``df`` as a one-sheet workbook (header row, then data), reproducibly."""
    df = _in_contract_order(df, extract)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(list(df.columns))
    for row in df.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    fixed = dt.datetime(stamp.year, stamp.month, stamp.day)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "pmereport.synth"
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(reproducible_xlsx(buffer.getvalue(), fixed, entry_date=fixed.timetuple()[:6]))
    return len(df)


def sha256(path: Path) -> str:
    """Hex digest of a file (used by the tests and the summary)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
