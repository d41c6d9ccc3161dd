"""The case-work extracts of the contract (panels, consent, reviews, sao_notices,
missing_occasions): validated like every extract, and read by the triggers straight from a data
folder (frames_from). The rules themselves are tested day by day in tests/test_triggers_*.py; here
the answers are worked out by hand on the tiny data folder (tests/tiny_data.py) at 31 October 2026,
when C01-C03 and P01-P08 are open and C04 is closed."""
import pandas as pd
import pytest
from triggers_support import CAL

from pmereport.contract.dataset import load
from pmereport.metrics.triggers import evaluate, frames_from
from tiny_data import write_tiny_data

AS_OF = "2026-10-31"
CASEWORK = {
    "panels.csv": """case_id,panel_date,progress_date
C01,2026-09-14,
C02,2026-09-01,2026-09-20
C02,2026-10-05,
C04,2026-04-01,
""",  # C01: 47 days since its panel, no progress -> PNL01. C02: latest panel 26 days ago. C04: closed.
    "consent.csv": """case_id,engagement_start_date,consent_date
P01,2026-07-01,
P02,2026-07-01,2026-08-01
P03,2026-08-10,
""",  # P01: 122 days without consent (> 84) -> CON01. P02: given. P03: 82 days, not beyond 12 weeks.
    "sao_notices.csv": """case_id,notice_date,place_secured_date
P04,2026-08-31,
P05,2026-09-14,
P06,2026-07-01,2026-08-15
""",  # P04: 61 days without a place (> 56) -> EHE02. P05: 47 days. P06: place secured.
    "missing_occasions.csv": """pupil_id,school_urn,occasion_date
PUPP07,110001,2026-10-01
PUPP07,110001,2026-10-05
PUPP07,110001,2026-10-06
PUPP08,110001,2026-09-30
PUPP08,110001,2026-10-02
PUPP08,110001,2026-10-02
PUPP08,110001,2026-10-08
""",  # PUPP07: 3 occasions in 1-31 October -> MDD01. PUPP08: 30 Sep is before the month; the two
    # rows of 2 Oct are one occasion: 2.
    "reviews.csv": """case_id,review_date
P01,2026-10-01
P02,2026-09-01
""",
}


@pytest.fixture()
def folder(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    for name, text in CASEWORK.items():
        (data / name).write_text(text, encoding="utf-8")
    return data


def _pupils(evaluation, code: str) -> list[str]:
    return sorted(evaluation.results[code]["pupil_id"].unique())


def test_triggers_read_the_casework_extracts_from_a_data_folder(folder):
    ds = load(folder)
    assert ds.ok, ds.issues()
    result = evaluate(frames_from(ds), CAL, AS_OF, codes=["PNL01", "CON01", "EHE02", "MDD01", "REV01"])
    assert result.not_run == {}
    assert _pupils(result, "PNL01") == ["PUPC01"]
    assert _pupils(result, "CON01") == ["PUPP01"]
    assert _pupils(result, "EHE02") == ["PUPP04"]
    assert _pupils(result, "MDD01") == ["PUPP07"]
    # REV01, open PME cases in the reviewed groups whose last review (else pathway date) is 6 weeks
    # or more old: P01-P06 and P08 by their referral dates (P07 was referred 12 October); P01's
    # review on 1 October takes it off; P02's on 1 September is 60 days old: still due.
    assert _pupils(result, "REV01") == ["PUPP02", "PUPP03", "PUPP04", "PUPP05", "PUPP06", "PUPP08"]


def test_without_the_casework_extracts_those_triggers_say_what_they_need(tmp_path):
    result = evaluate(frames_from(load(write_tiny_data(tmp_path / "data"))), CAL, AS_OF,
                      codes=["PNL01", "CON01", "EHE02", "MDD01", "REV01"])
    assert result.not_run == {"PNL01": "needs panels", "CON01": "needs consent", "EHE02": "needs sao_notices",
                              "MDD01": "needs missing_occasions"}
    assert len(_pupils(result, "REV01")) == 7  # P01 too, with no review to go by


@pytest.mark.parametrize("name, text, row, column, rule", [
    ("panels.csv", "case_id,panel_date,progress_date\nC01,2026-09-14,2026-09-01\n", 2, "panel_date, progress_date",
     "PAN01"),
    ("panels.csv", "case_id,panel_date,progress_date\nC01,2026-09-14,\nC01,2026-09-14,2026-10-01\n", 3,
     "case_id, panel_date", "PAN02"),
    ("consent.csv", "case_id,engagement_start_date,consent_date\nP01,2026-07-01,\nP01,2026-08-01,\n", 3, "case_id",
     "CNS02"),
    ("sao_notices.csv", "case_id,notice_date,place_secured_date\nP04,2026-08-31,2026-08-01\n", 2,
     "notice_date, place_secured_date", "SAO01"),
    ("reviews.csv", "case_id,review_date\nP01,2026-10-01\nP01,2026-10-01\n", 3, "case_id, review_date", "RVW01"),
    ("missing_occasions.csv", "pupil_id,school_urn,occasion_date\nPUPP07,110001,2026-10-32\n", 2, "occasion_date",
     "FIELD_TYPE"),
])
def test_a_bad_casework_row_is_rejected_naming_file_row_column_and_rule(tmp_path, name, text, row, column, rule):
    data = write_tiny_data(tmp_path / "data")
    (data / name).write_text(text, encoding="utf-8")
    result = load(data).results[name.removesuffix(".csv")]
    assert result.rows_read == text.count("\n") - 1 and result.rows_rejected == 1
    issue = result.issues.iloc[0]
    assert (issue["file"], issue["row"], issue["column"], issue["rule"]) == (str(data / name), row, column, rule)


def test_the_synthetic_folder_has_casework_that_crosses_the_lines(small_data):
    """The generator's case-work (synth/casework.py) validates, and puts pupils over each trigger's
    line at some month ends of the data (not necessarily the last: small data has few cases)."""
    ds = load(small_data)
    assert ds.ok
    for name in ("panels", "consent", "reviews", "sao_notices", "missing_occasions"):
        assert len(getattr(ds, name)) > 0, name
    crossed = {code: 0 for code in ("PNL01", "CON01", "REV01", "MDD01")}
    for month_end in pd.date_range("2023-01-31", "2026-10-31", freq="ME")[::5]:
        result = evaluate(frames_from(ds), CAL, month_end, codes=list(crossed))
        for code in crossed:
            crossed[code] += len(result.results[code])
    assert all(n > 0 for n in crossed.values()), crossed
