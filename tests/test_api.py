"""The analysts' front door re-exports the library's functions (the same objects, not copies)."""
from pmereport import api
from pmereport.metrics import cohort, reasons
from pmereport.models import survival


def test_api_names_are_the_library_functions():
    assert api.open_on is cohort.open_on
    assert api.breakdown_with_ci is reasons.breakdown_with_ci
    assert api.kaplan_meier is survival.kaplan_meier
    assert {"load", "run_report", "verify_run", "evaluate", "trigger_counts", "fit_trend", "funnel"} <= set(api.__all__)
    assert {"counts_table", "exception_tables", "attendance_breakdown", "england_attendance"} <= set(api.__all__)
    assert all(callable(getattr(api, name)) for name in api.__all__)
