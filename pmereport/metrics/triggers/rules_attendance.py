"""Attendance triggers, from the per-pupil term aggregates (contract extract ``attendance``).

Year to date = the terms of the academic year ``as_of`` falls in, summed per pupil across schools
(the LA's concern is the child). Term aggregates cannot date a crossing to the day, so
``date_crossed`` is the end of the term in which the line was crossed (or ``as_of`` if that term
is still running). The year to date and the per-term attendance are worked out once per
evaluation (:class:`~pmereport.metrics.attendance.AttendanceYear`, shared under
:data:`ATTENDANCE_YEAR`) and handed on to the attendance tables through ``Evaluation.derived``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...calendar import academic_year_of
from ...contract.codes import TERMS
from ..attendance import AttendanceYear
from .registry import TriggerInputs, crossings, trigger

ATTENDANCE_YEAR = "attendance_year"  # key of the shared AttendanceYear in TriggerInputs.derived


def _term_ends(inputs: TriggerInputs, academic_year: str, terms: pd.Series) -> pd.Series:
    ends = {code: min(inputs.calendar.term(academic_year, code).end, inputs.as_of) for code in terms.unique()}
    return terms.map(ends)


def attendance_year(inputs: TriggerInputs) -> AttendanceYear:
    """The academic year of ``as_of`` in the attendance input, shared by the rules of one evaluation."""
    return inputs.shared(ATTENDANCE_YEAR, lambda: AttendanceYear(inputs["attendance"], academic_year_of(inputs.as_of)))


def _missed_share_rule(inputs: TriggerInputs, share: float) -> pd.DataFrame:
    year = attendance_year(inputs)
    ytd = year.by_pupil
    missed = ytd["sessions_missed"] / ytd["sessions_possible"].where(ytd["sessions_possible"] > 0)
    hit = ytd[missed >= share]
    return crossings(hit["pupil_id"], None, _term_ends(inputs, year.academic_year, hit["latest_term"]),
                     hit["absence_pct"], share * 100)


@trigger("ATT01", message="Persistently absent: missed 10% or more of possible sessions, year to date",
         source="DfE persistent absence; Lancashire seed 2.1 ('when attendance falls below 90%')",
         params={"missed_share": 0.10}, inputs=("attendance",), unit="% of sessions missed")
def persistent_absence(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Share of possible sessions missed (authorised + unauthorised) >= ``missed_share``."""
    return _missed_share_rule(inputs, p["missed_share"])


@trigger("ATT02", message="Severely absent: missed 50% or more of possible sessions, year to date",
         source="DfE severe absence", params={"missed_share": 0.50}, inputs=("attendance",),
         unit="% of sessions missed")
def severe_absence(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Share of possible sessions missed >= ``missed_share``."""
    return _missed_share_rule(inputs, p["missed_share"])


@trigger("ATT03", message="Request for intensive support: attendance below 75% in a term (80% with an EHCP)",
         source="Lancashire seed 2.1 ('attendance falls below 75% in a term ... 80% if a child has an EHCP')",
         params={"attendance_below": 0.75, "attendance_below_ehcp": 0.80}, inputs=("attendance",),
         unit="% attendance", direction="below")
def low_term_attendance(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Attendance in any term of this academic year strictly below the line; the EHCP line applies
    when the pupil's SEN status in that term is E (EHC plan). One row per pupil and term."""
    year = attendance_year(inputs)
    if "sen_status" not in year.attendance:
        raise ValueError("ATT03 needs the pupils' sen_status in the attendance frame (for the EHCP line); "
                         "from marks, pass the roll to term_aggregates_from_marks")
    terms = year.pupil_terms
    line = np.where(terms["sen_status"] == "E", p["attendance_below_ehcp"], p["attendance_below"])
    attended = 1 - terms["sessions_missed"] / terms["sessions_possible"].where(terms["sessions_possible"] > 0)
    below = (attended < line).fillna(False)
    hit = terms[below]
    return crossings(hit["pupil_id"], None, _term_ends(inputs, year.academic_year, hit["term"]),
                     hit["attendance_pct"], line[below.to_numpy()] * 100)


@trigger("ATT04", message="School must notify the LA: 15 school days or more of unauthorised absence",
         source="Leicestershire PME framework ('15 school days or more without permission, consecutive "
                "or cumulative')", params={"school_days": 15}, inputs=("attendance",),
         unit="school days unauthorised")
def unauthorised_fifteen_days(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Cumulative unauthorised absence this academic year (two sessions = one day) >= the line;
    consecutive absence is included in the cumulative count. Dated at the end of the term in which
    the running total reached the line."""
    year = attendance_year(inputs)
    terms = year.pupil_terms
    # one row per pupil, a column per term in term order: the running total is a cumulative sum along it
    sessions = terms.pivot(index="pupil_id", columns="term", values="sessions_unauthorised")
    in_order = [t for t in TERMS if t in set(sessions.columns)]
    running = sessions[in_order].astype("float64").fillna(0).cumsum(axis=1) / 2  # days: two sessions a day
    reached = running >= p["school_days"]
    hit = reached.any(axis=1)
    first_term = reached[hit].idxmax(axis=1)  # the first term (column) where the total reached the line
    return crossings(first_term.index, None, _term_ends(inputs, year.academic_year, first_term),
                     running.loc[hit].max(axis=1), p["school_days"])
