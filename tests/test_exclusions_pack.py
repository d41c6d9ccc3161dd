"""End-to-end: the exclusions section on synthetic data, and the published comparison on DfE's real
published file, each through `run_report`. Values are checked against plain pandas on the inputs."""
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pmereport.report.run import run_report

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
CLEAN_LA = REALDATA / "dfe-exclusion-statistics" / "clean_la_data.csv"
PUPIL_ID = re.compile(r"P\d{7}")
EXCLUSION_TABLES = {
    "exclusions_by_year": ["academic_year", "headcount", "susp", "susp_rate", "susp_rate_change", "perm_excl",
                           "perm_excl_rate", "perm_excl_rate_change"],
    "suspensions_by_term": ["label", "count", "rate"],
    "suspensions_forecast": ["label", "expected_rate", "pi_rate_lower", "pi_rate_upper"],
    "suspensions_by_sen": ["label", "headcount", "count", "rate", "rate_ratio", "lower", "upper"],
    "suspensions_by_fsm": ["label", "headcount", "count", "rate", "rate_ratio", "lower", "upper"],
    "exclusions_by_sex": ["label", "susp", "susp_share_percent", "perm_excl"],
    "schools_above_limit": ["school", "group", "size", "events", "rate", "upper_95", "position"],
    "trend_model_diagnostics": ["model", "n", "df_resid", "deviance", "pearson_chi2", "dispersion", "aic", "alpha"],
}


def _complete(run: Path, tables) -> None:
    for name in ["manifest.json", "quality.json", "report.html", "report.pdf", "tables.xlsx"]:
        assert (run / name).is_file(), name
    assert json.loads((run / "manifest.json").read_text())["status"] == "complete"
    assert (run / "report.pdf").read_bytes()[:4] == b"%PDF"
    for name, columns in tables.items():
        assert list(pd.read_csv(run / "tables" / f"{name}.csv").columns) == columns, name
    assert set(pd.ExcelFile(run / "tables.xlsx").sheet_names) >= set(tables)


def _no_pupil_ids(run: Path) -> None:
    assert not PUPIL_ID.search((run / "report.html").read_text(encoding="utf-8"))
    for csv in (run / "tables").glob("*.csv"):
        assert not PUPIL_ID.search(csv.read_text(encoding="utf-8")), csv.name
    for sheet in pd.read_excel(run / "tables.xlsx", sheet_name=None, header=None).values():
        assert not sheet.astype(str).apply(lambda col: col.str.contains(PUPIL_ID)).any().any()


@pytest.fixture(scope="module")
def exclusions_run(small_data, tmp_path_factory):
    base = tmp_path_factory.mktemp("exclusions")
    data = small_data  # seed 1, small (conftest.py)
    params = yaml.safe_load((REPO / "parameters" / "exclusions.yaml").read_text())
    params["notebooks"][0]["path"] = str(REPO / "notebooks" / "exclusions.ipynb")
    params["notebooks"][0]["parameters"]["comparator_file"] = str(CLEAN_LA) if CLEAN_LA.is_file() else None
    params["la"] = str(REPO / "parameters" / "la.yaml")
    params["timeout"] = 120
    path = base / "exclusions.yaml"
    path.write_text(yaml.safe_dump(params))
    return data, run_report(path, data_dir=data, out_dir=base / "run")


def test_exclusions_run_is_complete(exclusions_run):
    _, run = exclusions_run
    tables = dict(EXCLUSION_TABLES)
    if CLEAN_LA.is_file():
        tables["england_comparison"] = ["academic_year", "la", "england_year", "england"]
    _complete(run, tables)
    _no_pupil_ids(run)
    for figure in ["suspensions_trend", "suspensions_funnel", "trend_model_residuals"]:
        assert (run / "figures" / f"{figure}.svg").is_file()


