"""Hand-made extracts for the metrics tests, typed by the real data contract.

Each helper takes a few rows as dicts of text (what a CSV cell would hold), fills the columns a
test does not care about with valid defaults, and runs the rows through ``validate_frame``, so the
metrics are tested on frames typed exactly as ``dataset.load`` gives them. Invalid test data
fails loudly here.
"""
from __future__ import annotations

import pandas as pd

from pmereport.contract.codes import PME_GROUP_TO_REASON, RISK_INDICATORS
from pmereport.contract.extracts import EXTRACTS
from pmereport.contract.validate import validate_frame
from pmereport.io.readers import SOURCE_COLUMNS

DEFAULTS = {
    "cases": {"case_type": "PME", "referral_source": "SCH", "pme_group": "MED", "rag_rating": "A",
              "ncy": "7", "sex": "F", "ethnicity": "WHIT", "sen_status": "N", "fsm": "N",
              "looked_after": "N", "cin_status": "N", "district": "North", "school_urn": "100001",
              **{name: "N" for name in RISK_INDICATORS}},
    "pme_returns": {"school_urn": "100001", "ncy": "7", "sen_status": "N", "provision_type": "RTT",
                    "pme_group": "MED", "hours_offered": "12", "hours_attended": "10"},
    "return_log": {"nil_return": "N"},
    "schools": {"phase": "PRI", "district": "North"},
    "census": {},
}


def make(name: str, rows: list[dict]) -> pd.DataFrame:
    """A typed extract ``name`` from ``rows`` (missing columns take DEFAULTS; None = blank)."""
    extract = EXTRACTS[name]
    columns = [f.name for f in extract.fields]
    records = [{**DEFAULTS[name], **row} for row in rows]
    raw = pd.DataFrame(records, columns=columns).astype(object)
    raw = raw.where(raw.notna(), "").astype(str)
    raw["_source_file"] = f"{name}.csv"
    raw["_source_row"] = range(2, len(raw) + 2)
    result = validate_frame(raw, extract, [f"{name}.csv"])
    assert result.ok, result.issues.to_string()
    data = result.data.drop(columns=SOURCE_COLUMNS)
    if "pme_group" in data:
        data = data.assign(reason=data["pme_group"].map(PME_GROUP_TO_REASON))
    return data


def cme(**row) -> dict:
    """A CME case row: no school, whereabouts known unless given, group CME."""
    return {"case_type": "CME", "pme_group": "CME", "school_urn": None, "whereabouts_known": "Y", **row}


# Six episodes used by the cohort, flow and duration tests (dates in 2024). Pupil P2 has two
# episodes (B and D); B is referred and closed on the same day; A and D stay open.
FLOW_CASES = [
    dict(case_id="A", pupil_id="P0001", referral_date="2024-08-20", pme_group="MED", ncy="7",
         sen_status="K", school_urn="100001"),
    dict(case_id="B", pupil_id="P0002", referral_date="2024-09-05", pme_group="SBD", ncy="10",
         sex="M", school_urn="100002", closure_date="2024-09-05", closure_reason="FTE"),
    cme(case_id="C", pupil_id="P0003", referral_date="2024-09-10", ncy="3",
        closure_date="2024-10-15", closure_reason="SCH"),
    dict(case_id="D", pupil_id="P0002", referral_date="2024-10-01", pme_group="MHN", ncy="10",
         sex="M", sen_status="E", school_urn="100002"),
    cme(case_id="E", pupil_id="P0004", referral_date="2024-07-01", ncy="11",
        closure_date="2024-08-31", closure_reason="MOV"),
    dict(case_id="F", pupil_id="P0005", referral_date="2024-09-30", pme_group="GRT", ncy="0",
         school_urn="100001", closure_date="2024-11-30", closure_reason="APP"),
]
