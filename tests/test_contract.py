"""The data contract: typed parsing, field checks, cross-field rules, row accounting."""
from pathlib import Path

import pandas as pd
import pytest

from pmereport.contract.dataset import load
from pmereport.contract.extracts import EXTRACTS
from pmereport.contract.validate import validate_frame
from tiny_data import with_arrow_text, write_tiny_data


def _raw(rows: list[dict], file="x.csv") -> pd.DataFrame:
    df = pd.DataFrame(rows, dtype=object)
    df["_source_file"] = file
    df["_source_row"] = range(2, len(df) + 2)
    return df


def _issues(result):
    return {(int(i.row), i.column, i.rule) for i in result.issues.itertuples() if pd.notna(i.row)}


@pytest.fixture
def tiny(tmp_path) -> Path:
    return write_tiny_data(tmp_path / "data")


def test_tiny_folder_passes_with_every_row_kept(tiny):
    ds = load(tiny)
    assert ds.ok, ds.issues()
    # rows counted by hand from tests/tiny_data.py
    expected = {"schools": 3, "census": 5, "cases": 17, "pme_returns": 4, "return_log": 5, "exclusions": 3,
                "attendance": 2}
    assert {n: r.rows_read for n, r in ds.results.items()} == expected
    assert {n: r.rows_kept for n, r in ds.results.items()} == expected


