"""Rounding as DfE publishes: half away from zero ("half up"), never Python's banker's rounding.

Python's ``round(2.5)`` gives 2 and ``round(0.125, 2)`` gives 0.12 (binary floats and round-half-
even); DfE statistics round 2.5 to 3 and 0.125 to 0.13 (DOMAIN.md, "Publishing conventions").
Values go through ``Decimal(str(x))`` so that the decimal text a person sees is what is rounded.
A utility below every layer: metrics (shares in sentences) and present (tables) both use it.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value, decimals: int = 0):
    """Round ``value`` to ``decimals`` places, halves away from zero: 2.5 -> 3, -2.5 -> -3,
    0.125 (2 dp) -> 0.13. Returns an int when ``decimals`` is 0, else a float; None/NaN pass through.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return value
    try:
        if value != value:  # pandas NA-like
            return value
    except TypeError:  # pd.NA cannot be compared
        return value
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return int(rounded) if decimals == 0 else float(rounded)


def percent_half_up(share: float) -> int:
    """A share as a whole percentage, rounded half up: 0.125 -> 13, 0.285 -> 29."""
    # round to 9 places first so that float noise (0.285 * 100 = 28.499999999999996) is not
    # mistaken for a value below the half
    return round_half_up(round(float(share) * 100, 9))


def format_number(value, decimals: int = 0) -> str:
    """Half-up rounded, with thousands separators: 12345.65 (1 dp) -> '12,345.7'."""
    return f"{round_half_up(value, decimals):,.{decimals}f}"
