"""The seeded synthetic data generator (pmereport.synth), on the small size.

Every check reads the written files back through the contract loader (``dataset.load``), so what
is tested is what a report would see. Expected values come from the published figures the
generator targets (DOMAIN.md; DfE) with a tolerance worked out beside each one.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import pmereport
from pmereport.calendar import OutsideTermsError, load_calendar
from pmereport.contract.codes import LEICESTERSHIRE_REASON_SHARES_2016
from pmereport.contract.dataset import load
from pmereport.contract.extracts import EXTRACTS
from pmereport.synth import SIZES, generate
from pmereport.io.readers import read_table
from pmereport.synth.writers import sha256, write_xlsx

TERMS = Path(__file__).resolve().parents[1] / "parameters" / "terms" / "shire-county.yaml"  # la.yaml's
MONTHS = pd.period_range("2022-09", "2026-10", freq="M")  # 4 years x 12 + Sep-Oct 2026 = 50 months


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth-small")
    messages: list[str] = []
    summary = generate(out, seed=1, size="small", progress=messages.append)
    return out, summary, load(out), messages


def _files(folder) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_extract_passes_the_contract_with_no_rejections(small):
    out, summary, ds, messages = small
    assert ds.ok, ds.issues().head(20).to_string()
    assert set(ds.results) == set(EXTRACTS)  # every extract, attendance and the case-work ones included
    for name, result in ds.results.items():
        assert result.rows_rejected == 0, name
        assert result.rows_read == summary["rows"][name] > 0, name
    assert messages, "progress messages are passed to the callable"


def test_files_and_readme(small):
    out, summary, ds, _ = small
    for name in ["cases", "return_log", "exclusions", "schools", "census", "attendance"]:
        assert (out / f"{name}.csv").is_file()
    monthly = sorted(p.name for p in (out / "pme_returns").iterdir())
    assert monthly == [f"pme_return_{m}.xlsx" for m in MONTHS.strftime("%Y-%m")]
    readme = (out / "README.txt").read_text()
    assert "SYNTHETIC" in readme and "Seed: 1" in readme and "Size: small" in readme
    assert f"Generator version: {summary['generator_version']}" in readme


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(small, tmp_path):
    out, summary, _, _ = small
    again = tmp_path / "again"
    # in a fresh interpreter with another hash seed: nothing may depend on set or dict-of-set order
    code = f"from pmereport.synth import generate; generate({str(again)!r}, seed=1, size='small')"
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(Path(pmereport.__file__).parent.parent)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    first, second = _files(out), _files(again)
    assert first.keys() == second.keys()
    assert len([f for f in first if f.endswith(".xlsx")]) == len(MONTHS)
    different = [f for f in first if first[f] != second[f]]
    assert different == []  # xlsx included: timestamps in core.xml and zip entries are fixed
    # the normalisation itself (two runs within one second could match without it)
    with zipfile.ZipFile(out / "pme_returns" / "pme_return_2024-01.xlsx") as book:
        assert {info.date_time for info in book.infolist()} == {(2026, 10, 31, 0, 0, 0)}  # the end date
        core = book.read("docProps/core.xml").decode()
        assert core.count("2026-10-31T00:00:00Z") == 2  # created and modified
    other = tmp_path / "other"
    generate(other, seed=2, size="small")
    third = _files(other)
    for name in ["cases.csv", "exclusions.csv", "attendance.csv", "census.csv", "schools.csv"]:
        assert third[name] != first[name], name


def test_unknown_size_is_refused(tmp_path):
    assert set(SIZES) == {"small", "county", "large"}
    with pytest.raises(ValueError, match="unknown size"):
        generate(tmp_path, size="medium")


def test_pme_reason_shares_recover_the_leicestershire_shares(small):
    _, _, ds, _ = small
    pme = ds.cases[ds.cases["case_type"] == "PME"]
    n = len(pme)
    assert n > 250
    shares = pme["reason"].value_counts(normalize=True)
    for reason, target in LEICESTERSHIRE_REASON_SHARES_2016.items():
        # a share drawn from n cases varies by sqrt(p(1-p)/n): with n ~ 370 and p = 0.45 that is
        # 0.026, so three standard errors (0.077 at most) is the tolerance; plus 0.01 for SEND's 2%.
        tolerance = 3 * math.sqrt(target * (1 - target) / n) + 0.01
        assert abs(shares.get(reason, 0.0) - target) <= tolerance, (reason, shares.get(reason), target)


def test_cme_share_of_cases_and_whereabouts(small):
    _, _, ds, _ = small
    cases = ds.cases
    cme = cases[cases["case_type"] == "CME"]
    assert 0.18 <= len(cme) / len(cases) <= 0.32  # issue 2: CME ~20-30% of cases
    assert cme["school_urn"].isna().all()
    assert set(cme["whereabouts_known"]) == {"Y", "N"}
    assert (cme.loc[cme["whereabouts_known"] == "Y", "rag_rating"] == "R").all()  # DOMAIN.md
    open_cases = cases[cases["closure_date"].isna()]
    assert len(open_cases) > 0 and open_cases["closure_reason"].isna().all()
    reasons = cases["closure_reason"].value_counts(normalize=True)
    assert reasons[["SCH", "APP", "FTE"]].sum() > 0.6  # mostly re-engagement
    assert cases["pupil_id"].value_counts().max() >= 2  # some pupils have two episodes


def test_cme_referrals_spike_in_september(small):
    _, _, ds, _ = small
    cme = ds.cases[(ds.cases["case_type"] == "CME") & (ds.cases["referral_date"] >= "2022-09-01")]
    by_month = cme["referral_date"].dt.month.value_counts().reindex(range(1, 13), fill_value=0)
    others = by_month.drop(9).mean()
    assert by_month[9] > 1.5 * others, by_month.to_dict()


def test_pme_and_exclusions_are_concentrated_in_secondary_years(small):
    _, _, ds, _ = small
    census = ds.census[ds.census["academic_year"] == "2023/24"]
    pupils_by_ncy = census.groupby("ncy")["headcount"].sum()
    secondary_share_of_pupils = pupils_by_ncy.loc[7:11].sum() / pupils_by_ncy.sum()  # ~5/12
    pme = ds.cases[ds.cases["case_type"] == "PME"]
    assert (pme["ncy"] >= 7).mean() > secondary_share_of_pupils + 0.2
    excl = ds.exclusions[(ds.exclusions["start_date"] >= "2023-09-01") & (ds.exclusions["start_date"] < "2024-09-01")]
    per_pupil = excl.groupby("ncy").size().reindex(range(12), fill_value=0) / pupils_by_ncy
    assert per_pupil.loc[9:10].mean() > per_pupil.loc[0:6].mean() * 4
    assert per_pupil.loc[9:10].mean() > per_pupil.loc[7]


def test_suspension_rate_matches_the_published_england_rate(small):
    _, summary, ds, _ = small
    census = ds.census[ds.census["academic_year"] == "2022/23"]["headcount"].sum()
    excl = ds.exclusions[(ds.exclusions["start_date"] >= "2022-09-01") & (ds.exclusions["start_date"] < "2023-09-01")]
    rate = 100 * (excl["category"] == "SUSP").sum() / census
    # DfE 2022/23 England: 9.33 suspensions per 100 pupils. ~3,300 pupils give ~310 suspensions; the
    # count is a Poisson sum (sd ~18, i.e. ~0.55 per 100) but repeat suspensions cluster in few
    # pupils, so allow 1.5 per 100.
    assert summary["truth"]["suspensions_per_100"]["2022/23"] == 9.33
    assert abs(rate - 9.33) < 1.5, rate
    susp = excl[excl["category"] == "SUSP"]
    assert (susp["sessions"] % 2 == 0).all() and susp["sessions"].between(2, 20).all()
    assert susp["sessions"].median() <= 4  # mostly short
    assert susp["pupil_id"].value_counts().max() >= 3  # repeat suspensions
    assert susp["start_date"].dt.month.value_counts().get(8, 0) == 0  # never in the summer holiday
    assert susp["start_date"].dt.dayofweek.max() <= 4  # weekdays only


def test_exclusions_fall_on_school_days_of_the_configured_term_dates(small):
    _, _, ds, _ = small
    days = set(ds.exclusions["start_date"])
    # hand-picked days that are weekdays but not school days in parameters/terms/shire-county.yaml:
    # INSET days, a half-term, bank holidays (Coronation 8 May 2023, Early May 5 May 2025) and a day
    # of the Christmas holiday
    not_school_days = pd.to_datetime(["2022-09-01", "2022-09-02", "2023-07-21", "2024-09-02", "2025-06-02",
                                      "2024-10-28", "2024-10-29", "2023-05-08", "2025-05-05", "2024-12-23"])
    assert days.isdisjoint(not_school_days)
    weekdays = {d for d in days if d.dayofweek < 5}
    assert weekdays == days
    # every date is one the report's calendar counts as a school day (the same term-dates file)
    calendar = load_calendar(TERMS)
    assert all(calendar.is_school_day(d) for d in days)


def test_another_term_dates_file_moves_the_school_days(tmp_path):
    spec = yaml.safe_load(TERMS.read_text())
    spec["academic_years"]["2024/25"]["inset_days"].append(dt.date(2024, 10, 1))  # one more INSET day
    spec["local_authority"] = "Other County"
    terms = tmp_path / "other-county.yaml"
    terms.write_text(yaml.safe_dump(spec))
    summary = generate(tmp_path / "data", seed=1, size="small", terms=terms)
    att = pd.read_csv(tmp_path / "data" / "attendance.csv")
    autumn = att[(att["academic_year"] == "2024/25") & (att["term"] == "AUT")]
    assert set(autumn["sessions_possible"]) == {144}  # 146 (hand count above) less the new day's 2 sessions
    exclusions = pd.read_csv(tmp_path / "data" / "exclusions.csv")
    assert "2024-10-01" not in set(exclusions["start_date"])
    calendar = load_calendar(terms)
    assert all(calendar.is_school_day(d) for d in exclusions["start_date"].unique())
    assert "Other County (other-county.yaml)" in (tmp_path / "data" / "README.txt").read_text()
    assert summary["terms"] == str(terms)


def test_an_end_date_past_the_configured_term_dates_is_refused_before_writing(tmp_path):
    # shire-county.yaml (named by parameters/la.yaml) configures 2020/21 to 2026/27; 31 October 2027
    # is in 2027/28
    with pytest.raises(OutsideTermsError, match=r"2027/28.*shire-county\.yaml|shire-county\.yaml.*2027/28"):
        generate(tmp_path / "data", size="small", end="2027-10-31")
    assert not (tmp_path / "data").exists()


def test_disproportionality_fsm_in_the_cohort(small):
    _, _, ds, _ = small
    census = ds.census
    fsm_all = census["headcount_fsm"].sum() / census["headcount"].sum()
    assert 0.19 <= fsm_all <= 0.26  # ~22% of all pupils (issue 2: 20-25%)
    pme = ds.cases[ds.cases["case_type"] == "PME"]
    assert (pme["fsm"] == "Y").mean() > 1.5 * fsm_all  # ~40% of the cohort vs ~22%
    # looked-after: 0.7% of pupils (params.SHARE_LOOKED_AFTER, England ~70 per 10,000); over-represented
    # means well above that: with ~400 cases, twice the share is ~6 children, far below what we see
    assert (pme["looked_after"] == "Y").mean() > 2 * 0.007
    assert {"CIN", "CPP"} <= set(pme["cin_status"])


def test_pme_return_hours_and_consistency_with_cases(small):
    _, _, ds, _ = small
    ret = ds.pme_returns
    assert (ret["hours_attended"] <= ret["hours_offered"]).all()
    full_time = ret["ncy"].map(lambda n: 21.0 if n <= 2 else 23.5 if n <= 6 else 24.0 if n <= 9 else 25.0)
    assert (ret["hours_offered"] < full_time).all()  # below full time, by definition of PME
    rtt = ret[ret["provision_type"] == "RTT"]
    assert rtt["rtt_end_date"].isna().any() and rtt["rtt_end_date"].notna().any()
    assert (rtt["rtt_end_date"] < rtt["return_month"]).any()  # some past their end
    medical = ret[ret["pme_group"].isin(["MHN", "MED"])]
    assert set(medical["provision_type"]) <= {"HTU", "HOS", "RTT", "MED"}
    # every row belongs to an open PME episode of that pupil at that school in that month
    cases = ds.cases[ds.cases["case_type"] == "PME"]
    m = ret.merge(cases, on=["pupil_id", "school_urn"], suffixes=("", "_case"))
    month_end = m["return_month"] + pd.offsets.MonthEnd(0)
    m["ok"] = (m["referral_date"] <= month_end) & (m["closure_date"].isna() | (m["closure_date"] >= m["return_month"]))
    matched = m.groupby(["return_month", "school_urn", "pupil_id"])["ok"].any()
    assert len(matched) == len(ret) and matched.all()
    per_month = ret.groupby("return_month").size()
    assert 20 <= per_month.median() <= 60  # small: ~40 on the return


def test_nil_returns_late_and_missing_returns(small):
    _, summary, ds, _ = small
    log, ret, schools = ds.return_log, ds.pme_returns, ds.schools
    nil_only = [urn for urn, g in log.groupby("school_urn") if (g["nil_return"] == "Y").all()]
    assert nil_only and set(nil_only) >= set(summary["truth"]["nil_return_only_schools"])
    assert not ret["school_urn"].isin(nil_only).any()
    assert len(log[log["school_urn"].isin(nil_only)]) > 30  # they do return, every month or nearly
    # nil flag agrees with the rows: a school-month with rows is not a nil return
    with_rows = set(zip(ret["return_month"], ret["school_urn"]))
    flagged = {(m, u) for m, u, nil in log[["return_month", "school_urn", "nil_return"]].itertuples(index=False)
               if nil == "N"}
    assert flagged == with_rows
    expected = len(schools) * len(MONTHS)
    assert len(log) < expected  # some school-months were never returned
    assert len(log) > 0.85 * expected  # but most were
    lag = (log["submitted_date"] - (log["return_month"] + pd.offsets.MonthEnd(0))).dt.days
    assert lag.median() <= 10 and lag.max() > 20  # most within ~10 days, some late


def test_attendance_shape(small):
    _, _, ds, _ = small
    att = ds.attendance
    assert set(att["academic_year"]) == {"2024/25", "2025/26", "2026/27"}
    assert set(att.loc[att["academic_year"] == "2026/27", "term"]) == {"AUT"}  # only terms started
    possible = att.groupby(["academic_year", "term"])["sessions_possible"].agg(["min", "max"])
    assert (possible["min"] == possible["max"]).all()  # the same sessions possible for every pupil in a term
    # two sessions per school day of Shire County's configured term dates (parameters/terms), by hand:
    # AUT 2024/25: 2 Sep - 20 Dec is 16 weeks = 80 weekdays, less half-term (28 Oct - 1 Nov) 5 and
    #   INSET 2, 3 Sep = 73 days, 146 sessions.
    # SPR: 6 Jan - 4 Apr is 13 weeks = 65, less half-term 5 and INSET 6 Jan = 59 days, 118 sessions.
    # SUM: 22 Apr (Tue) - 22 Jul (Tue) is 4 + 12 weeks x 5 + 2 = 66, less half-term (26-30 May) 5, the
    #   Early May bank holiday (5 May) and INSET 2 Jun, 22 Jul = 58 days, 116 sessions.
    # AUT 2026/27 so far: 1 Sep (Tue) - 31 Oct: 4 + 7 weeks x 5 = 39 (26-30 Oct is half-term), less
    #   INSET 1, 2 Sep = 37 days, 74 sessions.
    assert possible.loc[("2024/25", "AUT"), "min"] == 146
    assert possible.loc[("2024/25", "SPR"), "min"] == 118
    assert possible.loc[("2024/25", "SUM"), "min"] == 116
    assert possible.loc[("2026/27", "AUT"), "min"] == 74
    year = att[att["academic_year"] == "2024/25"].groupby("pupil_id")[
        ["sessions_possible", "sessions_authorised", "sessions_unauthorised"]].sum()
    missed = year["sessions_authorised"] + year["sessions_unauthorised"]
    overall = missed.sum() / year["sessions_possible"].sum()
    rate = missed / year["sessions_possible"]
    # DfE England: overall absence ~6-7%, persistent (>=10%) ~18-20%, severe (>=50%) ~1.5-2%,
    # unauthorised ~1/3. ~3,300 pupils: a share of 0.19 varies by sqrt(.19*.81/3300) = 0.007.
    assert 0.055 <= overall <= 0.08, overall
    assert 0.15 <= (rate >= 0.10).mean() <= 0.23
    assert 0.005 <= (rate >= 0.50).mean() <= 0.035
    assert 0.25 <= year["sessions_unauthorised"].sum() / missed.sum() <= 0.42
    # pupil characteristics are the same in every term
    assert (att.groupby("pupil_id")[["sex", "ethnicity", "fsm", "sen_status"]].nunique() == 1).all().all()
    # pupils on the PME return all autumn term miss much more of it than everyone else
    ret = ds.pme_returns
    autumn = ret[ret["return_month"].between("2024-09-01", "2024-12-01")].groupby("pupil_id")["return_month"].nunique()
    all_autumn = set(autumn[autumn == 4].index)
    term = att[(att["academic_year"] == "2024/25") & (att["term"] == "AUT")]
    term_rate = (term["sessions_authorised"] + term["sessions_unauthorised"]) / term["sessions_possible"]
    in_pme = term["pupil_id"].isin(all_autumn)
    assert in_pme.sum() >= 5
    assert term_rate[in_pme].mean() > 4 * term_rate[~in_pme].mean()


def test_pupil_ids_are_shared_across_extracts(small):
    _, _, ds, _ = small
    assert ds.cases["pupil_id"].str.fullmatch(r"P\d{7}").all()
    assert set(ds.pme_returns["pupil_id"]) <= set(ds.cases["pupil_id"])
    recent = ds.exclusions[ds.exclusions["start_date"] >= "2024-09-01"]
    keyed = recent.merge(ds.attendance.drop_duplicates("pupil_id"), on="pupil_id", suffixes=("", "_att"))
    assert len(keyed) == len(recent)  # every recent exclusion is of a pupil in the attendance data
    assert (keyed["sex"] == keyed["sex_att"]).all() and (keyed["fsm"] == keyed["fsm_att"]).all()
    # PME pupils on roll appear in the census of their school and year group
    ret = ds.pme_returns
    census_keys = set(zip(ds.census["school_urn"], ds.census["ncy"]))
    assert np.mean([(u, n) in census_keys for u, n in zip(ret["school_urn"], ret["ncy"])]) > 0.95


def test_exclusions_match_the_census_school_and_year_group(small):
    _, _, ds, _ = small
    excl = ds.exclusions.copy()
    start = excl["start_date"].dt.year - (excl["start_date"].dt.month < 9)
    excl["academic_year"] = start.astype(str) + "/" + ((start + 1) % 100).astype(str).str.zfill(2)
    in_census_years = excl[excl["academic_year"].isin(set(ds.census["academic_year"]))]
    keys = set(zip(ds.census["school_urn"], ds.census["academic_year"], ds.census["ncy"]))
    found = [k in keys for k in zip(in_census_years["school_urn"], in_census_years["academic_year"],
                                    in_census_years["ncy"])]
    assert len(found) > 500 and all(found)


def test_a_month_with_no_rows_is_a_header_only_workbook(tmp_path):
    columns = EXTRACTS["pme_returns"].columns
    path = tmp_path / "pme_return_2026-08.xlsx"
    assert write_xlsx(pd.DataFrame(columns=columns), path, "pme_returns", dt.date(2026, 10, 31)) == 0
    frame = read_table(path)
    assert len(frame) == 0
    assert [c for c in frame.columns if not c.startswith("_")] == columns


@pytest.mark.parametrize("seed, end", [(2, "2024-03-15"), (3, "2025-08-31"), (7, "2023-01-31")])
def test_other_seeds_and_end_dates_also_pass_the_contract(tmp_path, seed, end):
    summary = generate(tmp_path, seed=seed, size="small", end=end)
    ds = load(tmp_path)
    assert ds.ok, ds.issues().head(20).to_string()
    assert all(r.rows_rejected == 0 for r in ds.results.values())
    months = pd.period_range("2022-09", end[:7], freq="M")
    assert len(list((tmp_path / "pme_returns").iterdir())) == len(months)
    assert ds.cases["referral_date"].max() <= pd.Timestamp(end)
    assert ds.exclusions["start_date"].max() <= pd.Timestamp(end)
    assert summary["end"] == end
