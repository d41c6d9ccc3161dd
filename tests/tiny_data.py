"""A tiny, valid, hand-written data folder (a few rows per extract) for contract and CLI tests."""
from __future__ import annotations

from pathlib import Path

RISK_COLUMNS_N = ",".join(["N"] * 20)

from pmereport.contract.codes import RISK_INDICATORS

RISK_HEADER = ",".join(RISK_INDICATORS)

FILES = {
    "schools.csv": """school_urn,school_name,phase,district,open_date,close_date
120001,Ashby Primary School,PRI,North Shire,,
120002,Brook Academy,SEC,South Shire,,
120003,Castle Special School,SPE,North Shire,2010-09-01,
""",
    "census.csv": """school_urn,academic_year,ncy,headcount,headcount_fsm,headcount_sen_support,headcount_ehcp
120001,2024/25,3,30,6,4,1
120002,2024/25,9,200,40,25,8
120003,2024/25,9,12,5,2,10
""",
    "cases.csv": "case_id,pupil_id,case_type,referral_date,referral_source,pme_group,rag_rating,whereabouts_known,"
    "ncy,sex,ethnicity,sen_status,fsm,looked_after,cin_status,district,school_urn,assessment_date,"
    "case_management_date,placement_identified_date,monitoring_date,closure_date,closure_reason," + RISK_HEADER + "\n"
    "C0001,P0000001,CME,2024-09-02,OLA,CME,R,Y,5,F,WHIT,N,Y,N,N,North Shire,,2024-09-03,2024-09-05,,,,," + RISK_COLUMNS_N + "\n"
    "C0002,P0000002,PME,2024-10-01,SCH,MHN,A,,9,M,ASIA,K,N,N,CIN,South Shire,120002,2024-10-02,2024-10-10,"
    "2024-11-01,2024-11-15,2025-02-28,SCH," + RISK_COLUMNS_N.replace("N", "C", 1) + "\n"
    "C0003,P0000003,PME,2024-11-04,PME,PEX,G,,10,M,WHIT,E,Y,Y,CPP,South Shire,120002,,,,,2024-11-04,APP," + RISK_COLUMNS_N + "\n",
    "pme_returns.csv": """return_month,school_urn,pupil_id,ncy,sen_status,provision_type,pme_group,hours_offered,hours_attended,attendance_pct,rtt_start_date,rtt_end_date,rtt_review_date
2024-10,120002,P0000002,9,K,RTT,MHN,12.5,10,62.5,2024-10-01,2024-12-20,2024-11-12
2024-11,120002,P0000002,9,K,HTU,MHN,10,10,80,,,
""",
    "return_log.csv": """return_month,school_urn,submitted_date,nil_return
2024-10,120001,2024-11-05,Y
2024-10,120002,2024-11-08,N
2024-11,120002,2024-12-20,N
""",
    "exclusions.csv": """exclusion_id,pupil_id,school_urn,start_date,category,sessions,reason_code,ncy,sex,ethnicity,sen_status,fsm
E0001,P0000003,120002,2024-10-07,SUSP,4,PD,10,M,WHIT,E,Y
E0002,P0000003,120002,2024-11-01,PERM,,PA,10,M,WHIT,E,Y
""",
    "attendance.csv": """pupil_id,school_urn,academic_year,term,ncy,sex,ethnicity,sen_status,fsm,sessions_possible,sessions_authorised,sessions_unauthorised
P0000002,120002,2024/25,AUT,9,M,ASIA,K,N,140,20,10
P0000004,120001,2024/25,AUT,3,F,BLAC,N,N,140,2,0
""",
}


def write_tiny_data(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
