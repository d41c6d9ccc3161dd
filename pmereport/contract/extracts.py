"""Data contract v1: one declaration per extract (see DOMAIN.md, "The data that arrives").

All extracts are anonymised: ``pupil_id`` is a pseudonymous identifier assigned by the LA; there
are no names, addresses or dates of birth. Column order here is the order files are written in.
"""
from __future__ import annotations

import pandas as pd

from . import codes as C
from .spec import Extract, Field, Rule

ACADEMIC_YEAR_PATTERN = r"\d{4}/\d{2}"


def _blank(s: pd.Series) -> pd.Series:
    return s.isna()


def _on_or_after(later: str, earlier: str):
    def check(df: pd.DataFrame) -> pd.Series:
        return _blank(df[later]) | _blank(df[earlier]) | (df[later] >= df[earlier])
    return check


def _pupil_fields() -> list[Field]:
    """Pupil characteristics shared by the pupil-level extracts."""
    return [
        Field("ncy", "int", "National curriculum year group (0 = Reception, 1-11 = Years 1-11)",
              minimum=0, maximum=11),
        Field("sex", "code", "Sex (CBDS)", codes=C.SEX),
        Field("ethnicity", "code", "Ethnicity, DfE major group", codes=C.ETHNICITY),
        Field("sen_status", "code", "SEN provision (CBDS): N none, K SEN support, E EHC plan",
              codes=C.SEN_STATUS),
        Field("fsm", "code", "Eligible for free school meals", codes=C.YES_NO),
    ]


PUPIL_ID = Field("pupil_id", "str", "Pseudonymous pupil identifier (no names or UPNs)",
                 pattern=r"[A-Za-z0-9_-]{4,40}")
URN = Field("school_urn", "int", "School unique reference number (Get Information about Schools)",
            minimum=100000, maximum=999999)


