"""The monthly pack's presentation helpers: dependent suppression, sentences, survival output.
Every expected value is worked by hand in the comment beside it."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from pmereport.metrics.reasons import breakdown  # noqa: E402
from pmereport.present.charts import line_chart, thin_x_labels  # noqa: E402
from pmereport.present.derived import suppress_with_dependents  # noqa: E402
from pmereport.present.monthly_text import (change_test_sentence, compliance_sentence,  # noqa: E402
                                            headline_sentences, reason_headline, relative_rate_sentence,
                                            september_note)
from pmereport.present.survival import (hazard_ratio_table, km_sentence, ph_statement,  # noqa: E402
                                        reengagement_chart)
from pmereport.present.tables import prepare_table, with_total_row  # noqa: E402


def test_a_change_is_hidden_where_either_count_is():
    frame = pd.DataFrame({"measure": ["a", "b"], "previous": [3, 20], "current": [10, 30], "change": [7, 10]})
    out = suppress_with_dependents(frame, ["previous", "current"], depends_on={"change": ["previous", "current"]},
                                   lines="rows")
    # row a: 3 is small -> c; then 10 is its row's only complement -> c; the change 7 = 10 - 3 -> c
    assert out.iloc[0].tolist() == ["a", "c", "c", "c"]
    assert out.iloc[1].tolist() == ["b", 20, 30, 10]


def test_change_hidden_when_only_one_count_is_small():
    frame = pd.DataFrame({"measure": ["a"], "previous": [0], "current": [2], "change": [2]})
    out = suppress_with_dependents(frame, ["previous", "current"], depends_on={"change": ["previous", "current"]})
    # 2 is small; 0 cannot hide anything so stays 0; the change (= 2) would reveal it -> c
    assert out.iloc[0].tolist() == ["a", 0, "c", "c"]


def test_headline_sentences():
    frame = pd.DataFrame({"measure": ["Open CME cases", "Open PME cases"], "previous": [8, 24], "current": [5, 34]})
    table = prepare_table(frame, "h", "H", units={"previous": "count", "current": "count"}, period="p", source="s")
    # 8 -> 5: down 3, 3/8 = 37.5%; 24 -> 34: up 10, 10/24 = 41.67% -> 41.7%
    assert headline_sentences(table, "30 September 2026") == (
        "Open CME cases: 5, down 3 (37.5%) on 30 September 2026. "
        "Open PME cases: 34, up 10 (41.7%) on 30 September 2026.")
    small = prepare_table(frame.assign(current=[2, 34]), "h", "H", units={"previous": "count", "current": "count"},
                          period="p", source="s", lines="rows")
    assert headline_sentences(small, "x").startswith("Open CME cases: not shown (a small number). ")


def _reasons(counts):
    groups = {"MEDICAL": "MED", "BEHAVIOURAL": "SBD", "GRT": "GRT", "SEND_UNMET": "SEN", "OTHER": "PRG"}
    rows = [{"reason": r} for r, n in counts.items() for _ in range(n)]
    raw = breakdown(pd.DataFrame(rows, columns=["reason"]).assign(pme_group=lambda t: t["reason"].map(groups)))
    published = prepare_table(with_total_row(raw, "label", ["count", "share"])[["label", "count", "share"]],
                              "r", "R", units={"count": "count", "share": "share"}, period="p", source="s")
    return raw, published


def test_reason_headline_quotes_only_shown_counts():
    raw, published = _reasons({"MEDICAL": 17, "BEHAVIOURAL": 11, "GRT": 3, "SEND_UNMET": 0, "OTHER": 3})
    # GRT and Other are 3 -> c, so only the top two are quoted: 17/34 = 50%, 11/34 = 32.4% -> 32%
    assert reason_headline(published, raw, "open PME cases") == (
        "Medical needs, including SEMH, account for 50% of open PME cases (17 of 34); then behavioural 32% (11).")
    raw, published = _reasons({"MEDICAL": 3, "BEHAVIOURAL": 2, "GRT": 0, "SEND_UNMET": 0, "OTHER": 1})
    assert "not quoted" in reason_headline(published, raw, "open PME cases")


def test_change_test_sentence():
    assert change_test_sentence(0.765, "30 September 2026").startswith(
        "The mix of reasons has not changed significantly since 30 September 2026 (chi-square test, p = 0.765)")
    assert change_test_sentence(0.0004, "30 September 2026").startswith(
        "The mix of reasons has changed since 30 September 2026 by more than chance would explain "
        "(chi-square test, p < 0.001).")
    assert "too few" in change_test_sentence(float("nan"), "x")


def test_compliance_sentence():
    frame = pd.DataFrame({"return_month": ["Oct 2026"], "due": [40], "received": [38], "nil_returns": [12],
                          "return_rate": [95.0], "on_time_rate": [87.5]})
    table = prepare_table(frame, "r", "R", units={"due": "count", "received": "count", "nil_returns": "count",
                                                  "return_rate": "percent", "on_time_rate": "percent"},
                          period="p", source="s", suppress=False,
                          derived={"return_rate": "due", "on_time_rate": "due"})
    # 38 of 40 = 95.0%; 35 of 40 on time = 87.5%
    assert compliance_sentence(table, "October 2026", 3) == (
        "For October 2026, 38 of 40 returns due were received (95.0%), 87.5% by the deadline; 12 nil returns "
        "among them. 3 schools have a late or missing return to follow up (listed below).")


def test_relative_rate_sentence():
    frame = pd.DataFrame({"label": ["Yes", "No"], "count": [14, 25], "rate_per_1000": [18.79, 8.93],
                          "relative_rate": [1.71, 0.81]})
    table = prepare_table(frame, "r", "R", units={"count": "count", "rate_per_1000": "number:1",
                                                  "relative_rate": "number:2"}, period="p", source="s",
                          derived={"rate_per_1000": "count", "relative_rate": "count"})
    # 1.71 -> 1.7 (1 dp, half up); 18.79 -> 18.8
    assert relative_rate_sentence(table, "Yes", "pupils eligible for free school meals") == (
        "Pupils eligible for free school meals have open cases at 1.7 times the rate of all pupils "
        "(18.8 per 1,000 pupils).")


def test_september_note():
    frame = pd.DataFrame({"month": ["2026-08-31", "2026-09-30", "2026-10-31"], "CME_referrals": [10, 30, 20]})
    table = prepare_table(frame, "f", "F", units={"CME_referrals": "count"}, period="p", source="s", lines="rows")
    # other months: (10 + 20) / 2 = 15.0
    assert september_note(table, "CME_referrals", "new CME referrals") == (
        "In September 2026 there were 30 new CME referrals, against an average of 15.0 a month in the months "
        "shown outside September.")


def test_thin_x_labels_keeps_the_latest_month():
    frame = pd.DataFrame({"m": pd.date_range("2026-04-30", periods=7, freq="ME"), "v": range(7)})
    fig = thin_x_labels(line_chart(frame, "m", {"v": "v"}, xlabel="x", ylabel="y"), every=3)
    shown = [tick.label1.get_visible() for tick in fig.axes[0].xaxis.get_major_ticks()]
    assert shown == [True, False, False, True, False, False, True]  # 6 - i divisible by 3


def test_hazard_ratio_table_in_words():
    ratios = pd.DataFrame({"covariate": ["sen_status=E", "fsm=Y"], "hazard_ratio": [0.99, 1.21],
                           "ci_lower": [0.7, 0.97], "ci_upper": [1.35, 1.52], "p_value": [0.94, 0.09]})
    table = hazard_ratio_table(ratios, {"sen_status": "N", "fsm": "N"})
    assert table[["characteristic", "level", "compared_with"]].values.tolist() == [
        ["SEN status", "EHC plan", "No SEN"], ["Free school meals", "Yes", "No"]]


def test_ph_statement():
    held = pd.DataFrame({"covariate": ["fsm=Y"], "test_statistic": [0.1], "p_value": [0.7], "ph_rejected": [False]})
    assert "holds for every characteristic" in ph_statement(held)
    failed = held.assign(covariate=["sen_status=E"], p_value=[0.01], ph_rejected=[True])
    text = ph_statement(failed, strata=["case_type"])
    assert text.startswith("The model is stratified by case type")
    assert "does not hold for SEN status " in text
    two = pd.concat([failed, failed.assign(covariate=["key_stage=KS1"])])
    assert "does not hold for SEN status and key stage " in ph_statement(two)
    case_type_test = pd.DataFrame({"covariate": ["case_type=CME"], "test_statistic": [30.0], "p_value": [0.0002],
                                   "ph_rejected": [True]})
    assert ("Entered as a characteristic, case type fails the proportional-hazards test (p < 0.001)"
            in ph_statement(held, strata=["case_type"], strata_ph_test=case_type_test))
    assert "would pass the proportional-hazards test (p = 0.400)" in ph_statement(
        held, strata=["case_type"], strata_ph_test=case_type_test.assign(p_value=[0.4]))


def test_km_sentence():
    summary = pd.DataFrame({"group": ["CME", "PME"], "median_days": [71, "x"],
                            "reengaged_within_84d_percent": [53.1, 35.0]})
    assert km_sentence(summary, {"CME": "CME cases", "PME": "PME cases"}) == (
        "For CME cases, half had re-engaged within 71 days; an estimated 53.1% had re-engaged within 12 weeks "
        "of referral. For PME cases, fewer than half had re-engaged by the end of follow-up; an estimated 35.0% "
        "had re-engaged within 12 weeks of referral.")


def test_reengagement_chart_stops_when_few_are_at_risk():
    km = pd.DataFrame({"group": "A", "days": [7, 14, 70, 140], "at_risk": [20, 12, 6, 3],
                       "survival": [0.9, 0.8, 0.6, 0.3], "ci_lower": [0.8, 0.6, 0.4, 0.1],
                       "ci_upper": [1.0, 0.9, 0.8, 0.6]})
    fig = reengagement_chart(km, min_at_risk=5)
    xs = fig.axes[0].lines[0].get_xdata()
    # day 140 has 3 at risk (< 5): the curve ends at day 70 = 10 weeks
    assert max(xs) == 10
    ys = fig.axes[0].lines[0].get_ydata()
    assert list(ys) == pytest.approx([0, 10, 20, 40])  # 1 - survival, in %, from the start
