"""Suspension and permanent exclusion rates as DfE defines them.

Rates are per 100 pupils of the January census headcount of the same academic year (DfE,
"Suspensions and permanent exclusions in England", methodology; DOMAIN.md "Publishing
conventions"):

* ``susp_rate``          suspensions per 100 pupils;
* ``perm_excl_rate``     permanent exclusions per 100 pupils;
* ``one_plus_susp_rate`` pupils with one or more suspensions per 100 pupils;
* ``average_susp_length_days`` mean length of a suspension in school days (sessions / 2).

Termly and monthly rates use the same annual January headcount as their denominator, as DfE's
termly figures do. Terms here are month-based, not the LA's term dates: Autumn = September to
December, Spring = January to April, Summer = May to August (the school calendar module owns real
term dates). The academic year runs 1 September to 31 August.

Everything returned is unrounded, with the counts and the denominator beside each rate; rounding
(half-up, to the published decimal places) is the presentation layer's job.
"""
from __future__ import annotations

import pandas as pd

from ..calendar.academic_year import academic_years_of

TERM_BY_MONTH = {9: "AUT", 10: "AUT", 11: "AUT", 12: "AUT", 1: "SPR", 2: "SPR", 3: "SPR", 4: "SPR",
                 5: "SUM", 6: "SUM", 7: "SUM", 8: "SUM"}
TERM_ORDER = ["AUT", "SPR", "SUM"]
TERM_FIRST_MONTH = {"AUT": 9, "SPR": 1, "SUM": 5}
MONTH_ORDER = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8]

# Dimensions the January census gives a denominator for (census extract: per school, year, ncy,
# with FSM / SEN support / EHCP sub-counts). Phase comes from the schools extract.
CENSUS_DIMENSIONS = {"academic_year", "school_urn", "ncy", "phase", "sen_status", "fsm"}
TIME_DIMENSIONS = {"term", "month"}
EXCLUSION_DIMENSIONS = CENSUS_DIMENSIONS | TIME_DIMENSIONS | {"sex", "ethnicity", "reason_code"}

RATE_COLUMNS = ["headcount", "susp", "susp_rate", "perm_excl", "perm_excl_rate", "one_plus_susp",
                "one_plus_susp_rate", "susp_days", "average_susp_length_days"]


def academic_year(dates) -> pd.Series:
    """Academic year label ("2024/25") of each date; the year runs 1 September to 31 August."""
    return academic_years_of(pd.Series(dates))


def month_term(dates) -> pd.Series:
    """Month-based term code of each date: AUT (Sep-Dec), SPR (Jan-Apr), SUM (May-Aug)."""
    return pd.to_datetime(pd.Series(dates)).dt.month.map(TERM_BY_MONTH)


def period_start(year_label: pd.Series, term: pd.Series | None = None, month: pd.Series | None = None) -> pd.Series:
    """First day of an academic year, of a month-based term in it, or of a month ("YYYY-MM")."""
    if month is not None:
        return pd.to_datetime(month.astype(str) + "-01")
    first_year = year_label.astype(str).str[:4].astype(int)
    if term is None:
        return pd.to_datetime(first_year.astype(str) + "-09-01")
    first_month = term.map(TERM_FIRST_MONTH)
    calendar_year = first_year + (first_month < 9).astype(int)
    return pd.to_datetime(calendar_year.astype(str) + "-" + first_month.astype(str).str.zfill(2) + "-01")


def per_100(count, headcount):
    """DfE rate: ``count`` per 100 pupils of ``headcount`` (NaN where the headcount is 0 or missing)."""
    headcount = (headcount if isinstance(headcount, pd.Series) else pd.Series(headcount)).astype("float64")
    count = (count if isinstance(count, pd.Series) else pd.Series(count, index=headcount.index)).astype("float64")
    return 100 * count / headcount.where(headcount > 0)


def _with_periods(exclusions: pd.DataFrame) -> pd.DataFrame:
    start = pd.to_datetime(exclusions["start_date"])
    return exclusions.assign(academic_year=academic_year(start).values, term=month_term(start).values,
                             month=start.dt.strftime("%Y-%m").values)


