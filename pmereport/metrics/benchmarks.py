"""Published figures beside the LA's own: England for the same year where DfE published one, and a
published LA's yearly counts ready for a trend model.

Board papers compare every figure with England where one is published (DOMAIN.md, "Who reads
what"). A published file covers the years it covers: when the LA's years and the file's years do
not overlap, the honest comparison is with the latest published year, labelled as such, never a
figure silently matched to a different year.
"""
from __future__ import annotations

import pandas as pd

from ..io.published import PublishedTable, time_period_label


def _national(table: PublishedTable, indicator: str, filters: dict | None) -> pd.DataFrame:
    if indicator not in table.indicators:
        raise ValueError(f"{table.path}: '{indicator}' is not an indicator here; indicators: {table.indicators}")
    rows = table.rows("National", **(filters or {}))
    if rows.empty:
        raise ValueError(f"{table.path}: no national rows with filters {filters or {}}")
    out = pd.DataFrame({"academic_year": [time_period_label(t) for t in rows["time_period"]],
                        "england": rows[indicator].values})
    if out["academic_year"].duplicated().any():
        raise ValueError(f"{table.path}: several national rows per year; fix the filters (given: {filters or {}})")
    return out.sort_values("academic_year").reset_index(drop=True)


def england_benchmark(la: pd.DataFrame, value: str, table: PublishedTable, indicator: str,
                      filters: dict | None = None) -> tuple[pd.DataFrame, bool]:
    """The LA's ``value`` per academic year beside England's published ``indicator``.

    ``la``: one row per academic year (column ``academic_year``, "2024/25"). Returns (frame, overlap).
    If any year is in both, the frame has those years: academic_year, la, england, england_year
    (the same year). If none is, it has the LA's latest year beside England's latest published year
    (england_year says which) and overlap is False: the caller must say the years differ.
    """
    england = _national(table, indicator, filters)
    mine = la[["academic_year", value]].rename(columns={value: "la"})
    both = mine.merge(england, on="academic_year", how="inner")
    if not both.empty:
        return both.assign(england_year=both["academic_year"]).reset_index(drop=True), True
    latest_la = mine.sort_values("academic_year").iloc[[-1]].reset_index(drop=True)
    latest_england = england.iloc[-1]
    out = latest_la.assign(england=latest_england["england"], england_year=latest_england["academic_year"])
    return out, False


def wide_comparison(frame: pd.DataFrame) -> pd.DataFrame:
    """``compare_areas`` output as one row per period and one column per area (LA first, then region,
    England, the neighbours' mean, then each neighbour), for a report table."""
    order = list(dict.fromkeys(frame.sort_values("role", key=lambda s: s.map(_ROLE_ORDER), kind="stable")["area"]))
    wide = frame.pivot_table(index="period", columns="area", values="value", aggfunc="first", dropna=False)
    return wide.reindex(columns=order).reset_index().rename_axis(columns=None)


_ROLE_ORDER = {"Local authority": 0, "Region": 1, "England": 2, "Statistical neighbours (mean)": 3,
               "Statistical neighbour": 4}


def published_counts(table: PublishedTable, la: str, count: str, headcount: str = "headcount",
                     filters: dict | None = None) -> pd.DataFrame:
    """One LA's yearly ``count`` and ``headcount`` from a published file, oldest first: columns
    academic_year, count, headcount (for ``models.trends.fit_trend`` with a headcount offset).
    Years where DfE printed a symbol instead of either number are left out, and listed in
    ``attrs["dropped"]``."""
    for column in (count, headcount):
        if column not in table.indicators:
            raise ValueError(f"{table.path}: '{column}' is not an indicator here; indicators: {table.indicators}")
    rows = table.rows("Local authority", la_name=la, **(filters or {}))
    if rows.empty:
        raise ValueError(f"{table.path}: no rows for local authority '{la}' with filters {filters or {}}")
    out = pd.DataFrame({"academic_year": [time_period_label(t) for t in rows["time_period"]],
                        "count": rows[count].values, "headcount": rows[headcount].values})
    if out["academic_year"].duplicated().any():
        raise ValueError(f"{table.path}: several rows per year for '{la}'; fix the filters (given: {filters or {}})")
    missing = out["count"].isna() | out["headcount"].isna()
    result = out[~missing].sort_values("academic_year").reset_index(drop=True)
    result["count"] = result["count"].astype(int)
    result.attrs["dropped"] = out.loc[missing, "academic_year"].tolist()
    return result


def side_by_side(frames: dict, period: str, roles=("Local authority", "Statistical neighbour")) -> pd.DataFrame:
    """One period of several ``compare_areas`` frames ({column name: frame}) as one row per area
    (the LA and its neighbours by default), one column per indicator, in the first frame's order:
    columns area, role, then the names given."""
    out = None
    for name, frame in frames.items():
        rows = frame[(frame["period"] == period) & frame["role"].isin(roles)][["area", "role", "value"]]
        rows = rows.rename(columns={"value": name})
        out = rows if out is None else out.merge(rows, on=["area", "role"], how="outer", sort=False)
    if out is None or out.empty:
        raise ValueError(f"no rows for {period} in the comparison")
    return out.reset_index(drop=True)
