"""Synthetic case-work extracts: panels, consent, reviews, school attendance order notices and
missing-during-the-day occasions, drawn from the synthetic cases (contract/extracts.py, the
optional case-work extracts that triggers PNL01, CON01, REV01, EHE01, EHE02 and MDD01 read).

The shapes are assumptions made for a realistic demo, not published figures (params.py names
them CASEWORK_*): they are set so that each trigger has some cases on both sides of its line.
Drawn after everything else from the generator's one random stream, so adding these files left
the other extracts byte-identical.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..calendar import SchoolCalendar
from . import params as P
from .dates import school_days

# Groups whose provision is reviewed every six weeks (trigger REV01's default groups) and EHE cases
# judged unsuitable, which are reassessed (EHE01).
REVIEWED_GROUPS = ("MHN", "MED", "PEX", "SBD", "YOS", "GRT", "CSF", "EHU")
EXTRACT_NAMES = ("panels", "consent", "reviews", "sao_notices", "missing_occasions")


def _iso(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.strftime("%Y-%m-%d").where(dates.notna(), None)


def _days(rng: np.random.Generator, low: int, high: int, n: int) -> pd.TimedeltaIndex:
    return pd.to_timedelta(rng.integers(low, high + 1, n), unit="D")


def _until(cases: pd.DataFrame, end: pd.Timestamp) -> pd.Series:
    """The last day each case was open (its closure, else the data's end)."""
    return cases["closure_date"].fillna(end).clip(upper=end)


def _later_or_blank(rng, start: pd.Series, share: float, low: int, high: int, last: pd.Timestamp) -> pd.Series:
    """For a ``share`` of rows a date ``low``..``high`` days after ``start``; blank where none was
    drawn or it falls after ``last``, the data's end (not happened yet)."""
    later = start + _days(rng, low, high, len(start))
    happened = (rng.random(len(start)) < share) & (later <= last)
    return later.where(happened)


def panels(rng: np.random.Generator, cases: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """CME cases still open about 60 school days after referral go to the CME panel (Lancashire
    seed 1.5: persistent CME); progress is recorded after it for most, some beyond six weeks."""
    cme = cases[cases["case_type"] == "CME"]
    panel = cme["referral_date"] + _days(rng, *P.CASEWORK_PANEL_AFTER_DAYS, len(cme))
    cme = cme.assign(panel_date=panel)[panel <= _until(cme, end)]
    progress = _later_or_blank(rng, cme["panel_date"], P.CASEWORK_PANEL_PROGRESS_SHARE,
                               *P.CASEWORK_PANEL_PROGRESS_DAYS, end)
    return pd.DataFrame({"case_id": cme["case_id"], "panel_date": _iso(cme["panel_date"]),
                         "progress_date": _iso(progress)})


def consent(rng: np.random.Generator, cases: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """A share of PME cases where consent to engage was sought at assessment; most families give
    it within weeks, a few withhold it beyond twelve weeks (CON01)."""
    pme = cases[(cases["case_type"] == "PME") & cases["assessment_date"].notna()]
    pme = pme[rng.random(len(pme)) < P.CASEWORK_CONSENT_SOUGHT_SHARE]
    given = _later_or_blank(rng, pme["assessment_date"], P.CASEWORK_CONSENT_GIVEN_SHARE,
                            *P.CASEWORK_CONSENT_DAYS, end)
    return pd.DataFrame({"case_id": pme["case_id"], "engagement_start_date": _iso(pme["assessment_date"]),
                         "consent_date": _iso(given)})


def reviews(rng: np.random.Generator, cases: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Reviews every six weeks or so (Leicestershire framework: half-termly) of cases in the
    reviewed groups, from assessment to closure; some reviews slip, leaving a case overdue."""
    due = cases[cases["pme_group"].isin(REVIEWED_GROUPS) & cases["assessment_date"].notna()]
    rows = []
    for case_id, start, last in zip(due["case_id"], due["assessment_date"], _until(due, end)):
        day = start
        while True:
            day = day + pd.Timedelta(days=int(rng.integers(*P.CASEWORK_REVIEW_EVERY_DAYS, endpoint=True)))
            if day > last:
                break
            if rng.random() < P.CASEWORK_REVIEW_HELD_SHARE:
                rows.append((case_id, day))
    frame = pd.DataFrame(rows, columns=["case_id", "review_date"])
    return frame.assign(review_date=_iso(frame["review_date"]))


def sao_notices(rng: np.random.Generator, cases: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """For a share of EHE-unsuitable cases a notice before a school attendance order (Education Act
    1996 s437) some weeks after the judgement; parents have 8 weeks to secure a place (EHE02)."""
    ehu = cases[cases["pme_group"] == "EHU"]
    ehu = ehu[rng.random(len(ehu)) < P.CASEWORK_SAO_SHARE]
    judged = ehu["assessment_date"].fillna(ehu["referral_date"])
    notice = judged + _days(rng, *P.CASEWORK_SAO_AFTER_DAYS, len(ehu))
    served = notice <= _until(ehu, end)
    ehu, notice = ehu[served], notice[served]
    secured = _later_or_blank(rng, notice, P.CASEWORK_SAO_PLACE_SHARE, *P.CASEWORK_SAO_PLACE_DAYS, end)
    return pd.DataFrame({"case_id": ehu["case_id"], "notice_date": _iso(notice), "place_secured_date": _iso(secured)})


def missing_occasions(rng: np.random.Generator, cases: pd.DataFrame, end: pd.Timestamp,
                      calendar: SchoolCalendar) -> pd.DataFrame:
    """Pupils of PME cases in group MDD ("goes missing during the school day") go missing on a
    few school days a month while the case is open, some on 3 or more (MDD01)."""
    mdd = cases[(cases["pme_group"] == "MDD") & cases["school_urn"].notna()]
    rows = []
    for pupil, urn, start, last in zip(mdd["pupil_id"], mdd["school_urn"], mdd["referral_date"], _until(mdd, end)):
        days = school_days(calendar, start.date(), last.date())
        months = max(1, len(days) // 20)
        n = min(len(days), int(rng.poisson(P.CASEWORK_MISSING_PER_MONTH * months)))
        for day in np.sort(rng.choice(days, size=n, replace=False)) if n else []:
            rows.append((pupil, int(urn), pd.Timestamp(day).strftime("%Y-%m-%d")))
    return pd.DataFrame(rows, columns=["pupil_id", "school_urn", "occasion_date"])


def simulate(rng: np.random.Generator, cases_extract: pd.DataFrame, end: dt.date,
             calendar: SchoolCalendar) -> dict[str, pd.DataFrame]:
    """The five case-work extracts, in the contract's order, from the cases extract."""
    dates = ["referral_date", "assessment_date", "closure_date"]
    cases = cases_extract.assign(**{c: pd.to_datetime(cases_extract[c]) for c in dates})
    last = pd.Timestamp(end)
    return {"panels": panels(rng, cases, last), "consent": consent(rng, cases, last),
            "reviews": reviews(rng, cases, last), "sao_notices": sao_notices(rng, cases, last),
            "missing_occasions": missing_occasions(rng, cases, last, calendar)}
