"""The board report types (issue 6 items 1-2): the executive summary scorecard, worked by hand, and
the report YAMLs (each renders; an undeclared parameter stops the run)."""
from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pmereport.present import scorecard as sc
from pmereport.present.tables import prepare_table

ROOT = Path(__file__).resolve().parents[1]
BOARD_REPORTS = {"cme-board": 2, "dmt": 3, "safeguarding": 6}  # report: months between papers


def test_comparison_date_is_the_month_end_one_cycle_back():
    assert sc.comparison_date("2026-10-31", 2) == pd.Timestamp("2026-08-31")  # bi-monthly board
    assert sc.comparison_date("2026-09-30", 3) == pd.Timestamp("2026-06-30")  # quarterly DMT
    assert sc.comparison_date("2026-08-31", 6) == pd.Timestamp("2026-02-28")  # half-yearly partnership
    assert sc.comparison_date("2026-03-15", 1) == pd.Timestamp("2026-02-28")


def test_count_measures_on_hand_made_cases():
    d = pd.Timestamp
    cases = pd.DataFrame({
        "case_type": ["CME", "CME", "PME", "PME", "PME"],
        "referral_date": [d("2026-07-01"), d("2026-09-15"), d("2026-06-01"), d("2026-10-02"), d("2026-08-31")],
        "closure_date": [pd.NaT, d("2026-10-20"), d("2026-09-01"), pd.NaT, d("2026-08-31")],
    })
    raw = sc.count_measures(cases, "2026-10-31", "2026-08-31")
    # At 31 Aug: case 1 (CME) open; case 3 (PME, closed 1 Sep) open; case 5 referred and closed on
    # 31 Aug is not open. So CME 1, PME 1, total 2.
    # At 31 Oct: case 1 open; case 2 closed 20 Oct; case 3 closed; case 4 open (PME). CME 1, PME 1.
    # Referrals in (31 Aug, 31 Oct]: cases 2 and 4 = 2; in (30 Jun, 31 Aug] (61 days back from 31 Aug
    # is 1 Jul, exclusive): case 5 only (case 1 on 1 Jul is not after 1 Jul) = 1.
    # Closures in (31 Aug, 31 Oct]: cases 2, 3 = 2; before: case 5 = 1.
    assert raw["previous"].tolist() == [1, 1, 2, 1, 1]
    assert raw["current"].tolist() == [1, 1, 2, 2, 2]


def test_count_scorecard_suppresses_before_working_out_change_and_direction():
    raw = pd.DataFrame({"measure": [m.label for m in sc.COUNT_MEASURES],
                        "previous": [3, 10, 13, 6, 8], "current": [7, 12, 19, 9, 5]})
    card = sc.count_scorecard(raw, suppress_below=5).set_index("measure")
    # previous: CME 3 < 5 is hidden; alone in its column, so the smallest other non-zero count
    # (referrals, 6) is hidden too. current: nothing below 5.
    assert card["previous"].tolist() == ["c", 10, 13, "c", 8]
    assert card["current"].tolist() == [7, 12, 19, 9, 5]
    assert card.loc["Open CME cases", "change_pct"] == "c" and card.loc["Open CME cases", "direction"] == "c"
    # PME 10 -> 12: +20%, up; fewer is better, so worsening.
    assert card.loc["Open PME cases", "change_pct"] == pytest.approx(20.0)
    assert card.loc["Open PME cases", ["direction", "assessment"]].tolist() == ["up", "worsening"]
    # closures 8 -> 5: -37.5%, down; more is better, so worsening. Referrals: not rated.
    assert card.loc["Cases closed in the period", "change_pct"] == pytest.approx(-37.5)
    assert card.loc["Cases closed in the period", "assessment"] == "worsening"
    # total 13 -> 19: up; fewer is better, so worsening
    assert card.loc["Open CME and PME cases", "assessment"] == "worsening"
    assert card.loc["New referrals in the period", "assessment"] == "c"


