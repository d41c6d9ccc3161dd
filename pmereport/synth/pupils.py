"""The pupil population: who is on which school's roll in each academic year, and their
characteristics (fixed per child, so they agree across every extract).

Each child belongs to a reception cohort (the academic year they started Reception), so their
year group in year Y is ``Y - cohort``. Mainstream pupils go to a primary in their district for
Reception to Year 6 and to one of the district's secondaries for Years 7-11; special school and PRU
pupils stay at that school. A permanently excluded pupil is on a PRU's roll from the next year. Shares of FSM, SEN, looked-after and social-care involvement follow
DfE's published England figures (params.py), correlated through a latent "disadvantage" score.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from ..calendar import academic_year_label
from . import params as P
from .sampling import choose


@dataclass
class Pupils:
    """All children the generator knows, one row each (``frame``), indexed 0..n-1."""

    frame: pd.DataFrame
    schools: pd.DataFrame
    spare_ids: np.ndarray  # ids for children not on any roll (CME arrivals)

    def school_in_year(self, year: int, idx: np.ndarray | None = None) -> np.ndarray:
        """Row index of the school each pupil is on the roll of in academic year ``year`` (-1 if none)."""
        f = self.frame if idx is None else self.frame.iloc[idx]
        ncy = year - f["cohort"].to_numpy()
        school = np.where(ncy <= 6, f["school_primary"].to_numpy(), f["school_secondary"].to_numpy())
        moved = year >= f["pru_from_year"].to_numpy()  # permanently excluded: on a PRU's roll
        school = np.where(moved, f["pru_school"].to_numpy(), school)
        low = self.schools["ncy_low"].to_numpy()[school]
        high = self.schools["ncy_high"].to_numpy()[school]
        return np.where((ncy >= low) & (ncy <= high) & (ncy >= 0) & (ncy <= 11), school, -1)

    def on_roll(self, year: int) -> np.ndarray:
        """Indices of the pupils on a school roll in academic year ``year``."""
        return np.flatnonzero(self.school_in_year(year) >= 0)

    def extract_characteristics(self, pupil: np.ndarray) -> dict[str, np.ndarray]:
        """The characteristics the pupil-level extracts carry (ATTENDANCE, EXCLUSIONS: sex, ethnicity,
        SEN status, FSM), in contract column order, for the pupils at row indices ``pupil``."""
        return {c: self.frame[c].to_numpy()[pupil] for c in ("sex", "ethnicity", "sen_status", "fsm")}


def _thresholded(score: np.ndarray, share: float) -> np.ndarray:
    """True for the top ``share`` of a standard-normal score (so the share is right in expectation)."""
    return score > norm.ppf(1 - share)


def _correlated(rng: np.random.Generator, z: np.ndarray, loading: float) -> np.ndarray:
    return loading * z + np.sqrt(1 - loading ** 2) * rng.standard_normal(len(z))


def characteristics(rng: np.random.Generator, n: int, phase: np.ndarray | None = None,
                    shift: float = 0.0) -> pd.DataFrame:
    """Sex, ethnicity, FSM, SEN, looked-after, CIN/CPP and GRT heritage for ``n`` children.

    ``shift`` moves the latent disadvantage score (e.g. for children arriving without a school place).
    """
    z = rng.standard_normal(n) + shift  # latent disadvantage
    male = rng.random(n) < P.SHARE_MALE
    fsm = _thresholded(_correlated(rng, z, P.DISADVANTAGE_LOADING["fsm"]), P.SHARE_FSM)
    sen_score = _correlated(rng, z, P.DISADVANTAGE_LOADING["sen"]) + 0.3 * (male - 0.5)
    sen = np.where(_thresholded(sen_score, P.SHARE_EHCP), "E",
                   np.where(_thresholded(sen_score, P.SHARE_EHCP + P.SHARE_SEN_SUPPORT), "K", "N"))
    if phase is not None:  # special schools: nearly all EHCP; PRUs: mostly SEN
        spe, pru = phase == "SPE", phase == "PRU"
        sen = np.where(spe, np.where(rng.random(n) < 0.95, "E", "K"), sen)
        sen = np.where(pru, choose(rng, {"N": 0.3, "K": 0.5, "E": 0.2}, n), sen)
    looked_after = _thresholded(_correlated(rng, z, P.DISADVANTAGE_LOADING["care"]), P.SHARE_LOOKED_AFTER)
    care = _correlated(rng, z, P.DISADVANTAGE_LOADING["care"])  # a separate draw: few LAC overlap
    cpp = _thresholded(care, P.SHARE_CPP) & ~looked_after
    cin = _thresholded(care, P.SHARE_CPP + P.SHARE_CIN_PLAN) & ~cpp & ~looked_after
    grt = rng.random(n) < P.SHARE_GRT
    ethnicity = np.where(grt, "WHIT", choose(rng, P.ETHNICITY_SHARES, n))
    return pd.DataFrame({
        "sex": np.where(male, "M", "F"),
        "ethnicity": ethnicity.astype(str),
        "fsm": np.where(fsm, "Y", "N"),
        "sen_status": sen.astype(str),
        "looked_after": np.where(looked_after, "Y", "N"),
        "cin_status": np.where(cpp, "CPP", np.where(cin, "CIN", "N")),
        "grt": grt,
        "disadvantage": z,
    })


def pupil_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct pseudonymous ids "P" + 7 digits (no structure: drawn at random)."""
    numbers = rng.choice(9_000_000, size=n, replace=False) + 1_000_000
    return np.array([f"P{x}" for x in numbers], dtype=object)


