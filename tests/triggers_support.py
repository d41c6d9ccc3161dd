"""Builders shared by the trigger tests: small typed frames shaped like the contract's extracts."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pmereport.calendar import load_calendar
from pmereport.metrics.triggers import evaluate

REPO = Path(__file__).resolve().parents[1]
CAL = load_calendar(REPO / "parameters" / "terms" / "shire-county.yaml")
D = pd.Timestamp


def frame(rows: list[dict], defaults: dict, date_columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame([{**defaults, **row} for row in rows], columns=list(defaults))
    for col in date_columns:
        df[col] = pd.to_datetime(df[col])
    return df


CASE_DATES = ["referral_date", "assessment_date", "case_management_date", "placement_identified_date",
              "monitoring_date", "closure_date"]


def cases(*rows: dict) -> pd.DataFrame:
    defaults = {"case_id": "C1", "pupil_id": "P001", "case_type": "PME", "referral_date": "2025-01-06",
                "pme_group": "MED", "cin_status": "N", "whereabouts_known": None, "school_urn": 100001,
                **{c: None for c in CASE_DATES[1:]}}
    return frame(list(rows), defaults, CASE_DATES)


def exclusions(*rows: dict) -> pd.DataFrame:
    defaults = {"exclusion_id": "E1", "pupil_id": "P001", "school_urn": 100001, "start_date": "2025-01-06",
                "category": "SUSP", "sessions": 2}
    return frame(list(rows), defaults, ["start_date"])


def attendance(*rows: dict) -> pd.DataFrame:
    defaults = {"pupil_id": "P001", "school_urn": 100001, "academic_year": "2024/25", "term": "AUT", "ncy": 8,
                "sen_status": "N", "sessions_possible": 146, "sessions_authorised": 0, "sessions_unauthorised": 0}
    return frame(list(rows), defaults, [])


def returns(*rows: dict) -> pd.DataFrame:
    defaults = {"return_month": "2025-02-01", "school_urn": 100001, "pupil_id": "P001", "ncy": 8,
                "sen_status": "N", "provision_type": "RTT", "pme_group": "MED", "hours_offered": 15.0,
                "hours_attended": 12.0, "attendance_pct": None, "rtt_start_date": "2025-01-13",
                "rtt_end_date": "2025-03-28", "rtt_review_date": "2025-03-14"}
    return frame(list(rows), defaults, ["return_month", "rtt_start_date", "rtt_end_date", "rtt_review_date"])


def run(code: str, frames: dict, as_of, **params) -> pd.DataFrame:
    """The crossings of one rule, with ``params`` overriding its defaults."""
    return evaluate(frames, CAL, as_of, thresholds={code: params} if params else None, codes=[code]).results[code]


def crossed(found: pd.DataFrame, pupil_id: str = "P001"):
    """(date crossed, value, over_by) of one pupil's crossing, or None if not crossed."""
    rows = found[found["pupil_id"] == pupil_id]
    if rows.empty:
        return None
    assert len(rows) == 1, rows
    r = rows.iloc[0]
    return r["date_crossed"], r["value"], r["over_by"]


def same(found, expected) -> bool:
    """``crossed(...)`` equals ``expected``: the date exactly, the numbers to 1e-9."""
    if found is None or expected is None:
        return found is expected
    return found[0] == expected[0] and all(abs(a - b) < 1e-9 for a, b in zip(found[1:], expected[1:]))
