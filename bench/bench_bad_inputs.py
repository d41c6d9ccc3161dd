"""Benchmark: huge files are refused by the size and line limits, not by running out of memory.

Each step runs in a fresh process and reports its wall time and peak resident memory:

- baseline: import pmereport's validator (pandas, pandera) and do nothing else;
- one line of 150 MB (real bytes, under the 200 MB file limit): refused by the 1 MB line limit,
  found by a scan that reads 1 MB at a time;
- one line of 300 MB (a sparse file): refused by the file size limit before any byte is read.

Target (issue 8): each refusal costs no more memory than the baseline plus a few MB.
Writes bench/RESULTS-bad-inputs.md.

    PYTHONPATH=. python bench/bench_bad_inputs.py [--out /tmp/pmereport-bench-bad]
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

CHILD = """
import json, resource, sys, time
from pmereport.contract.validate import load_extract
t = time.perf_counter()
message = load_extract(sys.argv[1], "cases").file_errors[0] if sys.argv[1] != "-" else ""
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "message": message}))
"""


def _one_line(folder: Path, size_mb: int, sparse: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cases.csv"
    with path.open("wb") as handle:
        handle.write(b"case_id,pupil_id,")
        if sparse:
            handle.truncate(size_mb * 2**20)
        else:
            block = b"x" * 2**20
            for _ in range(size_mb):
                handle.write(block)
    return folder


def _run(arg: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, arg], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="/tmp/pmereport-bench-bad")
    out = Path(parser.parse_args().out)
    steps = [("baseline: import the validator", "-"),
             ("one line of 150 MB (line limit)", str(_one_line(out / "line", 150, sparse=False))),
             ("one line of 300 MB, sparse (size limit)", str(_one_line(out / "size", 300, sparse=True)))]
    rows = [(name, _run(arg)) for name, arg in steps]
    base = rows[0][1]["peak_mb"]
    lines = ["# Benchmark results: huge inputs are refused without loading them", "",
             f"Written by `bench/bench_bad_inputs.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. "
             f"Python {platform.python_version()}; each step in a fresh process; peak = peak resident set size.", "",
             "| step | wall time (s) | peak memory (MB) | above baseline (MB) | message |", "|---|---:|---:|---:|---|"]
    for name, r in rows:
        message = r["message"].replace(str(out), "DIR")
        lines.append(f"| {name} | {r['wall']:.2f} | {r['peak_mb']:.0f} | {r['peak_mb'] - base:.0f} | {message} |")
    lines += ["", "Target: a refusal costs no more than the baseline plus a few MB "
              f"(largest extra: {max(r['peak_mb'] for _, r in rows) - base:.0f} MB).", "",
              "Reproduce: `PYTHONPATH=. python bench/bench_bad_inputs.py`."]
    Path(__file__).with_name("RESULTS-bad-inputs.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
