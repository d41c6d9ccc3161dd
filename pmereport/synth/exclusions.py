"""Suspensions and permanent exclusions of pupils on roll (contract EXCLUSIONS).

Rates per 100 pupils follow DfE's published England figures (params.py); exclusions happen on
school days only (of the LA's configured term dates, dates.py), more in the autumn and spring terms,
mostly in Years 7-11 (peak Years 9-10), and more for boys and for FSM and SEN pupils (DfE
characteristics tables). A gamma "frailty" per pupil makes some pupils suspended repeatedly. A pupil permanently excluded is not suspended again by that
school later that year.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..calendar import SchoolCalendar
from . import params as P
from .dates import year_school_days
from .pupils import Pupils
from .sampling import choose, weighted_without_replacement


def rates_for(year: int) -> tuple[float, float]:
    """(suspensions, permanent exclusions) per 100 pupils targeted for academic year ``year``."""
    return (P.SUSPENSION_RATE_PER_100.get(year, P.LATER_YEAR_SUSPENSION_RATE),
            P.PERMANENT_RATE_PER_100.get(year, P.LATER_YEAR_PERMANENT_RATE))


def relative_rate(pupils: Pupils, idx: np.ndarray, year: int) -> np.ndarray:
    """Each pupil's relative chance of exclusion in ``year`` (year group x characteristics)."""
    f = pupils.frame
    ncy = year - f["cohort"].to_numpy()[idx]
    r = P.EXCLUSION_LOG_RATIO
    log = (r["male"] * (f["sex"].to_numpy()[idx] == "M") + r["fsm"] * (f["fsm"].to_numpy()[idx] == "Y")
           + r["sen_k"] * (f["sen_status"].to_numpy()[idx] == "K")
           + r["sen_e"] * (f["sen_status"].to_numpy()[idx] == "E"))
    return np.asarray(P.EXCLUSION_NCY_WEIGHT)[ncy] * np.exp(log)


def _dates(rng: np.random.Generator, days: np.ndarray, n: int) -> np.ndarray:
    """``n`` school days drawn from ``days`` with the month-of-year weights."""
    months = days.astype("datetime64[M]").astype(int) % 12 + 1
    w = np.array([P.EXCLUSION_MONTH_WEIGHT[m] for m in months])
    return days[rng.choice(len(days), size=n, p=w / w.sum())]


def _place_in_pru(rng: np.random.Generator, pupils: Pupils, excluded: np.ndarray, year: int) -> None:
    """Permanently excluded pupils go on a PRU's roll (their district's if it has one) from the
    next academic year; the PEX case (cases.py) names the same PRU."""
    schools = pupils.schools
    prus = np.flatnonzero(schools["phase"].to_numpy() == "PRU")
    district = schools["district"].to_numpy()
    home = district[pupils.school_in_year(year, excluded)]
    for pupil, d in zip(excluded, home):
        local = prus[district[prus] == d]
        options = local if len(local) else prus
        pupils.frame.at[pupil, "pru_school"] = options[rng.integers(len(options))]
        pupils.frame.at[pupil, "pru_from_year"] = year + 1