def _dates_in_order(columns: list[str]):
    """Pathway stage dates must not go backwards (Leics framework pathway, six stages)."""
    def check(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for i, later in enumerate(columns[1:], start=1):
            for earlier in columns[:i]:
                ok &= _on_or_after(later, earlier)(df)
        return ok
    return check


STAGE_DATES = ["referral_date", "assessment_date", "case_management_date",
               "placement_identified_date", "monitoring_date", "closure_date"]

CASES = Extract(
    name="cases",
    title="CME/PME case episodes",
    description=("One row per case episode from the CME/PME case-management system. A pupil can "
                 "have several episodes. The six pathway stages (Leicestershire PME framework) are "
                 "dated when each starts; the referral date starts identification and referral."),
    fields=[
        Field("case_id", "str", "Case episode identifier", unique=True, pattern=r"[A-Za-z0-9_-]{1,40}"),
        PUPIL_ID,
        Field("case_type", "code", "CME (not on a roll) or PME (on a roll, not in full-time education)",
              codes=C.CASE_TYPES),
        Field("referral_date", "date", "Date the referral or notification was received"),
        Field("referral_source", "code", "Who referred", codes=C.REFERRAL_SOURCES),
        Field("pme_group", "code", "PME / CME group (Leicestershire framework)", codes=C.PME_GROUPS),
        Field("rag_rating", "code", "Risk rating at the latest assessment", codes=C.RAG),
        Field("whereabouts_known", "code", "CME only: are the child's whereabouts known?",
              codes=C.YES_NO, nullable=True),
        *_pupil_fields(),
        Field("looked_after", "code", "Looked-after child", codes=C.YES_NO),
        Field("cin_status", "code", "Child in need or child protection plan", codes=C.CIN_STATUS),
        Field("district", "str", "District of residence"),
        Field("school_urn", "int", "School on whose roll the pupil is (blank for CME)",
              nullable=True, minimum=100000, maximum=999999),
        Field("assessment_date", "date", "Start of assessment", nullable=True),
        Field("case_management_date", "date", "Start of case management and oversight", nullable=True),
        Field("placement_identified_date", "date", "Placement identified", nullable=True),
        Field("monitoring_date", "date", "Start of monitoring of progress", nullable=True),
        Field("closure_date", "date", "Case closed (blank while open)", nullable=True),
        Field("closure_reason", "code", "Why the case closed", codes=C.CLOSURE_REASONS, nullable=True),
        *[Field(name, "code", f"Referral-form risk indicator: {label}", codes=C.RISK_VALUES)
          for name, label in C.RISK_INDICATORS.items()],
    ],
    rules=[
        Rule("CASE01", "Pathway stage dates must be in order (referral, assessment, case management, "
             "placement, monitoring, closure)", STAGE_DATES, _dates_in_order(STAGE_DATES),
             "Leicestershire PME framework: the six-stage pathway"),
        Rule("CASE02", "A closed case needs a closure reason, and an open one must not have one",
             ["closure_date", "closure_reason"],
             lambda d: _blank(d["closure_date"]) == _blank(d["closure_reason"])),
        Rule("CASE03", "A CME case has no school (not on a roll); a PME case must name its school",
             ["case_type", "school_urn"],
             lambda d: (d["case_type"] == "CME") == _blank(d["school_urn"]),
             "Education Act 1996 s436A (CME); Ofsted 2013 (PME)"),
        Rule("CASE04", "A CME case must say whether the child's whereabouts are known",
             ["case_type", "whereabouts_known"],
             lambda d: (d["case_type"] != "CME") | ~_blank(d["whereabouts_known"]),
             "Leicestershire CME policy: whereabouts known / unknown"),
        Rule("CASE05", "Group CME goes with case type CME and no other",
             ["case_type", "pme_group"],
             lambda d: (d["case_type"] == "CME") == (d["pme_group"] == "CME")),
    ],
)

PME_RETURNS = Extract(
    name="pme_returns",
    title="Monthly PME return",
    description=("One row per pupil not in full-time education, per school, per month (Leicestershire "
                 "framework 2.1.3: monthly returns). Either one file, or a folder with one file per "
                 "month (CSV or Excel). A school with nobody to report sends a nil return: it is in "
                 "the submissions log with no rows here."),
    folder=True,
    fields=[
        Field("return_month", "month", "Month the return is for (YYYY-MM)"),
        URN,
        PUPIL_ID,
        Field("ncy", "int", "National curriculum year group (0 = Reception)", minimum=0, maximum=11),
        Field("sen_status", "code", "SEN provision (CBDS)", codes=C.SEN_STATUS),
        Field("provision_type", "code", "How the pupil is being educated", codes=C.PROVISION_TYPES),
        Field("pme_group", "code", "Reason the pupil is not in full-time education", codes=C.PME_GROUPS),
        Field("hours_offered", "float", "Hours of education offered per week", minimum=0, maximum=32.5),
        Field("hours_attended", "float", "Hours of education attended per week (average over the month)",
              minimum=0, maximum=32.5),
        Field("attendance_pct", "float", "Attendance in the month, % of possible sessions",
              nullable=True, minimum=0, maximum=100),
        Field("rtt_start_date", "date", "Reduced timetable: start date", nullable=True),
        Field("rtt_end_date", "date", "Reduced timetable: planned end date", nullable=True),
        Field("rtt_review_date", "date", "Reduced timetable: next review date", nullable=True),
    ],
    rules=[
        Rule("RET01", "Hours attended cannot exceed hours offered", ["hours_offered", "hours_attended"],
             lambda d: _blank(d["hours_attended"]) | _blank(d["hours_offered"])
             | (d["hours_attended"] <= d["hours_offered"] + 1e-9)),
        Rule("RET02", "A reduced timetable must have a start date", ["provision_type", "rtt_start_date"],
             lambda d: (d["provision_type"] != "RTT") | ~_blank(d["rtt_start_date"]),
             "Leicestershire PME web page; Nottinghamshire CME strategy"),
        Rule("RET03", "A reduced timetable cannot end before it starts", ["rtt_start_date", "rtt_end_date"],
             _on_or_after("rtt_end_date", "rtt_start_date")),
        Rule("RET05", "A reduced timetable on a month's return must have started by the end of that month",
             ["return_month", "rtt_start_date"],
             lambda d: _blank(d["rtt_start_date"]) | _blank(d["return_month"])
             | (d["rtt_start_date"] < d["return_month"] + pd.offsets.MonthBegin(1))),
        Rule.one_row_per("RET04", "A pupil appears once per school per return month",
                         ["return_month", "school_urn", "pupil_id"]),
    ],
)

RETURN_LOG = Extract(
    name="return_log",
    title="PME return submissions log",
    description=("One row per school per month that a return was received, including nil returns. "
                 "A school with no row for a month has not returned (issue: return rate headline)."),
    fields=[
        Field("return_month", "month", "Month the return is for (YYYY-MM)"),
        URN,
        Field("submitted_date", "date", "Date the return was received"),
        Field("nil_return", "code", "Y if the school had no pupils to report", codes=C.YES_NO),
    ],
    rules=[
        Rule.one_row_per("LOG01", "One submission per school per month", ["return_month", "school_urn"]),
        Rule("LOG02", "A return cannot be received before the month it is for starts",
             ["return_month", "submitted_date"], _on_or_after("submitted_date", "return_month")),
    ],
)

EXCLUSIONS = Extract(
    name="exclusions",
    title="Suspensions and permanent exclusions",
    description=("One row per suspension or permanent exclusion. Rates use the January census "
                 "headcount (census extract) as DfE does: per 100 pupils."),
    fields=[
        Field("exclusion_id", "str", "Exclusion identifier", unique=True, pattern=r"[A-Za-z0-9_-]{1,40}"),
        PUPIL_ID,
        URN,
        Field("start_date", "date", "First day of the exclusion"),
        Field("category", "code", "Suspension or permanent exclusion", codes=C.EXCLUSION_CATEGORIES),
        Field("sessions", "int", "Length in sessions (two per day); blank for a permanent exclusion",
              nullable=True, minimum=1, maximum=90),
        Field("reason_code", "code", "DfE exclusion reason", codes=C.EXCLUSION_REASONS),
        *_pupil_fields(),
    ],
    rules=[
        Rule("EXC01", "A suspension must give its length in sessions", ["category", "sessions"],
             lambda d: (d["category"] != "SUSP") | ~_blank(d["sessions"])),
        Rule("EXC02", "A single suspension cannot exceed 45 school days (90 sessions)", ["sessions"],
             lambda d: _blank(d["sessions"]) | (d["sessions"] <= 90),
             "Leicestershire framework: 45-day limit per school year"),
    ],
)

SCHOOLS = Extract(
    name="schools",
    title="School reference",
    description="One row per school expected to send a monthly PME return.",
    fields=[
        Field("school_urn", "int", "School URN", unique=True, minimum=100000, maximum=999999),
        Field("school_name", "str", "School name"),
        Field("phase", "code", "Phase of education", codes=C.SCHOOL_PHASES),
        Field("district", "str", "District the school is in"),
        Field("open_date", "date", "Date the school opened (blank if before the data starts)", nullable=True),
        Field("close_date", "date", "Date the school closed (blank if open)", nullable=True),
    ],
    rules=[Rule("SCH01", "A school cannot close before it opens", ["open_date", "close_date"],
                _on_or_after("close_date", "open_date"))],
)

CENSUS = Extract(
    name="census",
    title="January census headcount",
    description=("Pupils on roll at the January school census, per school, academic year and year "
                 "group: the denominator for rates (DfE: exclusions per 100 pupils)."),
    fields=[
        URN,
        Field("academic_year", "str", "Academic year, e.g. 2024/25", pattern=ACADEMIC_YEAR_PATTERN),
        Field("ncy", "int", "National curriculum year group (0 = Reception)", minimum=0, maximum=11),
        Field("headcount", "int", "Pupils on roll at the January census", minimum=0),
        Field("headcount_fsm", "int", "Of whom eligible for free school meals", minimum=0, nullable=True),
        Field("headcount_sen_support", "int", "Of whom on SEN support", minimum=0, nullable=True),
        Field("headcount_ehcp", "int", "Of whom with an EHC plan", minimum=0, nullable=True),
    ],
    rules=[
        Rule.one_row_per("CEN01", "One row per school, academic year and year group",
                         ["school_urn", "academic_year", "ncy"]),
        Rule("CEN02", "A sub-group headcount cannot exceed the headcount",
             ["headcount", "headcount_fsm", "headcount_sen_support", "headcount_ehcp"],
             lambda d: ~((d["headcount_fsm"] > d["headcount"]) | (d["headcount_sen_support"] > d["headcount"])
                         | (d["headcount_ehcp"] > d["headcount"]))),
    ],
)

ATTENDANCE = Extract(
    name="attendance",
    title="Attendance per pupil per term",
    description=("One row per pupil, school and term: sessions possible and missed (two sessions a "
                 "day). Absence measures follow DfE: % of possible sessions missed."),
    optional=True,
    fields=[
        PUPIL_ID,
        URN,
        Field("academic_year", "str", "Academic year, e.g. 2024/25", pattern=ACADEMIC_YEAR_PATTERN),
        Field("term", "code", "Term", codes=C.TERMS),
        *_pupil_fields(),
        Field("sessions_possible", "int", "Possible sessions in the term", minimum=0),
        Field("sessions_authorised", "int", "Sessions of authorised absence", minimum=0),
        Field("sessions_unauthorised", "int", "Sessions of unauthorised absence", minimum=0),
    ],
    rules=[
        Rule("ATT01", "Sessions missed cannot exceed sessions possible",
             ["sessions_possible", "sessions_authorised", "sessions_unauthorised"],
             lambda d: (d["sessions_authorised"].fillna(0) + d["sessions_unauthorised"].fillna(0))
             <= d["sessions_possible"].fillna(0)),
        Rule.one_row_per("ATT02", "One row per pupil, school, academic year and term",
                         ["pupil_id", "school_urn", "academic_year", "term"]),
    ],
)

# Case-work extracts (optional): what the case-management system records about the work on a case,
# for the triggers that need it (metrics/triggers, DOMAIN.md "Thresholds and triggers"). A data
# folder without them still validates; those triggers then say "not run" and why.
CASE_ID = Field("case_id", "str", "Case episode identifier, as in the cases extract", pattern=r"[A-Za-z0-9_-]{1,40}")

def _case_event(name: str, title: str, description: str, event: Field, outcome: Field,
                codes: tuple[str, str], messages: tuple[str, str]) -> Extract:
    """A case-work extract of dated events on a case (a panel, a notice), each with the date of
    its outcome (blank: none yet): the outcome cannot come first, and a case has one row per
    event date."""
    return Extract(
        name=name, title=title, description=description, optional=True, fields=[CASE_ID, event, outcome],
        rules=[Rule(codes[0], messages[0], [event.name, outcome.name], _on_or_after(outcome.name, event.name)),
               Rule.one_row_per(codes[1], messages[1], ["case_id", event.name])],
    )


PANELS = _case_event(
    "panels", "CME panel discussions",
    ("One row per case discussed at the CME panel: the panel date and the date progress was next "
     "recorded. Trigger PNL01: no progress within 6 weeks of the panel, request support (Lancashire "
     "seed 1.5)."),
    Field("panel_date", "date", "Date the case was discussed at the CME panel"),
    Field("progress_date", "date", "Date progress was recorded after the panel (blank: none yet)", nullable=True),
    ("PAN01", "PAN02"),
    ("Progress after a panel cannot be recorded before the panel", "One row per case and panel date"),
)

CONSENT = Extract(
    name="consent",
    title="Consent to engage",
    description=("One row per case where the family's consent to work with them was sought: when "
                 "engagement started and when consent was given (blank while withheld). Trigger CON01: "
                 "consent withheld beyond 12 weeks, strategy discussion (Lancashire seed 1.6)."),
    optional=True,
    fields=[
        CASE_ID,
        Field("engagement_start_date", "date", "Date engagement with the family started"),
        Field("consent_date", "date", "Date consent was given (blank: withheld so far)", nullable=True),
    ],
    rules=[
        Rule("CNS01", "Consent cannot be given before engagement started", ["engagement_start_date", "consent_date"],
             _on_or_after("consent_date", "engagement_start_date")),
        Rule.one_row_per("CNS02", "One row per case", ["case_id"]),
    ],
)

REVIEWS = Extract(
    name="reviews",
    title="Case reviews",
    description=("One row per review of a case: medical-needs and alternative-provision reviews, "
                 "reassessments of elective home education. Triggers REV01 (reviews every 6 weeks, "
                 "half-termly) and EHE01 (reassess after 6 weeks) (Leicestershire PME framework); without "
                 "it they use the pathway stage dates of the cases extract."),
    optional=True,
    fields=[
        CASE_ID,
        Field("review_date", "date", "Date of the review"),
    ],
    rules=[Rule.one_row_per("RVW01", "One row per case and review date", ["case_id", "review_date"])],
)

SAO_NOTICES = _case_event(
    "sao_notices", "School attendance order notices",
    ("One row per notice served on parents before a school attendance order (Education Act 1996 "
     "s437): the notice date and the date a school place was secured (blank: not yet). Trigger EHE02: "
     "no place within 8 weeks of the notice (Leicestershire PME framework)."),
    Field("notice_date", "date", "Date the notice was served"),
    Field("place_secured_date", "date", "Date a school place was secured (blank: not yet)", nullable=True),
    ("SAO01", "SAO02"),
    ("A place cannot be secured before the notice", "One row per case and notice date"),
)

MISSING_OCCASIONS = Extract(
    name="missing_occasions",
    title="Missing during the school day",
    description=("One row per occasion a school reported a pupil missing during the school day. Trigger "
                 "MDD01: missing on 3 separate occasions in the last month (Leicestershire PME "
                 "framework). Two rows for the same pupil, school and day count as one occasion."),
    optional=True,
    fields=[
        PUPIL_ID,
        URN,
        Field("occasion_date", "date", "Date the pupil went missing"),
    ],
)

EXTRACTS: dict[str, Extract] = {e.name: e for e in
                                [CASES, PME_RETURNS, RETURN_LOG, EXCLUSIONS, SCHOOLS, CENSUS, ATTENDANCE,
                                 PANELS, CONSENT, REVIEWS, SAO_NOTICES, MISSING_OCCASIONS]}
