"""Case triggers at, one below and one above their lines, across holidays (hand-counted).

Shire County 2024/25: spring half-term 17-21 Feb 2025; Easter holiday 7-21 Apr (Easter Monday
21 Apr); May Day Mon 5 May; half-term 26-30 May with the Spring Bank Holiday on 26 May; INSET
Mon 2 Jun 2025.
"""
import pandas as pd
import pytest

from triggers_support import D, cases, crossed, run


# -- CME01: off roll 60 school days (Lancashire) ------------------------------------------------
# Referred Mon 3 Mar 2025. Mar 3-7 (5), 10-14 (10), 17-21 (15), 24-28 (20), 31 Mar-4 Apr (25);
# Easter holiday incl. Easter Monday; Apr 22-25 (29), Apr 28-May 2 (34); May Day; May 6-9 (38),
# 12-16 (43), 19-23 (48); half-term + Spring BH; INSET 2 Jun; Jun 3-6 (52), 9-13 (57),
# 16 (58), 17 (59), 18 Jun (60).
CME = cases({"case_type": "CME", "pme_group": "CME", "referral_date": "2025-03-03", "whereabouts_known": "Y",
             "school_urn": None})


@pytest.mark.parametrize("as_of, expected", [
    ("2025-06-17", None),                            # 59 school days: one below
    ("2025-06-18", (D("2025-06-18"), 60, 0)),       # at the line
    ("2025-06-19", (D("2025-06-18"), 61, 1)),       # one above, crossed the day before
])
def test_cme01_sixty_school_days(as_of, expected):
    assert crossed(run("CME01", {"cases": CME}, as_of)) == expected


def test_cme01_only_open_cme_cases():
    closed = CME.assign(closure_date=D("2025-06-01"), closure_reason="SCH")
    pme = CME.assign(case_type="PME", pme_group="MED")
    assert run("CME01", {"cases": closed}, "2025-06-19").empty
    assert run("CME01", {"cases": pme}, "2025-06-19").empty


# -- ESC01: CME or PME for longer than 20 days (Nottinghamshire) -------------------------------
# Referred Mon 10 Feb 2025: Feb 10-14 (5), half-term, 24-28 (10), Mar 3-7 (15), 10-14 (20), Mon 17 (21).
# Referred Tue 29 Apr 2025: Apr 29-May 2 (4), May Day, 6-9 (8), 12-16 (13), 19-23 (18), half-term
# and Spring BH, INSET 2 Jun, Tue 3 Jun (19), Wed 4 (20), Thu 5 Jun (21).
@pytest.mark.parametrize("referral, as_of, expected", [
    ("2025-02-10", "2025-03-13", None),                          # 19
    ("2025-02-10", "2025-03-14", None),                          # 20: not longer than 20
    ("2025-02-10", "2025-03-17", (D("2025-03-17"), 21, 1)),      # 21
    ("2025-04-29", "2025-06-03", None),
    ("2025-04-29", "2025-06-04", None),
    ("2025-04-29", "2025-06-05", (D("2025-06-05"), 21, 1)),
])
def test_esc01_longer_than_twenty_school_days(referral, as_of, expected):
    assert crossed(run("ESC01", {"cases": cases({"referral_date": referral})}, as_of)) == expected


# -- PNL01: no progress within 6 weeks of panel (Lancashire) -----------------------------------
# Panel Mon 10 Feb 2025 + 42 days = Mon 24 Mar (calendar weeks: the half-term does not stop the
# clock). Panel Tue 22 Apr + 42 days = Tue 3 Jun (over May Day, half-term and Spring BH).
def _panels(panel_date, progress=None):
    return pd.DataFrame({"case_id": ["C1"], "panel_date": [D(panel_date)], "progress_date": pd.to_datetime(pd.Series([progress]))})


@pytest.mark.parametrize("panel, as_of, expected", [
    ("2025-02-10", "2025-03-23", None),
    ("2025-02-10", "2025-03-24", (D("2025-03-24"), 42, 0)),
    ("2025-02-10", "2025-03-25", (D("2025-03-24"), 43, 1)),
    ("2025-04-22", "2025-06-02", None),
    ("2025-04-22", "2025-06-03", (D("2025-06-03"), 42, 0)),
    ("2025-04-22", "2025-06-04", (D("2025-06-03"), 43, 1)),
])
def test_pnl01_six_weeks_after_panel(panel, as_of, expected):
    assert crossed(run("PNL01", {"cases": cases({}), "panels": _panels(panel)}, as_of)) == expected


def test_pnl01_progress_stops_it_and_latest_panel_counts():
    assert run("PNL01", {"cases": cases({}), "panels": _panels("2025-02-10", "2025-03-20")}, "2025-03-25").empty
    two = pd.concat([_panels("2025-01-06"), _panels("2025-02-10")], ignore_index=True)
    assert crossed(run("PNL01", {"cases": cases({}), "panels": two}, "2025-03-24"))[1] == 42


def test_pnl01_not_run_without_panel_dates():
    from pmereport.metrics.triggers import evaluate
    from triggers_support import CAL
    result = evaluate({"cases": cases({})}, CAL, "2025-03-24", codes=["PNL01"])
    assert result.not_run == {"PNL01": "needs panels"}


# -- CON01: consent withheld beyond 12 weeks (Lancashire) --------------------------------------
# Engagement started Mon 6 Jan 2025; 12 weeks = 84 days -> Mon 31 Mar; beyond = from Tue 1 Apr
# (over the spring half-term). From Mon 14 Apr 2025: 84 days -> Mon 7 Jul, over Easter Monday,
# May Day, the May half-term and the Spring Bank Holiday; beyond = from Tue 8 Jul.
def _consent(start, consent=None):
    return pd.DataFrame({"case_id": ["C1"], "engagement_start_date": [D(start)],
                         "consent_date": pd.to_datetime(pd.Series([consent]))})


