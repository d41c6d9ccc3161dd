"""Provision and hours from the monthly PME return (issue 3, part 4).

The return has one row per pupil not in full-time education, per school, per month
(contract/extracts.py PME_RETURNS; Leicestershire framework 2.1.3). Hours are per week.
Day counts are CALENDAR days (school days belong to the calendar module).
"""
from __future__ import annotations

import pandas as pd

from ..contract.codes import PROVISION_TYPES
from .cohort import with_key_stage

FULL_TIME_HOURS = {"EYFS": 21.0, "KS1": 21.0, "KS2": 23.5, "KS3": 24.0, "KS4": 25.0}
"""Full-time education, hours per week, by key stage: the benchmark a part-time offer is set
against. Source: DOMAIN.md thresholds table, "about 21 h/week at KS1 rising to 25 h at KS4"
(Local Government Ombudsman / DfE guidance); KS2 23.5 h and KS3 24 h are the intermediate figures
quoted with them, and Reception (EYFS) takes the KS1 figure. From September 2024 DfE expects a
minimum school week of 32.5 hours (MINIMUM_SCHOOL_WEEK_HOURS): pass your own dict to use it."""

MINIMUM_SCHOOL_WEEK_HOURS = 32.5
"""DfE minimum expected length of the school week from September 2024 (DOMAIN.md)."""

AP_TYPES = ("APS", "APL")
"""Alternative provision: commissioned by the school (APS) or arranged by the LA (APL)."""

REVIEW_WEEKS = 6
"""Reviews every 6 weeks (half-termly): Leicestershire framework, medical / AP reviews (DOMAIN.md)."""


def hours_against_benchmark(returns: pd.DataFrame, full_time: dict | None = None) -> pd.DataFrame:
    """Each return row with its key stage, the full-time hours for it (``full_time``, default
    FULL_TIME_HOURS), ``offered_share`` (hours offered / full-time hours) and ``attended_share``
    (hours attended / full-time hours)."""
    full_time = FULL_TIME_HOURS if full_time is None else full_time
    out = with_key_stage(returns)
    missing = set(out["key_stage"].dropna()) - set(full_time)
    if missing:
        raise ValueError(f"no full-time hours given for key stage(s) {sorted(missing)}")
    out["full_time_hours"] = out["key_stage"].map(full_time).astype(float)
    out["offered_share"] = out["hours_offered"].astype(float) / out["full_time_hours"]
    out["attended_share"] = out["hours_attended"].astype(float) / out["full_time_hours"]
    return out


def hours_summary(returns: pd.DataFrame, by: str | None = "key_stage",
                  full_time: dict | None = None) -> pd.DataFrame:
    """Per return month (and ``by``, default key stage): pupils reported, mean and median hours
    offered and attended per week, the full-time benchmark, hours offered as % of full time and
    hours attended as % of hours offered (both ratios of totals, so each pupil-hour counts once).
    Columns: return_month, [by], pupils, mean_hours_offered, median_hours_offered,
    mean_hours_attended, median_hours_attended, full_time_hours (only when ``by`` is key stage),
    offered_pct_of_full_time, attended_pct_of_offered.
    """
    rows = hours_against_benchmark(returns, full_time)
    keys = ["return_month"] + ([by] if by else [])
    g = rows.groupby(keys, observed=True, dropna=False)
    out = pd.DataFrame({
        "pupils": g.size(),
        "mean_hours_offered": g["hours_offered"].mean().astype(float),
        "median_hours_offered": g["hours_offered"].median().astype(float),
        "mean_hours_attended": g["hours_attended"].mean().astype(float),
        "median_hours_attended": g["hours_attended"].median().astype(float),
        "full_time_hours": g["full_time_hours"].mean(),
        "offered_pct_of_full_time": (g["hours_offered"].sum() / g["full_time_hours"].sum() * 100).astype(float),
        "attended_pct_of_offered": (g["hours_attended"].sum() / g["hours_offered"].sum() * 100).astype(float),
    }).reset_index()
    if by != "key_stage":  # one benchmark per row only when rows are key stages
        out = out.drop(columns="full_time_hours")
    return out


