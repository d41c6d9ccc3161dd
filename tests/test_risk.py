"""Risk summary of the open CME cohort, on a hand-made cohort."""
import pandas as pd
import pytest

from pmereport.contract.codes import RISK_INDICATORS
from pmereport.metrics.risk import RiskScoring, rag_agreement, risk_summary, score

ON = "2025-03-31"


def _cases():
    base = {c: "N" for c in RISK_INDICATORS}
    rows = [
        # C1: open CME, known, Green recorded, 2 current + 1 historic
        {"case_id": "C1", "case_type": "CME", "whereabouts_known": "Y", "rag_rating": "G",
         "risk_bullying": "C", "risk_poverty": "C", "risk_care_history": "H"},
        # C2: open CME, unknown, Red, 3 current
        {"case_id": "C2", "case_type": "CME", "whereabouts_known": "N", "rag_rating": "R",
         "risk_whereabouts_unknown": "C", "risk_cse": "C", "risk_missing_from_home": "C"},
        # C3: open CME, unknown, Amber, 1 current + 2 historic
        {"case_id": "C3", "case_type": "CME", "whereabouts_known": "N", "rag_rating": "A",
         "risk_bullying": "C", "risk_self_harm": "H", "risk_mental_health": "H"},
        # C4: closed before ON; C5: a PME case; C6: referred after ON -- none in the cohort
        {"case_id": "C4", "case_type": "CME", "whereabouts_known": "N", "rag_rating": "R",
         "closure_date": "2025-03-01", "risk_bullying": "C"},
        {"case_id": "C5", "case_type": "PME", "rag_rating": "R", "risk_bullying": "C"},
        {"case_id": "C6", "case_type": "CME", "whereabouts_known": "Y", "rag_rating": "R",
         "referral_date": "2025-04-01"},
    ]
    df = pd.DataFrame([{**base, "referral_date": "2025-01-10", "closure_date": None, **r} for r in rows])
    df["referral_date"] = pd.to_datetime(df["referral_date"])
    df["closure_date"] = pd.to_datetime(df["closure_date"])
    return df


def test_rag_and_whereabouts_of_the_open_cme_cohort():
    out = risk_summary(_cases(), ON)
    assert out["rag"].set_index("rag_rating")["count"].to_dict() == {"R": 1, "A": 1, "G": 1}
    where = out["whereabouts"].set_index("whereabouts_known")
    assert where.loc["Y", "count"] == 1 and where.loc["N", "count"] == 2 and where.loc["", "count"] == 0
    assert where.loc["N", "share"] == pytest.approx(2 / 3)


def test_indicators_current_and_historic():
    ind = risk_summary(_cases(), ON)["indicators"].set_index("indicator")
    assert len(ind) == 20
    # bullying current for C1 and C3 (C4 closed, C5 PME): 2 of 3
    assert ind.loc["risk_bullying", ["current", "historic", "either"]].tolist() == [2, 0, 2]
    assert ind.loc["risk_bullying", "current_share"] == pytest.approx(2 / 3)
    assert ind.loc["risk_care_history", ["current", "historic"]].tolist() == [0, 1]
    assert ind.loc["risk_aggression", "either"] == 0


SCORING = RiskScoring.from_dict({"points": {"C": 2, "H": 1}, "red_from": 6, "amber_from": 4,
                                 "weights": {"risk_cse": 2}})


def test_local_scoring_is_a_parameter():
    cohort = _cases().iloc[:3]
    got = score(cohort, SCORING).set_index("case_id")
    # C1: 2 + 2 + 1 = 5 -> Amber, but whereabouts known CME -> Red (Leics: high priority)
    # C2: 2 + 2x2 (CSE weighted) + 2 = 8 -> Red;  C3: 2 + 1 + 1 = 4 -> Amber
    assert got["score"].tolist() == [5, 8, 4]
    assert got["rag_computed"].tolist() == ["R", "R", "A"]
    no_rule = RiskScoring.from_dict({"points": {"C": 2, "H": 1}, "red_from": 6, "amber_from": 4,
                                     "whereabouts_known_is_red": False})
    assert score(cohort, no_rule)["rag_computed"].tolist() == ["A", "R", "A"]


def test_recorded_against_computed():
    table = rag_agreement(_cases().iloc[:3], SCORING)
    # C1 recorded G computed R; C2 R/R; C3 A/A
    assert table.loc["G", "R"] == 1 and table.loc["R", "R"] == 1 and table.loc["A", "A"] == 1
    assert table.values.sum() == 3


@pytest.mark.parametrize("spec, message", [
    ({"points": {"C": 2}, "red_from": 6}, "missing"),
    ({"points": {"X": 2}, "red_from": 6, "amber_from": 4}, "unknown indicator values"),
    ({"points": {"C": 2}, "red_from": 4, "amber_from": 6}, "amber_from must not exceed red_from"),
    ({"points": {"C": 2}, "red_from": 6, "amber_from": 4, "colour": "red"}, "unknown keys"),
])
def test_bad_scoring_is_named(spec, message):
    with pytest.raises(ValueError, match=message):
        RiskScoring.from_dict(spec)
