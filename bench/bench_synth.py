"""Measure the synthetic generator: wall time and peak memory per size, and the realised shape of
the data (read back through the contract loader) against the figures it targets.

    .venv/bin/python bench/bench_synth.py                 # county, writes RESULTS
    .venv/bin/python bench/bench_synth.py small county large

Each size is generated in a fresh child process so that its peak RSS is its own. Results go to
bench/RESULTS-synth.md (with the command and the machine's CPU count).
"""
from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; unlike ru_maxrss it is not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: kB on Linux only


def _one(size: str, out: str) -> None:
    """Child process: generate one size, print timing and memory as JSON."""
    baseline = _peak_rss_mb()
    from pmereport.synth import generate

    imported = _peak_rss_mb()
    start = time.perf_counter()
    summary = generate(out, seed=1, size=size)
    seconds = time.perf_counter() - start
    peak = _peak_rss_mb()
    print(json.dumps({"size": size, "seconds": round(seconds, 2), "peak_rss_mb": round(peak),
                      "rss_after_imports_mb": round(imported), "rss_start_mb": round(baseline),
                      "rows": summary["rows"]}))


def _realised(out: str) -> dict:
    """The data's shape, read back through the contract (what a report would see)."""
    from pmereport.contract.dataset import load

    start = time.perf_counter()
    ds = load(out)
    load_seconds = time.perf_counter() - start
    cases, ret, att, census, excl = ds.cases, ds.pme_returns, ds.attendance, ds.census, ds.exclusions
    pme = cases[cases["case_type"] == "PME"]
    shares = pme["reason"].value_counts(normalize=True).round(3).to_dict()
    per_month = ret.groupby("return_month").size()
    cme = cases[(cases["case_type"] == "CME") & (cases["referral_date"] >= "2022-09-01")]
    cme_month = cme["referral_date"].dt.month.value_counts()
    rates = {}
    for year in sorted(census["academic_year"].unique()):
        start_year = int(year[:4])
        window = excl[(excl["start_date"] >= f"{start_year}-09-01") & (excl["start_date"] < f"{start_year + 1}-09-01")]
        head = census.loc[census["academic_year"] == year, "headcount"].sum()
        rates[year] = {"suspensions_per_100": round(100 * (window["category"] == "SUSP").sum() / head, 2),
                       "permanent_per_100": round(100 * (window["category"] == "PERM").sum() / head, 3),
                       "headcount": int(head)}
    year = att[att["academic_year"] == sorted(att["academic_year"].unique())[-2]]
    per_pupil = year.groupby("pupil_id")[["sessions_possible", "sessions_authorised", "sessions_unauthorised"]].sum()
    missed = per_pupil["sessions_authorised"] + per_pupil["sessions_unauthorised"]
    rate = missed / per_pupil["sessions_possible"]
    log = ds.return_log
    latest = census[census["academic_year"] == census["academic_year"].max()]
    return {
        "load_seconds": round(load_seconds, 1),
        "contract_ok": bool(ds.ok),
        "rows_rejected": int(sum(r.rows_rejected for r in ds.results.values())),
        "pupils_on_roll_latest_census": int(latest["headcount"].sum()),
        "fsm_share": round(latest["headcount_fsm"].sum() / latest["headcount"].sum(), 3),
        "sen_support_share": round(latest["headcount_sen_support"].sum() / latest["headcount"].sum(), 3),
        "ehcp_share": round(latest["headcount_ehcp"].sum() / latest["headcount"].sum(), 3),
        "cases": len(cases),
        "cme_share_of_cases": round(len(cases[cases["case_type"] == "CME"]) / len(cases), 3),
        "pme_reason_shares": shares,
        "pme_fsm_share": round((pme["fsm"] == "Y").mean(), 3),
        "pme_secondary_share": round((pme["ncy"] >= 7).mean(), 3),
        "pme_duration_median_days": float((pme["closure_date"] - pme["referral_date"]).dt.days.median()),
        "pme_return_rows_per_month": {"min": int(per_month.min()), "median": int(per_month.median()),
                                      "max": int(per_month.max())},
        "cme_september_vs_other_months": round(cme_month.get(9, 0) / cme_month.drop(9, errors="ignore").mean(), 2),
        "exclusion_rates": rates,
        "absence_year": str(year["academic_year"].iloc[0]),
        "absence_overall": round(missed.sum() / per_pupil["sessions_possible"].sum(), 4),
        "persistent_absence_share": round((rate >= 0.1).mean(), 4),
        "severe_absence_share": round((rate >= 0.5).mean(), 4),
        "unauthorised_share_of_absence": round(per_pupil["sessions_unauthorised"].sum() / missed.sum(), 3),
        "return_rate": round(len(log) / (len(ds.schools) * log["return_month"].nunique()), 3),
        "nil_returns": int((log["nil_return"] == "Y").sum()),
    }


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        _one(argv[1], argv[2])
        return 0
    sizes = argv or ["county"]
    results = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            out = str(Path(tmp) / size)
            child = subprocess.run([sys.executable, __file__, "--one", size, out], check=True,
                                   capture_output=True, text=True, env=os.environ.copy())
            measured = json.loads(child.stdout.strip().splitlines()[-1])
            measured["realised"] = _realised(out)
            results.append(measured)
            print(json.dumps(measured, indent=1))
    command = ".venv/bin/python bench/bench_synth.py " + " ".join(sizes)
    lines = ["# Synthetic generator: time, memory and realised shape", "",
             f"Command: `{command}` (seed 1, end 2026-10-31)", "",
             f"Machine: {os.cpu_count()} CPUs (shared with other jobs), Python {platform.python_version()}, "
             f"{platform.machine()}; each size generated in a fresh process; peak RSS is the process's "
             "high-water mark (VmHWM), imports included.", "",
             "| size | generate (s) | peak RSS (MB) | RSS after imports (MB) | rows (cases / returns / attendance / exclusions) | contract load (s) | rejected |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        rows, real = r["rows"], r["realised"]
        lines.append(f"| {r['size']} | {r['seconds']} | {r['peak_rss_mb']} | {r['rss_after_imports_mb']} | "
                     f"{rows['cases']:,} / {rows['pme_returns']:,} / {rows['attendance']:,} / {rows['exclusions']:,} | "
                     f"{real['load_seconds']} | {real['rows_rejected']} |")
    lines += ["", "Realised figures (read back through `pmereport.contract.dataset.load`), against the targets in",
              "`pmereport/synth/params.py` (DOMAIN.md, DfE England):", ""]
    for r in results:
        lines += [f"## {r['size']}", "", "```json", json.dumps(r["realised"], indent=1), "```", ""]
    (HERE / "RESULTS-synth.md").write_text("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
