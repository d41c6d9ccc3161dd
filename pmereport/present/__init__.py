"""Presentation: one house style for charts, DfE rounding and disclosure control, report tables."""
