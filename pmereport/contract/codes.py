"""Code lists used by the data contract.

Each list names where it comes from. Codes are what an extract holds; labels are what a report
shows. Sources: DOMAIN.md and the seed policies in ``shared/seeds`` (Leicestershire PME Operating
Framework, Sept 2016 = "Leics framework"; Lancashire multi-agency interventions; Nottinghamshire
CME strategy), and DfE's Common Basic Data Set (CBDS) for SEN, sex and exclusion reasons.
"""
from __future__ import annotations

CASE_TYPES = {"CME": "Child missing education", "PME": "Pupil missing out on education"}

# PME groups (Leics framework, section 1 and the at-risk groups), each mapped to the reason
# category Leicestershire published its Feb 2016 cohort shares in (DOMAIN.md).
PME_GROUPS = {
    "PEX": "Permanently excluded",
    "SBD": "Social/behavioural difficulties with a personalised learning plan",
    "MHN": "Mental health needs (CAMHS)",
    "MED": "Medical needs other than mental health",
    "RAR": "Rarely attends, with a reintegration plan",
    "PYM": "Pregnant / young mother",
    "CNP": "Complex needs and no suitable place",
    "CUS": "Returning from custody without a place",
    "NTC": "New to the country, awaiting a place",
    "GRT": "Gypsy, Roma or Traveller with alternative provision",
    "MFA": "Moved from another area without a place",
    "CSF": "Circus and Showmen families",
    "YOS": "Alternative provision via the Youth Offending Service",
    "CME": "Child missing education",
    "EHU": "Elective home education judged unsuitable",
    "YCR": "Young carer",
    "MDD": "Goes missing during the school day",
}

REASON_CATEGORIES = {
    "MEDICAL": "Medical needs, including SEMH",
    "BEHAVIOURAL": "Behavioural",
    "GRT": "Gypsy, Roma, Traveller (incl. Circus and Showmen)",
    "SEND_UNMET": "SEND needs that cannot be met",
    "OTHER": "Other",
}

PME_GROUP_TO_REASON = {
    "PEX": "BEHAVIOURAL", "SBD": "BEHAVIOURAL", "YOS": "BEHAVIOURAL",
    "MHN": "MEDICAL", "MED": "MEDICAL",
    "GRT": "GRT", "CSF": "GRT",
    "CNP": "SEND_UNMET",
    "RAR": "OTHER", "PYM": "OTHER", "CUS": "OTHER", "NTC": "OTHER", "MFA": "OTHER",
    "CME": "OTHER", "EHU": "OTHER", "YCR": "OTHER", "MDD": "OTHER",
}

# Published Leicestershire PME reason shares, Feb 2016, 988 cases (Leics framework via DOMAIN.md).
LEICESTERSHIRE_REASON_SHARES_2016 = {
    "MEDICAL": 0.45, "BEHAVIOURAL": 0.26, "GRT": 0.09, "SEND_UNMET": 0.02, "OTHER": 0.18,
}

REFERRAL_SOURCES = {
    "SCH": "School", "PME": "Monthly PME return", "LAS": "Local authority service",
    "OLA": "Another local authority", "HEA": "Health", "POL": "Police", "CSC": "Children's social care",
    "PAR": "Parent or carer", "PUB": "Member of the public", "OTH": "Other",
}

CLOSURE_REASONS = {
    "SCH": "Re-engaged: on roll and attending a school",
    "APP": "Re-engaged: placed in alternative or specialist provision",
    "FTE": "Re-engaged: full-time education restored at own school",
    "EHE": "Suitable elective home education",
    "MOV": "Moved to another local authority (case passed over)",
    "ABR": "Moved abroad (confirmed)",
    "AGE": "Reached the end of compulsory school age",
    "PNL": "Closed by the case-closure panel (whereabouts unknown)",
    "OTH": "Other",
}
# Closure to a school or provision counts as re-engagement (issue 3: time to re-engagement).
REENGAGEMENT_CLOSURES = ("SCH", "APP", "FTE")

RAG = {"R": "Red (high priority)", "A": "Amber (medium priority)", "G": "Green (low priority)"}