def test_rag_against_comparator_with_polarity():
    higher, lower = sc.HIGHER, sc.LOWER
    assert sc.rag(97.7, 100.0, higher, 5.0) == "Amber"  # 2.3 points short of the target
    assert sc.rag(94.9, 100.0, higher, 5.0) == "Red"  # 5.1 short
    assert sc.rag(100.0, 100.0, higher, 5.0) == "Green"
    assert sc.rag(16.3, 18.7, lower, 5.0) == "Green"  # below England's persistent absence
    assert sc.rag(20.0, 18.7, lower, 5.0) == "Amber"  # 1.3 points above
    assert sc.rag(24.0, 18.7, lower, 5.0) == "Red"  # 5.3 points above
    assert sc.rag(20.0, None, lower, 5.0) == sc.NOT_RATED
    assert sc.rag(20.0, 18.7, None, 5.0) == sc.NOT_RATED


def test_rate_scorecard_rows():
    card = sc.rate_scorecard({"return_rate": 99.04, "persistent_absence": 18.3},
                             {"return_rate": 97.66, "persistent_absence": 16.34},
                             {"return_rate": 100.0, "persistent_absence": 18.7},
                             {"return_rate": "the target", "persistent_absence": "England 2024/25"}, 5.0)
    returns, absence = card.to_dict("records")
    # 99.04 -> 99.0, 97.66 -> 97.7 (half-up, 1 dp): down 1.3 points; higher is better: worsening;
    # 2.3 short of 100: Amber. Absence 18.3 -> 16.3: down 2.0, improving; below 18.7: Green.
    assert (returns["previous"], returns["current"], returns["direction"], returns["assessment"], returns["rag"]) == \
        (99.0, 97.7, "down", "worsening", "Amber")
    assert returns["change_points"] == pytest.approx(-1.3)
    assert (absence["direction"], absence["assessment"], absence["rag"]) == ("down", "improving", "Green")


def test_sentences_from_the_published_scorecard():
    raw = pd.DataFrame({"measure": [m.label for m in sc.COUNT_MEASURES],
                        "previous": [3, 921, 924, 6, 8], "current": [7, 988, 995, 9, 5]})
    table = prepare_table(sc.count_scorecard(raw, 5), "s", "t", period="p", source="s", suppress=False,
                          units={"previous": "count", "current": "count", "change_pct": "percent"},
                          derived={"change_pct": "current"})
    sentences = sc.count_sentences(table, "2026-02-28", "2026-01-31")
    # PME 921 -> 988: +67 = 7.27% -> "7% more" (half-up to a whole per cent)
    assert sentences[1] == ("At 28 February 2026 there were 988 pupils missing out on education (open PME cases), "
                            "7% more than at 31 January 2026 (921).")
    # CME previous hidden (3): the sentence gives the current count but no comparison
    assert sentences[0] == "At 28 February 2026 there were 7 children missing education (open CME cases)."
    assert "3" not in sentences[0].replace("2026", "")


def test_report_types_declare_audience_period_and_suppression():
    for report, months in BOARD_REPORTS.items():
        params = yaml.safe_load((ROOT / "parameters" / f"{report}.yaml").read_text(encoding="utf-8"))
        assert params["audience"] == "board"
        assert params["notebooks"][0]["path"].endswith("summary.ipynb")  # the scorecard comes first
        assert params["notebooks"][0]["parameters"]["period_months"] == months
    la = yaml.safe_load((ROOT / "parameters" / "la.yaml").read_text(encoding="utf-8"))
    assert la["suppress_below"] == 5


