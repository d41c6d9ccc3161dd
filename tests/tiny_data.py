"""The tiny, hand-made, valid data folder every contract, CLI and report test uses (synthetic: no
real pupils). Every extract has a few rows, written so that the right answers can be worked out by
hand. ``bad_case_rows`` adds case rows that break the contract (to test rejections).

Rows: schools 3, census 5, cases 17, pme_returns 4, return_log 5, exclusions 3, attendance 2.

Two stories share the folder:

* 2024/25 (contract checks): C05 (CME, no school) referred 2024-09-02, closed 2024-12-13; P11
  (PME, MHN, every pathway stage dated) referred 2024-10-01, closed 2025-02-28, on the return in
  October (RTT) and November 2024 (HTU); P12 permanently excluded 2024-11-01 (after a suspension on
  2024-10-07), a PEX case opened and closed on 2024-11-04. All closed before November 2025, so
  none of them is in the report's twelve month-ends.
* The report at PERIOD_END 2026-10-31:
  - open CME cases: C01, C02, C03 -> 3 (C04 closed 2026-06-30; C05 in 2024)
  - open PME cases: P01-P08 -> 8 (P09, P10 close ON 2026-10-31, so are not open at its end)
  - open PME by reason: MED x3 + MHN x2 = MEDICAL 5; SBD x2 = BEHAVIOURAL 2; GRT x1 = GRT 1
  - June 2026 month end: CME none (C04 closed on 30 June); PME P01-P04, P06, P09, P10 = 7.

Reasons (codes.PME_GROUP_TO_REASON): CME -> OTHER, MED and MHN -> MEDICAL, SBD and PEX ->
BEHAVIOURAL, GRT -> GRT. Pupil ids are ``PUP`` + the case id (``PUPN01`` has no case).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from pmereport.contract.codes import RISK_INDICATORS
from pmereport.contract.extracts import EXTRACTS

URNS = [110001, 110002, 110003]  # Shire Academy (SEC), Vale Primary (PRI), Castle Special School (SPE)
PERIOD_END = "2026-10-31"


def _case(case_id, case_type, group, referral, closure=None, closure_reason=None, school=None, **fields):
    row = dict(case_id=case_id, pupil_id=f"PUP{case_id}", case_type=case_type, referral_date=referral,
               referral_source="SCH", pme_group=group, rag_rating="A",
               whereabouts_known="Y" if case_type == "CME" else "", ncy=8, sex="F", ethnicity="WHIT",
               sen_status="N", fsm="N", looked_after="N", cin_status="N", district="North Shire",
               school_urn="" if case_type == "CME" else (school or URNS[0]), assessment_date="",
               case_management_date="", placement_identified_date="", monitoring_date="",
               closure_date=closure or "", closure_reason=closure_reason or "")
    row.update({name: "N" for name in RISK_INDICATORS})
    row.update(fields)
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
    _case("C05", "CME", "CME", "2024-09-02", "2024-12-13", "SCH", referral_source="OLA", rag_rating="R", ncy=5,
          fsm="Y", assessment_date="2024-09-03", case_management_date="2024-09-05"),
    _case("P11", "PME", "MHN", "2024-10-01", "2025-02-28", "SCH", ncy=9, sex="M", ethnicity="ASIA",
          sen_status="K", cin_status="CIN", assessment_date="2024-10-02", case_management_date="2024-10-10",
          placement_identified_date="2024-11-01", monitoring_date="2024-11-15",
          **{next(iter(RISK_INDICATORS)): "C"}),  # the first indicator Current
    _case("P12", "PME", "PEX", "2024-11-04", "2024-11-04", "APP", referral_source="PME", rag_rating="G", ncy=10,
          sex="M", sen_status="E", fsm="Y", looked_after="Y", cin_status="CPP"),
]

_P11_RETURN = dict(school_urn=110001, pupil_id="PUPP11", ncy=9, sen_status="K", pme_group="MHN")
PME_RETURNS = [
    dict(_P11_RETURN, return_month="2024-10", provision_type="RTT", hours_offered=12.5, hours_attended=10,
         attendance_pct=62.5, rtt_start_date="2024-10-01", rtt_end_date="2024-12-20", rtt_review_date="2024-11-12"),
    dict(_P11_RETURN, return_month="2024-11", provision_type="HTU", hours_offered=10, hours_attended=10,
         attendance_pct=80, rtt_start_date="", rtt_end_date="", rtt_review_date=""),
    dict(return_month="2026-10", school_urn=110001, pupil_id="PUPP01", ncy=8, sen_status="N", provision_type="HTU",
         pme_group="MED", hours_offered=10, hours_attended=8, attendance_pct=80, rtt_start_date="",
         rtt_end_date="", rtt_review_date=""),
    dict(return_month="2026-10", school_urn=110001, pupil_id="PUPP06", ncy=8, sen_status="K", provision_type="RTT",
         pme_group="SBD", hours_offered=15, hours_attended=12.5, attendance_pct=83.3, rtt_start_date="2026-09-07",
         rtt_end_date="2026-12-18", rtt_review_date="2026-11-02"),
]
RETURN_LOG = [
    dict(return_month="2024-10", school_urn=110002, submitted_date="2024-11-05", nil_return="Y"),
    dict(return_month="2024-10", school_urn=110001, submitted_date="2024-11-08", nil_return="N"),
    dict(return_month="2024-11", school_urn=110001, submitted_date="2024-12-20", nil_return="N"),
    dict(return_month="2026-10", school_urn=110001, submitted_date="2026-11-03", nil_return="N"),
    dict(return_month="2026-10", school_urn=110002, submitted_date="2026-11-04", nil_return="Y"),
]
_P12 = dict(pupil_id="PUPP12", school_urn=110001, ncy=10, sex="M", ethnicity="WHIT", sen_status="E", fsm="Y")
EXCLUSIONS = [
    dict(_P12, exclusion_id="E01", start_date="2024-10-07", category="SUSP", sessions=4, reason_code="PD"),
    dict(_P12, exclusion_id="E02", start_date="2024-11-01", category="PERM", sessions="", reason_code="PA"),
    dict(exclusion_id="E03", pupil_id="PUPP06", school_urn=110001, start_date="2026-09-15", category="SUSP",
         sessions=4, reason_code="PD", ncy=8, sex="F", ethnicity="WHIT", sen_status="N", fsm="N"),
]
SCHOOLS = [
    dict(school_urn=110001, school_name="Shire Academy", phase="SEC", district="North Shire", open_date="",
         close_date=""),
    dict(school_urn=110002, school_name="Vale Primary", phase="PRI", district="South Shire", open_date="",
         close_date=""),
    dict(school_urn=110003, school_name="Castle Special School", phase="SPE", district="North Shire",
         open_date="2010-09-01", close_date=""),
]
CENSUS = [
    dict(school_urn=110002, academic_year="2024/25", ncy=3, headcount=30, headcount_fsm=6,
         headcount_sen_support=4, headcount_ehcp=1),
    dict(school_urn=110001, academic_year="2024/25", ncy=9, headcount=200, headcount_fsm=40,
         headcount_sen_support=25, headcount_ehcp=8),
    dict(school_urn=110003, academic_year="2024/25", ncy=9, headcount=12, headcount_fsm=5,
         headcount_sen_support=2, headcount_ehcp=10),
    dict(school_urn=110001, academic_year="2026/27", ncy=8, headcount=180, headcount_fsm=30,
         headcount_sen_support=20, headcount_ehcp=4),
    dict(school_urn=110002, academic_year="2026/27", ncy=5, headcount=30, headcount_fsm=6,
         headcount_sen_support=3, headcount_ehcp=1),
]
ATTENDANCE = [  # autumn 2024: 73 school days in Shire County's term dates, 146 sessions
    dict(pupil_id="PUPP11", school_urn=110001, academic_year="2024/25", term="AUT", ncy=9, sex="M", ethnicity="ASIA",
         sen_status="K", fsm="N", sessions_possible=146, sessions_authorised=20, sessions_unauthorised=10),
    dict(pupil_id="PUPN01", school_urn=110002, academic_year="2024/25", term="AUT", ncy=3, sex="F", ethnicity="BLAC",
         sen_status="N", fsm="N", sessions_possible=146, sessions_authorised=2, sessions_unauthorised=0),
]


ROWS = {"cases": CASES, "pme_returns": PME_RETURNS, "return_log": RETURN_LOG, "exclusions": EXCLUSIONS,
        "schools": SCHOOLS, "census": CENSUS, "attendance": ATTENDANCE}


def _csv_text(name: str, rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXTRACTS[name].columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


FILES = {f"{name}.csv": _csv_text(name, rows) for name, rows in ROWS.items()}  # file name -> CSV text


def write_tiny_data(folder: Path, bad_case_rows: int = 0) -> Path:
    """Write the tiny data folder; ``bad_case_rows`` extra case rows with an unknown case type."""
    folder.mkdir(parents=True, exist_ok=True)
    bad = [dict(_case(f"X{i:02d}", "CME", "CME", "2026-09-01"), case_type="ZZZ") for i in range(bad_case_rows)]
    files = {**FILES, "cases.csv": _csv_text("cases", CASES + bad)}
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8", newline="")
    return folder


def with_arrow_text(frame):
    """``frame`` with its text columns Arrow-backed, as the run cache gives them back
    (contract.dataset.read_cached_rows): values and every other type unchanged."""
    import pandas as pd

    return frame.astype({c: pd.StringDtype("pyarrow") for c, t in frame.dtypes.items() if t == "string"})
