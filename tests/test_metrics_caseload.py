"""Caseload at a date and month by month, on hand-made case episodes."""
import pandas as pd

from pmereport.metrics.caseload import caseload_by_month, caseload_on, month_ends


def cases():
    return pd.DataFrame({
        "case_type": ["CME", "CME", "PME", "PME", "PME"],
        "referral_date": pd.to_datetime(["2026-08-20", "2026-09-10", "2026-07-01", "2026-09-30", "2026-10-01"]),
        "closure_date": pd.to_datetime([None, "2026-09-30", "2026-10-15", None, None]),
    })


def test_caseload_on_counts_each_type_and_the_total():
    # At 30 Sep: CME 1 (the second closed that day), PME 2 (referred 1 Jul and 30 Sep); 1 Oct not yet.
    out = caseload_on(cases(), "2026-09-30")
    assert out[["case_type", "open_cases"]].values.tolist() == [["CME", 1], ["PME", 2], ["Total", 3]]
    assert out["label"].tolist() == ["Child missing education", "Pupil missing out on education", "Total"]


def test_month_ends_end_at_the_period_end():
    assert month_ends("2026-10-31", 3) == [pd.Timestamp("2026-08-31"), pd.Timestamp("2026-09-30"),
                                           pd.Timestamp("2026-10-31")]
    # a mid-month period end is the last point, not the end of its month
    assert month_ends("2026-10-15", 2) == [pd.Timestamp("2026-09-30"), pd.Timestamp("2026-10-15")]


def test_caseload_by_month():
    out = caseload_by_month(cases(), "2026-10-31", months=3)
    # 31 Aug: CME 1, PME 1 (1 Jul). 30 Sep: CME 1, PME 2. 31 Oct: CME 1, PME 2 (1 Jul case closed 15 Oct;
    # 30 Sep and 1 Oct cases open).
    assert out[["CME", "PME", "total"]].values.tolist() == [[1, 1, 2], [1, 2, 3], [1, 2, 3]]
