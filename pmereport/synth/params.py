"""The simulated world's parameters, each with where the number comes from.

Sources: DOMAIN.md (thresholds, Leicestershire reason shares, full-time hours), DfE published
statistics for England (school census: FSM, SEN; exclusions; pupil absence), and issue 2 item 4
(the generator's brief: sizes, seasonality, return behaviour). Where a number is a modelling
assumption rather than a published figure, the comment says so.
"""
from __future__ import annotations

import datetime as dt

from ..contract import codes as C

GENERATOR_VERSION = "1.2.0"  # 1.1: school days from the LA's configured term dates; 1.2: case-work extracts

# The data covers Sept 2022 to the ``end`` date (issue 2: 2022/23 onwards). Cases are simulated from
# a two-year burn-in so that the caseload is already at its steady level when the data starts.
DATA_START = dt.date(2022, 9, 1)
BURN_IN_START = dt.date(2020, 9, 1)
# The PME returns log is extracted two weeks after ``end`` so the last month's returns are mostly in
# (a team runs its monthly pack a couple of weeks after month end). Assumption.
RETURNS_EXTRACT_LAG_DAYS = 14

# ---- sizes (issue 2 item 4) ------------------------------------------------------------------
SIZES = {
    "small": dict(description="12 schools, ~3,000 pupils, ~40 on the PME return (for tests)",
                  primary=8, secondary=2, special=1, pru=1, districts=2, nil_only=1),
    "county": dict(description="a large English shire county: ~300 schools, ~100,000 pupils",
                   primary=240, secondary=50, special=6, pru=3, districts=7, nil_only=4),
    "large": dict(description="about three times a county: ~900 schools, ~300,000 pupils",
                  primary=720, secondary=150, special=18, pru=8, districts=10, nil_only=12),
}

DISTRICT_NAMES = ["Ashwell Vale", "Brackenridge", "Coldmere", "Dunholm", "Eastmoor", "Fernley Wolds",
                  "Greystoke Downs", "Hollinbrook", "Ivybridge Marsh", "Kettleby"]  # made up

# Pupils per year group (form intake) of a primary school: small village schools to two-form entry.
# Assumption giving ~100,000 pupils for 240 primaries and the secondaries they feed (issue 2).
PRIMARY_INTAKE_SIZES = (12, 20, 30, 45, 60)
PRIMARY_INTAKE_WEIGHTS = (0.15, 0.15, 0.35, 0.20, 0.15)
SPECIAL_PUPILS_PER_YEAR_GROUP = 11  # ~130 pupils per special school (assumption)
PRU_PUPILS_PER_YEAR_GROUP = 8  # PRU / AP academy, Years 5-11 (assumption)
PRU_NCY = (5, 11)

# ---- pupil characteristics (DfE school census, England; shire-county flavoured) ---------------
SHARE_MALE = 0.51
SHARE_FSM = 0.22  # England Jan 2023 23.8%; a shire county a little lower (issue 2: 20-25%)
SHARE_SEN_SUPPORT = 0.13  # England Jan 2024 13.6% (issue 2: ~13%)
SHARE_EHCP = 0.04  # England Jan 2024 4.8% incl. special schools, which add ~0.7 points here (issue 2: 4-5%)
SHARE_LOOKED_AFTER = 0.007  # England: ~70 per 10,000 children looked after
SHARE_CIN_PLAN = 0.02  # children in need on a plan (assumption, England CIN rate ~3.4% of children)
SHARE_CPP = 0.0045  # child protection plans: England ~42 per 10,000 children
SHARE_GRT = 0.01  # Gypsy, Roma and Traveller heritage (assumption: above England's 0.3% in a shire)
ETHNICITY_SHARES = {"WHIT": 0.78, "ASIA": 0.09, "MIXD": 0.06, "BLAC": 0.03, "OTHR": 0.02, "UNCL": 0.02}
# Correlation of FSM, SEN, social care with a latent "disadvantage" score (assumption, chosen so
# that the PME cohort is ~40% FSM against ~22% of all pupils: issue 2 / NCB disproportionality).
DISADVANTAGE_LOADING = {"fsm": 0.7, "sen": 0.4, "care": 0.6}

