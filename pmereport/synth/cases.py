"""CME and PME case episodes (contract CASES).

Referrals arrive month by month (CME with a September spike, PME following the school year),
from a burn-in two years before the data starts so the caseload is at its steady level. PME
referrals take the Leicestershire reason shares (DOMAIN.md); permanently excluded pupils become PEX
cases placed on a PRU's roll. Pupils are picked with a secondary-age skew and more often when
disadvantaged (FSM, SEN, looked-after, CIN/CPP: the disproportionality a board paper shows).
Episodes last a few months (lognormal, a tail beyond a year), stop at the end of compulsory school
age, and the six pathway stages (Leicestershire) are dated in order as far as the case has got.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..calendar import SchoolCalendar, academic_year_start, academic_year_starts
from ..contract import codes as C
from . import params as P
from .dates import last_friday_of_june, next_weekday as _next_weekday, year_terms
from .pupils import Pupils, characteristics
from .sampling import choose, uniform_days, weighted_without_replacement

DAY = np.timedelta64(1, "D")


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, m = [], dt.date(start.year, start.month, 1)
    while m <= end:
        out.append(m)
        m = dt.date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


def _weekdays_in_month(month: dt.date, end: dt.date) -> np.ndarray:
    nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    last = min(nxt - dt.timedelta(days=1), end)
    days = np.arange(np.datetime64(month), np.datetime64(last) + 1, dtype="datetime64[D]")
    return days[((days.astype("int64") + 3) % 7) < 5]


def _referral_plan(rng: np.random.Generator, pupils: Pupils, perm: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """Referral dates and kinds: one row per episode to create (pupils not chosen yet)."""
    rows = []
    pme_mean = np.mean(list(P.PME_MONTH_WEIGHT.values()))
    cme_mean = np.mean(list(P.CME_MONTH_WEIGHT.values()))
    cme_per_pme = P.CME_SHARE_OF_CASES / (1 - P.CME_SHARE_OF_CASES)
    perm_month = pd.to_datetime(perm["start_date"]).dt.to_period("M")
    roll_size = {}
    for month in _months(P.BURN_IN_START, end):
        year = academic_year_start(month)
        if year not in roll_size:
            roll_size[year] = len(pupils.on_roll(year))
        days = _weekdays_in_month(month, end)
        expected_pme = P.PME_REFERRALS_PER_1000_PER_YEAR * roll_size[year] / 1000 / 12
        n_pme = rng.poisson(expected_pme * P.PME_MONTH_WEIGHT[month.month] / pme_mean)
        n_cme = rng.poisson(expected_pme * cme_per_pme * P.CME_MONTH_WEIGHT[month.month] / cme_mean)
        cats = rng.multinomial(n_pme, list(P.REASON_SHARES.values()))
        for category, n in zip(P.REASON_SHARES, cats):
            if category == "BEHAVIOURAL":
                if month >= P.DATA_START:  # PEX cases come from the permanent exclusions below
                    n = max(0, n - int((perm_month == pd.Period(month, "M")).sum()))
                else:
                    n_pex = rng.binomial(n, P.BURN_IN_PEX_SHARE_OF_BEHAVIOURAL)
                    rows.append(("PME", category, "PEX", rng.choice(days, n_pex)))
                    n -= n_pex
            groups = choose(rng, P.GROUP_WEIGHTS[category], n)
            rows.append(("PME", category, groups, rng.choice(days, n)))
        known = rng.random(n_cme) < P.CME_WHEREABOUTS_KNOWN_SHARE
        rows.append(("CME_KNOWN", "OTHER", "CME", rng.choice(days, known.sum())))
        rows.append(("CME_UNKNOWN", "OTHER", "CME", rng.choice(days, (~known).sum())))
    frames = [pd.DataFrame({"kind": k, "category": c, "pme_group": g, "referral_date": d})
              for k, c, g, d in rows if len(d)]
    plan = pd.concat(frames, ignore_index=True)
    plan["year"] = academic_year_starts(plan["referral_date"]).to_numpy(dtype=np.int64)
    return plan


def _pupil_weight(pupils: Pupils, idx: np.ndarray, year: int, ncy_weight, ratios: dict) -> np.ndarray:
    f = pupils.frame
    ncy = year - f["cohort"].to_numpy()[idx]
    flags = {
        "fsm": f["fsm"].to_numpy()[idx] == "Y", "sen_k": f["sen_status"].to_numpy()[idx] == "K",
        "sen_e": f["sen_status"].to_numpy()[idx] == "E", "looked_after": f["looked_after"].to_numpy()[idx] == "Y",
        "cin": f["cin_status"].to_numpy()[idx] == "CIN", "cpp": f["cin_status"].to_numpy()[idx] == "CPP",
        "male": f["sex"].to_numpy()[idx] == "M", "female": f["sex"].to_numpy()[idx] == "F",
        "grt": f["grt"].to_numpy()[idx],
    }
    log = sum(r * flags[name] for name, r in ratios.items())
    return np.asarray(ncy_weight)[ncy] * np.exp(log)


def _assign_pupils(rng: np.random.Generator, pupils: Pupils, plan: pd.DataFrame, used: np.ndarray) -> np.ndarray:
    """A pupil on roll for every PME and whereabouts-unknown CME referral; -1 for CME arrivals.

    First episodes go to distinct pupils (``used`` marks those already taken)."""
    pupil = np.full(len(plan), -1, dtype=np.int64)
    nil_only = pupils.schools["nil_only"].to_numpy()
    for year in sorted(plan["year"].unique()):
        idx = pupils.on_roll(year)
        school = pupils.school_in_year(year, idx)
        for kind, category in [("PME", c) for c in P.REASON_SHARES] + [("CME_UNKNOWN", "OTHER")]:
            rows = np.flatnonzero((plan["year"].to_numpy() == year) & (plan["kind"].to_numpy() == kind)
                                  & (plan["category"].to_numpy() == category)
                                  & (plan["pme_group"].to_numpy() != "PEX"))
            if not len(rows):
                continue
            if kind == "PME":
                ratios = {**P.PME_LOG_RATIO, **P.CATEGORY_LOG_RATIO[category]}
                w = _pupil_weight(pupils, idx, year, P.PME_NCY_WEIGHT, ratios) * ~nil_only[school]
            else:
                w = _pupil_weight(pupils, idx, year, P.CME_NCY_WEIGHT, P.PME_LOG_RATIO)
            w = w * ~used[idx]
            chosen = idx[weighted_without_replacement(rng, w, len(rows))]
            used[chosen] = True
            pupil[rows[: len(chosen)]] = chosen
            if len(chosen) < len(rows):
                raise RuntimeError(f"not enough pupils for {len(rows)} {kind} {category} referrals in {year}")
        # burn-in PEX referrals: behavioural pupils (before the exclusions data starts)
        rows = np.flatnonzero((plan["year"].to_numpy() == year) & (plan["pme_group"].to_numpy() == "PEX"))
        if len(rows):
            ratios = {**P.PME_LOG_RATIO, **P.CATEGORY_LOG_RATIO["BEHAVIOURAL"]}
            w = _pupil_weight(pupils, idx, year, P.EXCLUSION_NCY_WEIGHT, ratios) * ~used[idx]
            chosen = idx[weighted_without_replacement(rng, w, len(rows))]
            used[chosen] = True
            pupil[rows] = chosen
    return pupil


def _fix_groups(group: np.ndarray, sex: np.ndarray, ncy: np.ndarray) -> np.ndarray:
    """Groups that only fit some pupils: young mothers are girls in Year 9+; custody and the Youth
    Offending Service concern Year 8+ (otherwise the nearest group in the same category)."""
    group = group.copy()
    group[(group == "PYM") & ((sex != "F") | (ncy < 9))] = "RAR"
    group[(group == "CUS") & (ncy < 8)] = "RAR"
    group[(group == "YOS") & (ncy < 8)] = "SBD"
    return group


def _durations(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    median = np.select([kind == "CME_KNOWN", kind == "CME_UNKNOWN"],
                       [P.CME_KNOWN_DURATION_MEDIAN_DAYS, P.CME_UNKNOWN_DURATION_MEDIAN_DAYS],
                       P.PME_DURATION_MEDIAN_DAYS)
    sigma = np.where(kind == "PME", P.PME_DURATION_SIGMA, P.CME_DURATION_SIGMA)
    return np.maximum(1, np.round(median * np.exp(sigma * rng.standard_normal(len(kind))))).astype(int)


def _year6_ends(calendar: SchoolCalendar, cohort: np.ndarray, primary: np.ndarray, end: dt.date) -> np.ndarray:
    """Last day of the summer term of Year 6 (the configured term dates) for the ``primary`` rows.

    A Year 6 that ends after ``end`` cannot cap anything (such an episode is open at ``end`` either
    way), so it and the rows that are not primary get a date past every other (no term dates needed).
    """
    never = np.datetime64("9999-12-31")
    year6 = cohort + 6
    ends = {y: np.datetime64(year_terms(calendar, y)[-1].end.date())
            for y in np.unique(year6[primary]) if y <= academic_year_start(end)}
    return np.array([ends.get(y, never) if p else never for y, p in zip(year6, primary)], dtype="datetime64[D]")


def _close(rng: np.random.Generator, cases: pd.DataFrame, end: dt.date, calendar: SchoolCalendar) -> pd.DataFrame:
    """Closure date and reason; capped at the end of compulsory school age (AGE) and, for primary
    pupils, at the end of Year 6 (moved on to a secondary school roll: SCH)."""
    n = len(cases)
    closure = cases["referral_date"].to_numpy().astype("datetime64[D]") + _durations(rng, cases["kind"].to_numpy()) * DAY
    reason = np.empty(n, dtype=object)
    for kind, shares in P.CLOSURE_REASONS.items():
        mask = cases["kind"].to_numpy() == kind
        reason[mask] = choose(rng, shares, mask.sum())
    cohort = cases["cohort"].to_numpy()
    age_end = np.array([np.datetime64(last_friday_of_june(c + 12)) for c in cohort])
    over = closure > age_end
    closure = np.where(over, age_end, closure)
    reason = np.where(over, "AGE", reason)
    ncy = cases["ncy"].to_numpy()
    primary = (cases["kind"].to_numpy() == "PME") & (ncy <= 6) & (cases["school_phase"].to_numpy() == "PRI")
    y6_end = _year6_ends(calendar, cohort, primary, end)
    over = primary & (closure > y6_end)
    closure = np.where(over, y6_end, closure)
    reason = np.where(over, "SCH", reason)
    referral = cases["referral_date"].to_numpy().astype("datetime64[D]")
    too_late = (referral >= age_end) | (primary & (referral >= y6_end))  # over age / summer holiday
    open_ = closure > np.datetime64(end)
    cases["closure_date"] = np.where(open_, np.datetime64("NaT"), closure).astype("datetime64[D]")
    cases["closure_reason"] = np.where(open_, None, reason)
    return cases[~too_late]


def _stages(rng: np.random.Generator, cases: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """Pathway stage dates in order; a stage not reached by closure (or by ``end``) is blank."""
    n = len(cases)
    last = cases["closure_date"].fillna(pd.Timestamp(end)).to_numpy().astype("datetime64[D]")
    previous = cases["referral_date"].to_numpy().astype("datetime64[D]")
    for stage, (low, high) in P.STAGE_GAPS_DAYS.items():
        date = _next_weekday(previous + uniform_days(rng, low, high, n) * DAY)
        cases[stage] = np.where(date <= last, date, np.datetime64("NaT")).astype("datetime64[D]")
        previous = date
    return cases


def _risk_indicators(rng: np.random.Generator, cases: pd.DataFrame) -> pd.DataFrame:
    """The 20 referral-form indicators (DOMAIN.md), C / H / N, sparse, more likely where the
    group or the child's circumstances point to them."""
    g = cases["pme_group"].to_numpy()
    flags = {
        "lac": cases["looked_after"].to_numpy() == "Y", "cpp": cases["cin_status"].to_numpy() == "CPP",
        "cin": cases["cin_status"].to_numpy() == "CIN", "fsm": cases["fsm"].to_numpy() == "Y",
        "sen": cases["sen_status"].to_numpy() != "N", "unknown": cases["kind"].to_numpy() == "CME_UNKNOWN",
    }
    flags.update({grp: g == grp for grp in C.PME_GROUPS})
    current = {  # indicator: {condition: chance it is Current}
        "risk_care_history": {"lac": 0.9}, "risk_missing_from_home": {"MDD": 0.4, "YOS": 0.3, "unknown": 0.3},
        "risk_exclusion_absence": {"PEX": 0.9, "SBD": 0.6, "RAR": 0.8, "MDD": 0.5, "YOS": 0.4},
        "risk_social_learning": {"CNP": 0.8, "sen": 0.5}, "risk_self_harm": {"MHN": 0.45},
        "risk_bullying": {"MHN": 0.25, "RAR": 0.2}, "risk_substance_misuse": {"YOS": 0.35, "PEX": 0.2, "CUS": 0.4},
        "risk_criminal_activity": {"YOS": 0.7, "CUS": 0.8, "PEX": 0.15}, "risk_cse": {"MDD": 0.2, "cpp": 0.1},
        "risk_whereabouts_unknown": {"unknown": 1.0}, "risk_sexualised_behaviour": {"cpp": 0.08},
        "risk_aggression": {"PEX": 0.6, "SBD": 0.5}, "risk_family_breakdown": {"YCR": 0.4, "MFA": 0.2, "lac": 0.5},
        "risk_gang_association": {"YOS": 0.3, "CUS": 0.3, "PEX": 0.1}, "risk_abuse_neglect": {"cpp": 0.7},
        "risk_domestic_abuse": {"cpp": 0.4, "cin": 0.3}, "risk_mental_health": {"MHN": 0.9},
        "risk_sexual_physical_emotional_abuse": {"cpp": 0.4}, "risk_isolation": {"MHN": 0.35, "MED": 0.3, "EHU": 0.3},
        "risk_poverty": {"fsm": 0.5},
    }
    assert list(current) == list(C.RISK_INDICATORS)
    for name, conditions in current.items():
        p_current = np.full(len(cases), P.RISK_BASE_CURRENT)
        for condition, p in conditions.items():
            p_current = np.where(flags[condition], np.maximum(p_current, p), p_current)
        u = rng.random(len(cases))
        cases[name] = np.where(u < p_current, "C", np.where(u < p_current + P.RISK_BASE_HISTORIC, "H", "N"))
    return cases