def test_yearly_counts_match_the_extract(exclusions_run):
    data, run = exclusions_run
    table = pd.read_csv(run / "tables" / "exclusions_by_year.csv", dtype=str).set_index("academic_year")
    raw = pd.read_csv(data / "exclusions.csv", dtype=str)
    start = pd.to_datetime(raw["start_date"])
    in_year = (start >= "2024-09-01") & (start <= "2025-08-31")       # academic year 2024/25
    suspensions = int(((raw["category"] == "SUSP") & in_year).sum())
    census = pd.read_csv(data / "census.csv")
    pupils = int(census.loc[census["academic_year"] == "2024/25", "headcount"].sum())
    assert int(table.loc["2024/25", "susp"]) == suspensions
    assert int(table.loc["2024/25", "headcount"]) == pupils
    # rate per 100, half-up to 2 dp
    assert float(table.loc["2024/25", "susp_rate"]) == pytest.approx(round(100 * suspensions / pupils + 1e-9, 2))
    # only complete years with a census: the data run to October 2026, the 2026/27 census does not exist
    assert "2026/27" not in table.index and "2025/26" in table.index


def test_england_figure_is_the_latest_published_year(exclusions_run):
    if not CLEAN_LA.is_file():
        pytest.skip("../shared/realdata not present")
    _, run = exclusions_run
    row = pd.read_csv(run / "tables" / "england_comparison.csv", dtype=str).iloc[0]
    # synthetic years (2022/23 on) do not overlap the file (to 2016/17): England 2016/17 = 4.76 (README)
    assert (row["england_year"], row["england"]) == ("2016/17", "4.76")


@pytest.fixture(scope="module")
def published_run(tmp_path_factory):
    if not CLEAN_LA.is_file():
        pytest.skip("../shared/realdata not present")
    return run_report(REPO / "parameters" / "published-comparison.yaml",
                      out_dir=tmp_path_factory.mktemp("published") / "run")


def test_published_run_is_complete_without_a_data_folder(published_run):
    _complete(published_run, {
        "suspension_rate_comparison": ["period", "Leicestershire", "East Midlands", "England", "Statistical neighbours"],
        "perm_excl_rate_comparison": ["period", "Leicestershire", "East Midlands", "England",
                                                "Statistical neighbours"],
        "neighbours_latest_year": ["area", "fixed_excl_rate", "perm_excl_rate"],
        "la_suspensions_model": ["academic_year", "headcount", "count", "rate", "fitted_rate"],
        "la_model_diagnostics": ["model", "n", "df_resid", "deviance", "pearson_chi2", "dispersion", "aic", "alpha"],
    })
    manifest = json.loads((published_run / "manifest.json").read_text())
    assert manifest["data_validation"] == "skipped" and manifest["parameters"]["data_dir"] is None


def test_published_figures_match_the_file(published_run):
    raw = pd.read_csv(CLEAN_LA, dtype=str)

    def published(level, name, column, year="201617"):
        rows = raw[(raw["year"] == year) & (raw["level"] == level) & (raw["la_name"] == name)
                   & (raw["school_type"] == "Total")]
        assert len(rows) == 1
        return rows[column].iloc[0]

    comparison = pd.read_csv(published_run / "tables" / "suspension_rate_comparison.csv", dtype=str).set_index("period")
    assert comparison.loc["2016/17", "Leicestershire"] == published("Local authority", "Leicestershire", "fixed_excl_rate") == "3.1"
    assert comparison.loc["2016/17", "England"] == "4.76"   # README: England 2016/17 suspension rate 4.76
    assert float(comparison.loc["2016/17", "East Midlands"]) == float(published("Region", "East Midlands", "fixed_excl_rate"))
    model = pd.read_csv(published_run / "tables" / "la_suspensions_model.csv", dtype=str).set_index("academic_year")
    assert model.loc["2016/17", "count"] == published("Local authority", "Leicestershire", "fixed_excl") == "2996"
    # neighbours' mean 2016/17: 3.40+3.57+4.57+4.42+4.46+5.50+4.62+3.76+4.01+3.83 = 42.14, /10 = 4.214 -> 4.21
    neighbours = yaml.safe_load((REPO / "parameters" / "published-comparison.yaml").read_text())[
        "notebooks"][0]["parameters"]["neighbours"]
    rates = [float(published("Local authority", n, "fixed_excl_rate")) for n in neighbours]
    assert float(comparison.loc["2016/17", "Statistical neighbours"]) == pytest.approx(round(sum(rates) / 10 + 1e-9, 2))
    latest = pd.read_csv(published_run / "tables" / "neighbours_latest_year.csv")
    assert len(latest) == 11 and latest["fixed_excl_rate"].is_monotonic_increasing
    _no_pupil_ids(published_run)
