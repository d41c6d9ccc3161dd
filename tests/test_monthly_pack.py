"""End-to-end: `pmereport run parameters/monthly.yaml` on small synthetic data (papermill + PDF; slow).

The figures checked are worked out again here from the raw extracts with plain pandas (no
pmereport code), following the count rules the pack states: open at a date = referred on or
before it and not closed by the end of it; a referral counts in the month of its referral date;
a PME return is due once its deadline (the 10th of the next month) has passed at the date the
return log was extracted (its latest submission date).
"""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from pack_support import SUPPRESS_BELOW, published, table

pytestmark = pytest.mark.slow

PERIOD_END = pd.Timestamp("2026-10-31")

EXPECTED_TABLES = {
    "headline_caseload": ["measure", "previous", "current", "change"],
    "headline_flows": ["measure", "previous", "current", "change"],
    "flows": ["month", "CME_referrals", "CME_closures", "CME_open_end", "PME_referrals", "PME_closures",
              "PME_open_end"],
    "open_by_key_stage": ["label", "CME", "PME", "total", "share_percent"],
    "open_by_sex": ["label", "CME", "PME", "total", "share_percent"],
    "open_by_sen": ["label", "CME", "PME", "total", "share_percent"],
    "open_by_fsm": ["label", "CME", "PME", "total", "share_percent"],
    "open_by_looked_after": ["label", "CME", "PME", "total", "share_percent"],
    "open_by_cin": ["label", "CME", "PME", "total", "share_percent"],
    "open_by_ethnicity": ["label", "CME", "PME", "total", "share_percent"],
    "open_by_district": ["label", "CME", "PME", "total", "share_percent"],
    "rate_by_year_group": ["label", "count", "pupils", "rate_per_1000", "relative_rate"],
    "rate_by_fsm": ["label", "count", "pupils", "rate_per_1000", "relative_rate"],
    "rate_by_sen": ["label", "count", "pupils", "rate_per_1000", "relative_rate"],
    "pme_reasons": ["label", "count", "share_percent", "ci_lower_percent", "ci_upper_percent"],
    "pme_reasons_change": ["label", "count_previous", "share_previous_percent", "count_current",
                           "share_current_percent", "change_points", "p_value"],
    "pme_reason_by_key_stage": ["label", "EYFS", "KS1", "KS2", "KS3", "KS4", "total"],
    "stage_durations": ["label", "cases", "completed", "ongoing", "median_days", "q1_days", "q3_days"],
    "open_duration_bands": ["band", "CME", "PME", "total"],
    "reengagement_summary": ["group", "cases", "events", "median_days", "median_ci_lower", "median_ci_upper",
                             "reengaged_within_28d_percent", "reengaged_within_84d_percent",
                             "reengaged_within_182d_percent"],
    "reengagement_hazard_ratios": ["characteristic", "level", "compared_with", "hazard_ratio", "ci_lower",
                                   "ci_upper", "p_value"],
    "hours": ["key_stage", "pupils", "mean_hours_offered", "mean_hours_attended", "full_time_hours",
              "offered_pct_of_full_time", "attended_pct_of_offered"],
    "provision_types": ["label", "count", "share_percent"],
    "reduced_timetables": ["return_month", "pupils", "median_days_on_rtt", "over_6_weeks", "no_end_date",
                           "past_end_date", "no_review_date", "overdue_review"],
    "alternative_provision": ["return_month", "schools_any_ap", "schools_APS", "schools_APL", "pupils_APS",
                              "pupils_APL"],
    "return_rates": ["return_month", "expected", "due", "received", "nil_returns", "on_time", "late", "missing",
                     "return_rate", "on_time_rate"],
}


@pytest.fixture(scope="module")
def run(small_data, monthly_pack):
    """The small data (seed 1) and the monthly pack run on it (conftest.py: shared with test_triggers_pack)."""
    return small_data, monthly_pack


