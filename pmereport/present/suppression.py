"""Disclosure control for anything that leaves the team (DOMAIN.md, "Publishing conventions").

The rule, as a board paper states it:

* **Primary suppression.** A count of 1 to ``suppress_below - 1`` (default 1 to 4) is shown as
  ``c``. A zero is shown as 0: it is not a small group of people and reveals no one.
* **Secondary suppression.** A suppressed count must not be recoverable by subtraction from its
  row or column total (shown or not: totals are treated as known). So in every row and every
  column of the count cells, if exactly one cell is suppressed, the next smallest non-zero count
  of that row or column (a total cell included) is suppressed too. This repeats until no row or
  column has a single suppressed cell.
* **Derived figures.** A share or percentage computed from a suppressed count is suppressed too,
  and when the total (the denominator) is suppressed so are all its shares, since a count and
  its share give the total (``present.tables.prepare_table``).
* **Linked tables.** A count that another table of the same report suppresses (e.g. the PME
  caseload, which is also the total of the PME reasons table) is suppressed here too (``hide``),
  and secondary suppression then protects it as it would any suppressed cell.

DfE symbols (DfE "Symbols and conventions" in EES, as listed in DOMAIN.md): ``c`` confidential
(suppressed), ``low`` non-zero but rounds to 0, ``x`` not available, ``z`` not applicable,
``u`` low reliability.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import pandas as pd

SUPPRESSED = "c"
LOW = "low"
NOT_AVAILABLE = "x"
NOT_APPLICABLE = "z"
LOW_RELIABILITY = "u"
SYMBOLS = {
    SUPPRESSED: "confidential: a small number suppressed to protect individuals",
    LOW: "a non-zero figure that rounds to 0",
    NOT_AVAILABLE: "not available",
    NOT_APPLICABLE: "not applicable",
    LOW_RELIABILITY: "low reliability",
}
DEFAULT_SUPPRESS_BELOW = 5


def _as_float(counts: pd.DataFrame) -> pd.DataFrame:
    """Numbers as float (missing values and symbol text become NaN), whatever the input dtype."""
    return counts.apply(pd.to_numeric, errors="coerce").astype(float)


def primary_mask(counts: pd.DataFrame, suppress_below: int = DEFAULT_SUPPRESS_BELOW) -> pd.DataFrame:
    """True where a count is small enough to identify someone: 0 < count < ``suppress_below``."""
    values = _as_float(counts)
    return (values > 0) & (values < suppress_below)  # NaN (missing, or a symbol already) is False


LINES = ("both", "rows", "columns")


def _lines(shape: tuple[int, int], lines: str) -> Iterable[list[tuple[int, int]]]:
    if lines not in LINES:
        raise ValueError(f"lines must be one of {LINES}, not {lines!r}")
    rows, cols = shape
    if lines in ("both", "rows"):
        for i in range(rows):
            yield [(i, j) for j in range(cols)]
    if lines in ("both", "columns"):
        for j in range(cols):
            yield [(i, j) for i in range(rows)]


def secondary_mask(counts: pd.DataFrame, mask: pd.DataFrame, lines: str = "both") -> pd.DataFrame:
    """Extend ``mask`` so that no row or column of ``counts`` has exactly one suppressed cell.

    The complement is the smallest non-zero unsuppressed count in that line (ties: the first).
    A line of one cell has no total to subtract from and needs nothing. ``lines="rows"`` checks
    rows only: for a time series (one row per month, a total column) whose column sums mean
    nothing and are never published; ``"columns"`` likewise.
    """
    values = _as_float(counts).to_numpy()
    hidden = mask.to_numpy(dtype=bool).copy()  # plain booleans: primary_mask never gives NA
    changed = True
    while changed:
        changed = False
        for line in _lines(values.shape, lines):
            if len(line) < 2 or sum(hidden[c] for c in line) != 1:
                continue
            candidates = [c for c in line if not hidden[c] and values[c] > 0]
            if not candidates:
                continue  # the rest are zeros: nothing left that could hide it
            smallest = min(candidates, key=lambda c: values[c])
            hidden[smallest] = True
            changed = True
    return pd.DataFrame(hidden, index=counts.index, columns=counts.columns)


def suppress(table: pd.DataFrame, counts: Sequence[str], *, derived: Mapping[str, str] | None = None,
             suppress_below: int = DEFAULT_SUPPRESS_BELOW, lines: str = "both",
             hide: Mapping[str, Sequence[int]] | None = None) -> pd.DataFrame:
    """``table`` with small counts (and what would reveal them) replaced by ``c``.

    ``counts`` names the count columns: together they are the grid (rows x columns, totals
    included) to which primary and secondary suppression apply. ``derived`` maps each share or
    percentage column to the count column it was computed from; it is suppressed where that
    count is. ``lines`` says which totals are known (see ``secondary_mask``). ``hide`` forces
    cells to be suppressed: {count column: row positions} (linked tables). Other columns
    (labels, published comparators) are left alone. The result has
    object dtype in the columns touched, so numbers and symbols can sit together.
    """
    counts = list(counts)
    missing = [c for c in counts + list((derived or {}).keys()) + list((derived or {}).values())
               if c not in table.columns]
    if missing:
        raise KeyError(f"suppress: no column(s) {missing} in the table (columns: {list(table.columns)})")
    grid = table[counts]
    first = primary_mask(grid, suppress_below)
    for column, positions in (hide or {}).items():
        if column not in counts:
            raise KeyError(f"suppress: hide names {column!r}, which is not a count column {counts}")
        for i in positions:
            first.iloc[i, first.columns.get_loc(column)] = True
    mask = secondary_mask(grid, first, lines) if counts else grid.astype(bool)
    out = table.copy()
    for column in counts:
        out[column] = out[column].astype(object).where(~mask[column], SUPPRESSED)
    for share, count in (derived or {}).items():
        out[share] = out[share].astype(object).where(~mask[count], SUPPRESSED)
    return out


def is_symbol(value) -> bool:
    """True for a DfE symbol cell (``c``, ``low``, ``x``, ``z``, ``u``)."""
    return isinstance(value, str) and value in SYMBOLS


__all__ = ["SUPPRESSED", "LOW", "NOT_AVAILABLE", "NOT_APPLICABLE", "LOW_RELIABILITY", "SYMBOLS",
           "DEFAULT_SUPPRESS_BELOW", "primary_mask", "secondary_mask", "suppress", "is_symbol"]