def build_pupils(rng: np.random.Generator, schools: pd.DataFrame, first_year: int, last_year: int) -> Pupils:
    """Every child on a roll at any time in academic years ``first_year``..``last_year``."""
    cohorts = np.arange(first_year - 11, last_year + 1)
    rows_school, rows_cohort = [], []
    phase = schools["phase"].to_numpy()
    for s in range(len(schools)):
        counts = rng.poisson(schools.at[s, "intake"], size=len(cohorts))
        rows_school.append(np.repeat(s, counts.sum()))
        rows_cohort.append(np.repeat(cohorts, counts))
    school = np.concatenate(rows_school)
    cohort = np.concatenate(rows_cohort)
    n = len(school)
    # mainstream primary pupils move at Year 7 to a secondary of their district, by popularity
    secondary = school.copy()
    districts = schools["district"].to_numpy()
    for d in sorted(set(districts)):
        secs = np.flatnonzero((phase == "SEC") & (districts == d))
        if not len(secs):  # a district without a secondary sends its pupils to any secondary
            secs = np.flatnonzero(phase == "SEC")
        movers = np.flatnonzero((phase[school] == "PRI") & (districts[school] == d))
        w = schools["popularity"].to_numpy()[secs]
        secondary[movers] = secs[rng.choice(len(secs), size=len(movers), p=w / w.sum())]
    frame = characteristics(rng, n, phase[school])
    ids = pupil_ids(rng, n + n // 5)
    frame.insert(0, "pupil_id", ids[:n])
    frame.insert(1, "cohort", cohort)
    frame.insert(2, "school_primary", school)
    frame.insert(3, "school_secondary", secondary)
    frame["pru_from_year"] = np.iinfo(np.int64).max  # set by exclusions.simulate
    frame["pru_school"] = -1
    return Pupils(frame, schools, ids[n:])


def census_extract(pupils: Pupils, years: list[int]) -> pd.DataFrame:
    """January census headcounts per school, academic year and year group (contract CENSUS)."""
    parts = []
    f = pupils.frame
    for year in years:
        school = pupils.school_in_year(year)
        on = school >= 0
        df = pd.DataFrame({"school": school[on], "ncy": year - f["cohort"].to_numpy()[on],
                           "fsm": (f["fsm"].to_numpy()[on] == "Y"),
                           "k": (f["sen_status"].to_numpy()[on] == "K"),
                           "e": (f["sen_status"].to_numpy()[on] == "E")})
        g = df.groupby(["school", "ncy"], sort=True).agg(headcount=("fsm", "size"), headcount_fsm=("fsm", "sum"),
                                                         headcount_sen_support=("k", "sum"),
                                                         headcount_ehcp=("e", "sum")).reset_index()
        g.insert(1, "academic_year", academic_year_label(year))
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "school_urn", pupils.schools["school_urn"].to_numpy()[out.pop("school")])
    return out.sort_values(["school_urn", "academic_year", "ncy"], kind="stable").reset_index(drop=True)
