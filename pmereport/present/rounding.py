"""Half-up rounding for presentation: re-exported from :mod:`pmereport.rounding` (one implementation)."""
from ..rounding import format_number, percent_half_up, round_half_up

__all__ = ["format_number", "percent_half_up", "round_half_up"]
