"""Funnel plots by group of schools: primary, secondary and special schools suspend at very
different rates, so each group is compared with its own overall rate (one funnel per group),
not with a county-wide rate that every secondary school would exceed (Spiegelhalter 2005: compare
like with like). A group with too few schools for limits (and an overdispersion estimate) is
listed as skipped, not plotted.
"""
from __future__ import annotations

import pandas as pd

from .funnel import FunnelResult, funnel, units_above


def funnels_by_group(frame: pd.DataFrame, groups: dict, column: str, events: str, size: str,
                     min_units: int = 5, **funnel_options) -> tuple[dict[str, FunnelResult], list[str]]:
    """One :func:`models.funnel.funnel` per group: ``groups`` maps a group name to the codes of
    ``column`` it covers (e.g. {"Secondary": ["SEC", "ALL"]}). Returns ({name: result}, skipped), where
    skipped says which groups had fewer than ``min_units`` units."""
    results, skipped = {}, []
    for name, codes in groups.items():
        rows = frame[frame[column].isin(list(codes))]
        if len(rows) < min_units:
            skipped.append(f"{name}: {len(rows)} school{'s' if len(rows) != 1 else ''}, fewer than {min_units}, "
                           "so no funnel")
            continue
        results[name] = funnel(rows, events, size, **funnel_options)
    return results, skipped


def units_above_by_group(results: dict[str, FunnelResult], level: float = 0.95) -> pd.DataFrame:
    """Units above the upper limit at ``level`` in every group's funnel (highest z first within a
    group): ``models.funnel.units_above`` columns with ``group`` first."""
    frames = [units_above(result, level).assign(group=name) for name, result in results.items()]
    if not frames:
        return pd.DataFrame(columns=["group", "unit", "events", "size", "rate", "z", "position"])
    out = pd.concat(frames, ignore_index=True)
    return out[["group", *[c for c in out.columns if c != "group"]]]
