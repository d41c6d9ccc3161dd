"""Provision triggers, from the monthly PME returns (and cases, for social-care status).

"Current" provision is each school's latest return for a month up to ``as_of``: a pupil no longer
reported by a school that has returned since is no longer on that provision.

Optional input (not in data contract v1): ``missing_occasions``: ``pupil_id``, ``occasion_date``,
one row per occasion the pupil went missing during the school day.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...contract.codes import KEY_STAGE_BY_NCY
from ..cohort import open_on
from .registry import TriggerInputs, crossings, trigger


def current_returns(inputs: TriggerInputs) -> pd.DataFrame:
    """Rows of each school's latest return for a month that has started by ``as_of``."""
    ret = inputs["pme_returns"]
    ret = ret[ret["return_month"] <= inputs.as_of]
    latest = ret.groupby("school_urn")["return_month"].transform("max")
    return ret[ret["return_month"] == latest]


def _school_days_after(inputs: TriggerInputs, dates: pd.Series) -> pd.Series:
    """School days after each date (exclusive) up to ``as_of`` (inclusive); 0 if not past."""
    ends = pd.Series(inputs.as_of, index=dates.index)
    counts = inputs.calendar.count_school_days_between(dates + pd.Timedelta(days=1), ends)
    return pd.Series(np.where(dates < inputs.as_of, counts, 0), index=dates.index)


@trigger("RTT01", message="Reduced timetable with no end date",
         source="Leicestershire PME web page ('an end date ... must be given and reviewed'); "
                "Nottinghamshire CME strategy", params={"grace_school_days": 0}, inputs=("pme_returns",),
         unit="school days on the timetable")
