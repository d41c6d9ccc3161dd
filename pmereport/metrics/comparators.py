"""Published comparators: the LA beside England, its region and its statistical neighbours, over time.

Board papers compare every figure with England, the region and statistical neighbours where DfE
publishes one (DOMAIN.md, "Who reads what"). This works on any file read by
:func:`pmereport.io.published.read_published`, EES or the older layout, and carries DfE's symbols
(``c``, ``x``, ``low``, ...) through beside the missing value. The statistical neighbour mean is the
simple mean of the neighbours with a number, as DfE's LAIT shows it.
"""
from __future__ import annotations

import difflib
from typing import Sequence

import pandas as pd

from ..io.published import PublishedTable, time_period_label

ROLES = ["Local authority", "Region", "England", "Statistical neighbour", "Statistical neighbours (mean)"]
LA_KEYS = ["la_name", "new_la_code", "old_la_code"]


def _text(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip().str.lower()


def _la_mask(data: pd.DataFrame, la: str, path) -> pd.Series:
    """LA rows matching a name or an old (3-digit) or new (E06...) code, case-insensitive."""
    is_la = data["geographic_level"] == "Local authority"
    key = str(la).strip().lower()
    for column in LA_KEYS:
        if column in data:
            mask = is_la & (_text(data[column]) == key)
            if mask.any():
                return mask
    names = sorted(data.loc[is_la, "la_name"].dropna().unique()) if "la_name" in data else []
    close = difflib.get_close_matches(str(la), names, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise ValueError(f"{path}: no local authority '{la}' (by name, old or new LA code){hint}")


def _area_name(rows: pd.DataFrame) -> pd.Series:
    """Area name per row: la_name for LAs and, in the older layout, for regions and England too."""
    name = rows["la_name"] if "la_name" in rows else pd.Series("", index=rows.index)
    name = name.where(name.astype(str).str.strip() != "", None)
    for column, level in [("region_name", "Regional"), ("country_name", "National")]:
        if column in rows:
            at_level = rows["geographic_level"] == level
            name = name.where(~at_level, rows[column])
    return name


def _area_code(rows: pd.DataFrame) -> pd.Series:
    code = pd.Series("", index=rows.index, dtype=object)
    levels = [("new_la_code", "Local authority"), ("region_code", "Regional"), ("country_code", "National")]
    for column, level in levels:
        if column in rows:
            code = code.where(rows["geographic_level"] != level, rows[column].astype(str))
    return code


def _region_of(table: PublishedTable, la_rows: pd.DataFrame, region: str | None) -> str:
    if region is not None:
        return region
    if "region_name" in la_rows:
        names = la_rows["region_name"].astype(str).str.strip()
        names = names[names != ""].unique()
        if len(names) == 1:
            return names[0]
    raise ValueError(f"{table.path}: the file does not say which region the LA is in (no region_name); "
                     "pass region=... (e.g. 'East Midlands')")


def _apply_filters(table: PublishedTable, filters: dict) -> pd.Series:
    data = table.data
    mask = pd.Series(True, index=data.index)
    for column, value in filters.items():
        if column not in data:
            raise ValueError(f"{table.path}: no column '{column}' to filter on")
        mask &= data[column].astype(str).str.strip() == str(value)
    return mask


def _check_one_row_per_area_and_period(rows: pd.DataFrame, table: PublishedTable, filters: dict):
    keys = ["time_period", "time_identifier", "geographic_level", "_area"]
    keys = [k for k in keys if k in rows]
    duplicated = rows.duplicated(keys, keep=False)
    if duplicated.any():
        free = [f for f in table.filters if f not in filters and rows.loc[duplicated, f].nunique() > 1]
        choices = {f: sorted(rows[f].astype(str).unique())[:8] for f in free}
        raise ValueError(f"{table.path}: several rows per area and period; choose filters= among {choices}")


def compare_areas(table: PublishedTable, indicator: str, la: str, neighbours: Sequence[str] = (),
                  region: str | None = None, filters: dict | None = None,
                  neighbour_mean: bool = True) -> pd.DataFrame:
    """The LA's ``indicator`` over time beside England, its region and ``neighbours`` (names or codes).

    ``filters``: column=value for the table's filter columns (e.g. {"school_type": "Total"}); every
    filter that varies must be fixed, or a ValueError lists the choices. ``region``: needed for the
    older layout (no region column), taken from the file otherwise.
    Columns: time_period, period (e.g. "2016/17"), role, area, code, value (NaN where DfE printed a
    symbol), symbol (the symbol, else None), areas (1, or the neighbours averaged). Sorted by period
    then role in the order LA, region, England, neighbours, neighbour mean.
    """
    if indicator not in table.indicators:
        raise ValueError(f"{table.path}: '{indicator}' is not an indicator here; indicators: {table.indicators}")
    filters = dict(filters or {})
    data = table.data
    base = _apply_filters(table, filters)
    la_rows = data[base & _la_mask(data, la, table.path)]
    if la_rows.empty:
        raise ValueError(f"{table.path}: no rows for '{la}' with filters {filters}")
    region = _region_of(table, la_rows, region)
    names = _area_name(data)
    region_mask = (data["geographic_level"] == "Regional") & (_text(names) == region.strip().lower())
    if not (base & region_mask).any():
        raise ValueError(f"{table.path}: no regional rows for '{region}' with filters {filters}")
    parts = [(la_rows.index, "Local authority"), (data.index[base & region_mask], "Region"),
             (data.index[base & (data["geographic_level"] == "National")], "England")]
    for neighbour in neighbours:
        parts.append((data.index[base & _la_mask(data, neighbour, table.path)], "Statistical neighbour"))
    frames = []
    for index, role in parts:
        rows = data.loc[index]
        frames.append(pd.DataFrame({
            "time_period": rows["time_period"].values,
            "time_identifier": rows["time_identifier"].values if "time_identifier" in rows else None,
            "geographic_level": rows["geographic_level"].values,
            "period": [time_period_label(t) for t in rows["time_period"]], "role": role,
            "_area": names.loc[index].values, "code": _area_code(rows).values,
            "value": rows[indicator].values, "symbol": table.symbols.loc[index, indicator].values,
            **{f: rows[f].values for f in table.filters}}))
    out = pd.concat(frames, ignore_index=True)
    if "time_identifier" in out and out["time_identifier"].isna().all():
        out = out.drop(columns="time_identifier")
    _check_one_row_per_area_and_period(out.drop_duplicates(), table, filters)
    out = out.drop_duplicates().rename(columns={"_area": "area"}).drop(columns=["geographic_level"] + table.filters)
    out["symbol"] = out["symbol"].where(out["symbol"].notna(), None)
    out["areas"] = 1
    if neighbour_mean and len(neighbours):
        out = pd.concat([out, _neighbour_mean(out)], ignore_index=True)
    out["_role"] = out["role"].map({r: i for i, r in enumerate(ROLES)})
    out = out.sort_values(["time_period", "_role", "area"], kind="stable").drop(columns="_role")
    return out.reset_index(drop=True)


def _neighbour_mean(out: pd.DataFrame) -> pd.DataFrame:
    keys = [k for k in ["time_period", "time_identifier", "period"] if k in out]
    sn = out[out["role"] == "Statistical neighbour"]
    mean = sn.groupby(keys, as_index=False).agg(value=("value", "mean"), areas=("value", "count"))
    mean["role"], mean["area"] = "Statistical neighbours (mean)", "Statistical neighbours"
    mean["code"], mean["symbol"] = "", None
    return mean
