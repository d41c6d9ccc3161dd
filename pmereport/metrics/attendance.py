"""Attendance and absence measures, DfE definitions, from per-pupil term aggregates.

DfE: overall absence is the % of possible sessions missed (authorised + unauthorised); a pupil
(enrolment) is persistently absent when they miss 10% or more of their possible sessions, severely
absent at 50% or more, year to date. Lancashire seed: "when attendance falls below 90%" = PA.
Session-level marks are reduced to the same term aggregates out of core by
:mod:`pmereport.metrics.attendance_marks`.
"""
from __future__ import annotations

from functools import cached_property
from typing import Sequence

import pandas as pd

from ..contract.codes import TERMS

PERSISTENT_SHARE = 0.10  # DfE; Lancashire seed ("below 90%")
SEVERE_SHARE = 0.50  # DfE
SESSION_COLUMNS = ["sessions_possible", "sessions_authorised", "sessions_unauthorised"]
CHARACTERISTICS = ["ncy", "sex", "ethnicity", "sen_status", "fsm"]
ENROLMENT = ("pupil_id", "school_urn")


def _term_order(term: pd.Series) -> pd.Series:
    return term.map({code: i for i, code in enumerate(TERMS)})


def year_to_date(attendance: pd.DataFrame, academic_year: str, up_to_term: str | None = None,
                 by: Sequence[str] = ENROLMENT, persistent_share: float = PERSISTENT_SHARE,
                 severe_share: float = SEVERE_SHARE) -> pd.DataFrame:
    """Sessions and absence per ``by`` (default: enrolment = pupil and school) in ``academic_year``,
    summed over its terms up to and including ``up_to_term`` (default: every term present).

    Characteristics (year group, sex, ...) are those of the latest term. Rows with no possible
    sessions are kept but are neither persistently nor severely absent (DfE counts enrolments with
    possible sessions). Columns: ``by``, characteristics, sessions possible / authorised /
    unauthorised / missed, absence_pct, attendance_pct, unauthorised_days, persistent, severe,
    latest_term.
    """
    by = list(by)
    in_year = attendance["academic_year"] == academic_year
    rows = attendance if in_year.all() else attendance[in_year]  # no copy when nothing to drop
    if up_to_term is not None:
        if up_to_term not in TERMS:
            raise ValueError(f"up_to_term must be one of {list(TERMS)}, got {up_to_term!r}")
        rows = rows[_term_order(rows["term"]) <= list(TERMS).index(up_to_term)]
    rows = rows.assign(_order=_term_order(rows["term"])).sort_values("_order", kind="stable")
    grouped = rows.groupby(by, sort=True, dropna=False, observed=True)  # within a group, rows in term order
    out = grouped[SESSION_COLUMNS].sum()
    chars = [c for c in CHARACTERISTICS if c in rows and c not in by]
    latest = grouped[chars + ["term"]].last().rename(columns={"term": "latest_term"})
    out = out.join(latest).reset_index()
    return add_rates(out, persistent_share, severe_share)


def add_rates(frame: pd.DataFrame, persistent_share: float = PERSISTENT_SHARE,
              severe_share: float = SEVERE_SHARE) -> pd.DataFrame:
    """Add missed sessions, absence / attendance % and the PA / SA flags to session totals."""
    possible = frame["sessions_possible"].astype("float64")
    missed = frame["sessions_authorised"] + frame["sessions_unauthorised"]
    share = (missed / possible).where(possible > 0)
    return frame.assign(
        sessions_missed=missed,
        absence_pct=share * 100,
        attendance_pct=(1 - share) * 100,
        unauthorised_days=frame["sessions_unauthorised"] / 2,  # two sessions a day
        persistent=(share >= persistent_share).fillna(False),
        severe=(share >= severe_share).fillna(False),
    )