def rtt_without_end_date(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Current reduced timetables with no end date that have run MORE than ``grace_school_days``
    school days since they started (start day = day 1); dated on the first day past the grace."""
    rtt = current_returns(inputs)
    rtt = rtt[(rtt["provision_type"] == "RTT") & rtt["rtt_end_date"].isna() & (rtt["rtt_start_date"] <= inputs.as_of)]
    ends = pd.Series(inputs.as_of, index=rtt.index)
    days = pd.Series(inputs.calendar.count_school_days_between(rtt["rtt_start_date"], ends), index=rtt.index)
    hit = rtt[days > p["grace_school_days"]]
    dates = inputs.calendar.nth_school_days(hit["rtt_start_date"], p["grace_school_days"] + 1) if len(hit) else []
    return crossings(hit["pupil_id"], None, dates, days[hit.index], p["grace_school_days"])


def _past_date_rule(inputs: TriggerInputs, rows: pd.DataFrame, date_col: str, grace: int) -> pd.DataFrame:
    days = _school_days_after(inputs, rows[date_col])
    hit = rows[days > grace]
    dates = inputs.calendar.nth_school_days(hit[date_col] + pd.Timedelta(days=1), grace + 1) if len(hit) else []
    return crossings(hit["pupil_id"], None, dates, days[hit.index], grace)


@trigger("RTT02", message="Reduced timetable past its end date and still reported",
         source="Leicestershire PME web page; Nottinghamshire CME strategy (reduced timetables must end)",
         params={"grace_school_days": 0}, inputs=("pme_returns",), unit="school days past the end date")
def rtt_past_end(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Current reduced timetables whose end date is MORE than ``grace_school_days`` school days
    before ``as_of``; dated on the first school day past the end (plus grace)."""
    rtt = current_returns(inputs)
    rtt = rtt[(rtt["provision_type"] == "RTT") & rtt["rtt_end_date"].notna()]
    return _past_date_rule(inputs, rtt, "rtt_end_date", p["grace_school_days"])


@trigger("RTT03", message="Reduced timetable review overdue or not set",
         source="Leicestershire PME web page ('must be given and reviewed'); Leicestershire framework "
                "(six-weekly reviews)", params={"grace_school_days": 0}, inputs=("pme_returns",),
         unit="school days past the review date")
def rtt_review_overdue(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Current reduced timetables whose review date has passed by MORE than ``grace_school_days``
    school days; with no review date set, the day before the start stands in for it (so the
    timetable is overdue a review from its first day)."""
    rtt = current_returns(inputs)
    rtt = rtt[(rtt["provision_type"] == "RTT") & rtt["rtt_start_date"].notna()]
    due = rtt["rtt_review_date"].fillna(rtt["rtt_start_date"] - pd.Timedelta(days=1))
    return _past_date_rule(inputs, rtt.assign(review_due=due), "review_due", p["grace_school_days"])


@trigger("CIN01", message="Child protection or child in need plan and on a reduced timetable or AP: escalate",
         source="Nottinghamshire CME strategy ('a formal letter is sent to the headteacher, chair of "
                "governors and ... social worker')",
         params={"cin_statuses": ["CIN", "CPP"], "provision_types": ["RTT", "APS", "APL"]},
         inputs=("pme_returns", "cases"), unit="school days on the provision")
def plan_on_reduced_provision(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Always escalated: pupils on a current return with a provision in ``provision_types`` who
    have an open case with a plan in ``cin_statuses``. Dated at the reduced timetable's start, or
    the first month the school reported the pupil on that provision."""
    current = current_returns(inputs)
    current = current[current["provision_type"].isin(p["provision_types"])]
    cases = open_on(inputs["cases"], inputs.as_of)
    with_plan = cases[cases["cin_status"].isin(p["cin_statuses"])]["pupil_id"].unique()
    current = current[current["pupil_id"].isin(with_plan)]
    ret = inputs["pme_returns"]
    first_month = (ret[ret["provision_type"].isin(p["provision_types"]) & (ret["return_month"] <= inputs.as_of)]
                   .groupby(["school_urn", "pupil_id"])["return_month"].min())
    since = current.set_index(["school_urn", "pupil_id"]).index.map(first_month)
    start = current["rtt_start_date"].fillna(pd.Series(since, index=current.index)).clip(upper=inputs.as_of)
    ends = pd.Series(inputs.as_of, index=current.index)
    days = inputs.calendar.count_school_days_between(start, ends)
    return crossings(current["pupil_id"].values, None, start.values, days, 0)


FULL_TIME_HOURS = {"EYFS": 21.0, "KS1": 21.0, "KS2": 23.5, "KS3": 24.0, "KS4": 25.0}


@trigger("FTE01", message="Education offered below full-time hours for the key stage",
         source="Ombudsman / DfE guidance: about 21 h a week at KS1 rising to 25 h at KS4 (32.5 h "
                "minimum school week from 2024)", params={"hours_by_key_stage": dict(FULL_TIME_HOURS)},
         inputs=("pme_returns",), unit="hours a week", direction="below")
def below_full_time_hours(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Pupils on a current return offered FEWER hours a week than full time for their key stage
    (Reception counts as KS1). Dated at the start of the return month."""
    current = current_returns(inputs)
    line = current["ncy"].map(KEY_STAGE_BY_NCY).map(p["hours_by_key_stage"]).astype("float64")
    hit = current[current["hours_offered"] < line]
    return crossings(hit["pupil_id"], None, hit["return_month"], hit["hours_offered"], line[hit.index])


@trigger("MDD01", message="Missing during the school day: 3 separate occasions in the last month",
         source="Leicestershire PME framework ('missing on 3 separate occasions in the last month')",
         params={"occasions": 3}, inputs=("missing_occasions",), unit="occasions in the last month")
def missing_during_the_day(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Pupils with ``occasions`` or more distinct occasions in the month up to ``as_of`` (the
    calendar's "last month" window); dated at the occasion that reached the line."""
    window = inputs.calendar.last_month(inputs.as_of)
    occ = inputs["missing_occasions"].drop_duplicates()
    occ = occ[(occ["occasion_date"] >= window.start) & (occ["occasion_date"] <= window.end)]
    occ = occ.sort_values(["pupil_id", "occasion_date"], kind="stable")
    occ = occ.assign(number=occ.groupby("pupil_id").cumcount() + 1)
    reached = occ[occ["number"] == p["occasions"]]
    total = occ.groupby("pupil_id")["number"].max()
    return crossings(reached["pupil_id"], None, reached["occasion_date"], reached["pupil_id"].map(total),
                     p["occasions"])
