"""Case triggers, from the case extract (``cases``) and optional case-work inputs.

Optional inputs (not in data contract v1; documented columns):

- ``panels``: ``case_id``, ``panel_date`` (CME panel the case was discussed at), ``progress_date``
  (first date progress was recorded after it; blank if none).
- ``consent``: ``case_id``, ``engagement_start_date`` (the CME officer began trying to engage the
  parent or carer), ``consent_date`` (blank while consent is withheld).
- ``sao_notices``: ``case_id``, ``notice_date`` (formal notice of a School Attendance Order),
  ``place_secured_date`` (blank while no place).
- ``reviews``: ``case_id``, ``review_date`` (a review of the provision or the EHE reassessment).

Day counts: "school days" use the LA calendar, counting the referral day as day 1; "weeks" are
calendar weeks (a panel follow-up six weeks after 3 February is due on 17 March, half-term or not).
"""
from __future__ import annotations

import pandas as pd

from ..cohort import open_on
from .registry import TriggerInputs, crossings, trigger

STAGE_DATES = ["referral_date", "assessment_date", "case_management_date", "placement_identified_date",
               "monitoring_date"]


def _school_days_open(inputs: TriggerInputs, cases: pd.DataFrame) -> pd.Series:
    """School days from each case's referral date to ``as_of``, both included."""
    ends = pd.Series(inputs.as_of, index=cases.index)
    return pd.Series(inputs.calendar.count_school_days_between(cases["referral_date"], ends), index=cases.index)


def _school_day_rule(inputs: TriggerInputs, cases: pd.DataFrame, crossed_on_day: int, threshold: int):
    days = _school_days_open(inputs, cases)
    hit = cases[days >= crossed_on_day]
    dates = inputs.calendar.nth_school_days(hit["referral_date"], crossed_on_day) if len(hit) else []
    return crossings(hit["pupil_id"], hit["case_id"], dates, days[hit.index], threshold)


@trigger("CME01", message="Persistent CME: off roll for 60 school days, nominate for the CME panel",
         source="Lancashire seed 1.4 ('off roll for the equivalent of 60 school days ... Persistent CMEs')",
         params={"school_days": 60}, inputs=("cases",), unit="school days off roll")
