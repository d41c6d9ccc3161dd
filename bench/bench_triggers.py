"""Benchmark: CPU time of the triggers notebook's analysis of attendance, on a validated data folder.

Loads the data folder once (``pmereport.contract.dataset.load``), then times, as the triggers
notebook runs them: the trigger evaluation (all rules), the attendance rules alone and one by one,
the attendance tables (year to date per enrolment, shared with the evaluation, and the five
breakdowns) and ``intensive_support_by_term``. Each item is timed ``--repeats`` times; the median
CPU time (user + system, all threads) is printed, with the load average. Issue 7.

    PYTHONPATH=. python bench/bench_triggers.py [--data /tmp/pmereport-bench-pack/data-county]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def cpu_median(step, repeats: int) -> tuple[float, list[float]]:
    runs = []
    for _ in range(repeats):
        start = time.process_time()
        step()
        runs.append(time.process_time() - start)
    return statistics.median(runs), runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/pmereport-bench-pack/data-county"))
    parser.add_argument("--as-of", default="2026-10-31")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import pandas as pd

    from pmereport.calendar import load_calendar
    from pmereport.contract.dataset import load
    from pmereport.metrics import attendance_summaries as att
    from pmereport.metrics.triggers import REGISTRY, evaluate, frames_from, resolve_thresholds

    data = load(args.data)
    frames = frames_from(data)
    calendar = load_calendar(REPO / "parameters" / "terms" / "shire-county.yaml")
    as_of = pd.Timestamp(args.as_of)
    thresholds = resolve_thresholds(None)
    attendance_codes = sorted(c for c in REGISTRY if c.startswith("ATT"))

    def tables(evaluation):
        ytd = att.attendance_year_to_date(frames["attendance"], data.schools, as_of, thresholds,
                                          shared=evaluation.derived.get("attendance_year"))
        for breakdown in (None, "phase", "year_group", "sen_status", "fsm"):
            att.attendance_breakdown(ytd, breakdown)

    def intensive(evaluation):
        att.intensive_support_by_term(evaluation.results["ATT03"], frames["attendance"], calendar, as_of,
                                      thresholds["ATT03"]["attendance_below_ehcp"])

    def notebook():  # the triggers notebook's attendance work, in its order
        evaluation = evaluate(frames, calendar, as_of)
        tables(evaluation)
        intensive(evaluation)

    evaluation = evaluate(frames, calendar, as_of)
    steps = {"evaluate: all rules": lambda: evaluate(frames, calendar, as_of),
             "evaluate: attendance rules only": lambda: evaluate(frames, calendar, as_of, codes=attendance_codes),
             **{f"  {code} alone": (lambda code=code: evaluate(frames, calendar, as_of, codes=[code]))
                for code in attendance_codes},
             "attendance tables (after the evaluation)": lambda: tables(evaluation),
             "intensive_support_by_term": lambda: intensive(evaluation),
             "all of the above as the notebook runs it": notebook}
    print(f"{args.data}: attendance {len(frames['attendance']):,} rows; as of {as_of.date()}; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    for label, step in steps.items():
        median, runs = cpu_median(step, args.repeats)
        print(f"{label:45s} CPU {median:.3f} s (runs {', '.join(f'{r:.2f}' for r in runs)})", flush=True)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