def test_run_folder_is_complete(run):
    _, out = run
    for name in ("manifest.json", "quality.json", "report.html", "report.pdf", "tables.xlsx",
                 "notebooks/monthly.ipynb"):
        assert (out / name).is_file(), name
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    for name, columns in EXPECTED_TABLES.items():
        assert list(table(out, name).columns) == columns, name


def test_open_cases_and_referrals_match_the_raw_extract(run):
    data, out = run
    cases = pd.read_csv(data / "cases.csv", parse_dates=["referral_date", "closure_date"])
    is_open = (cases["referral_date"] <= PERIOD_END) & (cases["closure_date"].isna()
                                                        | (cases["closure_date"] > PERIOD_END))
    open_pme = int((is_open & (cases["case_type"] == "PME")).sum())
    open_all = int(is_open.sum())
    referred = int(cases["referral_date"].between("2026-10-01", "2026-10-31").sum())
    headline = table(out, "headline_caseload").set_index("measure")
    assert headline.loc["Open PME cases", "current"] == published(open_pme)
    assert headline.loc["Open CME and PME cases", "current"] == published(open_all)
    assert table(out, "headline_flows").set_index("measure").loc["New referrals in the month", "current"] == \
        published(referred)
    # the open cases of every characteristic table add up to the same total
    assert table(out, "open_by_sex").set_index("label").loc["Total", "total"] == published(open_all)


def test_return_rate_matches_the_raw_log(run):
    data, out = run
    schools = pd.read_csv(data / "schools.csv", parse_dates=["open_date", "close_date"])
    log = pd.read_csv(data / "return_log.csv", parse_dates=["submitted_date"])
    as_of = log["submitted_date"].max()  # the pack's default: the log's latest submission
    month_start, month_end, deadline = (pd.Timestamp("2026-10-01"), PERIOD_END, pd.Timestamp("2026-11-10"))
    expected = schools[(schools["open_date"].isna() | (schools["open_date"] <= month_end))
                       & (schools["close_date"].isna() | (schools["close_date"] >= month_start))]
    october = log[(log["return_month"] == "2026-10") & log["school_urn"].isin(expected["school_urn"])]
    received = october["school_urn"].nunique()
    unreturned = len(expected) - received
    due = len(expected) - (unreturned if deadline >= as_of else 0)
    row = table(out, "return_rates").set_index("return_month").loc["Oct 2026"]
    assert int(row["expected"]) == len(expected)
    assert int(row["received"]) == received
    assert int(row["due"]) == due
    assert float(row["return_rate"]) == pytest.approx(round(received / due * 100, 1), abs=0.05)


def test_reduced_timetables_match_the_raw_return(run):
    data, out = run
    october = pd.read_excel(data / "pme_returns" / "pme_return_2026-10.xlsx")
    on_rtt = int((october["provision_type"] == "RTT").sum())
    assert table(out, "reduced_timetables").set_index("return_month").loc["Oct 2026", "pupils"] == \
        published(on_rtt)
    types = table(out, "provision_types").set_index("label")
    assert types.loc["Total", "count"] == published(len(october))


def test_no_pupil_id_leaves_in_the_report_or_tables(run):
    _, out = run
    pupil_id = re.compile(r"P\d{7}")
    assert not pupil_id.search((out / "report.html").read_text(encoding="utf-8"))
    for path in (out / "tables").glob("*.csv"):
        assert not pupil_id.search(path.read_text(encoding="utf-8")), path.name


def test_no_small_count_is_printed_in_a_suppressed_table(run):
    _, out = run
    for name in ("headline_caseload", "open_by_key_stage", "open_by_sen", "pme_reasons", "open_duration_bands"):
        frame = table(out, name)
        counts = frame.iloc[:, 1:].map(lambda v: int(v) if re.fullmatch(r"-?\d+", v) else None)
        small = counts.map(lambda v: v is not None and 0 < v < SUPPRESS_BELOW)
        if name.startswith("headline"):
            small = small.drop(columns="change")  # a change is not a count of children
        assert not small.any().any(), name
