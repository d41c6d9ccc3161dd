"""Benchmark: the monthly operational pack end to end, stage by stage, and against a compute-only baseline.

For each size (``small``, ``county``, ``large`` synthetic data, seed 1) it measures, each in a fresh
process so that peak memory is that step's own:

- **pack**: ``pmereport run parameters/monthly.yaml`` end to end with an empty run cache (a first
  run: everything validated and computed; wall time, CPU time of the whole process tree, peak
  memory: the largest sum of resident memory over the process tree, sampled every 0.05 s, and the
  largest single-process high-water mark);
- **rerun**: the same, again into the same folder, with one parameter changed (``months: 12``),
  the cache holding what the first run stored (report/cache.py): the monthly notebook runs again,
  the triggers notebook is reused (checked from the run's manifest);
- **unchanged**: once more with the changed parameters (every input as in the re-run before it);
- **stages**: the pipeline's pieces called one by one in one process, as ``report/run.py`` calls
  them: read + validate, the Parquet cache, each notebook through papermill, tables.xlsx,
  report.html, report.pdf;
- **baseline**: the same analyses with no notebooks and no report rendering: the notebooks' code
  cells run directly in one Python process (no kernel; nothing written; no HTML, PDF or Excel
  file). The cells still build their tables and charts in memory (suppression, SVG), so this is a
  slightly generous baseline; the time spent inside ``pmereport.metrics`` and ``pmereport.models``
  functions (the pure computation) is counted apart.

Every figure is the median of ``--repeats`` runs; the load average is recorded beside each (the
machine is shared). Results go to ``bench/pack-results.json`` (raw) and ``bench/RESULTS-pack.md``.

    PYTHONPATH=. python bench/bench_pack.py [--sizes small county large] [--repeats 3]
    PYTHONPATH=. python bench/bench_pack.py --profile county   # pyinstrument profiles -> bench/profiles/
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PARAMS = REPO / "parameters" / "monthly.yaml"
RAW = REPO / "bench" / "pack-results.json"
RESULTS = REPO / "bench" / "RESULTS-pack.md"
PROFILES = REPO / "bench" / "profiles"
SIZES = ("small", "county", "large")
TARGETS = {"county": 30.0, "large": 60.0}  # seconds end to end (issue 7)


# ----------------------------------------------------------------------------------------------
# helpers run inside the child processes
# ----------------------------------------------------------------------------------------------

def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _changed_params(work: Path) -> Path:
    """A copy of monthly.yaml with absolute paths and one parameter changed (months 24 -> 12)."""
    import yaml

    data = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    data["la"] = str((PARAMS.parent / data["la"]).resolve())
    for nb in data["notebooks"]:  # notebook parameters stay as written: their paths are relative to
        nb["path"] = str((PARAMS.parent / nb["path"]).resolve())  # the notebooks folder, not this file
    data["notebooks"][0]["parameters"]["months"] = 12
    path = work / "monthly-changed.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def stages(data_dir: Path, work: Path) -> dict:
    """Time each piece of one run, called as report/run.py calls it (one process)."""
    import datetime as dt
    import shutil

    t0 = time.perf_counter()
    from pmereport.contract.dataset import load, save_cache
    from pmereport.report import run as R
    from pmereport.report.excel import WorkbookInfo, write_workbook
    from pmereport.report.html import Cover, build_html
    from pmereport.report.notebooks import NotebookJob, NotebookRunner
    from pmereport.report.pdf import write_pdf
    from pmereport.report.publish import read_registry
    out = {"import_s": time.perf_counter() - t0}

    params = R.read_params(PARAMS)
    shutil.rmtree(work, ignore_errors=True)
    (work / "notebooks").mkdir(parents=True)
    (work / "tables").mkdir()
    (work / ".publish").mkdir()
    t = time.perf_counter()
    ds = load(data_dir)
    out["read_validate_s"] = time.perf_counter() - t
    t = time.perf_counter()
    save_cache(ds, work / R.DATASET_CACHE)
    out["cache_write_s"] = time.perf_counter() - t
    del ds
    jobs = []
    for spec in params.notebooks:  # one at a time here, to time each (a run does them at once)
        job = NotebookJob(spec.path, R.notebook_parameters(spec, params, data_dir, work), work)
        runner = NotebookRunner(work / R.DATASET_CACHE, params.timeout, work, 1, lambda m: None)
        t = time.perf_counter()
        runner.start([job])
        runner.data_ready()
        runner.wait()
        if job.error is not None:
            raise job.error
        out[f"notebook_{spec.name}_s"] = time.perf_counter() - t
        jobs.append(job)
    executed = [job.executed for job in jobs]
    produced = dt.date(2026, 11, 23)
    la = params.la
    tables = [item["table"] for item in read_registry(work, [job.registry for job in jobs]) if item["kind"] == "table"]
    t = time.perf_counter()
    write_workbook(tables, work / "tables.xlsx", WorkbookInfo(
        title=params.title, period=params.period, source=params.source_note, la_name=la.get("name", ""),
        produced=produced, marking=la.get("protective_marking", "OFFICIAL"), contact=la.get("contact")))
    out["excel_s"] = time.perf_counter() - t
    t = time.perf_counter()
    html_text = build_html(executed, Cover(
        la_name=la.get("name", ""), title=params.title, period=params.period, produced="23 November 2026",
        marking=la.get("protective_marking", "OFFICIAL"), contact=la.get("contact"),
        source_note=params.source_note, data_notes=(), internal=params.audience == "internal"))
    out["html_s"] = time.perf_counter() - t
    t = time.perf_counter()
    write_pdf(html_text, work / "report.pdf", stamp=dt.datetime(2026, 11, 23))
    out["pdf_s"] = time.perf_counter() - t
    out["tables"] = len(tables)
    out["peak_rss_parent_mb"] = _peak_rss_mb()
    shutil.rmtree(work, ignore_errors=True)
    return out


class _StageClock:
    """Wraps every function of pmereport.metrics.* and pmereport.models.* so that the time spent in
    them (outermost call only, so nested calls are not counted twice) is summed per layer."""

    def __init__(self):
        self.seconds = {"metrics": 0.0, "models": 0.0}
        self.depth = 0

    def install(self) -> None:
        import importlib
        import inspect
        import pkgutil

        import pmereport.metrics
        import pmereport.models
        for package, layer in ((pmereport.metrics, "metrics"), (pmereport.models, "models")):
            names = [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
            for name in [package.__name__, *names]:
                module = importlib.import_module(name)
                for attr, fn in list(vars(module).items()):
                    if inspect.isfunction(fn) and fn.__module__ == name:
                        setattr(module, attr, self._wrap(fn, layer))

    def _wrap(self, fn, layer):
        import functools

        @functools.wraps(fn)
        def timed(*args, **kwargs):
            if self.depth:
                return fn(*args, **kwargs)
            self.depth += 1
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[layer] += time.perf_counter() - t
                self.depth -= 1
        return timed


def notebook_code(path: Path) -> list[str]:
    import nbformat

    return [c.source for c in nbformat.read(str(path), as_version=4).cells if c.cell_type == "code"]


def baseline(data_dir: Path, profile: Path | None = None) -> dict:
    """The pack's analyses with no notebooks and no rendering: the code cells of each notebook run
    in this process in order (parameters as ``pmereport run`` injects them; run_dir None so nothing
    is written), the data read and validated once and shared, exactly as the pack does."""
    t0 = time.perf_counter()
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import IPython.display
    from pmereport.contract.dataset import load
    from pmereport.report import run as R
    IPython.display.display = lambda *a, **k: None  # nothing is shown: no kernel, no output
    clock = _StageClock()
    clock.install()
    out = {"import_s": time.perf_counter() - t0}
    params = R.read_params(PARAMS)
    t = time.perf_counter()
    ds = load(data_dir)
    out["read_validate_s"] = time.perf_counter() - t
    import pmereport.contract.dataset as dataset_module
    shared = lambda *a, **k: ds  # noqa: E731 - the notebooks' load(data_dir) gets the validated data

    profiler = None
    if profile is not None:
        from pyinstrument import Profiler
        profiler = Profiler(interval=0.005)
        profiler.start()
    t = time.perf_counter()
    for spec in params.notebooks:
        injected = R.notebook_parameters(spec, params, data_dir, Path("/nonexistent"))
        injected["run_dir"] = None
        namespace = {"__name__": "__main__"}
        cells = notebook_code(spec.path)
        ts = time.perf_counter()
        exec(compile(cells[0], f"{spec.name}[0]", "exec"), namespace)
        namespace.update(injected)
        dataset_module.load = shared
        for i, source in enumerate(cells[1:], 1):
            source = source.replace("from pmereport.contract.dataset import load", "load = __shared_load__")
            namespace["__shared_load__"] = shared
            exec(compile(source, f"{spec.name}[{i}]", "exec"), namespace)
        plt.close("all")
        out[f"analysis_{spec.name}_s"] = time.perf_counter() - ts
    out["analysis_s"] = time.perf_counter() - t
    if profiler is not None:
        profiler.stop()
        profile.parent.mkdir(parents=True, exist_ok=True)
        profile.write_text(profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8")
    out["metrics_s"] = clock.seconds["metrics"]
    out["models_s"] = clock.seconds["models"]
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def profile_run(data_dir: Path, work: Path, target: Path) -> None:
    """pyinstrument over a whole ``run_report`` in this process (the parent: validation, waiting on
    the kernels, HTML, PDF, Excel)."""
    import shutil

    from pyinstrument import Profiler

    from pmereport.report.run import run_report
    profiler = Profiler(interval=0.005)
    profiler.start()
    run_report(PARAMS, data_dir, work / "out", use_cache=False)  # a first run
    profiler.stop()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


# ----------------------------------------------------------------------------------------------
# the driver
# ----------------------------------------------------------------------------------------------

def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO), "MPLBACKEND": "Agg"}


def _pss_mb(pid: int) -> float:
    """Proportional set size (shared pages split between the processes sharing them), from
    /proc/PID/smaps_rollup: sums over a process tree without counting shared libraries twice."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _tree_memory(proc, peaks: dict, cpu: dict) -> tuple[float, float]:
    """(RSS summed over the tree, PSS summed over the tree) now, in MB; ``peaks`` keeps each
    process's largest RSS seen, ``cpu`` its latest CPU time (user + system, own threads only)."""
    import psutil
    rss = pss = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            r = p.memory_info().rss / 2**20
            pss += _pss_mb(p.pid)
            times = p.cpu_times()
        except (psutil.Error, OSError):
            continue
        rss += r
        peaks[p.pid] = max(peaks.get(p.pid, 0.0), r)
        cpu[p.pid] = times.user + times.system
    return rss, pss


