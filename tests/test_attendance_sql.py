"""DfE absence summaries computed by DuckDB (metrics.attendance_sql), against hand working and
against the pandas summary (metrics.attendance.summary) row for row."""
import duckdb
import pandas as pd
import pytest

from pmereport.metrics.attendance import add_rates, summary
from pmereport.metrics.attendance_sql import summary_duckdb

# One row per enrolment, year to date. A year of 190 days = 380 possible sessions.
ENROLMENTS = pd.DataFrame(
    [  # pupil, school, fsm, possible, authorised, unauthorised
        ("P1", 100001, "Y", 380, 30, 8),     # 38/380 = exactly 10%: persistent (the line is "10% or more")
        ("P2", 100001, "N", 380, 37, 0),     # 37/380 = 9.74%: not persistent
        ("P3", 100001, "Y", 380, 100, 90),   # 190/380 = exactly 50%: persistent and severe
        ("P4", 100002, "N", 0, 0, 0),        # no possible sessions: left out (DfE)
        ("P5", 100002, None, 146, 0, 15),    # 15/146 = 10.27%: persistent; FSM not recorded
    ],
    columns=["pupil_id", "school_urn", "fsm", "sessions_possible", "sessions_authorised", "sessions_unauthorised"])


@pytest.fixture()
def con():
    con = duckdb.connect()
    con.register("enrolments_df", ENROLMENTS)
    con.execute("CREATE TEMP TABLE enrolments AS SELECT * FROM enrolments_df")
    return con


def test_by_school_hand_worked(con):
    out = summary_duckdb(con, "enrolments", "school_urn").set_index("school_urn")
    # 100001: P1-P3: possible 1140, authorised 167, unauthorised 98 -> 265/1140 = 23.25%;
    # persistent P1, P3 (2 of 3), severe P3 (1 of 3)
    school = out.loc[100001]
    assert school[["enrolments", "sessions_possible", "sessions_authorised", "sessions_unauthorised",
                   "persistent_absentees", "severe_absentees"]].tolist() == [3, 1140, 167, 98, 2, 1]
    assert school["overall_absence_pct"] == pytest.approx(265 / 1140 * 100)
    assert school["authorised_absence_pct"] == pytest.approx(167 / 1140 * 100)
    assert school["persistent_pct"] == pytest.approx(200 / 3) and school["severe_pct"] == pytest.approx(100 / 3)
    # 100002: P4 left out, so P5 alone: 1 enrolment, 15/146 missed, persistent
    assert out.loc[100002, ["enrolments", "persistent_absentees", "severe_absentees"]].tolist() == [1, 1, 0]
    assert out.loc[100002, "unauthorised_absence_pct"] == pytest.approx(15 / 146 * 100)


def test_overall_and_a_blank_group(con):
    overall = summary_duckdb(con, "enrolments").iloc[0]
    # P1, P2, P3, P5: possible 1286, missed 265 + 15 = 280; persistent P1, P3, P5 = 3 of 4
    assert overall[["enrolments", "sessions_possible", "persistent_absentees", "severe_absentees"]].tolist() == [4, 1286, 3, 1]
    assert overall["overall_absence_pct"] == pytest.approx(280 / 1286 * 100)
    by_fsm = summary_duckdb(con, "enrolments", "fsm")
    # N: P2 only (P4 left out); Y: P1, P3; blank FSM (P5) last, as pandas puts it
    assert by_fsm["fsm"].tolist()[:2] == ["N", "Y"] and pd.isna(by_fsm["fsm"].iloc[2])
    assert by_fsm["enrolments"].tolist() == [1, 2, 1]


@pytest.mark.parametrize("by", [None, "school_urn", "fsm"])
def test_same_as_pandas_summary(con, by):
    expected = summary(add_rates(ENROLMENTS), by)
    pd.testing.assert_frame_equal(summary_duckdb(con, "enrolments", by), expected, check_dtype=False)


def test_other_thresholds_and_unknown_column(con):
    # at 20% missed: P3 (50%) only; at 10.5%: P3 and not P5 (10.27%) nor P1 (10%)
    assert summary_duckdb(con, "enrolments", persistent_share=0.2).iloc[0]["persistent_absentees"] == 1
    assert summary_duckdb(con, "enrolments", persistent_share=0.105).iloc[0]["persistent_absentees"] == 1
    with pytest.raises(ValueError, match="cannot summarise by 'ncy'"):
        summary_duckdb(con, "enrolments", "ncy")