def _with_phase(frame: pd.DataFrame, schools: pd.DataFrame | None, what: str) -> pd.DataFrame:
    if schools is None:
        raise ValueError("breakdown by 'phase' needs the schools extract (schools=...)")
    phase = schools.set_index("school_urn")["phase"]
    out = frame.assign(phase=frame["school_urn"].map(phase))
    missing = out.loc[out["phase"].isna(), "school_urn"].unique()
    if len(missing):
        raise ValueError(f"{what}: school_urn {sorted(missing)[:5]} not in the schools extract, so no phase")
    return out


def exclusion_counts(exclusions: pd.DataFrame, by: list[str], schools: pd.DataFrame | None = None) -> pd.DataFrame:
    """Suspensions, permanent exclusions, distinct pupils suspended and suspension days per group.

    ``exclusions`` is the exclusions extract (one row per suspension or permanent exclusion); ``by``
    any of academic_year, term, month, school_urn, phase, ncy, sen_status, fsm, sex, ethnicity,
    reason_code. A pupil counts once in ``one_plus_susp`` within a group however many suspensions
    they had in it.
    """
    unknown = set(by) - EXCLUSION_DIMENSIONS
    if unknown:
        raise ValueError(f"cannot break exclusions down by {sorted(unknown)}; use {sorted(EXCLUSION_DIMENSIONS)}")
    frame = _with_periods(exclusions)
    if "phase" in by:
        frame = _with_phase(frame, schools, "exclusions")
    susp = frame[frame["category"] == "SUSP"]
    perm = frame[frame["category"] == "PERM"]
    keys = list(by)
    if not keys:
        return pd.DataFrame({"susp": [len(susp)], "perm_excl": [len(perm)],
                             "one_plus_susp": [susp["pupil_id"].nunique()],
                             "susp_days": [pd.to_numeric(susp["sessions"]).sum() / 2]})
    counts = pd.concat([
        susp.groupby(keys).size().rename("susp"),
        perm.groupby(keys).size().rename("perm_excl"),
        susp.groupby(keys)["pupil_id"].nunique().rename("one_plus_susp"),
        (pd.to_numeric(susp["sessions"]).groupby([susp[k] for k in keys]).sum() / 2).rename("susp_days"),
    ], axis=1)
    whole = ["susp", "perm_excl", "one_plus_susp"]
    counts[whole] = counts[whole].fillna(0).astype(int)
    counts["susp_days"] = counts["susp_days"].fillna(0.0)
    return counts.reset_index()


def _expand_characteristic(census: pd.DataFrame, column: str, parts: dict[str, pd.Series]) -> pd.DataFrame:
    frames = [census.assign(**{column: code, "headcount": count}) for code, count in parts.items()]
    return pd.concat(frames, ignore_index=True)


def census_headcount(census: pd.DataFrame, by: list[str], schools: pd.DataFrame | None = None) -> pd.DataFrame:
    """January census headcount per group (the denominator of every rate).

    SEN status splits the headcount into E (``headcount_ehcp``), K (``headcount_sen_support``) and N
    (the rest); FSM into Y (``headcount_fsm``) and N. The census has no joint SEN x FSM counts, and no
    counts by sex or ethnicity: those need a denominators frame (see :func:`exclusion_rates`).
    """
    keys = [k for k in by if k not in TIME_DIMENSIONS]
    lacking = set(keys) - CENSUS_DIMENSIONS
    if lacking:
        raise ValueError(f"the January census has no headcount by {sorted(lacking)}: pass denominators=... "
                         "with columns academic_year, those dimensions and headcount")
    if {"sen_status", "fsm"} <= set(keys):
        raise ValueError("the census has no joint SEN x FSM headcount; break down by one of them at a time")
    frame = census.copy()
    frame["headcount"] = pd.to_numeric(frame["headcount"])
    if "phase" in keys:
        frame = _with_phase(frame, schools, "census")
    for column, needed in {"sen_status": ["headcount_sen_support", "headcount_ehcp"],
                           "fsm": ["headcount_fsm"]}.items():
        if column not in keys:
            continue
        blanks = frame[needed].isna().any(axis=1)
        if blanks.any():
            row = frame.index[blanks][0]
            raise ValueError(f"census row {row}: {needed} blank, so no headcount by {column}")
        sub = {c: pd.to_numeric(frame[c]) for c in needed}
        if column == "sen_status":
            parts = {"E": sub["headcount_ehcp"], "K": sub["headcount_sen_support"],
                     "N": frame["headcount"] - sub["headcount_ehcp"] - sub["headcount_sen_support"]}
        else:
            parts = {"Y": sub["headcount_fsm"], "N": frame["headcount"] - sub["headcount_fsm"]}
        frame = _expand_characteristic(frame, column, parts)
    if not keys:
        return pd.DataFrame({"headcount": [frame["headcount"].sum()]})
    return frame.groupby(keys, as_index=False)["headcount"].sum()


