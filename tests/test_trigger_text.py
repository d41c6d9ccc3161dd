"""Sentences of the triggers section: from published tables, never printing a suppressed count."""
from pmereport.present.tables import prepare_table
from pmereport.present.trigger_text import attendance_sentence, risk_sentence, trigger_counts_sentence
import pandas as pd


def _counts(rows):
    frame = pd.DataFrame(rows, columns=["code", "rule", "source", "threshold", "pupils", "status"])
    frame["pupils"] = frame["pupils"].astype("Int64")
    return prepare_table(frame, "t", "T", units={"pupils": "count"}, period="p", source="s", lines="rows")


def test_counts_sentence_names_not_run_rules_and_hides_small_counts():
    table = _counts([["ATT01", "r", "s", "t", 120, "run"], ["EXC01", "r", "s", "t", 3, "run"],
                     ["ESC01", "r", "s", "t", 0, "run"], ["PNL01", "r", "s", "t", None, "not run: needs panels"]])
    text = trigger_counts_sentence([table])
    assert text.startswith("3 of the 4 trigger rules were run")
    assert "PNL01 (needs panels)" in text and "not as zero" in text
    assert "ATT01 (120 pupils)" in text and "No pupil crossed ESC01." in text
    assert "EXC01 (3" not in text and "suppressed" in text  # 3 is shown as c in the table


def test_attendance_sentence_with_and_without_england():
    overall = prepare_table(pd.DataFrame({"label": ["All pupils"], "overall_absence_pct": [6.64], "persistent_pct": [16.25],
                                          "severe_pct": [2.0]}), "a", "A", period="p", source="s",
                            units={"overall_absence_pct": "percent", "persistent_pct": "percent", "severe_pct": "percent"})
    # 6.64 -> 6.6, 16.25 -> 16.3 (half up), 2.0 -> 2.0
    text = attendance_sentence(overall, "This year", None)
    assert "missed 6.6% of their possible sessions; 16.3% of enrolments were persistently absent and 2.0% " in text
    assert "No comparison with England" in text
    england = prepare_table(pd.DataFrame({"label": ["Total"], "overall_absence_pct_england": [6.87],
                                          "persistent_pct_england": [18.7]}), "e", "E", period="p", source="s",
                            units={"overall_absence_pct_england": "percent", "persistent_pct_england": "percent"})
    assert "overall absence was 6.9% and persistent absence 18.7%" in attendance_sentence(overall, "This year", england)


def test_risk_sentence_hides_a_small_count():
    rag = prepare_table(pd.DataFrame({"label": ["Red (high priority)", "Amber (medium priority)", "Total"],
                                      "count": [40, 2, 42]}), "r", "R", units={"count": "count"}, period="p", source="s")
    where = prepare_table(pd.DataFrame({"label": ["Whereabouts known", "Whereabouts unknown", "Total"],
                                        "count": [30, 12, 42]}), "w", "W", units={"count": "count"}, period="p", source="s")
    text = risk_sentence(rag, where)
    # Amber 2 -> c, so Red (the only other non-zero) is hidden too; the total 42 stays
    assert text.startswith("42 open CME cases at the period end: an undisclosed number of cases rated Red")
    assert "12 cases with the child's whereabouts unknown" in text
