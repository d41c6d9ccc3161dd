"""The portable SQL form of the exclusion counts agrees with the pandas implementation
(metrics/exclusions.py: a second, independent implementation is the check) and with a hand count."""
import pandas as pd
import pytest

from pmereport.metrics.exclusions import exclusion_counts
from pmereport.metrics.exclusions_sql import exclusion_counts_duckdb, exclusion_counts_sql

HAND = pd.DataFrame({
    "pupil_id": ["P1", "P1", "P2", "P3", "P4"],
    "school_urn": [100001, 100001, 100001, 100002, 100002],
    "start_date": pd.to_datetime(["2024-09-10", "2025-01-15", "2024-12-01", "2025-05-06", "2024-08-30"]),
    "category": ["SUSP", "SUSP", "PERM", "SUSP", "SUSP"],
    "sessions": pd.array([2, 5, None, 3, 1], dtype="Int64"),
    "reason_code": ["PP", "PP", "DRG", "VA", "PP"],
})


def test_hand_counts_by_academic_year_and_term():
    got = exclusion_counts_duckdb(HAND, ["academic_year", "term"]).set_index(["academic_year", "term"])
    # 2023/24 SUM: the 30 August 2024 suspension only (1 session = 0.5 days)
    assert got.loc[("2023/24", "SUM")].tolist() == [1, 0, 1, 0.5]
    # 2024/25 AUT: P1's suspension (2 sessions) and P2's permanent exclusion -> 1 susp, 1 perm, 1 pupil, 1 day
    assert got.loc[("2024/25", "AUT")].tolist() == [1, 1, 1, 1.0]
    # 2024/25 SPR: P1 again (5 sessions = 2.5 days); SUM: P3 (3 sessions = 1.5 days)
    assert got.loc[("2024/25", "SPR")].tolist() == [1, 0, 1, 2.5]
    assert got.loc[("2024/25", "SUM")].tolist() == [1, 0, 1, 1.5]


def test_a_pupil_suspended_twice_counts_once_in_one_plus():
    got = exclusion_counts_duckdb(HAND, ["school_urn"]).set_index("school_urn")
    # school 100001: P1 twice + P2 permanent -> susp 2, perm 1, one_plus 1 (P1), days (2 + 5) / 2
    assert got.loc[100001].tolist() == [2, 1, 1, 3.5]


@pytest.mark.parametrize("by", [["academic_year"], ["academic_year", "month"], ["school_urn", "ncy"],
                                ["academic_year", "sex", "reason_code"], []])
def test_same_as_pandas_on_synthetic_data(small_exclusions, by):
    pandas_side = exclusion_counts(small_exclusions, by)
    sql_side = exclusion_counts_duckdb(small_exclusions, by)
    if by:
        pandas_side = pandas_side.sort_values(by).reset_index(drop=True)
        sql_side = sql_side.sort_values(by).reset_index(drop=True)
        for column in by:
            sql_side[column] = sql_side[column].astype(pandas_side[column].dtype)
    pd.testing.assert_frame_equal(sql_side[pandas_side.columns], pandas_side, check_dtype=False)


def test_files_are_read_out_of_core(tmp_path, small_exclusions):
    path = tmp_path / "exclusions.parquet"
    small_exclusions.to_parquet(path)
    assert exclusion_counts_duckdb(path, ["academic_year"]).equals(
        exclusion_counts_duckdb(small_exclusions, ["academic_year"]))


def test_phase_is_refused_in_sql():
    with pytest.raises(ValueError, match="phase"):
        exclusion_counts_sql("exclusions", ["phase"])


@pytest.fixture(scope="module")
def small_exclusions(tmp_path_factory):
    from pmereport.contract.validate import load_extract
    from pmereport.synth import generate

    folder = tmp_path_factory.mktemp("synth")
    generate(folder, seed=3, size="small")
    return load_extract(folder, "exclusions").data.drop(columns=["_source_file", "_source_row"])
