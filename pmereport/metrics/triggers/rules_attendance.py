"""Attendance triggers, from the per-pupil term aggregates (contract extract ``attendance``).

Year to date = the terms of the academic year ``as_of`` falls in, summed per pupil across schools
(the LA's concern is the child). Term aggregates cannot date a crossing to the day, so
``date_crossed`` is the end of the term in which the line was crossed (or ``as_of`` if that term
is still running).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...calendar import academic_year_of
from ...contract.codes import TERMS
from ..attendance import term_attendance, year_to_date
from .registry import TriggerInputs, crossings, trigger


def _term_ends(inputs: TriggerInputs, academic_year: str, terms: pd.Series) -> pd.Series:
    ends = {code: min(inputs.calendar.term(academic_year, code).end, inputs.as_of) for code in terms.unique()}
    return terms.map(ends)


def _this_year(inputs: TriggerInputs) -> tuple[str, pd.DataFrame]:
    year = academic_year_of(inputs.as_of)
    return year, inputs["attendance"]


def _missed_share_rule(inputs: TriggerInputs, share: float) -> pd.DataFrame:
    year, attendance = _this_year(inputs)
    ytd = year_to_date(attendance, year, by=["pupil_id"])
    missed = ytd["sessions_missed"] / ytd["sessions_possible"].where(ytd["sessions_possible"] > 0)
    hit = ytd[missed >= share]
    return crossings(hit["pupil_id"], None, _term_ends(inputs, year, hit["latest_term"]),
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
    year, attendance = _this_year(inputs)
    if "sen_status" not in attendance:
        raise ValueError("ATT03 needs the pupils' sen_status in the attendance frame (for the EHCP line); "
                         "from marks, pass the roll to term_aggregates_from_marks")
    terms = term_attendance(attendance[attendance["academic_year"] == year])
    line = np.where(terms["sen_status"] == "E", p["attendance_below_ehcp"], p["attendance_below"])
    attended = 1 - terms["sessions_missed"] / terms["sessions_possible"].where(terms["sessions_possible"] > 0)
    hit = terms[(attended < line).fillna(False)]
    return crossings(hit["pupil_id"], None, _term_ends(inputs, year, hit["term"]),
                     hit["attendance_pct"], line[(attended < line).fillna(False).to_numpy()] * 100)


@trigger("ATT04", message="School must notify the LA: 15 school days or more of unauthorised absence",
         source="Leicestershire PME framework ('15 school days or more without permission, consecutive "
                "or cumulative')", params={"school_days": 15}, inputs=("attendance",),
         unit="school days unauthorised")
def unauthorised_fifteen_days(inputs: TriggerInputs, p: dict) -> pd.DataFrame:
    """Cumulative unauthorised absence this academic year (two sessions = one day) >= the line;
    consecutive absence is included in the cumulative count. Dated at the end of the term in which
    the running total reached the line."""
    year, attendance = _this_year(inputs)
    terms = term_attendance(attendance[attendance["academic_year"] == year])
    order = terms["term"].map({c: i for i, c in enumerate(TERMS)})
    terms = terms.assign(_order=order).sort_values(["pupil_id", "_order"])
    terms["running_days"] = terms.groupby("pupil_id")["sessions_unauthorised"].cumsum() / 2
    reached = terms[terms["running_days"] >= p["school_days"]]
    first = reached.groupby("pupil_id", as_index=False).first()
    total = terms.groupby("pupil_id")["running_days"].max()
    return crossings(first["pupil_id"], None, _term_ends(inputs, year, first["term"]),
                     first["pupil_id"].map(total), p["school_days"])