def _rag(cases: pd.DataFrame) -> np.ndarray:
    """Red / Amber / Green from the indicators and circumstances (the real scoring is local, so this
    is illustrative); whereabouts-known CME are always Red (DOMAIN.md, Leicestershire CME policy)."""
    risk = cases[list(C.RISK_INDICATORS)].to_numpy()
    score = ((risk == "C").sum(axis=1) + 0.5 * (risk == "H").sum(axis=1)
             + 2 * (cases["looked_after"].to_numpy() == "Y") + 2 * (cases["cin_status"].to_numpy() == "CPP")
             + (cases["cin_status"].to_numpy() == "CIN"))
    rag = np.where(score >= 4, "R", np.where(score >= 2, "A", "G"))
    rag = np.where(cases["kind"].to_numpy() == "CME_UNKNOWN", np.where(score >= 2, "R", "A"), rag)
    return np.where(cases["kind"].to_numpy() == "CME_KNOWN", "R", rag)


def _describe(cases: pd.DataFrame, pupils: Pupils, arrivals: pd.DataFrame) -> pd.DataFrame:
    """Copy the child's characteristics, year group and school details onto each episode."""
    f = pupils.frame
    on_roll = cases["pupil"].to_numpy() >= 0
    cols = ["pupil_id", "cohort", "sex", "ethnicity", "fsm", "sen_status", "looked_after", "cin_status"]
    for c in cols:
        values = np.empty(len(cases), dtype=object)
        values[on_roll] = f[c].to_numpy()[cases["pupil"].to_numpy()[on_roll]]
        values[~on_roll] = arrivals[c].to_numpy()[cases["arrival"].to_numpy()[~on_roll]]
        cases[c] = values
    cases["cohort"] = cases["cohort"].astype(int)
    cases["ncy"] = cases["year"] - cases["cohort"]
    return cases


