"""Time the monthly-pack metrics on a large made-up case extract (not a test; writes a result file).

Run: PYTHONPATH=. python bench/metrics_pack.py  ->  bench/metrics_pack.txt
The frame is random (no generator needed): 100,000 case episodes over four years, typed as
dataset.load gives them, and 12 monthly PME returns of 3,000 rows each.
"""
from __future__ import annotations

import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from pmereport.contract import codes as C
from pmereport.metrics import cohort, durations, flows, provision, reasons
from pmereport.models import survival

N_CASES = 100_000


def made_up_cases(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    referral = pd.Timestamp("2021-09-01") + pd.to_timedelta(rng.integers(0, 4 * 365, n), unit="D")
    length = pd.to_timedelta(rng.lognormal(4.3, 0.9, n).astype(int), unit="D")
    closure = (referral + length).where(referral + length <= pd.Timestamp("2025-08-31"))
    stage = lambda k: (referral + pd.to_timedelta(k * length.days.to_numpy() // 6, unit="D")).where(
        rng.random(n) < 0.8)
    groups = rng.choice(list(C.PME_GROUPS), n)
    frame = pd.DataFrame({
        "case_id": pd.array([f"C{i:07d}" for i in range(n)], dtype="string"),
        "case_type": pd.array(np.where(groups == "CME", "CME", "PME"), dtype="string"),
        "referral_date": referral, "pme_group": pd.array(groups, dtype="string"),
        "ncy": pd.array(rng.integers(0, 12, n), dtype="Int64"),
        "sex": pd.array(rng.choice(list(C.SEX), n), dtype="string"),
        "sen_status": pd.array(rng.choice(list(C.SEN_STATUS), n), dtype="string"),
        "assessment_date": stage(1), "case_management_date": stage(2),
        "placement_identified_date": stage(3), "monitoring_date": stage(4), "closure_date": closure,
        "closure_reason": pd.array(np.where(closure.isna(), None, rng.choice(list(C.CLOSURE_REASONS), n)),
                                   dtype="string"),
    })
    # keep stage dates in pathway order, as the contract requires
    for later, earlier in [("case_management_date", "assessment_date"),
                           ("placement_identified_date", "case_management_date"),
                           ("monitoring_date", "placement_identified_date")]:
        frame[later] = frame[later].where(frame[later] >= frame[earlier].fillna(frame["referral_date"]))
    frame["reason"] = frame["pme_group"].map(C.PME_GROUP_TO_REASON)
    return frame


def timed(label: str, fn, results: list):
    start = time.perf_counter()
    fn()
    results.append((label, time.perf_counter() - start))


def main() -> None:
    cases = made_up_cases(N_CASES)
    results: list[tuple[str, float]] = []
    timed("snapshot by reason, CME/PME apart", lambda: cohort.snapshot(cases, "2024-01-31", "reason",
                                                                        split="case_type"), results)
    timed("monthly_flows 48 months", lambda: flows.monthly_flows(cases, "2021-09", "2025-08"), results)
    timed("monthly_flows 48 months by ncy", lambda: flows.monthly_flows(cases, "2021-09", "2025-08", by="ncy"),
          results)
    timed("breakdown_with_ci", lambda: reasons.breakdown_with_ci(cohort.open_on(cases, "2024-01-31")), results)
    timed("stage_durations + summary", lambda: durations.stage_duration_summary(
        durations.stage_durations(cases, "2025-08-31")), results)
    data = durations.case_durations(cases, "2025-08-31")
    timed("kaplan_meier by case_type", lambda: survival.kaplan_meier(data, by="case_type"), results)
    timed("cox_model case_type + sen_status + sex",
          lambda: survival.cox_model(data, ["case_type", "sen_status", "sex"]), results)
    rng = np.random.default_rng(2)
    n = 36_000
    returns = pd.DataFrame({
        "return_month": pd.to_datetime("2024-09-01") + pd.to_timedelta(rng.integers(0, 12, n) * 31, unit="D"),
        "school_urn": pd.array(rng.integers(100000, 100300, n), dtype="Int64"),
        "pupil_id": pd.array([f"P{i:07d}" for i in range(n)], dtype="string"),
        "ncy": pd.array(rng.integers(0, 12, n), dtype="Int64"),
        "provision_type": pd.array(rng.choice(list(C.PROVISION_TYPES), n), dtype="string"),
        "hours_offered": pd.array(rng.uniform(5, 20, n), dtype="Float64"),
        "rtt_start_date": pd.to_datetime("2024-06-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D"),
        "rtt_end_date": pd.NaT, "rtt_review_date": pd.NaT})
    returns["return_month"] = returns["return_month"].dt.to_period("M").dt.to_timestamp()
    returns["hours_attended"] = returns["hours_offered"] * 0.8
    timed("hours_summary 36,000 return rows", lambda: provision.hours_summary(returns), results)
    timed("reduced_timetables + summary", lambda: provision.reduced_timetable_summary(
        provision.reduced_timetables(returns)), results)
    lines = [f"metrics pack timings, {N_CASES:,} case episodes ({platform.python_version()}, "
             f"pandas {pd.__version__}, {platform.machine()})", ""]
    lines += [f"{label:45s} {seconds:7.3f} s" for label, seconds in results]
    text = "\n".join(lines) + "\n"
    Path(__file__).with_suffix(".txt").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