def measured(cmd: list[str]) -> dict:
    """Run ``cmd``; wall time, peak memory of the tree sampled every 0.05 s (RSS summed, which
    counts shared libraries once per process; PSS summed, which does not; the largest single
    process's RSS) and the 1-minute load average at the start."""
    import psutil

    load_before = os.getloadavg()[0]
    t = time.perf_counter()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=REPO, env=_env(), stdout=log, stderr=subprocess.STDOUT)
    watched = psutil.Process(proc.pid)
    peak = peak_pss = 0.0
    peaks: dict[int, float] = {}
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        try:
            rss, pss = _tree_memory(watched, peaks, cpu)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - t
    log.seek(0)
    output = log.read().decode(errors="replace")
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{output[-3000:]}")
    return {"wall_s": wall, "peak_tree_mb": peak, "peak_tree_pss_mb": peak_pss,
            "peak_one_process_mb": max(peaks.values(), default=0.0), "cpu_tree_sampled_s": sum(cpu.values()),
            "processes": len(peaks), "load_1min": load_before,
            "output": output[-2000:]}


def run_child(function: str, *args: str) -> dict:
    """Run one function of this script in a fresh Python; returns its JSON result plus wall, CPU
    and peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = measured([sys.executable, str(Path(__file__).resolve()), "--child", function, *args])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    payload = [line for line in result.pop("output").splitlines() if line.startswith("RESULT ")]
    if payload:
        result.update(json.loads(payload[-1][len("RESULT "):]))
    return result


def run_cli(args: list[str]) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = measured([sys.executable, "-m", "pmereport", *args])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    result.pop("output")
    return result


def _notebooks_run(out: Path) -> list[str]:
    """The notebooks a finished run executed (the others were reused from the run cache)."""
    notebooks = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["notebooks"]
    return sorted(name for name, entry in notebooks.items() if not entry["reused"])


def ensure_data(size: str, work: Path) -> Path:
    data = work / f"data-{size}"
    if not (data / "cases.csv").exists() and not any(data.glob("cases.*")):
        subprocess.run([sys.executable, "-m", "pmereport", "synth", "--out", str(data), "--size", size,
                        "--seed", "1"], cwd=REPO, env=_env(), check=True)
    return data


def bench_size(size: str, work: Path, repeats: int, raw: dict) -> None:
    data = ensure_data(size, work)
    rows = raw.setdefault(size, {})
    rows["input_mb"] = sum(p.stat().st_size for p in data.rglob("*") if p.is_file()) / 2**20
    out = work / f"out-{size}"
    changed = _changed_params(work)
    cache = work / f"cache-{size}"
    for kind in ("pack", "rerun", "unchanged", "stages", "baseline"):
        rows[kind] = []
    for i in range(repeats):
        print(f"[{size}] repeat {i + 1}/{repeats}", flush=True)
        shutil.rmtree(cache, ignore_errors=True)  # a first run: nothing to reuse
        common = ["--data", str(data), "--out", str(out), "--cache", str(cache)]
        for kind, params in (("pack", PARAMS), ("rerun", changed), ("unchanged", changed)):
            rows[kind].append({**run_cli(["run", str(params), *common]), "reran": _notebooks_run(out)})
            print(f"  {kind}", round(rows[kind][-1]["wall_s"], 1), "ran", rows[kind][-1]["reran"], flush=True)
        if rows["rerun"][-1]["reran"] != ["monthly.ipynb"]:  # the figure must be what its name says
            raise SystemExit(f"the re-run with one changed parameter ran {rows['rerun'][-1]['reran']}, "
                             f"not monthly.ipynb alone")
        rows["stages"].append(run_child("stages", str(data), str(work / f"stages-{size}")))
        print("  stages", round(rows["stages"][-1]["wall_s"], 1), flush=True)
        rows["baseline"].append(run_child("baseline", str(data)))
        print("  baseline", round(rows["baseline"][-1]["wall_s"], 1), flush=True)
        RAW.write_text(json.dumps(raw, indent=1))


# ----------------------------------------------------------------------------------------------
# RESULTS-pack.md
# ----------------------------------------------------------------------------------------------

def _median(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def _fmt(value, digits=1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def machine() -> str:
    import pandas
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal")) / 2**20
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem:.0f} GB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, pandas {pandas.__version__}")


def write_results(raw: dict) -> None:
    lines = [
        "# Benchmark: the monthly pack end to end, by stage, and against a compute-only baseline",
        "",
        f"Written by `bench/bench_pack.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC "
        f"(raw figures: `bench/pack-results.json`).",
        "",
        f"Machine: {machine()}. **Shared** with other engineers' jobs while this ran: the 1-minute "
        "load average at the start of each measurement is given beside it (2.0 means both cores were "
        f"already busy). Each figure is the **median of {raw.get('repeats', '?')} runs**, each run in a fresh process.",
        "",
        "## End to end: `pmereport run parameters/monthly.yaml` (monthly + triggers notebooks, HTML, PDF, Excel)",
        "",
        "| size | input (MB) | wall (s) | CPU, reaped children (s; leaves out the kernels, see PSS table) | peak memory, tree RSS sum (MB) | load avg | target | met? | "
        "re-run, one parameter changed (s) | re-run, unchanged (s) | baseline (s) | pack / baseline |",
        "|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|",
    ]
    for size in SIZES:
        if size not in raw or not raw[size].get("pack"):
            continue
        r = raw[size]
        wall, base = _median(r["pack"], "wall_s"), _median(r["baseline"], "wall_s")
        target = TARGETS.get(size)
        met = "" if target is None else ("yes" if wall < target else "**no**")
        lines.append(f"| {size} | {r['input_mb']:.0f} | {_fmt(wall)} | {_fmt(_median(r['pack'], 'cpu_s'))} | "
                     f"{_fmt(_median(r['pack'], 'peak_tree_mb'), 0)} | {_fmt(_median(r['pack'], 'load_1min'), 2)} | "
                     f"{'' if target is None else f'< {target:.0f} s'} | {met} | {_fmt(_median(r['rerun'], 'wall_s'))} | "
                     f"{_fmt(_median(r.get('unchanged', []), 'wall_s'))} | {_fmt(base)} | {_fmt(wall / base if base else None, 2)} |")
    memory = [s for s in SIZES if raw.get(s, {}).get("pack_memory")]
    if memory:
        lines += ["", "## Peak memory of the pack, measured again with PSS (`--memory`)", "",
                  "RSS summed over the process tree (the table above) counts the shared libraries "
                  "(numpy, pandas, pyarrow...) once per process; PSS splits shared pages between the processes "
                  "sharing them, so its sum is the memory the run really holds at once.", "",
                  "CPU here is sampled from every process of the tree (the kernels included; the last "
                  "0.05 s of each is missed), whereas the CPU column above comes from the operating system's "
                  "accounting of reaped children, which turned out to leave out the notebook kernels.", "",
                  "| size | runs | tree PSS sum (MB) | largest single process RSS (MB) | tree RSS sum (MB) | wall (s) | "
                  "CPU, all processes (s) | load avg |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for size in memory:
            m = raw[size]["pack_memory"]
            lines.append(f"| {size} | {len(m)} | {_fmt(_median(m, 'peak_tree_pss_mb'), 0)} | "
                         f"{_fmt(_median(m, 'peak_one_process_mb'), 0)} | {_fmt(_median(m, 'peak_tree_mb'), 0)} | "
                         f"{_fmt(_median(m, 'wall_s'))} | {_fmt(_median(m, 'cpu_tree_sampled_s'))} | "
                         f"{_fmt(_median(m, 'load_1min'), 2)} |")
    lines += ["", "## Stage by stage (one process calling the pieces as `report/run.py` does)", "",
              "| size | import (s) | read + validate (s) | Parquet cache (s) | notebook monthly (s) | notebook triggers (s) "
              "| Excel (s) | HTML (s) | PDF (s) | load avg |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size in SIZES:
        if size not in raw or not raw[size].get("stages"):
            continue
        s = raw[size]["stages"]
        keys = ["import_s", "read_validate_s", "cache_write_s", "notebook_monthly_s", "notebook_triggers_s",
                "excel_s", "html_s", "pdf_s"]
        lines.append(f"| {size} | " + " | ".join(_fmt(_median(s, k), 2) for k in keys)
                     + f" | {_fmt(_median(s, 'load_1min'), 2)} |")
    lines += ["", "## Compute-only baseline (notebook code run directly in one process: no kernel, no report files)", "",
              "The cells still build their tables and charts in memory; the pure computation is the "
              "time inside `pmereport.metrics` and `pmereport.models` functions (columns 6 and 7).", "",
              "| size | wall incl. start-up (s) | import (s) | read + validate (s) | analyses, all (s) | of which in "
              "`metrics` (s) | of which in `models` (s) | monthly code (s) | triggers code (s) | peak RSS (MB) | load avg |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size in SIZES:
        if size not in raw or not raw[size].get("baseline"):
            continue
        b = raw[size]["baseline"]
        keys = ["wall_s", "import_s", "read_validate_s", "analysis_s", "metrics_s", "models_s",
                "analysis_monthly_s", "analysis_triggers_s"]
        lines.append(f"| {size} | " + " | ".join(_fmt(_median(b, k), 2) for k in keys)
                     + f" | {_fmt(_median(b, 'peak_rss_mb'), 0)} | {_fmt(_median(b, 'load_1min'), 2)} |")
    grown = [s for s in SIZES if s in raw and raw[s].get("pack")]
    if len(grown) >= 2:
        lines += ["", "## How cost grows with size", ""]
        first = grown[0]
        for size in grown[1:]:
            ratio_in = raw[size]["input_mb"] / raw[first]["input_mb"]
            ratio_wall = _median(raw[size]["pack"], "wall_s") / _median(raw[first]["pack"], "wall_s")
            ratio_val = (_median(raw[size]["stages"], "read_validate_s")
                         / _median(raw[first]["stages"], "read_validate_s"))
            lines.append(f"- {first} -> {size}: input x{ratio_in:.1f}, pack wall time x{ratio_wall:.1f}, "
                         f"read + validate x{ratio_val:.1f}.")
        if {"county", "large"} <= set(grown):
            ratio_in = raw["large"]["input_mb"] / raw["county"]["input_mb"]
            ratio_wall = _median(raw["large"]["pack"], "wall_s") / _median(raw["county"]["pack"], "wall_s")
            verdict = "no faster than" if ratio_wall <= ratio_in * 1.05 else "**faster than**"
            lines.append(f"- county -> large: the pack's wall time grows {verdict} the input "
                         f"(x{ratio_wall:.1f} for x{ratio_in:.1f} the data).")
    lines += targets_table(raw)
    notes = REPO / "bench" / "RESULTS-pack-notes.md"
    if notes.is_file():
        lines += ["", notes.read_text(encoding="utf-8").rstrip()]
    lines += ["", "Reproduce: `.venv/bin/python bench/bench_pack.py --sizes small county large "
              "--repeats 3` (data generated into `--work`, default /tmp/pmereport-bench-pack); profiles: "
              "`... bench/bench_pack.py --profile county` (needs `pip install pyinstrument`, a bench-only tool)."]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def targets_table(raw: dict) -> list[str]:
    """Issue 7's targets against the medians above (met or not, worked out here, not by hand)."""
    rows = []

    def add(target: str, value: float | None, limit: float, unit: str, where: str) -> None:
        if value is not None:
            met = "yes" if value < limit else "**no**"
            rows.append(f"| {target} | {value:,.{2 if unit == '' else 1}f}{unit} ({where}) | {met} |")

    for size, limit in TARGETS.items():
        if raw.get(size, {}).get("pack"):
            add(f"{size} monthly pack under {limit:.0f} s end to end (first run, empty cache)",
                _median(raw[size]["pack"], "wall_s"), limit, " s", "median")
    for size in SIZES:
        memory = raw.get(size, {}).get("pack_memory")
        if memory:
            add(f"{size}: peak memory under 2 GB (PSS summed over the process tree)",
                _median(memory, "peak_tree_pss_mb") / 1024, 2.0, " GB", f"median of {len(memory)}")
    for size in ("county", "large"):
        if raw.get(size, {}).get("rerun"):
            add(f"{size}: re-run, one parameter changed, under 10 s", _median(raw[size]["rerun"], "wall_s"),
                10.0, " s", "median")
    for size in ("county", "large"):
        r = raw.get(size, {})
        if r.get("pack") and r.get("baseline"):
            add(f"{size}: pack / compute-only baseline under 1.5",
                _median(r["pack"], "wall_s") / _median(r["baseline"], "wall_s"), 1.5, "", "ratio of medians")
    if not rows:
        return []
    return ["", "## Against the targets (issue 7), from the figures above", "",
            "| target | measured | met? |", "|---|---|---|", *rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=SIZES)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/pmereport-bench-pack"))
    parser.add_argument("--profile", choices=SIZES, help="write pyinstrument profiles for this size and stop")
    parser.add_argument("--memory", action="store_true",
                        help="only the pack's peak memory (PSS), --repeats runs per size, kept beside the other figures")
    parser.add_argument("--write-only", action="store_true", help="rewrite RESULTS-pack.md from the raw JSON")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, *rest = args.child
        if name == "stages":
            result = stages(Path(rest[0]), Path(rest[1]))
        elif name == "baseline":
            result = baseline(Path(rest[0]), Path(rest[1]) if len(rest) > 1 else None)
        elif name == "profile_run":
            profile_run(Path(rest[0]), Path(rest[1]), Path(rest[2]))
            result = {}
        print("RESULT " + json.dumps(result), flush=True)
        return
    args.work.mkdir(parents=True, exist_ok=True)
    raw = json.loads(RAW.read_text()) if RAW.is_file() else {}
    if args.write_only:
        write_results(raw)
        return
    if args.memory:
        for size in args.sizes:
            data = ensure_data(size, args.work)
            runs = raw.setdefault(size, {})["pack_memory"] = []
            for _ in range(args.repeats):
                runs.append(run_cli(["run", str(PARAMS), "--data", str(data), "--out", str(args.work / f"out-{size}"),
                                     "--no-cache"]))  # a first run
                print(size, {k: round(v, 1) for k, v in runs[-1].items()}, flush=True)
                RAW.write_text(json.dumps(raw, indent=1))
        write_results(raw)
        return
    if args.profile:
        data = ensure_data(args.profile, args.work)
        run_child("baseline", str(data), str(PROFILES / f"{args.profile}-analyses.txt"))
        run_child("profile_run", str(data), str(args.work / "profile-run"), str(PROFILES / f"{args.profile}-run.txt"))
        print(f"profiles written to {PROFILES}")
        return
    raw["repeats"] = args.repeats
    for size in args.sizes:
        bench_size(size, args.work, args.repeats, raw)
        write_results(raw)
    print(f"results written to {RESULTS}")


if __name__ == "__main__":
    main()
