"""Benchmark: a county year of session marks -> attendance measures, out of core.

Generates a year of synthetic marks for a county (default 100,000 pupils = 38 million marks) as
Parquet and as CSV, then times, each in a fresh process (so peak memory is the step's own):

- ours: ``term_aggregates_from_marks`` (DuckDB) + ``year_to_date`` + summaries by school, year
  group, FSM and SEN (pandas on the small aggregate);
- plain: one hand-written DuckDB SQL query of the same by-school figures, as the yardstick, in two
  forms (``FILTER (WHERE mark IN ...)`` counts, and a join to a code table); ours is compared with
  the faster of the two.

It checks the two give the same by-school figures, and writes the median of ``--repeats`` runs
to ``bench/RESULTS.md``. Targets (issue 4): under 30 s from CSV, under 5 s from Parquet, peak
memory under 2 GB, within 1.2x of the plain query.

    PYTHONPATH=. python bench/bench_attendance.py [--pupils 100000] [--out /tmp/pmereport-bench]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TERMS = REPO / "parameters" / "terms" / "shire-county.yaml"
YEAR = "2024/25"


def plain_sql(marks_dir: Path, fmt: str, variant: str) -> str:
    """The by-school figures written directly in DuckDB SQL (the yardstick), two ways: counting
    with ``FILTER (WHERE mark IN (...))`` lists, or summing 0/1 columns of a joined code table."""
    from pmereport.metrics.attendance_marks import AUTHORISED, POSSIBLE, UNAUTHORISED, _sql_list, marks_relation_sql
    paths = sorted(str(p) for p in marks_dir.iterdir())
    source = marks_relation_sql(paths, "." + fmt)
    if variant == "filter":
        enrolment = f"""
            SELECT pupil_id, school_urn,
                   count(*) FILTER (WHERE mark IN {_sql_list(POSSIBLE)}) AS possible,
                   count(*) FILTER (WHERE mark IN {_sql_list(AUTHORISED)}) AS authorised,
                   count(*) FILTER (WHERE mark IN {_sql_list(UNAUTHORISED)}) AS unauthorised
            FROM {source}
            WHERE date BETWEEN DATE '2024-09-01' AND DATE '2025-08-31'
            GROUP BY ALL"""
    else:
        codes = ", ".join(f"('{m.replace(chr(39), chr(39) * 2)}', {int(m in POSSIBLE)}, {int(m in AUTHORISED)}, "
                          f"{int(m in UNAUTHORISED)})" for m in POSSIBLE)
        enrolment = f"""
            SELECT m.pupil_id, m.school_urn, sum(k.p) AS possible, sum(k.a) AS authorised,
                   sum(k.u) AS unauthorised
            FROM {source} AS m JOIN (VALUES {codes}) AS k(mark, p, a, u) ON m.mark = k.mark
            WHERE m.date BETWEEN DATE '2024-09-01' AND DATE '2025-08-31'
            GROUP BY ALL"""
    return f"""
        WITH enrolment AS ({enrolment})
        SELECT school_urn, count(*) AS enrolments, sum(possible) AS sessions_possible,
               sum(authorised) AS sessions_authorised, sum(unauthorised) AS sessions_unauthorised,
               count(*) FILTER (WHERE 10 * (authorised + unauthorised) >= possible) AS persistent_absentees,
               count(*) FILTER (WHERE 2 * (authorised + unauthorised) >= possible) AS severe_absentees
        FROM enrolment WHERE possible > 0
        GROUP BY school_urn ORDER BY school_urn"""


def run_step(which: str, data_dir: Path, fmt: str) -> dict:
    """Child process: run one step once, return its time, peak memory and by-school figures."""
    import pandas as pd

    from pmereport.calendar import load_calendar
    from pmereport.metrics.attendance import summary, year_to_date
    from pmereport.metrics.attendance_marks import connect, term_aggregates_from_marks

    marks_dir = data_dir / "attendance_marks"
    start = time.perf_counter()
    if which == "ours":
        calendar = load_calendar(TERMS)
        roll_path = data_dir / f"attendance_roll.{fmt}"
        roll = pd.read_parquet(roll_path) if fmt == "parquet" else pd.read_csv(roll_path)
        ytd = year_to_date(term_aggregates_from_marks(marks_dir, calendar, roll), YEAR)
        by_school = summary(ytd, "school_urn")
        for by in ("ncy", "fsm", "sen_status"):
            summary(ytd, by)
    else:
        by_school = connect().execute(plain_sql(marks_dir, fmt, which.split("_")[1])).df()
    seconds = time.perf_counter() - start
    cols = ["school_urn", "enrolments", "sessions_possible", "sessions_authorised", "sessions_unauthorised",
            "persistent_absentees", "severe_absentees"]
    figures = by_school[cols].astype("int64").sort_values("school_urn").values.tolist()
    return {"seconds": seconds, "peak_mb": peak_memory_mb(), "figures": figures}


def peak_memory_mb() -> float:
    """Peak resident memory of this process. Linux ``VmHWM`` (reset by exec, unlike ``ru_maxrss``,
    which a child started by fork + exec inherits from its parent)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(which: str, data_dir: Path, fmt: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, __file__, "--child", which, str(data_dir), fmt],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pupils", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/pmereport-bench"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "RESULTS.md")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        which, data_dir, fmt = args.child
        print(json.dumps(run_step(which, Path(data_dir), fmt)))
        return

    import duckdb

    from pmereport.synth.marks import write_marks
    rows, generation = {}, {}
    for fmt in ("parquet", "csv"):
        start = time.perf_counter()
        output = write_marks(args.out / fmt, args.seed, args.pupils, YEAR, fmt=fmt)
        generation[fmt] = time.perf_counter() - start
        rows[fmt] = output.rows
        size_mb = sum(p.stat().st_size for p in output.marks_dir.iterdir()) / 2**20
        print(f"wrote {output.rows:,} marks as {fmt} ({size_mb:,.0f} MB) in {generation[fmt]:.1f} s", flush=True)
        generation[fmt + "_mb"] = size_mb

    results = {}
    for fmt in ("parquet", "csv"):
        for which in ("ours", "plain_filter", "plain_join"):
            runs = [measure(which, args.out / fmt, fmt) for _ in range(args.repeats)]
            results[(fmt, which)] = {"seconds": statistics.median(r["seconds"] for r in runs),
                                     "peak_mb": max(r["peak_mb"] for r in runs), "figures": runs[0]["figures"],
                                     "all": [round(r["seconds"], 2) for r in runs]}
            print(fmt, which, results[(fmt, which)]["all"], f"peak {results[(fmt, which)]['peak_mb']:.0f} MB",
                  flush=True)
        same = (results[(fmt, "ours")]["figures"] == results[(fmt, "plain_filter")]["figures"]
                == results[(fmt, "plain_join")]["figures"])
        results[(fmt, "same")] = same
        print(fmt, "same by-school figures as the plain query:", same, flush=True)

    lines = [
        "# Benchmark results: attendance from session marks",
        "",
        f"Written by `bench/bench_attendance.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Machine: "
        f"{os.cpu_count()} cores (shared with other work while measured), Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}. Data: {args.pupils:,} synthetic pupils, academic year {YEAR}, "
        f"{rows['parquet']:,} marks (two sessions a school day, 190 school days), seed {args.seed}.",
        "",
        "Each step runs in a fresh process; time is the median of "
        f"{args.repeats} runs (all runs in brackets), memory the largest peak resident set size. \"ours / plain\" "
        "divides by the faster plain query. Ours also computes the per-pupil year-to-date frame the "
        "triggers use and summaries by year group, FSM and SEN; the plain queries only the by-school figures.",
        "",
        "| input | step | time (s) | peak memory (MB) | ours / plain | target | same figures |",
        "|---|---|---|---|---|---|---|",
    ]
    labels = {"plain_filter": "plain DuckDB SQL, `FILTER (WHERE mark IN ...)`",
              "plain_join": "plain DuckDB SQL, join to a code table"}
    for fmt, target in (("parquet", "< 5 s"), ("csv", "< 30 s")):
        ours = results[(fmt, "ours")]
        fastest = min(results[(fmt, w)]["seconds"] for w in labels)
        lines.append(f"| {fmt} ({generation[fmt + '_mb']:,.0f} MB) | ours: marks -> term aggregates -> "
                     f"year to date -> summaries | {ours['seconds']:.2f} ({', '.join(map(str, ours['all']))}) | "
                     f"{ours['peak_mb']:,.0f} | {ours['seconds'] / fastest:.2f}x | {target}, < 2 GB, <= 1.2x | "
                     f"{'yes' if results[(fmt, 'same')] else 'NO'} |")
        for which, label in labels.items():
            plain = results[(fmt, which)]
            lines.append(f"| {fmt} | {label} | {plain['seconds']:.2f} ({', '.join(map(str, plain['all']))}) | "
                         f"{plain['peak_mb']:,.0f} | | | |")
    lines += [
        "",
        f"Generating the marks (`pmereport.synth.marks.write_marks`): Parquet {generation['parquet']:.1f} s, "
        f"CSV {generation['csv']:.1f} s.",
        "",
        "Reproduce: `PYTHONPATH=. python bench/bench_attendance.py` (add `--pupils 250000` for `large`).",
        "",
    ]
    args.results.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
