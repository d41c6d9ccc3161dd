"""Shapes for the team manager's monthly operational pack (issue 3 item 6; DOMAIN.md "Who reads
what": caseload, flows, returns, triggers every month).

Each function reshapes what ``cohort``, ``flows``, ``reasons``, ``durations`` and ``provision``
compute into the wide table a report shows, so that no notebook cell needs a loop or a merge.
Counting rules are theirs: open = ``cohort.open_on``, flows = ``flows.monthly_flows``.
"""
from __future__ import annotations

import pandas as pd

from ..contract.codes import CASE_TYPES
from .cohort import CATEGORY_LABELS, open_on, snapshot
from .durations import open_duration_bands
from .flows import monthly_flows
from .provision import AP_TYPES, alternative_provision
from .reasons import cross_tab


def month_end(day) -> pd.Timestamp:
    """The last day of ``day``'s month."""
    return pd.Period(pd.Timestamp(day), "M").end_time.normalize()


def previous_month_end(day) -> pd.Timestamp:
    """The last day of the month before ``day``'s month (the pack's default comparison date)."""
    return (pd.Period(pd.Timestamp(day), "M") - 1).end_time.normalize()


def headline_measures(cases: pd.DataFrame, period_end, comparison_end) -> pd.DataFrame:
    """The pack's headline counts at ``comparison_end`` (previous) and ``period_end`` (current):
    open CME, open PME, open in total at the end of the day, and the referrals and closures in
    the month each date falls in (from its 1st to the date itself).
    Columns: measure, previous, current."""
    rows = {}
    for column, day in (("previous", pd.Timestamp(comparison_end)), ("current", pd.Timestamp(period_end))):
        counts = open_on(cases, day)["case_type"].value_counts()
        first = day.to_period("M").start_time
        referred = cases["referral_date"].between(first, day)
        closed = cases["closure_date"].between(first, day)
        rows[column] = [int(counts.get("CME", 0)), int(counts.get("PME", 0)), int(counts.sum()),
                        int(referred.sum()), int(closed.sum())]
    measures = ["Open CME cases", "Open PME cases", "Open CME and PME cases",
                "New referrals in the month", "Cases closed in the month"]
    return pd.DataFrame({"measure": measures, **rows})


def flows_by_case_type(cases: pd.DataFrame, start, end) -> pd.DataFrame:
    """``flows.monthly_flows`` by case type, one row per month: referrals, closures and open cases
    at the month end for CME and for PME (columns ``CME_referrals``, ``CME_closures``,
    ``CME_open_end``, then the same for PME). ``month`` is the month's last day (a date)."""
    long = monthly_flows(cases, start, end, by="case_type")
    wide = long.pivot(index="month", columns="case_type", values=["referrals", "closures", "open_end"])
    out = pd.DataFrame({"month": [m.end_time.normalize() for m in wide.index]})
    for case_type in CASE_TYPES:
        for measure in ("referrals", "closures", "open_end"):
            out[f"{case_type}_{measure}"] = wide[(measure, case_type)].to_numpy().astype(int)
    return out


def characteristic_by_case_type(cases: pd.DataFrame, on, by: str) -> pd.DataFrame:
    """Cases open at the end of ``on`` by ``by`` (e.g. "sex", "key_stage"; see ``cohort.snapshot``),
    CME and PME side by side, their total and its share of all open cases.
    Columns: by, label, CME, PME, total, share."""
    long = snapshot(cases, on, by=by, split="case_type")
    if "label" not in long:
        long = long.assign(label=long[by])
    wide = long.pivot_table(index=[by, "label"], columns="case_type", values="count", sort=False,
                            aggfunc="sum").reset_index()
    wide.columns.name = None
    for case_type in CASE_TYPES:
        wide[case_type] = wide.get(case_type, 0)
        wide[case_type] = wide[case_type].fillna(0).astype(int)
    wide["total"] = wide["CME"] + wide["PME"]
    total = wide["total"].sum()
    wide["share"] = wide["total"] / total if total else float("nan")
    if CATEGORY_LABELS.get(by) is None:  # no code list (district): largest first
        wide = wide.sort_values("total", ascending=False, kind="stable")
    return wide[[by, "label", "CME", "PME", "total", "share"]].reset_index(drop=True)


def reason_by(cohort: pd.DataFrame, columns: str = "key_stage") -> pd.DataFrame:
    """``reasons.cross_tab`` made wide: one row per reason category (code-list order, with its
    label), one count column per value of ``columns`` (e.g. key stage codes, in code-list order)
    and ``total``. Columns: reason, label, <values of columns...>, total."""
    tidy = cross_tab(cohort, rows="reason", columns=columns)
    wide = tidy.pivot(index="reason", columns=columns, values="count")
    wide = wide.reindex(index=list(CATEGORY_LABELS["reason"]), columns=tidy[columns].drop_duplicates()).astype(int)
    values = list(wide.columns)
    wide.columns.name = None
    out = wide.reset_index()
    out.insert(1, "label", out["reason"].map(CATEGORY_LABELS["reason"]))
    out["total"] = out[values].sum(axis=1)
    return out


def duration_bands_by_case_type(cases: pd.DataFrame, on) -> pd.DataFrame:
    """How long the cases open at the end of ``on`` have been open (``durations.DURATION_BANDS``,
    calendar days), CME and PME side by side. Columns: band, CME, PME, total."""
    out = None
    for case_type in CASE_TYPES:
        bands = open_duration_bands(cases[cases["case_type"] == case_type], on)
        out = bands[["band"]].copy() if out is None else out
        out[case_type] = bands["count"].to_numpy()
    out["total"] = out[list(CASE_TYPES)].sum(axis=1)
    return out


def ap_schools(returns: pd.DataFrame) -> pd.DataFrame:
    """Alternative provision per return month counted by school rather than listed by school
    (a list by school identifies pupils at small numbers): schools using any AP, schools using
    school-commissioned AP (APS) and LA-arranged AP (APL), and the pupils in each.
    Columns: return_month, schools_any_ap, schools_APS, schools_APL, pupils_APS, pupils_APL."""
    by_school = alternative_provision(returns, by="school_urn")
    g = by_school.groupby("return_month")
    out = pd.DataFrame({"schools_any_ap": g["total"].apply(lambda t: int((t > 0).sum()))})
    for ap in AP_TYPES:
        out[f"schools_{ap}"] = g[ap].apply(lambda t: int((t > 0).sum()))
    for ap in AP_TYPES:
        out[f"pupils_{ap}"] = g[ap].sum().astype(int)
    return out.reset_index()
