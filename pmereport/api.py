"""The front door for analysts and notebooks: ``from pmereport import api as pme``.

One import gives the verbs a report is written with; each name is the library function of the same
name (see its module for the rule and its source):

    ds = pme.load("outputs/demo-data")                    # contract-validated extracts
    open_now = pme.open_on(ds.cases, "2026-10-31")        # who is open at the end of a day
    pme.breakdown_with_ci(open_now)                       # reasons with Wilson intervals
    pme.monthly_flows(ds.cases, "2025-11-01", "2026-10-31")
    cal = pme.load_calendar("parameters/terms/shire-county.yaml")
    ev = pme.evaluate(pme.frames_from(ds), cal, "2026-10-31", pme.resolve_thresholds(None))
    pme.trigger_counts(ev)                                # for boards; pme.exceptions(ev) is internal
    pme.counts_table(ev, "cases")                         # with thresholds used, by family of rules
"""
from __future__ import annotations

from .calendar import load_calendar
from .calendar.academic_year import academic_year_bounds, academic_year_of, academic_years_of
from .contract.dataset import load
from .io.published import read_published
from .metrics.attendance import summary as attendance_summary
from .metrics.attendance import year_to_date as attendance_year_to_date
from .metrics.attendance_marks import attendance_from_marks
from .metrics.attendance_summaries import (attendance_breakdown, compare_with_england, england_attendance,
                                           intensive_support_by_term)
from .metrics.caseload import caseload_by_month
from .metrics.cohort import census_roll, count_by, open_on, rate_per_1000, snapshot, with_key_stage
from .metrics.comparators import compare_areas
from .metrics.compliance import late_and_missing, return_rates, return_status, school_compliance
from .metrics.durations import case_durations, open_duration_bands, stage_duration_summary, stage_durations
from .metrics.exclusions import exclusion_rates
from .metrics.flows import monthly_flows
from .metrics.provision import (alternative_provision, hours_summary, provision_counts, reduced_timetable_summary,
                                reduced_timetables)
from .metrics.reasons import breakdown, breakdown_with_ci, change, cross_tab, headline
from .metrics.risk import risk_summary
from .metrics.triggers import evaluate, exceptions, frames_from, load_thresholds, resolve_thresholds, trigger_counts
from .models.funnel import funnel, units_above
from .present.trigger_tables import counts_table, exception_tables, window_start
from .models.survival import cox_model, kaplan_meier, km_summary, logrank
from .models.trends import fit_trend, forecast, rate_ratios
from .report.publish import publish_figure, publish_table, publish_text
from .report.run import run_report
from .report.verify import verify_run

__all__ = [name for name in dir() if not name.startswith("_") and name != "annotations"]
