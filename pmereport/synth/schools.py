"""The county's schools: phases, districts, made-up names, URNs, and how each school returns.

Issue 2 item 4: a county has ~240 primary, 50 secondary, a few special schools and 2-3 PRU/AP,
in 6-8 districts; URNs are six digits. Some schools never have a PME pupil and only ever send nil
returns; return promptness varies (RETURN_PROFILES).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import params as P
from .sampling import choose

PLACE_STEMS = ["Ash", "Beck", "Birch", "Brook", "Bur", "Calder", "Elm", "Fen", "Hart", "Hol", "Kirk",
               "Lang", "Mar", "Mill", "Nor", "Oak", "Red", "Sand", "Stan", "Thorn", "Wes", "Whit",
               "Wold", "Wych", "Alder", "Cross", "Glen", "Hazel"]
PLACE_ENDINGS = ["by", "ton", "ley", "field", "ford", "ham", "well", "worth", "stone", "bridge",
                 "thorpe", "wick"]
NAME_PATTERNS = {
    "PRI": ["{p} Primary School", "{p} Church of England Primary School", "{p} Community Primary School",
            "St Mary's Catholic Primary School, {p}", "{p} Infant and Junior School"],
    "SEC": ["{p} Academy", "{p} High School", "{p} Community College", "{p} School"],
    "SPE": ["{p} Special School", "{p} Lodge School"],
    "PRU": ["{p} Learning Centre (PRU)", "{p} Alternative Provision Academy"],
}
PHASE_NCY = {"PRI": (0, 6), "SEC": (7, 11), "SPE": (0, 11), "PRU": P.PRU_NCY}


def _names(rng: np.random.Generator, phases: list[str]) -> list[str]:
    places = [s + e for s in PLACE_STEMS for e in PLACE_ENDINGS]
    order = rng.permutation(len(places))
    used: set[str] = set()
    names = []
    for i, phase in enumerate(phases):
        patterns = NAME_PATTERNS[phase]
        for attempt in range(len(places)):
            place = places[order[(i + attempt * 7919) % len(places)]]
            name = patterns[(i + attempt) % len(patterns)].format(p=place)
            if name not in used:
                break
        used.add(name)
        names.append(name)
    return names


def build_schools(rng: np.random.Generator, size: str) -> pd.DataFrame:
    """One row per school: urn, name, phase, district, intake, ncy range, return profile, nil_only."""
    spec = P.SIZES[size]
    phases = (["PRI"] * spec["primary"] + ["SEC"] * spec["secondary"] + ["SPE"] * spec["special"]
              + ["PRU"] * spec["pru"])
    n = len(phases)
    districts = P.DISTRICT_NAMES[: spec["districts"]]
    # every district gets at least one school of each mainstream phase, the rest at random
    district = np.empty(n, dtype=object)
    for phase in ("PRI", "SEC", "SPE", "PRU"):
        idx = [i for i, ph in enumerate(phases) if ph == phase]
        base = [districts[j % len(districts)] for j in range(len(idx))]
        district[idx] = np.array(base, dtype=object)[rng.permutation(len(idx))]
    urn = 100000 + rng.choice(60000, size=n, replace=False) + 10000  # six digits, 110000-169999
    intake = np.where(np.array(phases) == "PRI",
                      rng.choice(P.PRIMARY_INTAKE_SIZES, size=n, p=P.PRIMARY_INTAKE_WEIGHTS), 0)
    intake = np.where(np.array(phases) == "SPE", P.SPECIAL_PUPILS_PER_YEAR_GROUP, intake)
    intake = np.where(np.array(phases) == "PRU", P.PRU_PUPILS_PER_YEAR_GROUP, intake)
    profiles = {k: v[0] for k, v in P.RETURN_PROFILES.items()}
    schools = pd.DataFrame({
        "school_urn": urn.astype(np.int64),
        "school_name": _names(rng, phases),
        "phase": phases,
        "district": district.astype(str),
        "intake": intake,
        "ncy_low": [PHASE_NCY[ph][0] for ph in phases],
        "ncy_high": [PHASE_NCY[ph][1] for ph in phases],
        "return_profile": choose(rng, profiles, n),
        # how popular a secondary is within its district (sizes vary ~500-1,600)
        "popularity": rng.gamma(6.0, 1 / 6.0, size=n),
    })
    # a few small primaries never have a PME pupil: they only ever send nil returns (issue 2)
    small_primaries = schools.index[(schools["phase"] == "PRI")].to_numpy()
    small_primaries = small_primaries[np.argsort(schools.loc[small_primaries, "intake"].to_numpy(), kind="stable")]
    nil_only = rng.choice(small_primaries[: max(spec["nil_only"] * 3, 1)], size=spec["nil_only"], replace=False)
    schools["nil_only"] = False
    schools.loc[nil_only, "nil_only"] = True
    schools.loc[nil_only, "return_profile"] = "prompt"
    return schools


def schools_extract(schools: pd.DataFrame) -> pd.DataFrame:
    """The schools extract (contract SCHOOLS): every school open throughout the data."""
    out = schools[["school_urn", "school_name", "phase", "district"]].copy()
    out["open_date"] = ""
    out["close_date"] = ""
    return out.sort_values("school_urn", kind="stable").reset_index(drop=True)