# ---- attendance (DfE pupil absence in schools in England) ---------------------------------------
# Targets: overall absence ~6-7% of sessions, persistent absence (>= 10%) ~18-20% of pupils,
# severe (>= 50%) ~1.5-2%, unauthorised ~1/3 of absence (issue 2; DfE 2023/24: 7.1%, 17.8% PA).
ABSENCE_LOGIT_BASE = -3.77  # calibrated (bench/bench_synth.py prints the realised figures)
ABSENCE_LOGIT_PUPIL_SD = 1.08  # spread between pupils (persistent propensity)
ABSENCE_LOGIT_TERM_SD = 0.45  # term-to-term noise for the same pupil
ABSENCE_LOGIT_SECONDARY = 0.45  # secondary absence is higher than primary (DfE: ~9% vs ~5.5%)
ABSENCE_LOGIT_DISADVANTAGE = 0.35
ABSENCE_SEVERE_SHARE = 0.024  # pupils with a chronic, severe absence pattern (calibrated)
ABSENCE_LOGIT_CHRONIC = 3.7  # how much more the chronic group misses (calibrated)
UNAUTHORISED_LOGIT_BASE = -1.7  # unauthorised share of absence ~1/3 (DfE: ~35%)
# Pupils on an open PME episode miss most of their sessions (reduced timetables, tuition, AP).
PME_ABSENCE_MEAN = 0.55  # assumption
TERM_ABSENCE_SEASON = {"AUT": 0.0, "SPR": 0.1, "SUM": 0.05}  # winter illness (assumption)

# ---- exclusions (DfE, Suspensions and permanent exclusions in England) -----------------------
# Rates per 100 pupils of the January census. 2022/23: 9.33 suspensions, 0.22 permanent;
# 2023/24: 11.31 and 0.21 (published). Later years: assumed flat at the 2023/24 level.
SUSPENSION_RATE_PER_100 = {2022: 9.33, 2023: 11.31}
PERMANENT_RATE_PER_100 = {2022: 0.22, 2023: 0.21}
LATER_YEAR_SUSPENSION_RATE = 11.31
LATER_YEAR_PERMANENT_RATE = 0.21
# Relative rate by year group: concentrated in Years 7-11, peaking in Years 9-10 (DfE by NCY).
EXCLUSION_NCY_WEIGHT = (0.04, 0.08, 0.12, 0.18, 0.22, 0.28, 0.32, 1.0, 1.5, 1.9, 2.0, 1.3)
# Relative rates (log scale) by characteristic: boys ~2.5x, FSM ~3.5x, SEN support ~3x, EHCP ~2.5x
# (DfE 2022/23 characteristics tables, rounded).
EXCLUSION_LOG_RATIO = {"male": 0.9, "fsm": 1.25, "sen_k": 1.1, "sen_e": 0.9}
# Repeat suspensions: a gamma frailty per pupil (shape < 1 makes repeats cluster in a few pupils).
# Assumption giving ~2.5 suspensions per suspended pupil in a year (DfE publishes far fewer pupils
# with one or more suspensions than suspensions).
EXCLUSION_FRAILTY_SHAPE = 0.1
SUSPENSION_DAYS = tuple(range(1, 11))  # 1-10 days, mostly short (issue 2)
SUSPENSION_DAYS_WEIGHTS = (0.42, 0.20, 0.13, 0.05, 0.10, 0.03, 0.02, 0.01, 0.01, 0.03)
SUSPENSION_REASON_SHARES = {
    "PD": 0.40, "VA": 0.16, "PP": 0.11, "VP": 0.07, "PA": 0.05, "DA": 0.04, "DM": 0.03, "MT": 0.02,
    "WP": 0.02, "BU": 0.02, "RA": 0.01, "SM": 0.01, "LG": 0.01, "TH": 0.01, "DS": 0.005, "OT": 0.035,
}  # DfE 2022/23: persistent disruptive behaviour is the most common reason (rounded, assumption)
PERMANENT_REASON_SHARES = {
    "PD": 0.33, "PA": 0.14, "PP": 0.12, "DA": 0.12, "WP": 0.09, "VA": 0.08, "VP": 0.03, "SM": 0.03,
    "DM": 0.02, "BU": 0.01, "OT": 0.03,
}
# Month of the school year: more exclusions in the autumn and spring terms (issue 2).
EXCLUSION_MONTH_WEIGHT = {9: 0.8, 10: 1.15, 11: 1.25, 12: 0.9, 1: 1.05, 2: 1.1, 3: 1.2, 4: 0.85,
                          5: 0.95, 6: 0.85, 7: 0.55, 8: 0.0}

