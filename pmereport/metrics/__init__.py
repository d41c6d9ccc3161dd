"""Cohort, flow, duration, reason, provision, attendance and trigger measures."""
