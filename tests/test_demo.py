"""The README's main job on `small` data: synthetic data in, board pack out (through the CLI)."""
import json
import re
import shutil
import subprocess

import pandas as pd
import pytest

from pmereport.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--size", "small", "--out", str(out)]) == 0
    return out


def test_demo_writes_a_complete_board_pack(demo):
    runs = [p for p in demo.iterdir() if p.name.startswith("cme-board-")]
    assert len(runs) == 1
    run = runs[0]
    for name in ["manifest.json", "quality.json", "report.html", "report.pdf", "tables.xlsx"]:
        assert (run / name).is_file(), name
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    info = subprocess.run(["pdfinfo", str(run / "report.pdf")], capture_output=True, text=True).stdout
    assert "(A4)" in info
    # the caseload table agrees with a direct count from the synthetic cases file
    cases = pd.read_csv(demo / "demo-data" / "cases.csv", parse_dates=["referral_date", "closure_date"])
    end = pd.Timestamp(manifest["parameters"]["period_end"])
    open_cases = cases[(cases.referral_date <= end) & (cases.closure_date.isna() | (cases.closure_date > end))]
    text = subprocess.run(["pdftotext", "-layout", str(run / "report.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert f"There were {len(open_cases):,} open CME or PME cases" in " ".join(text.split())
    assert not re.search(r"\bP\d{7}\b", text)  # no pupil ids in the board paper


def test_validate_passes_on_synthetic_data_and_fails_on_a_broken_copy(demo, tmp_path, capsys):
    data = demo / "demo-data"
    assert main(["validate", str(data)]) == 0
    broken = tmp_path / "broken"
    shutil.copytree(data, broken)
    exclusions = pd.read_csv(broken / "exclusions.csv", dtype=str, keep_default_na=False)
    exclusions.loc[4, "category"] = "EXPELLED"  # spreadsheet row 6 (header is row 1)
    exclusions.to_csv(broken / "exclusions.csv", index=False)
    capsys.readouterr()
    assert main(["validate", str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"{broken / 'exclusions.csv'}, row 6, column category: FIELD_CODE" in out
