"""Exclusion triggers, from the exclusions extract (and cases, for sixth-day provision).

Suspension lengths are in sessions (two per school day). "The school year" is the academic year
``as_of`` falls in, counting suspensions that started on or before ``as_of``.
"""
from __future__ import annotations

import pandas as pd

from ...calendar import academic_year_of, academic_years_of
from .registry import TriggerInputs, crossings, trigger


def _suspensions_this_year(inputs: TriggerInputs) -> pd.DataFrame:
    exc = inputs["exclusions"]
    exc = exc[(exc["category"] == "SUSP") & (exc["start_date"] <= inputs.as_of)]
    exc = exc[academic_years_of(exc["start_date"]) == academic_year_of(inputs.as_of)]
    return exc.sort_values(["pupil_id", "start_date", "exclusion_id"], kind="stable")


@trigger("EXC01", message="Suspensions approaching the legal limit: more than 35 days in the school year",
         source="Leicestershire PME framework ('fixed term exclusions in excess of thirty five days'; "
                "limit 45 days a year)", params={"days": 35}, inputs=("exclusions",),
         unit="days of suspension")
def suspension_days(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Pupils whose suspensions this school year total MORE than ``days`` days (sessions / 2);
    dated at the start of the suspension that took the total over the line."""
    exc = _suspensions_this_year(inputs)
    exc = exc.assign(running=exc.groupby("pupil_id")["sessions"].cumsum() / 2)
    over = exc[exc["running"] > p["days"]].groupby("pupil_id", as_index=False).first()
    total = exc.groupby("pupil_id")["running"].max()
    return crossings(over["pupil_id"], None, over["start_date"], over["pupil_id"].map(total), p["days"])


@trigger("EXC02", message="Early help assessment: repeat suspension (the second in the school year)",
         source="Lancashire seed 3.1 ('repeat being after the second exclusion has occurred')",
         params={"suspensions": 2}, inputs=("exclusions",), unit="suspensions")
def repeat_suspension(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Pupils with ``suspensions`` or more suspensions this school year; dated at the one that
    reached the line."""
    exc = _suspensions_this_year(inputs)
    exc = exc.assign(number=exc.groupby("pupil_id").cumcount() + 1)
    reached = exc[exc["number"] == p["suspensions"]]
    total = exc.groupby("pupil_id")["number"].max()
    return crossings(reached["pupil_id"], None, reached["start_date"], reached["pupil_id"].map(total),
                     p["suspensions"])


@trigger("EXC03", message="Permanently excluded without provision by the sixth school day",
         source="Leicestershire PME framework ('suitable full-time education ... from the sixth school day "
                "of exclusion'); DfE exclusions guidance", params={"school_day": 6, "lookback_days": 365},
         inputs=("exclusions", "cases"), unit="school days since exclusion")
def sixth_day_provision(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Permanent exclusions of the last ``lookback_days`` whose sixth school day (first day of
    exclusion = day 1) has come with no placement recorded: no case for the pupil with a
    ``placement_identified_date`` on or after the exclusion and on or before ``as_of``.
    (v1 has no provision start date or hours; v2: add them to test "full-time".)"""
    exc = inputs["exclusions"]
    exc = exc[(exc["category"] == "PERM") & (exc["start_date"] <= inputs.as_of)
              & (exc["start_date"] > inputs.as_of - pd.Timedelta(days=p["lookback_days"]))]
    cases = inputs["cases"]
    placed = cases[cases["placement_identified_date"] <= inputs.as_of][["pupil_id", "placement_identified_date"]]
    pairs = exc[["exclusion_id", "pupil_id", "start_date"]].merge(placed, on="pupil_id", how="left")
    ok = pairs[pairs["placement_identified_date"] >= pairs["start_date"]]["exclusion_id"]
    exc = exc[~exc["exclusion_id"].isin(ok)]
    ends = pd.Series(inputs.as_of, index=exc.index)
    days = pd.Series(inputs.calendar.count_school_days_between(exc["start_date"], ends), index=exc.index)
    hit = exc[days >= p["school_day"]]
    dates = inputs.calendar.nth_school_days(hit["start_date"], p["school_day"]) if len(hit) else []
    return crossings(hit["pupil_id"], None, dates, days[hit.index], p["school_day"])