def simulate(rng: np.random.Generator, pupils: Pupils, years: list[int], end: dt.date,
             calendar: SchoolCalendar) -> pd.DataFrame:
    """All exclusions in academic years ``years`` up to ``end``, on school days of ``calendar``: one row
    per exclusion, with the pupil's row index (``pupil``), school row index (``school``) and year group."""
    frailty = rng.gamma(P.EXCLUSION_FRAILTY_SHAPE, 1 / P.EXCLUSION_FRAILTY_SHAPE, size=len(pupils.frame))
    parts = []
    for year in years:
        days = year_school_days(calendar, year, until=end)
        if len(days) == 0:
            continue
        fraction = len(days) / len(year_school_days(calendar, year))
        idx = pupils.on_roll(year)
        susp_rate, perm_rate = rates_for(year)
        weight = relative_rate(pupils, idx, year) * frailty[idx]
        # permanent exclusions first: mostly pupils with a high suspension rate (frailty)
        n_perm = rng.poisson(perm_rate / 100 * len(idx) * fraction)
        already = pupils.frame["pru_school"].to_numpy()[idx] >= 0  # excluded before: now at a PRU
        chosen = weighted_without_replacement(rng, weight * ~already, n_perm)
        perm = pd.DataFrame({"pupil": idx[chosen], "start_date": _dates(rng, days, len(chosen)),
                             "category": "PERM"})
        # an excluded pupil can be suspended by that school only before the exclusion: scale their
        # exposure, then share out rate per 100 x headcount (x the year so far) by weight x exposure
        exposure = np.ones(len(idx))
        exposure[chosen] = np.searchsorted(days, perm["start_date"].to_numpy()) / len(days)
        lam = weight * exposure
        lam = lam / lam.sum() * susp_rate / 100 * len(idx) * fraction
        counts = rng.poisson(lam)
        susp = pd.DataFrame({"pupil": np.repeat(idx, counts), "start_date": _dates(rng, days, counts.sum()),
                             "category": "SUSP"})
        # redraw the dates of an excluded pupil's suspensions within the days before the exclusion
        last_day = pd.Series(perm["start_date"].to_numpy(), index=perm["pupil"].to_numpy())
        before = susp["pupil"].map(last_day)
        for row in np.flatnonzero(before.notna().to_numpy()):
            earlier = days[days < before.iat[row]]
            susp.iat[row, 1] = earlier[rng.integers(len(earlier))] if len(earlier) else None
        susp = susp[susp["start_date"].notna()]
        perm_pupil = perm["pupil"].to_numpy()
        _place_in_pru(rng, pupils, perm_pupil, year)
        year_rows = pd.concat([susp, perm], ignore_index=True)
        year_rows["year"] = year
        year_rows["school"] = pupils.school_in_year(year, year_rows["pupil"].to_numpy())
        year_rows["ncy"] = year - pupils.frame["cohort"].to_numpy()[year_rows["pupil"].to_numpy()]
        parts.append(year_rows)
    ex = pd.concat(parts, ignore_index=True)
    n = len(ex)
    is_susp = ex["category"].to_numpy() == "SUSP"
    days_out = rng.choice(P.SUSPENSION_DAYS, size=n, p=np.array(P.SUSPENSION_DAYS_WEIGHTS) / sum(P.SUSPENSION_DAYS_WEIGHTS))
    ex["sessions"] = np.where(is_susp, 2 * days_out, -1)
    ex["reason_code"] = np.where(is_susp, choose(rng, P.SUSPENSION_REASON_SHARES, n),
                                 choose(rng, P.PERMANENT_REASON_SHARES, n))
    ex = ex.sort_values(["start_date", "school", "pupil", "category"], kind="stable").reset_index(drop=True)
    ex["exclusion_id"] = [f"EX{i:07d}" for i in range(1, n + 1)]
    return ex


def exclusions_extract(ex: pd.DataFrame, pupils: Pupils) -> pd.DataFrame:
    """The exclusions extract (contract EXCLUSIONS) from the simulated rows."""
    f = pupils.frame
    p = ex["pupil"].to_numpy()
    return pd.DataFrame({
        "exclusion_id": ex["exclusion_id"],
        "pupil_id": f["pupil_id"].to_numpy()[p],
        "school_urn": pupils.schools["school_urn"].to_numpy()[ex["school"].to_numpy()],
        "start_date": pd.to_datetime(ex["start_date"]).dt.strftime("%Y-%m-%d"),
        "category": ex["category"],
        "sessions": ex["sessions"].astype("Int64").where(ex["sessions"] > 0),
        "reason_code": ex["reason_code"],
        "ncy": ex["ncy"],
        **pupils.extract_characteristics(p),
    })
