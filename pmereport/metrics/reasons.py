"""Reason breakdowns: counts and shares of the cohort by reason category."""
from __future__ import annotations

import pandas as pd

from ..contract.codes import REASON_CATEGORIES


def breakdown(cohort: pd.DataFrame, by: str = "reason", labels: dict | None = None) -> pd.DataFrame:
    """Count and share of ``cohort`` rows by ``by`` (default: the reason category of the PME group).

    Every category of ``labels`` appears, zero or not, in the labels' order; shares are of the total.
    """
    labels = REASON_CATEGORIES if labels is None and by == "reason" else labels
    counts = cohort[by].value_counts()
    order = list(labels) if labels else list(counts.index)
    out = pd.DataFrame({by: order, "count": [int(counts.get(k, 0)) for k in order]})
    if labels:
        out.insert(1, "label", [labels[k] for k in order])
    total = out["count"].sum()
    out["share"] = out["count"] / total if total else float("nan")
    return out
