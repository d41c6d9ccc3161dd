"""Attendance per pupil per term (contract ATTENDANCE).

For the last two complete academic years and the terms of the current one that have started by
``end`` (sessions possible counted up to ``end``). Sessions possible are two per school day of the
LA's configured term dates (dates.py). Absence follows a logit-normal model: a persistent propensity
per pupil (higher in secondary and for disadvantaged pupils, a small chronic group), term-to-term
noise, calibrated to England's published shape (params.py: overall ~6-7%, persistent absence
~18-20%, severe ~1.5-2%, about a third unauthorised). Pupils on an open PME episode miss far more
(reduced timetables, tuition); whereabouts-unknown CME pupils are absent, unauthorised.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy.special import expit

from ..calendar import SchoolCalendar, academic_year_label, academic_year_start
from . import params as P
from .dates import school_days, year_terms
from .pupils import Pupils


def attendance_years(end: dt.date) -> list[int]:
    """The academic years covered: the two before the one containing ``end``, and that one (none
    before the data starts)."""
    current = academic_year_start(end)
    return [y for y in (current - 2, current - 1, current) if y >= academic_year_start(P.DATA_START)]


def _episode_overlap(cases: pd.DataFrame, kind: str, pupil_term: pd.DataFrame, start: np.datetime64,
                     stop: np.datetime64, end: dt.date) -> np.ndarray:
    """Share of the term's calendar days each pupil spent in an open episode of ``kind``."""
    ep = cases[(cases["kind"] == kind) & (cases["pupil"] >= 0)]
    a = np.maximum(ep["referral_date"].to_numpy().astype("datetime64[D]"), start)
    b = np.minimum(ep["closure_date"].fillna(pd.Timestamp(end)).to_numpy().astype("datetime64[D]"), stop)
    days = np.maximum((b - a).astype(int) + 1, 0)
    share = pd.Series(days / ((stop - start).astype(int) + 1)).groupby(ep["pupil"].to_numpy()).sum()
    return np.minimum(share.reindex(pupil_term["pupil"].to_numpy()).fillna(0).to_numpy(), 1.0)


def simulate(rng: np.random.Generator, pupils: Pupils, cases: pd.DataFrame, end: dt.date,
             calendar: SchoolCalendar) -> pd.DataFrame:
    """One row per pupil on roll per term of ``calendar`` started by ``end``, in the contract's columns."""
    f = pupils.frame
    n = len(f)
    z = f["disadvantage"].to_numpy()
    chronic = rng.random(n) < P.ABSENCE_SEVERE_SHARE
    propensity = (P.ABSENCE_LOGIT_BASE + P.ABSENCE_LOGIT_PUPIL_SD * rng.standard_normal(n)
                  + P.ABSENCE_LOGIT_DISADVANTAGE * z + chronic * P.ABSENCE_LOGIT_CHRONIC)
    unauthorised_logit = (P.UNAUTHORISED_LOGIT_BASE + 0.4 * z
                          + 0.5 * (propensity - P.ABSENCE_LOGIT_BASE) + 0.5 * rng.standard_normal(n))
    parts = []
    for year in attendance_years(end):
        idx = pupils.on_roll(year)
        school = pupils.school_in_year(year, idx)
        ncy = year - f["cohort"].to_numpy()[idx]
        for term in year_terms(calendar, year):
            last = min(term.end, pd.Timestamp(end))
            possible = 2 * len(school_days(calendar, term.start, last))  # none if not started by end
            if possible == 0:
                continue
            frame = pd.DataFrame({"pupil": idx, "school": school, "ncy": ncy})
            start = np.datetime64(term.start.date())
            stop = np.datetime64(last.date())
            pme = _episode_overlap(cases, "PME", frame, start, stop, end)
            missing = _episode_overlap(cases, "CME_UNKNOWN", frame, start, stop, end)
            logit = (propensity[idx] + P.ABSENCE_LOGIT_SECONDARY * (ncy >= 7)
                     + P.TERM_ABSENCE_SEASON[term.code] + P.ABSENCE_LOGIT_TERM_SD * rng.standard_normal(len(idx)))
            base = expit(logit)
            pme_rate = rng.beta(P.PME_ABSENCE_MEAN * 4, (1 - P.PME_ABSENCE_MEAN) * 4, size=len(idx))
            rate = (1 - pme - missing).clip(0) * base + pme * pme_rate + missing * 1.0
            missed = rng.binomial(possible, np.clip(rate, 0, 1))
            q = expit(unauthorised_logit[idx])
            q = (1 - missing) * q + missing  # a child whose whereabouts are unknown: unauthorised
            unauthorised = rng.binomial(missed, np.clip(q, 0, 1))
            frame["academic_year"] = academic_year_label(year)
            frame["term"] = term.code
            frame["sessions_possible"] = possible
            frame["sessions_authorised"] = missed - unauthorised
            frame["sessions_unauthorised"] = unauthorised
            parts.append(frame)
    rows = pd.concat(parts, ignore_index=True)
    p = rows["pupil"].to_numpy()
    return pd.DataFrame({
        "pupil_id": f["pupil_id"].to_numpy()[p],
        "school_urn": pupils.schools["school_urn"].to_numpy()[rows["school"].to_numpy()],
        "academic_year": rows["academic_year"].to_numpy(),
        "term": rows["term"].to_numpy(),
        "ncy": rows["ncy"].to_numpy(),
        **pupils.extract_characteristics(p),
        "sessions_possible": rows["sessions_possible"].to_numpy(),
        "sessions_authorised": rows["sessions_authorised"].to_numpy(),
        "sessions_unauthorised": rows["sessions_unauthorised"].to_numpy(),
    })