def reduced_timetables(returns: pd.DataFrame, review_weeks: int = REVIEW_WEEKS) -> pd.DataFrame:
    """Pupils on a reduced timetable (provision type RTT), one row per return row, with flags.

    Rules (Leicestershire PME web page, Nottinghamshire CME strategy: a reduced timetable must have
    an end date and be reviewed; DOMAIN.md "reduced timetable"): against the month the return is
    for,
    - ``days_on_rtt``: calendar days from the start date to the last day of the return month;
    - ``no_end_date``: the end date is blank;
    - ``past_end_date``: the end date is before the return month began, yet the pupil is still
      reported on the reduced timetable;
    - ``no_review_date``: the review date is blank;
    - ``overdue_review``: the next review date is before the return month began, or it is blank and
      the timetable started more than ``review_weeks`` weeks before the end of the month.
    Columns: return_month, school_urn, pupil_id, ncy, rtt_start_date, rtt_end_date,
    rtt_review_date, days_on_rtt, no_end_date, past_end_date, no_review_date, overdue_review.
    """
    rtt = returns[returns["provision_type"] == "RTT"]
    month_start = rtt["return_month"].dt.to_period("M").dt.start_time
    month_end = rtt["return_month"].dt.to_period("M").dt.end_time.dt.normalize()
    out = rtt[["return_month", "school_urn", "pupil_id", "ncy",
               "rtt_start_date", "rtt_end_date", "rtt_review_date"]].copy()
    out["days_on_rtt"] = (month_end - out["rtt_start_date"]).dt.days.astype("Int64")
    out["no_end_date"] = out["rtt_end_date"].isna()
    out["past_end_date"] = (out["rtt_end_date"] < month_start).fillna(False).astype(bool)
    out["no_review_date"] = out["rtt_review_date"].isna()
    stale = (out["rtt_review_date"] < month_start).fillna(False).astype(bool)
    long_unreviewed = out["no_review_date"] & (out["days_on_rtt"] > 7 * review_weeks).fillna(False)
    out["overdue_review"] = stale | long_unreviewed.astype(bool)
    return out.reset_index(drop=True)


def reduced_timetable_summary(rtt: pd.DataFrame, review_weeks: int = REVIEW_WEEKS) -> pd.DataFrame:
    """Per return month, from ``reduced_timetables``: pupils on a reduced timetable, median days on
    it so far, how many for more than ``review_weeks`` weeks, and the counts of each flag.
    Columns: return_month, pupils, median_days_on_rtt, over_<review_weeks>_weeks, no_end_date,
    past_end_date, no_review_date, overdue_review."""
    g = rtt.groupby("return_month")
    long_col = f"over_{review_weeks}_weeks"
    out = pd.DataFrame({
        "pupils": g.size(),
        "median_days_on_rtt": g["days_on_rtt"].median().astype(float),
        long_col: g["days_on_rtt"].apply(lambda d: int((d > 7 * review_weeks).sum())),
        **{flag: g[flag].sum().astype(int)
           for flag in ("no_end_date", "past_end_date", "no_review_date", "overdue_review")},
    })
    return out.reset_index()


def provision_counts(returns: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Pupils reported per return month (and ``by``, e.g. ``"school_urn"``) by provision type,
    every provision type present as a column (codes.PROVISION_TYPES) plus ``total``.
    Columns: return_month, [by], RTT, APS, APL, HOS, HTU, MED, EXC, OTH, total."""
    keys = ["return_month"] + ([by] if by else [])
    table = returns.groupby(keys + ["provision_type"], observed=True, dropna=False).size().unstack(fill_value=0)
    unknown = set(table.columns) - set(PROVISION_TYPES)
    if unknown:
        raise ValueError(f"unknown provision type(s) {sorted(unknown)}")
    table = table.reindex(columns=list(PROVISION_TYPES), fill_value=0)
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    return table.astype(int).reset_index()


def alternative_provision(returns: pd.DataFrame, by: str = "school_urn") -> pd.DataFrame:
    """Use of alternative provision (AP_TYPES) per return month and ``by`` (default school): pupils
    in school-commissioned AP (APS), LA-arranged AP (APL) and in total. Schools with no AP in a
    month do not appear. Columns: return_month, by, APS, APL, total."""
    ap = returns[returns["provision_type"].isin(AP_TYPES)]
    table = provision_counts(ap, by)
    table = table[["return_month", by, *AP_TYPES]]
    return table.assign(total=table[list(AP_TYPES)].sum(axis=1))