def test_an_undeclared_parameter_is_an_error(tmp_path):
    from pmereport.report.run import ReportRunError, notebook_parameters, read_params

    text = (ROOT / "parameters" / "dmt.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "parameters" / "dmt.yaml"
    bad.parent.mkdir()
    bad.write_text(text.replace("      period_months: 3", "      period_months: 3\n      perod_months: 3"),
                   encoding="utf-8")
    (tmp_path / "parameters" / "la.yaml").write_text((ROOT / "parameters" / "la.yaml").read_text(encoding="utf-8"))
    (tmp_path / "parameters" / "terms").symlink_to(ROOT / "parameters" / "terms")
    (tmp_path / "notebooks").symlink_to(ROOT / "notebooks")
    params = read_params(bad)
    with pytest.raises(ReportRunError, match="perod_months"):
        notebook_parameters(params.notebooks[0], params, tmp_path, tmp_path / "run")


@pytest.mark.slow
@pytest.mark.parametrize("report", ["dmt", "safeguarding"])  # cme-board: tests/test_disclosure.py runs it
def test_board_report_renders_on_small_data(report, small_data, tmp_path):
    from pmereport.report.run import run_report

    out = run_report(ROOT / "parameters" / f"{report}.yaml", data_dir=small_data, out_dir=tmp_path / "run",
                     produced=dt.date(2026, 11, 20))
    text = subprocess.run(["pdftotext", "-layout", str(out / "report.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    title = yaml.safe_load((ROOT / "parameters" / f"{report}.yaml").read_text(encoding="utf-8"))["title"]
    assert title.split(":")[0] in pages[0] and "20 November 2026" in pages[0]
    assert "Executive summary" in pages[2]  # cover, contents, then the scorecard
    assert f"Page 3 of {len([p for p in pages if p.strip()])}" in pages[2]
    assert "import " not in text and "publish_table(" not in text  # no code


def _executed(la: dict, input_path: Path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Executive summary")]
    nb.metadata["papermill"] = {"parameters": {"la": la}, "input_path": str(input_path)}
    return nb


def test_branding_from_la_settings_reaches_the_cover(tmp_path):
    from pmereport.report.html import Cover, build_html, external_links

    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    la = {"name": "Shire", "branding": {"logo": "logo.svg", "colours": {"heading": "#12436D", "accent": "#28A197"}}}
    page = build_html([_executed(la, tmp_path / "summary.ipynb")],
                      Cover(la_name="Shire", title="T", period="P", produced="20 November 2026"))
    # the logo path is relative to the notebook's folder and is embedded (no link off the page)
    assert '<img class="cover-logo" src="data:image/svg+xml;base64,' in page and 'alt="Shire logo"' in page
    assert "h1, h2, h3 { color: #12436D; }" in page and "border-bottom-color: #28A197" in page
    assert external_links(page) == []


def test_bad_branding_is_an_error(tmp_path):
    from pmereport.report.html import BrandingError, branding_from

    with pytest.raises(BrandingError, match="not a colour"):
        branding_from([_executed({"branding": {"colours": {"heading": "navy; } body { display: none"}}}, tmp_path / "n")])
    with pytest.raises(BrandingError, match="missing.png"):
        branding_from([_executed({"branding": {"logo": "missing.png"}}, tmp_path / "n.ipynb")])


def test_methodology_suppression_example_worked_by_hand():
    from pmereport.present.methodology import suppression_example

    before, after = suppression_example(5)
    # District A CME 3 < 5: c. Row A then has one hidden cell: the smallest other (PME 40, not the
    # total 43) goes; column CME has one: District B's 12 goes; column PME now hides only A's 40: the
    # smallest other, District B's 25, goes. Row B hides 12 and 25: two. Totals stay.
    assert after["CME"].tolist() == ["c", "c", 20, 35]
    assert after["PME"].tolist() == ["c", "c", 31, 96]
    assert after["total"].tolist() == [43, 37, 51, 131]


def test_methodology_tables_name_a_source_for_everything():
    from pmereport.metrics.triggers import resolve_thresholds
    from pmereport.present import methodology as method

    assert method.definitions()["source"].str.len().min() > 2
    lines = method.trigger_lines(resolve_thresholds({}))
    assert (lines["source"].str.len() > 2).all()
    # the registered default line, as DOMAIN.md gives it: level two after 20 school days (Notts)
    assert lines.set_index("code").loc["ESC01", "threshold"] == "school days 20"
    quality = {"extracts": {"cases": {"files": ["a.csv"], "rows_read": 10, "rows_kept": 9, "rows_rejected": 1}}}
    row = method.lineage(quality).iloc[0]
    assert (row["files"], row["rows_read"], row["rows_kept"], row["rows_rejected"]) == (1, 10, 9, 1)
    assert "Open CME and PME cases" in row["used_for"]