def _expand_time(denominators: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Every term (or month) of each academic year gets the year's headcount, so that periods
    without any exclusion appear with zero counts."""
    if "term" in by:
        denominators = denominators.merge(pd.DataFrame({"term": TERM_ORDER}), how="cross")
    if "month" in by:
        if "academic_year" not in denominators:
            raise ValueError("monthly rates need academic_year in by, to match the January census")
        first = denominators["academic_year"].str[:4].astype(int)
        rows = []
        for m in MONTH_ORDER:
            year = first + (1 if m < 9 else 0)
            rows.append(denominators.assign(month=year.astype(str) + "-" + str(m).zfill(2)))
        denominators = pd.concat(rows, ignore_index=True)
        if "term" in by:
            denominators = denominators[pd.to_datetime(denominators["month"] + "-01").dt.month.map(TERM_BY_MONTH)
                                        == denominators["term"]]
    return denominators


def exclusion_rates(exclusions: pd.DataFrame, census: pd.DataFrame, by: list[str] | str = "academic_year",
                    schools: pd.DataFrame | None = None, denominators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counts, January-census headcount and DfE rates per group (unrounded).

    Columns: the ``by`` columns, then headcount (float, NaN where unknown), susp, susp_rate, perm_excl, perm_excl_rate,
    one_plus_susp, one_plus_susp_rate, susp_days, average_susp_length_days. Rates are per 100
    pupils; average length is susp_days / susp (NaN with no suspensions).

    Every group with a headcount appears, with zeros where nobody was excluded (a school with no
    suspensions matters in a funnel plot). A group with exclusions but no headcount (e.g. a school
    missing from the census) is kept with headcount and rates NaN, never dropped.
    ``denominators`` replaces the census (for sex or ethnicity): a frame with the non-time ``by``
    columns and ``headcount``.
    """
    by = [by] if isinstance(by, str) else list(by)
    if ("term" in by or "month" in by) and "academic_year" not in by:
        raise ValueError("termly or monthly rates need academic_year in by (the headcount is annual)")
    counts = exclusion_counts(exclusions, by, schools)
    denominator = denominators.copy() if denominators is not None else census_headcount(census, by, schools)
    if by:
        denominator = _expand_time(denominator, by)
        out = denominator.merge(counts, on=by, how="outer")
    else:
        out = pd.concat([denominator, counts], axis=1)
    for column in ["susp", "perm_excl", "one_plus_susp"]:
        out[column] = out[column].fillna(0).astype(int)
    out["susp_days"] = out["susp_days"].astype("float64").fillna(0.0)
    out["headcount"] = out["headcount"].astype("float64")   # plain floats: NaN where the census lacks a group
    for count in ["susp", "perm_excl", "one_plus_susp"]:
        out[f"{count}_rate"] = per_100(out[count], out["headcount"])
    out["average_susp_length_days"] = (out["susp_days"] / out["susp"].where(out["susp"] > 0)).astype("float64")
    out = out[by + RATE_COLUMNS]
    return _sort_periods(out, by).reset_index(drop=True)


def _sort_periods(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    if not by:
        return frame
    keys = {}
    if "term" in by:
        keys["term"] = lambda s: s.map({t: i for i, t in enumerate(TERM_ORDER)})
    return frame.sort_values(by, key=lambda s: keys[s.name](s) if s.name in keys else s)
