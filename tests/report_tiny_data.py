"""A tiny, hand-made, valid data folder for the report tests (synthetic: no real pupils).

Written so that the right answers can be worked out by hand. At 2026-10-31 (period end):
- open CME cases: C01, C02, C03 -> 3
- open PME cases: P01-P08 -> 8 (P09, P10 close ON 2026-10-31, so are not open at its end)
- open PME by reason: MED x3 + MHN x2 = MEDICAL 5; SBD x2 = BEHAVIOURAL 2; GRT x1 = GRT 1
- C04 (CME) closed 2026-06-30.
``bad_case_rows`` adds rows that break the contract (to test rejections).
"""
from __future__ import annotations

import csv
from pathlib import Path

from pmereport.contract.codes import RISK_INDICATORS
from pmereport.contract.extracts import EXTRACTS

URNS = [110001, 110002]
PERIOD_END = "2026-10-31"


def _case(case_id, case_type, group, referral, closure=None, closure_reason=None, school=None):
    row = dict(case_id=case_id, pupil_id=f"PUP{case_id}", case_type=case_type, referral_date=referral,
               referral_source="SCH", pme_group=group, rag_rating="A",
               whereabouts_known="Y" if case_type == "CME" else "", ncy=8, sex="F", ethnicity="WHIT",
               sen_status="N", fsm="N", looked_after="N", cin_status="N", district="North",
               school_urn="" if case_type == "CME" else (school or URNS[0]), assessment_date="",
               case_management_date="", placement_identified_date="", monitoring_date="",
               closure_date=closure or "", closure_reason=closure_reason or "")
    row.update({name: "N" for name in RISK_INDICATORS})
    return row


CASES = [
    _case("C01", "CME", "CME", "2026-09-07"),
    _case("C02", "CME", "CME", "2026-09-21"),
    _case("C03", "CME", "CME", "2026-10-05"),
    _case("C04", "CME", "CME", "2026-03-02", "2026-06-30", "SCH"),
    _case("P01", "PME", "MED", "2026-01-12"),
    _case("P02", "PME", "MED", "2026-02-09"),
    _case("P03", "PME", "MED", "2026-05-18"),
    _case("P04", "PME", "MHN", "2026-06-01"),
    _case("P05", "PME", "MHN", "2026-09-14"),
    _case("P06", "PME", "SBD", "2026-04-20"),
    _case("P07", "PME", "SBD", "2026-10-12"),
    _case("P08", "PME", "GRT", "2026-07-06"),
    _case("P09", "PME", "MED", "2026-03-16", "2026-10-31", "FTE"),
    _case("P10", "PME", "SBD", "2026-02-23", "2026-10-31", "APP"),
]

PME_RETURNS = [
    dict(return_month="2026-10", school_urn=110001, pupil_id="PUPP01", ncy=8, sen_status="N", provision_type="HTU",
         pme_group="MED", hours_offered=10, hours_attended=8, attendance_pct=80, rtt_start_date="",
         rtt_end_date="", rtt_review_date=""),
    dict(return_month="2026-10", school_urn=110001, pupil_id="PUPP06", ncy=8, sen_status="K", provision_type="RTT",
         pme_group="SBD", hours_offered=15, hours_attended=12.5, attendance_pct=83.3, rtt_start_date="2026-09-07",
         rtt_end_date="2026-12-18", rtt_review_date="2026-11-02"),
]
RETURN_LOG = [
    dict(return_month="2026-10", school_urn=110001, submitted_date="2026-11-03", nil_return="N"),
    dict(return_month="2026-10", school_urn=110002, submitted_date="2026-11-04", nil_return="Y"),
]
EXCLUSIONS = [
    dict(exclusion_id="E1", pupil_id="PUPP06", school_urn=110001, start_date="2026-09-15", category="SUSP",
         sessions=4, reason_code="PD", ncy=8, sex="F", ethnicity="WHIT", sen_status="N", fsm="N"),
]
SCHOOLS = [
    dict(school_urn=110001, school_name="Shire Academy", phase="SEC", district="North", open_date="", close_date=""),
    dict(school_urn=110002, school_name="Vale Primary", phase="PRI", district="South", open_date="", close_date=""),
]
CENSUS = [
    dict(school_urn=110001, academic_year="2026/27", ncy=8, headcount=180, headcount_fsm=30,
         headcount_sen_support=20, headcount_ehcp=4),
    dict(school_urn=110002, academic_year="2026/27", ncy=5, headcount=30, headcount_fsm=6,
         headcount_sen_support=3, headcount_ehcp=1),
]


def _write(path: Path, name: str, rows: list[dict]) -> None:
    columns = EXTRACTS[name].columns
    with open(path / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_tiny_data(folder: Path, bad_case_rows: int = 0) -> Path:
    """Write the tiny data folder; ``bad_case_rows`` extra case rows with an unknown case type."""
    folder.mkdir(parents=True, exist_ok=True)
    bad = [dict(_case(f"X{i:02d}", "CME", "CME", "2026-09-01"), case_type="ZZZ") for i in range(bad_case_rows)]
    _write(folder, "cases", CASES + bad)
    _write(folder, "pme_returns", PME_RETURNS)
    _write(folder, "return_log", RETURN_LOG)
    _write(folder, "exclusions", EXCLUSIONS)
    _write(folder, "schools", SCHOOLS)
    _write(folder, "census", CENSUS)
    return folder