def _pex_referrals(rng: np.random.Generator, perm: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """PEX episodes from the permanent exclusions: referred to the LA within a few days."""
    date = _next_weekday(pd.to_datetime(perm["start_date"]).to_numpy().astype("datetime64[D]")
                         + uniform_days(rng, 1, 5, len(perm)) * DAY)
    pex = pd.DataFrame({"kind": "PME", "category": "BEHAVIOURAL", "pme_group": "PEX",
                        "referral_date": pd.to_datetime(date), "pupil": perm["pupil"].to_numpy()})
    pex = pex[pex["referral_date"] <= pd.Timestamp(end)]
    pex["year"] = academic_year_starts(pex["referral_date"]).to_numpy(dtype=np.int64)
    return pex


def _arrivals(rng: np.random.Generator, cases: pd.DataFrame, pupils: Pupils) -> pd.DataFrame:
    """Children arriving without a school place (CME, whereabouts known): new to the county's
    rolls, so they get their own ids and characteristics (more often disadvantaged)."""
    arriving = np.flatnonzero(cases["kind"].to_numpy() == "CME_KNOWN")
    arrivals = characteristics(rng, len(arriving), shift=P.CME_ARRIVAL_DISADVANTAGE_SHIFT)
    arrivals["sex"] = np.where(rng.random(len(arriving)) < 0.005, "U", arrivals["sex"])
    arrivals["pupil_id"] = pupils.spare_ids[: len(arriving)]
    ncy = rng.choice(12, size=len(arriving), p=np.array(P.CME_NCY_WEIGHT) / sum(P.CME_NCY_WEIGHT))
    arrivals["cohort"] = cases["year"].to_numpy()[arriving] - ncy
    cases["arrival"] = -1
    cases.loc[arriving, "arrival"] = np.arange(len(arriving))
    return arrivals


def _place(rng: np.random.Generator, cases: pd.DataFrame, pupils: Pupils) -> pd.DataFrame:
    """School and district of each episode. PME: the school whose roll the pupil is on (PEX: the
    PRU they were placed in); CME: no school, the district of their last school (or any, for an
    arrival)."""
    schools = pupils.schools
    district = schools["district"].to_numpy()
    pupil = cases["pupil"].to_numpy()
    roll = np.full(len(cases), -1, dtype=np.int64)
    for year in sorted(cases["year"].unique()):
        rows = np.flatnonzero((cases["year"].to_numpy() == year) & (pupil >= 0))
        roll[rows] = pupils.school_in_year(year, pupil[rows])
    prus = np.flatnonzero(schools["phase"].to_numpy() == "PRU")
    placed_pru = pupils.frame["pru_school"].to_numpy()[np.maximum(pupil, 0)]
    any_pru = prus[rng.integers(len(prus), size=len(cases))]  # burn-in PEX, before the exclusions data
    school = np.where(cases["pme_group"].to_numpy() == "PEX", np.where(placed_pru >= 0, placed_pru, any_pru), roll)
    school[cases["kind"].to_numpy() != "PME"] = -1
    names = np.array(sorted(set(district)), dtype=object)
    anywhere = names[rng.integers(len(names), size=len(cases))]
    home = np.where(school >= 0, school, roll)
    cases["school"] = school
    cases["school_phase"] = np.where(school >= 0, schools["phase"].to_numpy()[np.maximum(school, 0)], "")
    cases["district"] = np.where(home >= 0, district[np.maximum(home, 0)], anywhere)
    return cases


def _referral_sources(rng: np.random.Generator, cases: pd.DataFrame) -> np.ndarray:
    """Who referred: schools and the monthly return for most PME, health for medical needs, the
    LA's exclusions team for PEX, other LAs and parents for arrivals, schools for the missing."""
    source = np.empty(len(cases), dtype=object)
    kind = cases["kind"].to_numpy()
    medical = (kind == "PME") & (cases["category"].to_numpy() == "MEDICAL")
    for mask, table in [(medical, "PME_MEDICAL"), ((kind == "PME") & ~medical, "PME"),
                        (kind == "CME_KNOWN", "CME_KNOWN"), (kind == "CME_UNKNOWN", "CME_UNKNOWN")]:
        source[mask] = choose(rng, P.REFERRAL_SOURCES[table], mask.sum())
    source[cases["pme_group"].to_numpy() == "PEX"] = "LAS"
    return source


def simulate(rng: np.random.Generator, pupils: Pupils, exclusions: pd.DataFrame, end: dt.date,
             calendar: SchoolCalendar) -> pd.DataFrame:
    """All case episodes open at some time from DATA_START to ``end``; Year 6 ends with the summer term
    of ``calendar`` (internal columns kept:
    ``pupil`` row index or -1, ``school`` row index or -1, ``kind``, ``category``)."""
    perm = exclusions[(exclusions["category"] == "PERM")
                      & (pd.to_datetime(exclusions["start_date"]) >= pd.Timestamp(P.DATA_START))]
    plan = _referral_plan(rng, pupils, perm, end)
    used = np.zeros(len(pupils.frame), dtype=bool)
    used[perm["pupil"].to_numpy()] = True  # their episode is the PEX one
    plan["pupil"] = _assign_pupils(rng, pupils, plan, used)
    cases = pd.concat([plan, _pex_referrals(rng, perm, end)], ignore_index=True)
    cases = _describe(cases, pupils, _arrivals(rng, cases, pupils))
    cases = _place(rng, cases, pupils)
    cases["pme_group"] = _fix_groups(cases["pme_group"].to_numpy().astype(object),
                                     cases["sex"].to_numpy(), cases["ncy"].to_numpy())
    cases = _close(rng, cases, end, calendar)
    cases = cases[cases["closure_date"].isna() | (cases["closure_date"] >= pd.Timestamp(P.DATA_START))]
    cases = pd.concat([cases, _second_episodes(rng, cases, pupils, end, calendar)],
                      ignore_index=True)
    cases = _stages(rng, cases.reset_index(drop=True), end)
    cases["referral_source"] = _referral_sources(rng, cases)
    cases = _risk_indicators(rng, cases)
    cases["rag_rating"] = _rag(cases)
    cases = cases.sort_values(["referral_date", "pupil_id"], kind="stable").reset_index(drop=True)
    cases["case_id"] = [f"CASE{i:06d}" for i in range(1, len(cases) + 1)]
    return cases


def _second_episodes(rng: np.random.Generator, cases: pd.DataFrame, pupils: Pupils, end: dt.date,
                     calendar: SchoolCalendar) -> pd.DataFrame:
    """Some pupils come back: a new episode (same kind and group) after a re-engagement closure."""
    closed = cases[cases["closure_reason"].isin(C.REENGAGEMENT_CLOSURES).to_numpy()
                   & (cases["pupil"].to_numpy() >= 0)]
    again = closed[rng.random(len(closed)) < P.SECOND_EPISODE_SHARE].copy()
    gap = uniform_days(rng, 30, 365, len(again))
    again["referral_date"] = pd.to_datetime(_next_weekday(again["closure_date"].to_numpy().astype("datetime64[D]") + gap * DAY))
    again = again[again["referral_date"] <= pd.Timestamp(end)]
    again["year"] = academic_year_starts(again["referral_date"]).to_numpy(dtype=np.int64)
    again["ncy"] = again["year"] - again["cohort"]
    pme = again["kind"].to_numpy() == "PME"
    not_pex = again["pme_group"].to_numpy() != "PEX"
    now_school = np.array([pupils.school_in_year(y, np.array([p]))[0]
                           for y, p in zip(again["year"], again["pupil"])], dtype=np.int64)
    again["school"] = np.where(pme & not_pex, now_school, again["school"])
    nil_only = pupils.schools["nil_only"].to_numpy()
    ok = (again["ncy"] <= 11).to_numpy() & (now_school >= 0) & ~(pme & nil_only[np.maximum(again["school"], 0)])
    again = again[ok]
    has_school = again["school"].to_numpy() >= 0
    again["school_phase"] = np.where(has_school, pupils.schools["phase"].to_numpy()[np.maximum(again["school"], 0)], "")
    again["district"] = np.where(has_school, pupils.schools["district"].to_numpy()[np.maximum(again["school"], 0)],
                                 again["district"])
    again = _close(rng, again.drop(columns=["closure_date", "closure_reason"]), end, calendar)
    return again


def _iso(column: pd.Series) -> pd.Series:
    column = pd.to_datetime(column)
    return column.dt.strftime("%Y-%m-%d").where(column.notna(), None)


def cases_extract(cases: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    """The case extract (contract CASES) from the simulated episodes."""
    kind = cases["kind"].to_numpy()
    school = cases["school"].to_numpy()
    out = pd.DataFrame({
        "case_id": cases["case_id"],
        "pupil_id": cases["pupil_id"],
        "case_type": np.where(kind == "PME", "PME", "CME"),
        "referral_date": _iso(cases["referral_date"]),
        "referral_source": cases["referral_source"],
        "pme_group": cases["pme_group"],
        "rag_rating": cases["rag_rating"],
        "whereabouts_known": np.where(kind == "CME_KNOWN", "Y", np.where(kind == "CME_UNKNOWN", "N", None)),
    })
    for c in ["ncy", "sex", "ethnicity", "sen_status", "fsm", "looked_after", "cin_status", "district"]:
        out[c] = cases[c].to_numpy()
    out["school_urn"] = pd.array(np.where(school >= 0, schools["school_urn"].to_numpy()[np.maximum(school, 0)], 0),
                                 dtype="Int64")
    out.loc[school < 0, "school_urn"] = pd.NA
    for c in ["assessment_date", "case_management_date", "placement_identified_date", "monitoring_date",
              "closure_date"]:
        out[c] = _iso(cases[c]).to_numpy()
    out["closure_reason"] = cases["closure_reason"].to_numpy()
    for c in C.RISK_INDICATORS:
        out[c] = cases[c].to_numpy()
    return out
