"""The monthly PME return and its submissions log (contracts PME_RETURNS and RETURN_LOG).

Every PME episode open in a month puts its pupil on the school's return for that month
(Leicestershire framework 2.1.3: monthly returns), with provision consistent with the group,
hours offered below full time (~21 h KS1 to 25 h KS4, DOMAIN.md) and reduced-timetable dates
(some with no end date, some past their end: the flags in the pack). Schools with nobody to report
send a nil return; most return within ~10 days of month end, some late, a few miss months, and a
return sent after the extract date is not in the data yet.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..calendar import academic_year_starts
from . import params as P
from .pupils import Pupils
from .dates import next_weekday as _next_weekday
from .sampling import choose, uniform_days

DAY = np.timedelta64(1, "D")


def return_months(end: dt.date) -> pd.PeriodIndex:
    """The months returns are collected for: from the data start to the month of ``end``."""
    return pd.period_range(pd.Period(P.DATA_START, "M"), pd.Period(end, "M"), freq="M")


def _case_months(cases: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """One row per PME episode per month it is open in (within the return months)."""
    pme = cases[cases["kind"] == "PME"]
    first = pme["referral_date"].dt.to_period("M").clip(lower=pd.Period(P.DATA_START, "M"))
    last = pme["closure_date"].fillna(pd.Timestamp(end)).dt.to_period("M")
    first_n = first.map(lambda p: p.ordinal).to_numpy()
    last_n = last.map(lambda p: p.ordinal).to_numpy()
    n_months = last_n - first_n + 1
    case_row = np.repeat(np.arange(len(pme)), n_months)
    offset = np.arange(n_months.sum()) - np.repeat(np.cumsum(n_months) - n_months, n_months)
    out = pme.iloc[case_row].reset_index(drop=True)
    out["month_ordinal"] = first_n[case_row] + offset
    out["months_in"] = offset + (first_n[case_row] - pme["referral_date"].dt.to_period("M")
                                 .map(lambda p: p.ordinal).to_numpy()[case_row])
    return out


def simulate_rows(rng: np.random.Generator, cases: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """Return rows for every open PME episode and month (before dropping unreturned months)."""
    pme = cases[cases["kind"] == "PME"].reset_index(drop=True)
    # per episode: provision, share of full time offered, reduced-timetable plan
    provision = np.empty(len(pme), dtype=object)
    for category, shares in P.PROVISION_BY_REASON.items():
        mask = (pme["category"] == category).to_numpy()
        provision[mask] = choose(rng, shares, mask.sum())
    provision[(pme["pme_group"] == "PEX").to_numpy()] = "APL"
    pme["provision"] = provision
    low = np.array([P.HOURS_FRACTION_BY_PROVISION[p][0] for p in provision])
    high = np.array([P.HOURS_FRACTION_BY_PROVISION[p][1] for p in provision])
    pme["fraction"] = low + (high - low) * rng.random(len(pme))
    pme["attend_rate"] = rng.beta(5, 2, size=len(pme))  # share of offered hours attended
    referral = pme["referral_date"].to_numpy().astype("datetime64[D]")
    start = _next_weekday(referral + uniform_days(rng, 0, 10, len(pme)) * DAY)
    # a reduced timetable reported in the referral month must have started by that month's end
    referral_month_end = (referral.astype("datetime64[M]") + 1).astype("datetime64[D]") - DAY
    start = np.where(start > referral_month_end, referral, start)
    pme["rtt_start"] = start
    weeks = uniform_days(rng, *P.RTT_LENGTH_WEEKS, len(pme))
    pme["rtt_end"] = np.where(rng.random(len(pme)) < P.RTT_WITHOUT_END_DATE, np.datetime64("NaT"),
                              start + 7 * weeks * DAY)
    pme["review_stale"] = rng.random(len(pme)) < P.RTT_REVIEW_STALE
    rows = _case_months(pme, end)
    n = len(rows)
    month_start = pd.PeriodIndex.from_ordinals(rows["month_ordinal"].to_numpy(), freq="M").to_timestamp()
    year = academic_year_starts(month_start).to_numpy(dtype=np.int64)
    ncy = year - rows["cohort"].to_numpy()
    full_time = np.asarray(P.FULL_TIME_HOURS_BY_NCY)[ncy]
    prov = rows["provision"].to_numpy().copy()
    prov[(rows["pme_group"] == "PEX").to_numpy() & (rows["months_in"].to_numpy() == 0)] = "EXC"
    # reduced timetables build up month by month (a phased return)
    growth = np.where(prov == "RTT", 0.05 * rows["months_in"].to_numpy(), 0.0)
    fraction = np.minimum(rows["fraction"].to_numpy() + growth, 0.9)
    fraction = np.where(prov == "EXC", 0.0, fraction)
    offered = np.floor(full_time * fraction * 2) / 2
    attended = np.floor(offered * np.clip(rows["attend_rate"].to_numpy() + 0.1 * rng.standard_normal(n), 0, 1) * 2) / 2
    attendance = np.round(100 * attended / full_time, 1)
    attendance = np.where(rng.random(n) < P.ATTENDANCE_PCT_BLANK, np.nan, attendance)
    is_rtt = prov == "RTT"
    rtt_start = rows["rtt_start"].to_numpy().astype("datetime64[D]")
    month_days = month_start.to_numpy().astype("datetime64[D]")
    periods = np.maximum(1, np.ceil((month_days - rtt_start).astype(int) / P.REVIEW_INTERVAL_DAYS)).astype(int)
    periods = np.where(rows["review_stale"].to_numpy(), 1, periods)
    review = rtt_start + periods * P.REVIEW_INTERVAL_DAYS * DAY
    nat = np.datetime64("NaT")
    return pd.DataFrame({
        "month_ordinal": rows["month_ordinal"].to_numpy(),
        "school": rows["school"].to_numpy(),
        "pupil_id": rows["pupil_id"].to_numpy(),
        "ncy": ncy,
        "sen_status": rows["sen_status"].to_numpy(),
        "provision_type": prov,
        "pme_group": rows["pme_group"].to_numpy(),
        "hours_offered": offered,
        "hours_attended": attended,
        "attendance_pct": attendance,
        "rtt_start_date": np.where(is_rtt, rtt_start, nat),
        "rtt_end_date": np.where(is_rtt, rows["rtt_end"].to_numpy().astype("datetime64[D]"), nat),
        "rtt_review_date": np.where(is_rtt, review, nat),
    })


def simulate_log(rng: np.random.Generator, schools: pd.DataFrame, rows: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """Which school returned for which month, when, and whether it was a nil return."""
    months = return_months(end)
    n_s, n_m = len(schools), len(months)
    school = np.repeat(np.arange(n_s), n_m)
    ordinal = np.tile(months.asi8, n_s)
    profile = schools["return_profile"].to_numpy()[school]
    miss = np.array([P.RETURN_PROFILES[p][1] for p in profile])
    lag_low = np.array([P.RETURN_PROFILES[p][2][0] for p in profile])
    lag_high = np.array([P.RETURN_PROFILES[p][2][1] for p in profile])
    lag = lag_low + np.floor((lag_high - lag_low + 1) * rng.random(len(school))).astype(int)
    month_end = (pd.PeriodIndex.from_ordinals(ordinal, freq="M").to_timestamp(how="end")
                 .to_numpy().astype("datetime64[D]"))
    submitted = month_end + lag * DAY
    extracted_on = np.datetime64(end) + P.RETURNS_EXTRACT_LAG_DAYS * DAY
    returned = (rng.random(len(school)) >= miss) & (submitted <= extracted_on)
    has_rows = pd.MultiIndex.from_arrays([school, ordinal]).isin(
        pd.MultiIndex.from_arrays([rows["school"].to_numpy(), rows["month_ordinal"].to_numpy()]))
    return pd.DataFrame({"school": school, "month_ordinal": ordinal, "submitted_date": submitted,
                         "nil_return": np.where(has_rows, "N", "Y")})[returned].reset_index(drop=True)


def simulate(rng: np.random.Generator, pupils: Pupils, cases: pd.DataFrame, end: dt.date):
    """(return rows, submissions log): rows only for school-months that were returned."""
    rows = simulate_rows(rng, cases, end)
    log = simulate_log(rng, pupils.schools, rows, end)
    key = pd.MultiIndex.from_arrays([rows["school"].to_numpy(), rows["month_ordinal"].to_numpy()])
    returned = key.isin(pd.MultiIndex.from_arrays([log["school"].to_numpy(), log["month_ordinal"].to_numpy()]))
    rows = rows[returned].sort_values(["month_ordinal", "school", "pupil_id"], kind="stable").reset_index(drop=True)
    return rows, log


def _iso(values) -> np.ndarray:
    s = pd.Series(values).astype("datetime64[ns]")
    return s.dt.strftime("%Y-%m-%d").where(s.notna(), None).to_numpy()


def returns_extract(rows: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    """The PME return rows in the contract's columns (all months together)."""
    out = pd.DataFrame({
        "return_month": pd.PeriodIndex.from_ordinals(rows["month_ordinal"].to_numpy(), freq="M").strftime("%Y-%m"),
        "school_urn": schools["school_urn"].to_numpy()[rows["school"].to_numpy()],
        "pupil_id": rows["pupil_id"].to_numpy(),
    })
    for c in ["ncy", "sen_status", "provision_type", "pme_group", "hours_offered", "hours_attended",
              "attendance_pct"]:
        out[c] = rows[c].to_numpy()
    for c in ["rtt_start_date", "rtt_end_date", "rtt_review_date"]:
        out[c] = _iso(rows[c].to_numpy())
    return out


def log_extract(log: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    """The submissions log in the contract's columns."""
    out = pd.DataFrame({
        "return_month": pd.PeriodIndex.from_ordinals(log["month_ordinal"].to_numpy(), freq="M").strftime("%Y-%m"),
        "school_urn": schools["school_urn"].to_numpy()[log["school"].to_numpy()],
        "submitted_date": _iso(log["submitted_date"].to_numpy()),
        "nil_return": log["nil_return"].to_numpy(),
    })
    return out.sort_values(["return_month", "school_urn"], kind="stable").reset_index(drop=True)