def persistent_cme(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Open CME cases whose school days since referral reach ``school_days`` (day 60 triggers).
    v1 has no off-roll date, so the referral date starts the count (v2: add ``off_roll_date``)."""
    cases = open_on(inputs["cases"], inputs.as_of)
    cases = cases[cases["case_type"] == "CME"]
    return _school_day_rule(inputs, cases, p["school_days"], p["school_days"])


@trigger("ESC01", message="Level two: CME or PME for longer than 20 days, refer to the commissioning panel",
         source="Nottinghamshire CME strategy, level two ('remained CME or PME for longer than 20 days')",
         params={"school_days": 20}, inputs=("cases",), unit="school days open")
def level_two_escalation(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Open CME or PME cases open for MORE than ``school_days`` school days (day 21 triggers)."""
    cases = open_on(inputs["cases"], inputs.as_of)
    return _school_day_rule(inputs, cases, p["school_days"] + 1, p["school_days"])


def _weeks_rule(inputs: TriggerInputs, frame: pd.DataFrame, start_col: str, weeks: float,
                strictly_after: bool, pupil_col: str = "pupil_id") -> pd.DataFrame:
    """Rows where ``as_of`` is ``weeks`` calendar weeks after ``start_col`` (or more than that if
    ``strictly_after``). value / threshold in days."""
    limit = weeks * 7
    elapsed = (inputs.as_of - frame[start_col]).dt.days
    hit = frame[elapsed > limit] if strictly_after else frame[elapsed >= limit]
    crossed = hit[start_col] + pd.Timedelta(days=limit + (1 if strictly_after else 0))
    return crossings(hit[pupil_col], hit["case_id"], crossed, elapsed[hit.index], limit)


def _open_with(inputs: TriggerInputs, extra: str) -> pd.DataFrame:
    """Open cases joined to an optional case-work input (one row per input row)."""
    cases = open_on(inputs["cases"], inputs.as_of)[["case_id", "pupil_id"]]
    return inputs[extra].merge(cases, on="case_id", how="inner")


def _unresolved(inputs: TriggerInputs, frame: pd.DataFrame, resolved_col: str) -> pd.DataFrame:
    """Rows not resolved by ``as_of`` (``resolved_col`` blank or later)."""
    return frame[frame[resolved_col].isna() | (frame[resolved_col] > inputs.as_of)]


@trigger("PNL01", message="Panel follow-up: no progress within 6 weeks of the CME panel, request support",
         source="Lancashire seed 1.5 ('within 6 weeks of this panel, should no progress have been made')",
         params={"weeks": 6}, inputs=("cases", "panels"), unit="days since panel")
def panel_follow_up(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Open cases whose latest panel was ``weeks`` weeks ago or more with no progress recorded
    (``progress_date`` blank or after ``as_of``). Due on the day six weeks after the panel."""
    panels = _open_with(inputs, "panels")
    panels = panels[panels["panel_date"] <= inputs.as_of].sort_values("panel_date").groupby("case_id").tail(1)
    return _weeks_rule(inputs, _unresolved(inputs, panels, "progress_date"), "panel_date", p["weeks"],
                       strictly_after=False)


@trigger("CON01", message="Strategy discussion: consent withheld beyond 12 weeks",
         source="Lancashire seed 1.6 ('should this exceed a 12-week period then a strategy discussion')",
         params={"weeks": 12}, inputs=("cases", "consent"), unit="days without consent")
def consent_withheld(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Open cases still without consent MORE than ``weeks`` weeks after engagement started."""
    withheld = _unresolved(inputs, _open_with(inputs, "consent"), "consent_date")
    return _weeks_rule(inputs, withheld, "engagement_start_date", p["weeks"], strictly_after=True)


@trigger("EHE01", message="EHE judged unsuitable: reassess after 6 weeks",
         source="Leicestershire PME framework ('re-assesses the education after ... usually six weeks')",
         params={"weeks": 6}, inputs=("cases",), unit="days since judged unsuitable")
def ehe_reassessment(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Open EHE-unsuitable (group EHU) cases ``weeks`` weeks or more after the judgement (the
    assessment date, else the referral date) with no reassessment since (optional ``reviews``)."""
    cases = open_on(inputs["cases"], inputs.as_of)
    cases = cases[cases["pme_group"] == "EHU"]
    cases = cases.assign(judged=cases["assessment_date"].fillna(cases["referral_date"]))
    if inputs.has("reviews"):
        reviews = inputs["reviews"][inputs["reviews"]["review_date"] <= inputs.as_of]
        latest = reviews.groupby("case_id")["review_date"].max()
        reassessed = cases["case_id"].map(latest) > cases["judged"]
        cases = cases[~reassessed.fillna(False)]
    return _weeks_rule(inputs, cases, "judged", p["weeks"], strictly_after=False)


@trigger("EHE02", message="School Attendance Order: no place secured within 8 weeks of the formal notice",
         source="Leicestershire PME framework ('Parents are given a maximum of 8 weeks to secure a place')",
         params={"weeks": 8}, inputs=("cases", "sao_notices"), unit="days since notice")
def sao_deadline(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Open cases with no place secured MORE than ``weeks`` weeks after the SAO notice."""
    no_place = _unresolved(inputs, _open_with(inputs, "sao_notices"), "place_secured_date")
    return _weeks_rule(inputs, no_place, "notice_date", p["weeks"], strictly_after=True)


@trigger("REV01", message="Medical / AP review overdue: reviews every 6 weeks (half-termly)",
         source="Leicestershire PME framework ('reviewed half termly'; 'regular six weekly reviews')",
         params={"weeks": 6, "pme_groups": ["MHN", "MED", "PEX", "SBD", "YOS", "GRT", "CSF"]},
         inputs=("cases",), unit="days since last review")
def provision_review_due(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Open PME cases in ``pme_groups`` (medical needs and groups placed in AP) whose last review
    was ``weeks`` weeks ago or more. Last review: latest ``reviews`` row for the case if given,
    else the latest pathway stage date (the optional ``reviews`` extract holds review dates)."""
    cases = open_on(inputs["cases"], inputs.as_of)
    cases = cases[(cases["case_type"] == "PME") & cases["pme_group"].isin(p["pme_groups"])]
    last = cases[STAGE_DATES].where(cases[STAGE_DATES] <= inputs.as_of).max(axis=1)
    if inputs.has("reviews"):
        reviews = inputs["reviews"][inputs["reviews"]["review_date"] <= inputs.as_of]
        latest = cases["case_id"].map(reviews.groupby("case_id")["review_date"].max())
        last = pd.concat([last, latest], axis=1).max(axis=1)
    return _weeks_rule(inputs, cases.assign(last_review=last), "last_review", p["weeks"], strictly_after=False)
