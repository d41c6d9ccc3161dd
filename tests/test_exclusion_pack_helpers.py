"""Helpers of the exclusions section and the published comparison: periods, year-on-year change,
England benchmark, rate ratios by characteristic, sentences and chart filters. Expected values are
worked out by hand (in the comments) or read from the published DfE file with plain pandas."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from pmereport.io.published import read_published
from pmereport.metrics.benchmarks import england_benchmark, published_counts, side_by_side, wide_comparison
from pmereport.metrics.exclusion_periods import complete_terms, complete_years, term_end, term_label, with_change
from pmereport.models.characteristics import characteristic_rate_ratios, counts_without_denominator
from pmereport.models.funnel import funnel
from pmereport.models.trends import next_years
from pmereport.present.exclusion_text import annual_summary, comparison_sentence, england_sentence
from pmereport.present.model_charts import funnel_hidden_note, plotted_units
from pmereport.present.tables import prepare_table

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
CLEAN_LA = REALDATA / "dfe-exclusion-statistics" / "clean_la_data.csv"
needs_realdata = pytest.mark.skipif(not CLEAN_LA.is_file(), reason="../shared/realdata not present")


# --- periods -----------------------------------------------------------------------------------

def test_complete_years_end_on_31_august():
    census = pd.DataFrame({"academic_year": ["2024/25", "2025/26", "2026/27", "2025/26"]})
    # 2025/26 ends 2026-08-31: complete on that day, not the day before; 2026/27 runs to 2027.
    assert complete_years(census, "2026-08-31") == ["2024/25", "2025/26"]
    assert complete_years(census, "2026-08-30") == ["2024/25"]


def test_term_end_and_label():
    years = pd.Series(["2024/25"] * 3)
    terms = pd.Series(["AUT", "SPR", "SUM"])
    assert list(term_end(years, terms)) == [pd.Timestamp("2024-12-31"), pd.Timestamp("2025-04-30"),
                                           pd.Timestamp("2025-08-31")]
    assert list(term_label(years, terms)) == ["Autumn 2024/25", "Spring 2024/25", "Summer 2024/25"]


def test_complete_terms_drop_running_term_and_years_without_census():
    series = pd.DataFrame({"academic_year": ["2025/26", "2025/26", "2025/26", "2026/27"],
                           "term": ["AUT", "SPR", "SUM", "AUT"], "count": [1, 2, 3, 4]})
    # period end 30 April 2026: Autumn and Spring 2025/26 have ended; Summer has not; 2026/27 not listed
    out = complete_terms(series, ["2025/26"], "2026-04-30")
    assert out["label"].tolist() == ["Autumn 2025/26", "Spring 2025/26"]


def test_with_change_blanks_changes_touching_a_small_count():
    frame = pd.DataFrame({"year": ["a", "b", "c", "d"], "rate": [1.0, 1.5, 1.2, 2.0], "n": [10, 3, 20, 30],
                          "rate2": [1.0, 2.0, 2.5, 2.25], "n2": [10, 20, 30, 40]})
    out = with_change(frame, {"rate": "n", "rate2": "n2"}, suppress_below=5)
    # b has 3 (< 5): b's change (1.5 - 1.0) and c's (1.2 - 1.5) would reveal it; d: 2.0 - 1.2 = 0.8
    assert out["rate_change"].iloc[:3].isna().all()
    assert out["rate_change"].iloc[3] == pytest.approx(0.8)
    assert out["rate2_change"].tolist()[1:] == pytest.approx([1.0, 0.5, -0.25])


# --- England benchmark and published counts ----------------------------------------------------

@needs_realdata
def test_england_benchmark_same_years_when_they_overlap():
    table = read_published(CLEAN_LA)
    la = pd.DataFrame({"academic_year": ["2015/16", "2016/17", "2017/18"], "rate": [1.0, 2.0, 3.0]})
    out, overlap = england_benchmark(la, "rate", table, "fixed_excl_rate", {"school_type": "Total"})
    assert overlap
    # README (realdata): England 2016/17 suspension rate 4.76; the file's 2015/16 national Total row: 4.29
    assert out[["academic_year", "la", "england"]].values.tolist() == [["2015/16", 1.0, 4.29], ["2016/17", 2.0, 4.76]]


@needs_realdata
def test_england_benchmark_says_when_years_do_not_overlap():
    table = read_published(CLEAN_LA)
    la = pd.DataFrame({"academic_year": ["2024/25", "2025/26"], "rate": [9.0, 11.12]})
    out, overlap = england_benchmark(la, "rate", table, "fixed_excl_rate", {"school_type": "Total"})
    assert not overlap
    assert out.iloc[0][["academic_year", "la", "england", "england_year"]].tolist() == ["2025/26", 11.12, 4.76, "2016/17"]
    text = england_sentence(out, overlap, "Shire", "2006/07 to 2016/17")
    assert "latest year available, 2016/17 (4.76" in text and "9 years apart" in text  # 2025 - 2016


@needs_realdata
def test_published_counts_match_the_file():
    table = read_published(CLEAN_LA)
    raw = pd.read_csv(CLEAN_LA, dtype=str)
    mine = raw[(raw["la_name"] == "Leicestershire") & (raw["school_type"] == "Total")]
    out = published_counts(table, "Leicestershire", "fixed_excl", filters={"school_type": "Total"})
    assert len(out) == len(mine) == 11
    row = out.set_index("academic_year").loc["2016/17"]
    assert (row["count"], row["headcount"]) == (2996, 96533)  # the file's 201617 Leicestershire Total row
    assert next_years(out, 2)["academic_year"].tolist() == ["2017/18", "2018/19"]
    assert next_years(out, 1)["headcount"].iloc[0] == 96533


COMPARISON = pd.DataFrame({
    "period": ["2016/17"] * 6 + ["2015/16"] * 6,
    "role": ["Local authority", "Region", "England", "Statistical neighbour", "Statistical neighbour",
             "Statistical neighbours (mean)"] * 2,
    "area": ["Leics", "East Midlands", "England", "Warks", "Worcs", "Statistical neighbours"] * 2,
    "value": [3.10, 4.61, 4.76, 3.40, 3.57, 3.485, 2.83, 4.36, 4.29, 3.45, 3.43, 3.44],
})


def test_wide_comparison_orders_areas_by_role():
    wide = wide_comparison(COMPARISON)
    assert list(wide.columns) == ["period", "Leics", "East Midlands", "England", "Statistical neighbours", "Warks", "Worcs"]
    assert wide["period"].tolist() == ["2015/16", "2016/17"]
    assert wide.loc[1, "Leics"] == 3.10


def test_side_by_side_one_period():
    other = COMPARISON.assign(value=COMPARISON["value"] / 10)
    out = side_by_side({"a": COMPARISON, "b": other}, "2016/17")
    assert out.set_index("area").loc["Worcs", ["a", "b"]].tolist() == pytest.approx([3.57, 0.357])
    assert set(out["area"]) == {"Leics", "Warks", "Worcs"}


def test_comparison_sentence_from_the_numbers():
    text = comparison_sentence(COMPARISON, "suspension rate")
    # 3.10 is below 4.61, 4.76 and 3.485 (-> 3.49 half-up); lowest of Leics 3.10, Warks 3.40, Worcs 3.57
    assert text == ("In 2016/17 Leics's suspension rate was 3.10 per 100 pupils, below the East Midlands region "
                    "(4.61), England (4.76) and the neighbours' mean (3.49). It was the lowest of 3 (Leics and the "
                    "neighbours with a published figure).")


# --- rate ratios by characteristic -------------------------------------------------------------

def _hand_data():
    """Two years, one school: 1,000 pupils, of whom 100 EHCP and 200 SEN support (so 700 no SEN).
    Suspensions each year: EHCP 20, SEN support 10, no SEN 35."""
    census = pd.DataFrame({"school_urn": [100001, 100001], "academic_year": ["2023/24", "2024/25"], "ncy": [7, 7],
                           "headcount": [1000, 1000], "headcount_fsm": [300, 300],
                           "headcount_sen_support": [200, 200], "headcount_ehcp": [100, 100]})
    rows = []
    for year in (2023, 2024):
        for sen, n in (("E", 20), ("K", 10), ("N", 35)):
            for i in range(n):
                rows.append({"pupil_id": f"{sen}{year}{i}", "school_urn": 100001, "category": "SUSP", "sessions": 2,
                             "start_date": pd.Timestamp(f"{year}-10-01"), "sen_status": sen,
                             "fsm": "Y" if i % 2 else "N", "sex": "F" if i % 5 == 0 else "M"})
    return pd.DataFrame(rows), census


@pytest.mark.filterwarnings("ignore:Perfect separation")  # the hand data fit exactly: zero residuals
def test_rate_ratios_by_sen_status():
    exclusions, census = _hand_data()
    table, fit = characteristic_rate_ratios(exclusions, census, "sen_status", "N", ["2023/24", "2024/25"],
                                            labels={"N": "No SEN", "K": "SEN support", "E": "EHC plan"})
    by = table.set_index("group")
    # rates per 100: E 20/100*100 = 20, K 10/200*100 = 5, N 35/700*100 = 5; ratios vs N: 4 and 1
    # (the same every year, so the fitted trend is flat and the ratios are exact)
    assert by.loc["E", "rate"] == pytest.approx(20) and by.loc["K", "rate"] == pytest.approx(5)
    assert by.loc["E", "rate_ratio"] == pytest.approx(4.0, rel=1e-6)
    assert by.loc["K", "rate_ratio"] == pytest.approx(1.0, rel=1e-6)
    assert by.loc["N", ["rate_ratio", "lower", "upper"]].tolist() == [1.0, 1.0, 1.0]
    assert by.loc["E", "lower"] < 4 < by.loc["E", "upper"]
    assert table["group"].iloc[0] == "N" and by.loc["N", "headcount"] == 700


def test_counts_by_sex_have_no_rate():
    exclusions, _ = _hand_data()
    out = counts_without_denominator(exclusions, "sex", "2024/25", labels={"F": "Female", "M": "Male"})
    # i % 5 == 0 is female: E 20 -> 4, K 10 -> 2, N 35 -> 7; 13 of 65
    by = out.set_index("group")
    assert by.loc["F", "susp"] == 13 and by.loc["M", "susp"] == 52
    assert by.loc["F", "susp_share"] == pytest.approx(0.2)
    assert "rate" not in " ".join(out.columns)


# --- sentences and chart disclosure ------------------------------------------------------------

def test_annual_summary_does_not_print_a_suppressed_count():
    frame = pd.DataFrame({"academic_year": ["2024/25", "2025/26"], "susp": [400, 394], "susp_rate": [11.76, 11.12],
                          "susp_rate_change": [np.nan, -0.64], "perm_excl": [7, 3], "perm_excl_rate": [0.2, 0.08],
                          "perm_excl_rate_change": [np.nan, np.nan]})
    table = prepare_table(frame, "t", "T", units={"susp": "count", "susp_rate": "rate_per_100",
                                                  "susp_rate_change": "rate_per_100", "perm_excl": "count",
                                                  "perm_excl_rate": "rate_per_100", "perm_excl_rate_change": "rate_per_100"},
                          derived={"susp_rate": "susp", "perm_excl_rate": "perm_excl",
                                   "susp_rate_change": "susp", "perm_excl_rate_change": "perm_excl"},
                          lines="columns", period="p", source="s")
    text = annual_summary(table)
    # 3 permanent exclusions is suppressed (and 7, its column complement); 394 and 11.12 are shown
    assert text.startswith("In 2025/26 there were 394 suspensions (11.12 per 100 pupils, down 0.64 from 11.76 in 2024/25)")
    assert " 3 " not in text and "0.08" not in text and "undisclosed" in text


def test_funnel_chart_leaves_out_small_counts():
    frame = pd.DataFrame({"school_urn": [1, 2, 3, 4], "susp": [0, 3, 5, 40], "headcount": [100, 100, 200, 400]})
    result = funnel(frame, "susp", "headcount")
    # school 2 has 3 suspensions (1 to 4): not drawn; 0 and 5+ are
    assert plotted_units(result, 5)["unit"].tolist() == [1, 3, 4]
    assert funnel_hidden_note(result, 5).startswith("1 school with 1 to 4 events not plotted")
    assert funnel_hidden_note(result, 3) is None


# --- funnels by group, model tables and model sentences ----------------------------------------

def test_funnels_by_group_compare_like_with_like():
    from pmereport.models.funnel_groups import funnels_by_group, units_above_by_group

    frame = pd.DataFrame({"school_urn": range(1, 8), "phase": ["PRI"] * 5 + ["SEC"] * 2,
                          "susp": [2, 2, 2, 2, 30, 50, 60], "headcount": [100] * 5 + [500, 600]})
    results, skipped = funnels_by_group(frame, {"Primary": ["PRI"], "Secondary": ["SEC", "ALL"]}, "phase", "susp",
                                        "headcount", min_units=5)
    assert list(results) == ["Primary"]
    assert skipped == ["Secondary: 2 schools, fewer than 5, so no funnel"]
    # primary target 38 / 500 = 0.076; 95% upper limit at n = 100: 0.076 + 1.96 sqrt(0.076 / 100) = 0.130,
    # so 30 per 100 is above it and 2 per 100 is not
    assert results["Primary"].target == pytest.approx(0.076)
    above = units_above_by_group(results, 0.95)
    assert above[["group", "unit"]].values.tolist() == [["Primary", 5]]
    assert above["upper_95"].iloc[0] == pytest.approx(100 * (0.076 + 1.959964 * (0.076 / 100) ** 0.5), rel=1e-5)


def _yearly(counts):
    years = [f"{y}/{str(y + 1)[-2:]}" for y in range(2006, 2006 + len(counts))]
    return pd.DataFrame({"academic_year": years, "count": counts, "headcount": 1000})


@pytest.mark.filterwarnings("ignore:Perfect separation")  # the hand series are fitted exactly
def test_break_sentence_and_diagnostics_table_from_an_exact_series():
    from pmereport.models.trends import fit_trend
    from pmereport.present.exclusion_text import break_sentence
    from pmereport.present.model_tables import diagnostics_table

    # 50 a year to 2011/12, then 100 a year: a step of x2 (+100%) at 2012/13 and no trend either side
    fit = fit_trend(_yearly([50] * 6 + [100] * 5), count="count", time="academic_year", season=None,
                    break_at=2012, family="poisson")
    text = break_sentence(fit, "2012/13")
    assert text.startswith("From 2012/13 the model finds a change of level of +100.0% (95% confidence interval ")
    assert "change in the yearly trend of 0.0%" in text and text.endswith("not clearly different from none).")
    table = diagnostics_table(fit)
    assert table["model"].tolist() == ["poisson (used)", "negative binomial"]
    assert table.loc[0, "alpha"] == "z"


def test_model_choice_sentence_follows_the_overdispersion_test():
    from pmereport.models.trends import fit_trend
    from pmereport.present.exclusion_text import model_choice_sentence

    # counts swinging between 20 and 200 on a flat headcount: far more spread than Poisson allows
    fit = fit_trend(_yearly([20, 200] * 6), count="count", time="academic_year", season=None)
    assert fit.family == "negative binomial"
    text = model_choice_sentence(fit, "yearly counts")
    assert text.startswith("The yearly counts vary more than a Poisson model allows (Pearson dispersion ")
    assert "so a negative binomial model was used" in text


def test_funnel_sentence_says_whether_limits_were_widened():
    from pmereport.present.exclusion_text import funnel_sentence

    # identical rates (10 per 100 everywhere): no spread beyond chance, phi = 0, nothing widened
    even = funnel(pd.DataFrame({"school_urn": range(6), "susp": [10, 20, 30, 10, 20, 30],
                                "headcount": [100, 200, 300, 100, 200, 300]}), "susp", "headcount",
                  overdispersion="additive")
    # rates 1 to 50 per 100 on 200 pupils each: far more spread than chance
    spread = funnel(pd.DataFrame({"school_urn": range(6), "susp": [2, 10, 30, 50, 80, 100], "headcount": [200] * 6}),
                    "susp", "headcount", overdispersion="additive")
    text = funnel_sentence({"Primary": even, "Secondary": spread}, "2025/26", ["Special: 1 school, fewer than 5, so no funnel"])
    assert "Primary (6 schools): 10.00 suspensions per 100 pupils overall; none above the 95% upper limit" in text
    assert "primary 0.0 (limits not widened)" in text and "(limits widened); additive method." in text
    assert text.endswith("Not plotted: Special: 1 school, fewer than 5, so no funnel.")


def test_forecast_chart_band_or_interval_bar_and_gaps_for_symbols():
    import matplotlib.pyplot as plt

    from pmereport.present.model_charts import forecast_chart

    observed = pd.DataFrame({"label": ["A", "B", "C"], "rate": [1.0, "c", 2.0]})
    ahead = pd.DataFrame({"label": ["D", "E"], "mid": [2.5, 3.0], "lo": [2.0, 2.2], "hi": [3.0, 3.9]})
    fig = forecast_chart(observed, "label", "rate", ahead, expected="mid", lower="lo", upper="hi", xlabel="x", ylabel="y")
    ax = fig.axes[0]
    observed_line = ax.get_lines()[0].get_ydata()
    assert np.isnan(observed_line[1]) and list(observed_line[[0, 2]]) == [1.0, 2.0]   # "c" is a gap, not a zero
    assert len(ax.collections) == 1                                                    # the shaded band
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "95% prediction interval"
    plt.close(fig)
    fig = forecast_chart(observed, "label", "rate", ahead.iloc[:1], expected="mid", lower="lo", upper="hi",
                         xlabel="x", ylabel="y")
    segments = fig.axes[0].collections[0].get_segments()                              # one interval bar
    assert len(segments) == 1 and [p[1] for p in segments[0]] == [2.0, 3.0]
    plt.close(fig)


def test_comparison_panels_legend_lists_areas_then_each_neighbour():
    import matplotlib.pyplot as plt

    from pmereport.present.model_charts import comparison_panels

    fig = comparison_panels({"Suspensions": COMPARISON, "Permanent": COMPARISON}, ylabel="Per 100 pupils")
    names = [t.get_text() for t in fig.legends[0].get_texts()]
    assert names == ["Leics", "East Midlands", "England", "Neighbours' mean", "Each neighbour"]
    plt.close(fig)


# --- the notebooks as committed ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["exclusions.ipynb", "comparators_published.ipynb"])
def test_notebooks_are_committed_clean_with_their_parameters(name):
    import nbformat
    import papermill

    path = Path(__file__).resolve().parents[1] / "notebooks" / name
    nb = nbformat.read(str(path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    declared = papermill.inspect_notebook(str(path))
    assert {"period_end", "run_dir"} <= set(declared)
    params = Path(__file__).resolve().parents[1] / "parameters" / (
        "exclusions.yaml" if name == "exclusions.ipynb" else "published-comparison.yaml")
    given = yaml.safe_load(params.read_text())["notebooks"][0]["parameters"]
    assert set(given) <= set(declared)   # every parameter the YAML passes is declared (a typo would only warn)