def test_typed_columns_and_derived_reason(tiny):
    ds = load(tiny)
    cases = ds.cases
    assert cases["referral_date"].dtype == "datetime64[ns]"
    assert cases.loc[cases.case_id == "P11", "closure_date"].iloc[0] == pd.Timestamp("2025-02-28")
    assert pd.isna(cases.loc[cases.case_id == "C05", "school_urn"].iloc[0])
    assert pd.isna(cases.loc[cases.case_id == "P01", "closure_date"].iloc[0])
    # MED and MHN (mental health) -> MEDICAL; SBD and PEX -> BEHAVIOURAL; GRT -> GRT; CME -> OTHER
    # (codes.PME_GROUP_TO_REASON), case by case from the groups in tests/tiny_data.py
    assert dict(zip(cases.case_id, cases.reason)) == {
        "C01": "OTHER", "C02": "OTHER", "C03": "OTHER", "C04": "OTHER", "C05": "OTHER",
        "P01": "MEDICAL", "P02": "MEDICAL", "P03": "MEDICAL", "P04": "MEDICAL", "P05": "MEDICAL", "P09": "MEDICAL",
        "P11": "MEDICAL", "P06": "BEHAVIOURAL", "P07": "BEHAVIOURAL", "P10": "BEHAVIOURAL", "P12": "BEHAVIOURAL",
        "P08": "GRT"}
    assert ds.pme_returns["return_month"].tolist() == [pd.Timestamp("2024-10-01"), pd.Timestamp("2024-11-01"),
                                                      pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-01")]


def test_return_log_bad_rows_are_rejected_with_reasons():
    raw = _raw([
        dict(return_month="2024-09", school_urn="123456", submitted_date="2024-10-05", nil_return="Y"),   # ok
        dict(return_month="2024-13", school_urn="123457", submitted_date="2024-10-05", nil_return="N"),   # bad month
        dict(return_month="2024-10", school_urn="123458", submitted_date="2024-09-05", nil_return="X"),   # code + LOG02
        dict(return_month="2024-09", school_urn="123456", submitted_date="05/10/2024", nil_return="n"),   # LOG01 dup
        dict(return_month="2024-09", school_urn="12345", submitted_date="2024-10-01", nil_return="N"),    # URN range
    ])
    result = validate_frame(raw, EXTRACTS["return_log"], ["x.csv"])
    assert _issues(result) == {
        (3, "return_month", "FIELD_TYPE"),
        (4, "nil_return", "FIELD_CODE"),
        (4, "return_month, submitted_date", "LOG02"),
        (5, "return_month, school_urn", "LOG01"),
        (6, "school_urn", "FIELD_MIN"),
    }
    assert (result.rows_read, result.rows_kept, result.rows_rejected) == (5, 1, 4)
    # codes are read case-insensitively ("n" -> "N") and UK dates are accepted
    assert result.data["school_urn"].tolist() == [123456]


def test_cases_cross_field_rules(tiny):
    base = pd.read_csv(tiny / "cases.csv", dtype=str, keep_default_na=False)
    by_id = {row["case_id"]: row for row in base.to_dict("records")}
    cme, pme = by_id["C05"], by_id["P11"]  # C05: CME, closed; P11: PME referred 2024-10-01, closed, all stages
    bad_order = dict(pme, case_id="X1", assessment_date="2024-09-01")             # assessment before referral
    no_reason = dict(pme, case_id="X2", closure_reason="")                        # closed without a reason
    cme_with_school = dict(cme, case_id="X3", school_urn="110002")                # CME on a roll
    cme_no_whereabouts = dict(cme, case_id="X4", whereabouts_known="")            # CME without whereabouts
    pme_group_cme = dict(pme, case_id="X5", pme_group="CME")                      # PME case, CME group
    dup = dict(cme)                                                               # duplicate case_id C05
    raw = _raw([cme, bad_order, no_reason, cme_with_school, cme_no_whereabouts, pme_group_cme, dup])
    raw = raw.replace({"": None})
    result = validate_frame(raw, EXTRACTS["cases"], ["cases.csv"])
    rules_by_row = {}
    for row, _column, rule in _issues(result):
        rules_by_row.setdefault(row, set()).add(rule)
    assert rules_by_row == {3: {"CASE01"}, 4: {"CASE02"}, 5: {"CASE03"}, 6: {"CASE04"}, 7: {"CASE05"},
                            8: {"FIELD_UNIQUE"}}
    assert result.rows_kept == 1 and result.rows_read == result.rows_kept + result.rows_rejected


def test_pme_return_rules():
    ok = dict(return_month="2024-10", school_urn="120002", pupil_id="P0000002", ncy="9", sen_status="K",
              provision_type="RTT", pme_group="MHN", hours_offered="12.5", hours_attended="10", attendance_pct="62.5",
              rtt_start_date="2024-10-01", rtt_end_date="2024-12-20", rtt_review_date="")
    raw = _raw([
        ok,
        dict(ok, pupil_id="P0000010", hours_attended="13"),            # RET01 attended > offered
        dict(ok, pupil_id="P0000011", rtt_start_date=""),              # RET02 RTT without a start
        dict(ok, pupil_id="P0000012", rtt_end_date="2024-09-30"),      # RET03 ends before it starts
        dict(ok),                                                      # RET04 same pupil, school, month
        dict(ok, pupil_id="P0000013", hours_offered="40", hours_attended="1"),  # above 32.5 h
        dict(ok, pupil_id="P0000014", ncy="Y9"),                       # not a number
    ]).replace({"": None})
    result = validate_frame(raw, EXTRACTS["pme_returns"], ["r.csv"])
    assert {(r, rule) for r, _c, rule in _issues(result)} == {
        (3, "RET01"), (4, "RET02"), (5, "RET03"), (6, "RET04"), (7, "FIELD_MAX"), (8, "FIELD_TYPE")}


def test_missing_column_is_a_file_error_and_rejects_every_row(tiny):
    text = (tiny / "exclusions.csv").read_text().replace("reason_code", "reason")
    (tiny / "exclusions.csv").write_text(text)
    ds = load(tiny)
    r = ds.results["exclusions"]
    assert not ds.ok and r.file_errors
    assert "reason_code" in r.file_errors[0] and "exclusions.csv" in r.file_errors[0]
    assert (r.rows_read, r.rows_kept, r.rows_rejected) == (3, 0, 3)


def test_required_extract_missing_is_reported(tiny):
    (tiny / "schools.csv").unlink()
    ds = load(tiny)
    assert "not found" in ds.results["schools"].file_errors[0]
    assert "attendance" in ds.results  # optional and present
    (tiny / "attendance.csv").unlink()
    assert "attendance" not in load(tiny).results  # optional and absent: no error


def test_blank_required_value_is_reported():
    raw = _raw([dict(school_urn="120001", school_name="", phase="PRI", district="N", open_date="", close_date="")])
    raw = raw.replace({"": None})
    result = validate_frame(raw, EXTRACTS["schools"], ["s.csv"])
    assert _issues(result) == {(2, "school_name", "FIELD_REQUIRED")}


def test_validated_data_is_shared_through_the_run_cache(tiny, tmp_path):
    from pmereport.contract.dataset import save_cache

    first = load(tiny)
    save_cache(first, tmp_path / "cache")
    cached = load(tiny, cache_dir=tmp_path / "cache")
    for name in first.results:
        pd.testing.assert_frame_equal(getattr(cached, name), with_arrow_text(getattr(first, name)))
        assert cached.results[name].rows_read == first.results[name].rows_read
    assert cached.quality() == first.quality()
    # a changed input is validated afresh, not served stale from the cache
    (tiny / "schools.csv").write_text((tiny / "schools.csv").read_text().replace("PRI", "NURSERY", 1))
    fresh = load(tiny, cache_dir=tmp_path / "cache")
    assert fresh.results["schools"].rows_rejected == 1