# The 20 vulnerability indicators of the CME referral form (Leics framework 2.1.1, DOMAIN.md).
RISK_INDICATORS = {
    "risk_care_history": "History of care",
    "risk_missing_from_home": "Goes missing from home",
    "risk_exclusion_absence": "Exclusion or unexplained absence",
    "risk_social_learning": "Social or learning difficulties",
    "risk_self_harm": "Self-harm or emotional health",
    "risk_bullying": "Bullying",
    "risk_substance_misuse": "Drug or alcohol misuse",
    "risk_criminal_activity": "Criminal activity",
    "risk_cse": "At risk of child sexual exploitation",
    "risk_whereabouts_unknown": "Whereabouts unknown",
    "risk_sexualised_behaviour": "Sexualised behaviour",
    "risk_aggression": "Aggression",
    "risk_family_breakdown": "Family breakdown",
    "risk_gang_association": "Gang association",
    "risk_abuse_neglect": "Abuse or neglect",
    "risk_domestic_abuse": "Domestic abuse",
    "risk_mental_health": "Mental health",
    "risk_sexual_physical_emotional_abuse": "Sexual, physical or emotional abuse",
    "risk_isolation": "Isolation from peers",
    "risk_poverty": "Poverty or deprivation",
}
RISK_VALUES = {"C": "Current", "H": "Historic", "N": "Not indicated"}

SEX = {"M": "Male", "F": "Female", "U": "Not known"}  # CBDS
SEN_STATUS = {"N": "No SEN", "K": "SEN support", "E": "EHC plan"}  # CBDS SEN provision codes
ETHNICITY = {  # DfE major ethnic groups
    "WHIT": "White", "MIXD": "Mixed / multiple", "ASIA": "Asian / Asian British",
    "BLAC": "Black / Black British", "OTHR": "Any other ethnic group", "UNCL": "Unclassified",
}
CIN_STATUS = {"N": "None", "CIN": "Child in need plan", "CPP": "Child protection plan"}
YES_NO = {"Y": "Yes", "N": "No"}

# Monthly PME return: how the pupil is educated (Leics framework 2.1; DOMAIN.md).
PROVISION_TYPES = {
    "RTT": "Reduced (part-time) timetable",
    "APS": "Alternative provision commissioned by the school",
    "APL": "Alternative provision arranged by the LA",
    "HOS": "Hospital education",
    "HTU": "Home tuition (medical)",
    "MED": "Long-term medical absence, no provision",
    "EXC": "Excluded, awaiting provision",
    "OTH": "Other part-time arrangement",
}

SCHOOL_PHASES = {
    "PRI": "Primary", "SEC": "Secondary", "ALL": "All-through", "SPE": "Special", "PRU": "Pupil referral unit / AP",
}

EXCLUSION_CATEGORIES = {"SUSP": "Suspension", "PERM": "Permanent exclusion"}

# DfE exclusion reason codes (School census guide, 2020 onwards list).
EXCLUSION_REASONS = {
    "PP": "Physical assault against a pupil",
    "PA": "Physical assault against an adult",
    "VP": "Verbal abuse or threatening behaviour against a pupil",
    "VA": "Verbal abuse or threatening behaviour against an adult",
    "BU": "Bullying",
    "RA": "Racist abuse",
    "LG": "Abuse against sexual orientation and gender identity",
    "DS": "Abuse relating to disability",
    "SM": "Sexual misconduct",
    "DA": "Drug and alcohol related",
    "DM": "Damage",
    "TH": "Theft",
    "PD": "Persistent disruptive behaviour",
    "MT": "Inappropriate use of social media or online technology",
    "WP": "Use or threat of use of an offensive weapon or prohibited item",
    "OT": "Other",
}

TERMS = {"AUT": "Autumn", "SPR": "Spring", "SUM": "Summer"}

# National curriculum year: 0 = Reception. Key stages per the National Curriculum.
NCY_RANGE = (0, 11)
KEY_STAGE_BY_NCY = {0: "EYFS", 1: "KS1", 2: "KS1", 3: "KS2", 4: "KS2", 5: "KS2", 6: "KS2",
                    7: "KS3", 8: "KS3", 9: "KS3", 10: "KS4", 11: "KS4"}