def summary(ytd: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Absence measures by school, year group or characteristic (``by``), or overall if None.

    DfE layout: enrolments, sessions possible, overall / authorised / unauthorised absence as % of
    possible sessions, persistent and severe absentees as counts and % of enrolments. Enrolments
    with no possible sessions are left out (as in DfE's statistics).
    """
    keys = [by] if isinstance(by, str) else list(by or [])
    ytd = ytd[ytd["sessions_possible"] > 0]
    frame = ytd.assign(_all="All") if not keys else ytd
    keys = keys or ["_all"]
    g = frame.groupby(keys, dropna=False, sort=True, observed=True)
    out = pd.DataFrame({
        "enrolments": g.size(),
        "sessions_possible": g["sessions_possible"].sum(),
        "sessions_authorised": g["sessions_authorised"].sum(),
        "sessions_unauthorised": g["sessions_unauthorised"].sum(),
        "persistent_absentees": g["persistent"].sum(),
        "severe_absentees": g["severe"].sum(),
    })
    possible = out["sessions_possible"].astype("float64")
    out["overall_absence_pct"] = (out["sessions_authorised"] + out["sessions_unauthorised"]) / possible * 100
    out["authorised_absence_pct"] = out["sessions_authorised"] / possible * 100
    out["unauthorised_absence_pct"] = out["sessions_unauthorised"] / possible * 100
    out["persistent_pct"] = out["persistent_absentees"] / out["enrolments"] * 100
    out["severe_pct"] = out["severe_absentees"] / out["enrolments"] * 100
    out = out.reset_index()
    return out.drop(columns="_all") if "_all" in out else out


def term_attendance(attendance: pd.DataFrame, by: Sequence[str] = ("pupil_id",)) -> pd.DataFrame:
    """Attendance % per ``by``, academic year and term (Lancashire: "below 75% in a term").

    Keeps the latest SEN status of the term so that the EHCP threshold (80%) can apply.
    """
    keys = list(by) + ["academic_year", "term"]
    g = attendance.groupby(keys, sort=True, dropna=False, observed=True)
    out = g[SESSION_COLUMNS].sum()
    if "sen_status" in attendance and "sen_status" not in keys:
        out = out.join(g["sen_status"].last())
    return add_rates(out.reset_index())


class AttendanceYear:
    """One academic year of an attendance frame (per-term aggregates) and the frames the triggers
    and the attendance tables derive from it, each worked out once, on first use, then shared.

    ``attendance`` must not change while this object is in use (the derived frames are not
    recomputed). Flags use the default thresholds; re-apply :func:`add_rates` for others.
    """

    def __init__(self, attendance: pd.DataFrame, academic_year: str):
        self.attendance = attendance
        self.academic_year = academic_year

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The rows of the academic year."""
        in_year = self.attendance["academic_year"] == self.academic_year
        return self.attendance if in_year.all() else self.attendance[in_year]

    @cached_property
    def by_enrolment(self) -> pd.DataFrame:
        """:func:`year_to_date` per enrolment (pupil and school): the attendance tables' view."""
        return year_to_date(self.rows, self.academic_year)

    @cached_property
    def by_pupil(self) -> pd.DataFrame:
        """Year to date per pupil, summed over their schools (the triggers' view: the LA's concern
        is the child): sessions, rates and flags, and ``latest_term``, the last term with a row
        (as :func:`year_to_date` with ``by=["pupil_id"]``, without the characteristics)."""
        enrolments = self.by_enrolment
        order = _term_order(enrolments["latest_term"].astype(object)).astype("int64")
        # by_enrolment is sorted by pupil, so groups in order of appearance are already sorted
        g = enrolments.assign(_order=order).groupby("pupil_id", sort=False, observed=True)
        out = g[SESSION_COLUMNS].sum()
        out["latest_term"] = g["_order"].max().map(dict(enumerate(TERMS)))
        return add_rates(out.reset_index())

    @cached_property
    def pupil_terms(self) -> pd.DataFrame:
        """:func:`term_attendance` per pupil: each term's attendance, summed over schools."""
        return term_attendance(self.rows)