# ---- CME / PME cases -------------------------------------------------------------------------
# ~1,000 pupils on the monthly PME return per 100,000 on roll (issue 2); with the durations below
# that needs about this many PME referrals a year per 1,000 pupils (calibrated).
PME_REFERRALS_PER_1000_PER_YEAR = 22.5
CME_SHARE_OF_CASES = 0.25  # issue 2: CME ~20-30% of cases
CME_WHEREABOUTS_KNOWN_SHARE = 0.6  # assumption
REASON_SHARES = C.LEICESTERSHIRE_REASON_SHARES_2016  # PME reasons (DOMAIN.md, Feb 2016, 988 cases)
# PME group within each reason category (assumption; PEX comes from the permanent exclusions).
GROUP_WEIGHTS = {
    "MEDICAL": {"MHN": 0.6, "MED": 0.4},
    "BEHAVIOURAL": {"SBD": 0.8, "YOS": 0.2},
    "GRT": {"GRT": 0.85, "CSF": 0.15},
    "SEND_UNMET": {"CNP": 1.0},
    "OTHER": {"RAR": 0.35, "MFA": 0.12, "NTC": 0.12, "EHU": 0.1, "YCR": 0.1, "MDD": 0.09,
              "PYM": 0.06, "CUS": 0.03},
}
BURN_IN_PEX_SHARE_OF_BEHAVIOURAL = 0.35  # before the exclusions data starts (assumption)
# Referrals by month: the September spike in CME (families moved over the summer; DOMAIN.md) and
# PME following the school year (assumption). Relative weights, mean about 1.
CME_MONTH_WEIGHT = {9: 2.6, 10: 1.3, 11: 1.0, 12: 0.7, 1: 1.1, 2: 0.9, 3: 0.9, 4: 0.85, 5: 0.9,
                    6: 0.9, 7: 0.6, 8: 0.25}
PME_MONTH_WEIGHT = {9: 1.0, 10: 1.25, 11: 1.2, 12: 0.8, 1: 1.15, 2: 1.0, 3: 1.15, 4: 0.9, 5: 1.0,
                    6: 1.0, 7: 0.75, 8: 0.15}
# Relative chance of a PME referral by year group: secondary-age skew, peak Years 9-10 (issue 2).
PME_NCY_WEIGHT = (0.1, 0.15, 0.2, 0.3, 0.35, 0.4, 0.5, 1.0, 1.4, 1.9, 2.0, 1.5)
PME_LOG_RATIO = {"fsm": 0.95, "sen_k": 0.9, "sen_e": 0.8, "looked_after": 1.9, "cin": 1.1, "cpp": 1.4}
# Episode length in days: lognormal (median a few months, a tail beyond a year; issue 2).
PME_DURATION_MEDIAN_DAYS = 100
PME_DURATION_SIGMA = 0.9
CME_KNOWN_DURATION_MEDIAN_DAYS = 35
CME_UNKNOWN_DURATION_MEDIAN_DAYS = 70
CME_DURATION_SIGMA = 0.9
SECOND_EPISODE_SHARE = 0.08  # pupils re-referred after a closed episode (assumption)
# Days from one pathway stage to the next (Leicestershire six-stage pathway): (low, high), uniform.
STAGE_GAPS_DAYS = {"assessment_date": (1, 14), "case_management_date": (3, 30),
                   "placement_identified_date": (7, 90), "monitoring_date": (3, 21)}
REFERRAL_SOURCES = {
    "PME": {"SCH": 0.45, "PME": 0.18, "HEA": 0.1, "LAS": 0.1, "CSC": 0.07, "PAR": 0.05, "OTH": 0.05},
    "PME_MEDICAL": {"HEA": 0.45, "SCH": 0.3, "PME": 0.1, "PAR": 0.1, "OTH": 0.05},
    "CME_KNOWN": {"OLA": 0.3, "LAS": 0.25, "PAR": 0.18, "HEA": 0.1, "PUB": 0.05, "CSC": 0.07, "OTH": 0.05},
    "CME_UNKNOWN": {"SCH": 0.7, "LAS": 0.1, "CSC": 0.1, "POL": 0.05, "OTH": 0.05},
}
CLOSURE_REASONS = {  # mostly re-engagement (SCH/APP/FTE); issue 2
    "PME": {"FTE": 0.45, "APP": 0.25, "SCH": 0.15, "MOV": 0.06, "EHE": 0.04, "ABR": 0.01, "OTH": 0.04},
    "CME_KNOWN": {"SCH": 0.75, "APP": 0.05, "MOV": 0.08, "EHE": 0.05, "ABR": 0.03, "OTH": 0.04},
    "CME_UNKNOWN": {"SCH": 0.3, "MOV": 0.25, "ABR": 0.15, "PNL": 0.25, "OTH": 0.05},
}
# Risk indicators of the referral form (DOMAIN.md): sparse. Base chance of Current / Historic.
RISK_BASE_CURRENT = 0.03
RISK_BASE_HISTORIC = 0.05

