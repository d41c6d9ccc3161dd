"""End-to-end (slow): the monthly pack with its triggers section, and the INTERNAL exceptions report,
on small synthetic data, through `pmereport run`.

Trigger counts are worked out again here from the raw CSVs with plain pandas: EXC02, repeat
suspension (Lancashire seed 3.1), counts the pupils with at least N suspensions (N = 2 by default)
starting in the school year of the position date (1 September 2026 to 31 October 2026); ESC01
(level two) the pupils with a case open more than 20 school days (the calendar counts the days).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pack_support import PARAMS, REPO, published, run_pack, table

pytestmark = pytest.mark.slow

PUPIL_ID = re.compile(r"P\d{7}")


def _copy_params(source: Path, target: Path, **changes) -> Path:
    """A copy of a parameters YAML elsewhere, with its relative paths made absolute."""
    spec = yaml.safe_load(source.read_text())
    spec["la"] = str(PARAMS / spec["la"])
    spec.update(changes)
    for notebook in spec["notebooks"]:
        notebook["path"] = str((PARAMS / notebook["path"]).resolve())  # an absolute path stays as it is
    target.write_text(yaml.safe_dump(spec))
    return target


@pytest.fixture(scope="module")
def data(small_data):
    return small_data  # seed 1, small (conftest.py)


@pytest.fixture(scope="module")
def monthly(monthly_pack):
    return monthly_pack  # parameters/monthly.yaml on the small data (conftest.py: shared with test_monthly_pack)


@pytest.fixture(scope="module")
def internal(data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exceptions")
    params = _copy_params(PARAMS / "exceptions.yaml", folder / "exceptions.yaml")
    spec = yaml.safe_load(params.read_text())
    spec["notebooks"][0]["parameters"]["crossed_within_school_days"] = None  # everyone still over the line
    params.write_text(yaml.safe_dump(spec))
    return run_pack(params, data, folder / "run")


def repeat_suspensions(data: Path, at_least: int) -> int:
    """Pupils with ``at_least`` suspensions starting 1 Sep to 31 Oct 2026 (plain pandas)."""
    exclusions = pd.read_csv(data / "exclusions.csv", parse_dates=["start_date"])
    this_year = exclusions[(exclusions["category"] == "SUSP") & (exclusions["start_date"] >= "2026-09-01")
                           & (exclusions["start_date"] <= "2026-10-31")]
    per_pupil = this_year.groupby("pupil_id").size()
    return int((per_pupil >= at_least).sum())


def test_monthly_pack_has_the_trigger_section(monthly):
    assert json.loads((monthly / "manifest.json").read_text())["status"] == "complete"
    assert (monthly / "notebooks" / "triggers.ipynb").is_file()
    counts = pd.concat([table(monthly, f"trigger_counts_{f}") for f in ("attendance", "cases", "exclusions",
                                                                         "provision")]).set_index("code")
    assert list(counts.columns) == ["rule", "source", "threshold", "pupils", "status"]
    assert len(counts) == 20  # every registered rule, once
    # the synthetic folder has every input, the case-work extracts included: every rule ran
    assert (counts["status"] == "run").all(), counts.loc[counts["status"] != "run", "status"]
    for name in ("attendance_all", "attendance_phase", "attendance_year_group", "attendance_sen_status",
                 "attendance_fsm", "intensive_support_by_term", "cme_rag", "cme_whereabouts", "cme_risk_indicators"):
        assert (monthly / "tables" / f"{name}.csv").is_file(), name


def test_repeat_suspension_count_matches_the_raw_extract(monthly, data):
    expected = repeat_suspensions(data, 2)
    assert expected > 0
    row = table(monthly, "trigger_counts_exclusions").set_index("code").loc["EXC02"]
    assert row["pupils"] == published(expected)
    assert row["threshold"] == "suspensions 2"


def test_level_two_escalation_count_matches_the_raw_cases(monthly, data):
    """ESC01 (Nottinghamshire level two): open CME/PME cases open MORE than 20 school days at the period
    end, counting the referral day; school days from the Shire term dates (the calendar's count)."""
    from pmereport.calendar import load_calendar

    calendar = load_calendar(PARAMS / "terms" / "shire-county.yaml")
    cases = pd.read_csv(data / "cases.csv", parse_dates=["referral_date", "closure_date"])
    end = pd.Timestamp("2026-10-31")
    still_open = cases[(cases["referral_date"] <= end) & (cases["closure_date"].isna() | (cases["closure_date"] > end))]
    days = still_open["referral_date"].map(lambda day: calendar.count_school_days(day, end))
    expected = still_open.loc[days > 20, "pupil_id"].nunique()
    assert expected > 0
    assert table(monthly, "trigger_counts_cases").set_index("code").loc["ESC01", "pupils"] == published(expected)


def test_a_threshold_in_la_yaml_changes_the_count(data, tmp_path):
    la = yaml.safe_load((PARAMS / "la.yaml").read_text())
    la["terms"] = str(PARAMS / la["terms"])
    la["triggers"] = {"EXC02": {"suspensions": 1}}  # early help after the first suspension
    (tmp_path / "la.yaml").write_text(yaml.safe_dump(la))
    params = _triggers_only(tmp_path, la=tmp_path / "la.yaml")
    out = run_pack(params, data, tmp_path / "run")
    row = table(out, "trigger_counts_exclusions").set_index("code").loc["EXC02"]
    one_or_more, two_or_more = repeat_suspensions(data, 1), repeat_suspensions(data, 2)
    assert one_or_more > two_or_more
    assert row["pupils"] == published(one_or_more) and row["threshold"] == "suspensions 1"


def _triggers_only(tmp_path: Path, la: Path | None = None) -> Path:
    """monthly.yaml with only its triggers notebook (and optionally another la.yaml)."""
    spec = yaml.safe_load((PARAMS / "monthly.yaml").read_text())
    only_triggers = [n for n in spec["notebooks"] if n["path"].endswith("triggers.ipynb")]
    changes = {"notebooks": only_triggers, **({"la": str(la)} if la else {})}
    return _copy_params(PARAMS / "monthly.yaml", tmp_path / "monthly.yaml", **changes)


def test_without_an_attendance_extract_the_attendance_rules_are_not_run(data, tmp_path):
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(data, folder)
    (folder / "attendance.csv").unlink()  # attendance is an optional extract
    out = run_pack(_triggers_only(tmp_path), folder, tmp_path / "run")
    counts = table(out, "trigger_counts_attendance").set_index("code")
    assert (counts["status"] == "not run: needs attendance").all() and (counts["pupils"] == "x").all()
    assert not (out / "tables" / "attendance_all.csv").exists()
    assert "no attendance extract" in (out / "report.html").read_text(encoding="utf-8")
    assert table(out, "trigger_counts_cases").set_index("code").loc["ESC01", "status"] == "run"


def test_pupil_ids_only_in_the_internal_report(monthly, internal):
    assert not PUPIL_ID.search((monthly / "report.html").read_text(encoding="utf-8"))
    for path in (monthly / "tables").glob("*.csv"):
        assert not PUPIL_ID.search(path.read_text(encoding="utf-8")), path.name
    lists = sorted((internal / "tables").glob("exceptions_*.csv"))
    with_rows = [p for p in lists if p.name != "exceptions_summary.csv" and len(pd.read_csv(p))]
    assert with_rows, "the exceptions report listed nobody"
    for path in with_rows:
        ids = pd.read_csv(path, dtype=str)["pupil_id"]
        assert ids.str.fullmatch(r"P\d{7}").all(), path.name
    html = (internal / "report.html").read_text(encoding="utf-8")
    assert "INTERNAL: contains pupil-level information" in html and "OFFICIAL-SENSITIVE" in html
    manifest = json.loads((internal / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["parameters"]["audience"] == "internal"


def test_the_exceptions_notebook_is_refused_in_a_board_report(data, tmp_path):
    params = _copy_params(PARAMS / "exceptions.yaml", tmp_path / "as_board.yaml", audience="board",
                          notebooks=[{"path": str((PARAMS / "../notebooks/exceptions.ipynb").resolve()),
                                      "parameters": {"crossed_within_school_days": None}}])
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "pmereport", "run", str(params), "--data", str(data),
                           "--out", str(tmp_path / "run")], capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode != 0
    assert "PupilLevelError" in done.stderr and "cannot go into a board report" in done.stderr
    assert not (tmp_path / "run").exists()
