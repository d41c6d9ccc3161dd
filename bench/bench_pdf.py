"""Time the PDF step alone: WeasyPrint on a finished report.html, stock or as ``report.pdf`` makes it.

    .venv/bin/python bench/bench_pdf.py RUN_DIR [RUN_DIR ...] [--repeats 3]

RUN_DIR is a run folder holding report.html (``pmereport run ... --out RUN_DIR``). For each
report.html it times two ways of making the PDF, each in a fresh child process (as in a real run:
one PDF per process), alternating the two so that a change of machine load hits both alike:

- ``stock``: ``weasyprint.HTML(...).write_pdf(pdf_variant="pdf/ua-1")``, what report.pdf did
  before issue 7;
- ``report``: ``pmereport.report.pdf.write_pdf``, what it does now.

It prints, per HTML and way, the median and the single runs of CPU time (user + system of the
child) and wall time, excluding the import of WeasyPrint (timed separately), the load average
before and after, and whether the two PDFs are byte-identical. Timings on a shared machine are
noisy: prefer CPU time and quote the load average.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WAYS = ("stock", "report")


def _child(way: str, html_path: str, pdf_path: str) -> None:
    """Child process: import WeasyPrint, make one PDF, print the times as JSON."""
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    import weasyprint

    from pmereport.report.pdf import _source_date_epoch, write_pdf

    imported_wall, imported_cpu = time.perf_counter(), time.process_time()
    html_text = Path(html_path).read_text(encoding="utf-8")
    if way == "stock":
        import datetime as dt

        with _source_date_epoch(dt.datetime(2000, 1, 1)):
            weasyprint.HTML(string=html_text, base_url=str(Path(pdf_path).parent)).write_pdf(
                pdf_path, pdf_variant="pdf/ua-1")
    else:
        write_pdf(html_text, pdf_path)
    print(json.dumps({"import_wall": imported_wall - start_wall, "import_cpu": imported_cpu - start_cpu,
                      "wall": time.perf_counter() - imported_wall, "cpu": time.process_time() - imported_cpu}))


def _run(way: str, html_path: Path, pdf_path: Path) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", way, str(html_path), str(pdf_path)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def bench(run_dirs: list[str], repeats: int) -> None:
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        for run_dir in run_dirs:
            html_path = Path(run_dir) / "report.html"
            times: dict[str, list[dict]] = {way: [] for way in WAYS}
            for _ in range(repeats):
                for way in WAYS:
                    times[way].append(_run(way, html_path, Path(tmp) / f"{way}.pdf"))
            same = _digest(Path(tmp) / "stock.pdf") == _digest(Path(tmp) / "report.pdf")
            print(f"\n{html_path} ({html_path.stat().st_size:,} bytes); stock and report PDFs "
                  f"{'byte-identical' if same else 'DIFFER'}")
            for way in WAYS:
                runs = times[way]
                cpu = [r["cpu"] for r in runs]
                wall = [r["wall"] for r in runs]
                imp = statistics.median(r["import_cpu"] for r in runs)
                print(f"  {way:6s} CPU {statistics.median(cpu):.2f} s ({', '.join(f'{x:.2f}' for x in cpu)}); "
                      f"wall {statistics.median(wall):.2f} s ({', '.join(f'{x:.2f}' for x in wall)}); "
                      f"import CPU {imp:.2f} s")
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        _child(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dirs", nargs="+")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    bench(args.run_dirs, args.repeats)


if __name__ == "__main__":
    main()
