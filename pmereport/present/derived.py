"""Suppressing figures that derive from more than one count (DOMAIN.md, "Publishing conventions").

``present.tables.prepare_table(derived=...)`` hides a share where its ONE count is hidden. A change
between two periods, or a test's p-value, comes from two counts: knowing it and one of them gives
the other. ``suppress_with_dependents`` applies the usual primary and secondary suppression to the
count columns, then hides each dependent figure wherever ANY of the counts it comes from is hidden.
The result can go straight to ``publish_table``: cells already ``c`` stay ``c``.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import pandas as pd

from .suppression import DEFAULT_SUPPRESS_BELOW, SUPPRESSED, suppress


def suppress_with_dependents(frame: pd.DataFrame, counts: Sequence[str], *,
                             depends_on: Mapping[str, Sequence[str]],
                             suppress_below: int = DEFAULT_SUPPRESS_BELOW, lines: str = "both") -> pd.DataFrame:
    """``frame`` with small counts suppressed (``suppression.suppress``) and each column of
    ``depends_on`` ({column: [count columns it is computed from]}) shown as ``c`` in every row
    where one of those counts is ``c``."""
    out = suppress(frame, list(counts), suppress_below=suppress_below, lines=lines)
    for column, sources in depends_on.items():
        missing = [c for c in [column, *sources] if c not in out.columns]
        if missing:
            raise KeyError(f"suppress_with_dependents: no column(s) {missing}")
        hidden = pd.concat([out[c].astype(object) == SUPPRESSED for c in sources], axis=1).any(axis=1)
        out[column] = out[column].astype(object).where(~hidden, SUPPRESSED)
    return out


__all__ = ["suppress_with_dependents"]