# ---- monthly PME return ----------------------------------------------------------------------
# Full-time hours per week by year group: ~21 h at KS1 rising to 25 h at KS4 (DOMAIN.md).
FULL_TIME_HOURS_BY_NCY = (21.0, 21.0, 21.0, 23.5, 23.5, 23.5, 23.5, 24.0, 24.0, 24.0, 25.0, 25.0)
PROVISION_BY_REASON = {  # provision type consistent with the group (issue 2)
    "MEDICAL": {"HTU": 0.4, "HOS": 0.15, "RTT": 0.38, "MED": 0.07},
    "BEHAVIOURAL": {"APS": 0.35, "APL": 0.2, "RTT": 0.45},
    "GRT": {"APL": 0.4, "RTT": 0.4, "OTH": 0.2},
    "SEND_UNMET": {"RTT": 0.5, "HTU": 0.3, "OTH": 0.2},
    "OTHER": {"RTT": 0.55, "APS": 0.2, "OTH": 0.25},
}
HOURS_FRACTION_BY_PROVISION = {  # hours offered as a fraction of full time: (low, high) uniform
    "RTT": (0.2, 0.8), "APS": (0.4, 0.9), "APL": (0.4, 0.9), "HOS": (0.3, 0.6), "HTU": (0.15, 0.4),
    "MED": (0.0, 0.0), "EXC": (0.0, 0.2), "OTH": (0.2, 0.7),
}
RTT_WITHOUT_END_DATE = 0.25  # reduced timetables with no end date (a flag in the pack)
RTT_LENGTH_WEEKS = (4, 12)
REVIEW_INTERVAL_DAYS = 42  # six-weekly reviews (Leicestershire framework)
RTT_REVIEW_STALE = 0.15  # review date not moved on after it passed (assumption)
ATTENDANCE_PCT_BLANK = 0.05  # schools that leave attendance % blank (assumption)

# Return behaviour of schools (issue 2): most return within ~10 days of month end, some late,
# a handful miss months. (share of schools, chance of missing a month, lag days low-high)
RETURN_PROFILES = {
    "prompt": (0.82, 0.004, (1, 10)),
    "late": (0.14, 0.04, (5, 35)),
    "poor": (0.04, 0.25, (10, 60)),
}

# Children arriving in the county without a school place (CME, whereabouts known) are more often
# disadvantaged than pupils on roll (NCB 2016/17: 22% of CME FSM-eligible vs 13% of all). Assumption.
CME_ARRIVAL_DISADVANTAGE_SHIFT = 0.6
# Year groups of CME children: flatter than PME, still older-skewed (assumption).
CME_NCY_WEIGHT = (0.6, 0.6, 0.6, 0.7, 0.7, 0.7, 0.8, 1.0, 1.1, 1.2, 1.3, 1.2)
# Relative chance of the PME reason categories for a pupil (besides year group and risk factors):
# behaviour referrals mostly boys; medical (incl. mental health) somewhat more girls; GRT referrals
# come from GRT families; SEND that cannot be met from pupils with EHC plans (assumption).
CATEGORY_LOG_RATIO = {
    "MEDICAL": {"female": 0.3},
    "BEHAVIOURAL": {"male": 0.9, "sen_k": 0.4},
    "GRT": {"grt": 6.0},
    "SEND_UNMET": {"sen_e": 3.5, "sen_k": 1.0},
    "OTHER": {},
}

# Case-work extracts (synth/casework.py). Assumptions for a realistic demo, not published figures:
# chosen so that each case-work trigger has cases on both sides of its line. Days are calendar days.
CASEWORK_PANEL_AFTER_DAYS = (80, 100)  # CME panel about 60 school days after referral (Lancashire seed)
CASEWORK_PANEL_PROGRESS_SHARE = 0.8  # progress recorded after the panel...
CASEWORK_PANEL_PROGRESS_DAYS = (7, 70)  # ...this long after it (PNL01's line: 6 weeks, 42 days)
CASEWORK_CONSENT_SOUGHT_SHARE = 0.3  # PME cases where consent to engage is sought at assessment
CASEWORK_CONSENT_GIVEN_SHARE = 0.9
CASEWORK_CONSENT_DAYS = (1, 120)  # CON01's line: more than 12 weeks (84 days)
CASEWORK_REVIEW_EVERY_DAYS = (35, 49)  # about half-termly (REV01's line: 6 weeks)
CASEWORK_REVIEW_HELD_SHARE = 0.85  # a review that slips leaves the case overdue
CASEWORK_SAO_SHARE = 0.5  # EHE-unsuitable cases where a school attendance order notice is served
CASEWORK_SAO_AFTER_DAYS = (42, 70)  # notice after the judgement
CASEWORK_SAO_PLACE_SHARE = 0.7
CASEWORK_SAO_PLACE_DAYS = (14, 84)  # EHE02's line: more than 8 weeks (56 days)
CASEWORK_MISSING_PER_MONTH = 2.2  # occasions a month for a pupil of an open MDD case (MDD01: 3)
