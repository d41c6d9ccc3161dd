"""Attendance year to date by group, the term-based intensive-support counts, and England's
published 2024/25 figures to compare with (DOMAIN.md, "Thresholds and triggers").

Persistent and severe absence use the LA's thresholds (``ATT01`` / ``ATT02`` of the trigger
registry, defaults 10% and 50%: DfE), so the attendance tables and the trigger counts agree.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd

from ..calendar import SchoolCalendar, academic_year_of
from ..contract.codes import SCHOOL_PHASES, SEN_STATUS, TERMS, YES_NO
from ..io.published import read_published
from .attendance import AttendanceYear, add_rates, summary

YEAR_GROUPS = {0: "Reception", **{n: f"Year {n}" for n in range(1, 14)}}
BREAKDOWNS = {  # breakdown name -> (column, labels in order)
    "phase": ("phase", SCHOOL_PHASES),
    "year_group": ("ncy", YEAR_GROUPS),
    "sen_status": ("sen_status", SEN_STATUS),
    "fsm": ("fsm", YES_NO),
}
ENGLAND_FILE = "EES_ytd_data.csv"  # DfE attendance dashboard, 2024/25 year to date, by phase
ENGLAND_PHASES = {"Primary": "PRI", "Secondary": "SEC", "Special": "SPE", "Total": "All"}


def attendance_year_to_date(attendance: pd.DataFrame, schools: pd.DataFrame, as_of,
                            thresholds: Mapping[str, Mapping], shared: AttendanceYear | None = None) -> pd.DataFrame:
    """Per enrolment (pupil and school), the academic year of ``as_of`` so far, with the school's
    phase; persistent / severe flags at the thresholds of triggers ATT01 / ATT02.

    ``shared``: the :class:`~pmereport.metrics.attendance.AttendanceYear` the trigger evaluation
    already worked out from the same frame (``evaluation.derived.get("attendance_year")``), so the
    year to date is not computed twice; None computes it here."""
    year = academic_year_of(pd.Timestamp(as_of))
    if shared is None:
        shared = AttendanceYear(attendance, year)
    elif shared.attendance is not attendance or shared.academic_year != year:
        raise ValueError(f"shared attendance year {shared.academic_year} was worked out from another frame or year "
                         f"than the one given ({year})")
    ytd = add_rates(shared.by_enrolment, persistent_share=thresholds["ATT01"]["missed_share"],
                    severe_share=thresholds["ATT02"]["missed_share"])
    phase = schools.drop_duplicates("school_urn").set_index("school_urn")["phase"]
    return ytd.assign(phase=ytd["school_urn"].map(phase))


def attendance_breakdown(ytd: pd.DataFrame, breakdown: str | None = None) -> pd.DataFrame:
    """DfE absence measures (``metrics.attendance.summary``) overall (``None``) or by one of
    :data:`BREAKDOWNS`, with a first ``label`` column, groups in code-list order and a total row."""
    overall = summary(ytd).assign(label="All pupils")
    if breakdown is None:
        return overall[["label", *overall.columns.drop("label")]]
    column, labels = BREAKDOWNS[breakdown]
    by = summary(ytd, column)
    by = by[by[column].isin(list(labels))]
    by = by.assign(label=by[column].map(labels), _order=by[column].map({k: i for i, k in enumerate(labels)}))
    by = by.sort_values("_order").drop(columns=["_order", column])
    total = overall.assign(label="Total")
    return pd.concat([by, total], ignore_index=True)[["label", *overall.columns.drop("label")]]


def england_attendance(folder: str | Path | None) -> pd.DataFrame | None:
    """England's 2024/25 year-to-date overall absence and persistent absence % by phase (DfE
    attendance dashboard file ``EES_ytd_data.csv``), or None if the folder or file is absent.
    Columns: phase (PRI / SEC / SPE / All), overall_absence_pct, persistent_pct. DfE publishes no
    severe absence figure in that file."""
    if folder is None or not (Path(folder) / ENGLAND_FILE).is_file():
        return None
    table = read_published(Path(folder) / ENGLAND_FILE, filters=["education_phase"])
    rows = table.rows("National")
    rows = rows[rows["education_phase"].isin(list(ENGLAND_PHASES))]
    return pd.DataFrame({"phase": rows["education_phase"].map(ENGLAND_PHASES).to_numpy(),
                         "overall_absence_pct": rows["overall_absence_perc"].to_numpy(dtype=float),
                         "persistent_pct": rows["pa_perc"].to_numpy(dtype=float)})


def compare_with_england(by_phase: pd.DataFrame, england: pd.DataFrame) -> pd.DataFrame:
    """The LA's overall and persistent absence by phase beside England's (rows the LA has and
    England publishes: Primary, Secondary, Special and the Total)."""
    labels = {**{SCHOOL_PHASES[k]: k for k in ("PRI", "SEC", "SPE")}, "Total": "All"}
    la = by_phase[by_phase["label"].isin(list(labels))].assign(phase=lambda f: f["label"].map(labels))
    out = la.merge(england, on="phase", suffixes=("", "_england"))
    return out[["label", "enrolments", "overall_absence_pct", "overall_absence_pct_england", "persistent_absentees",
                "persistent_pct", "persistent_pct_england"]]


def intensive_support_by_term(crossings: pd.DataFrame, attendance: pd.DataFrame, calendar: SchoolCalendar,
                              as_of, ehcp_line: float) -> pd.DataFrame:
    """Trigger ATT03 (attendance below 75% in a term, 80% with an EHCP; Lancashire seed 2.1) per
    term of the academic year so far: pupils with possible sessions in the term, pupils below the
    line, of whom on the EHCP line. ``crossings`` is the ATT03 result of ``triggers.evaluate``
    (dated at each term's end, or ``as_of`` for a term still running); ``ehcp_line`` is the EHCP
    threshold as a share (``attendance_below_ehcp``)."""
    as_of = pd.Timestamp(as_of).normalize()
    year = academic_year_of(as_of)
    this_year = attendance[(attendance["academic_year"] == year) & (attendance["sessions_possible"] > 0)]
    pupils = this_year.groupby(this_year["term"].astype(object))["pupil_id"].nunique()
    terms = [code for code in TERMS if code in pupils.index]  # in term order
    ends = pd.Series({code: min(calendar.term(year, code).end, as_of) for code in terms}, dtype="datetime64[ns]")
    crossed = crossings[crossings["date_crossed"].isin(ends)]
    ehcp = crossed["threshold"].round(6) == round(ehcp_line * 100, 6)
    by_end = crossed.groupby("date_crossed")["pupil_id"].nunique()
    ehcp_by_end = crossed[ehcp].groupby("date_crossed")["pupil_id"].nunique()
    out = pd.DataFrame({"term": [f"{TERMS[code]} {year}" for code in terms],
                        "pupils": pupils.reindex(terms).to_numpy(dtype="int64"),
                        "below_line": by_end.reindex(ends.to_numpy(), fill_value=0).to_numpy(dtype="int64"),
                        "below_line_ehcp": ehcp_by_end.reindex(ends.to_numpy(), fill_value=0).to_numpy(dtype="int64")})
    out["below_line_share"] = out["below_line"] / out["pupils"].where(out["pupils"] > 0)
    return out