@pytest.mark.parametrize("start, as_of, expected", [
    ("2025-01-06", "2025-03-30", None), ("2025-01-06", "2025-03-31", None),
    ("2025-01-06", "2025-04-01", (D("2025-04-01"), 85, 1)),
    ("2025-04-14", "2025-07-06", None), ("2025-04-14", "2025-07-07", None),
    ("2025-04-14", "2025-07-08", (D("2025-07-08"), 85, 1)),
])
def test_con01_beyond_twelve_weeks(start, as_of, expected):
    assert crossed(run("CON01", {"cases": cases({}), "consent": _consent(start)}, as_of)) == expected


def test_con01_consent_given_stops_it():
    assert run("CON01", {"cases": cases({}), "consent": _consent("2025-01-06", "2025-03-20")}, "2025-04-01").empty


# -- EHE01: reassess after 6 weeks (Leics) -----------------------------------------------------
# Judged unsuitable Mon 28 Apr 2025 + 42 days = Mon 9 Jun (over May Day, half-term, Spring BH).
EHE = cases({"pme_group": "EHU", "referral_date": "2025-04-14", "assessment_date": "2025-04-28"})


@pytest.mark.parametrize("as_of, expected", [
    ("2025-06-08", None), ("2025-06-09", (D("2025-06-09"), 42, 0)), ("2025-06-10", (D("2025-06-09"), 43, 1)),
])
def test_ehe01_six_weeks_after_judgement(as_of, expected):
    assert crossed(run("EHE01", {"cases": EHE}, as_of)) == expected


def test_ehe01_reassessment_and_referral_fallback():
    reviews = pd.DataFrame({"case_id": ["C1"], "review_date": [D("2025-06-05")]})
    assert run("EHE01", {"cases": EHE, "reviews": reviews}, "2025-06-10").empty
    # No assessment date: the referral date (14 Apr) starts the clock: due 26 May
    no_assessment = EHE.assign(assessment_date=pd.NaT)
    assert crossed(run("EHE01", {"cases": no_assessment}, "2025-05-26")) == (D("2025-05-26"), 42, 0)


# -- EHE02: 8 weeks to secure a place before an SAO (Leics) ------------------------------------
# Notice Mon 3 Feb 2025 + 56 days = Mon 31 Mar; a maximum of 8 weeks, so past it from Tue 1 Apr
# (over the spring half-term). Notice Mon 28 Apr + 56 days = Mon 23 Jun (over May Day, the May
# half-term and the Spring Bank Holiday), past it from Tue 24 Jun.
def _notice(notice, place=None):
    return pd.DataFrame({"case_id": ["C1"], "notice_date": [D(notice)], "place_secured_date": pd.to_datetime(pd.Series([place]))})


@pytest.mark.parametrize("notice, as_of, expected", [
    ("2025-02-03", "2025-03-30", None), ("2025-02-03", "2025-03-31", None),
    ("2025-02-03", "2025-04-01", (D("2025-04-01"), 57, 1)),
    ("2025-04-28", "2025-06-22", None), ("2025-04-28", "2025-06-23", None),
    ("2025-04-28", "2025-06-24", (D("2025-06-24"), 57, 1)),
])
def test_ehe02_eight_weeks_after_notice(notice, as_of, expected):
    frames = {"cases": cases({"pme_group": "EHU"}), "sao_notices": _notice(notice)}
    assert crossed(run("EHE02", frames, as_of)) == expected


def test_ehe02_place_secured_stops_it():
    frames = {"cases": cases({"pme_group": "EHU"}), "sao_notices": _notice("2025-02-03", "2025-03-31")}
    assert run("EHE02", frames, "2025-04-01").empty


# -- REV01: medical / AP reviews every 6 weeks (Leics) -----------------------------------------
# Latest stage date: case management Mon 20 Jan 2025 + 42 days = Mon 3 Mar (over half-term);
# monitoring from Tue 22 Apr 2025 + 42 days = Tue 3 Jun (over May Day, half-term, Spring BH).
MEDICAL = cases({"referral_date": "2025-01-06", "case_management_date": "2025-01-20"})


@pytest.mark.parametrize("monitoring, as_of, expected", [
    (None, "2025-03-02", None), (None, "2025-03-03", (D("2025-03-03"), 42, 0)),
    (None, "2025-03-04", (D("2025-03-03"), 43, 1)),
    ("2025-04-22", "2025-06-02", None), ("2025-04-22", "2025-06-03", (D("2025-06-03"), 42, 0)),
    ("2025-04-22", "2025-06-04", (D("2025-06-03"), 43, 1)),
])
def test_rev01_six_weeks_since_last_review(monitoring, as_of, expected):
    frame = MEDICAL.assign(monitoring_date=pd.to_datetime(pd.Series([monitoring], index=MEDICAL.index)))
    assert crossed(run("REV01", {"cases": frame}, as_of)) == expected


def test_rev01_review_resets_and_groups_are_a_parameter():
    reviews = pd.DataFrame({"case_id": ["C1"], "review_date": [D("2025-02-24")]})
    assert run("REV01", {"cases": MEDICAL, "reviews": reviews}, "2025-03-04").empty
    assert run("REV01", {"cases": MEDICAL.assign(pme_group="CNP")}, "2025-03-04").empty
    found = run("REV01", {"cases": MEDICAL.assign(pme_group="CNP")}, "2025-03-04", pme_groups=["CNP"])
    assert crossed(found)[1] == 43
