"""One report run: parameters YAML + data folder -> the run folder of DESIGN.md section 2.

    outputs/<report>-<period_end>/
        manifest.json  quality.json  report.html  report.pdf  tables.xlsx  tables/*.csv
        figures/*.svg  notebooks/*.ipynb

A report whose notebooks read no contract extracts (e.g. one built only from published DfE files)
says ``data_dir: null`` in its YAML: then no data folder is needed, contract validation is skipped,
and the manifest and quality.json say so. Leaving ``data_dir`` out is still an error (a forgotten
setting should not silently skip validation).

The run is built in a hidden temporary folder next to the destination (its manifest says
``"status": "running"`` until the end) and renamed into place only when everything has worked, so
a run killed part-way leaves nothing that claims to be complete. A failed run is moved to
``<name>.failed/`` with ``"status": "failed"``, the failing step, notebook and cell in its manifest
and the partly executed notebook kept, and ``ReportRunError`` is raised (the CLI exits non-zero).
A lock file ``<name>.lock`` (report/lock.py) stops two runs writing to one folder at once.
All notebooks are run by this one Python process (papermill; DESIGN.md section 3), at the same
time where the machine has the cores (report/notebooks.py). What a re-run can reuse (validated
data, executed notebooks, the PDF of unchanged HTML) is kept in a cache folder (report/cache.py).
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import yaml

from . import manifest as mf
from .cache import RunCache, data_key, default_root, file_hashes, notebook_key, pdf_key
from .lock import RunLocked, acquire as acquire_lock, release as release_lock
from .notebooks import PUBLISH_FOLDER, NotebookJob, NotebookRunner, restore_from_cache, store_in_cache
from .pdf import PdfEngineUnavailable, preload as preload_pdf, write_pdf

if TYPE_CHECKING:
    from ..contract.dataset import Dataset

# The heavy modules (pandas, pandera, nbconvert, openpyxl, papermill: seconds of imports) are
# imported where they are used, so that the notebook kernels are started first and the parent's
# imports overlap the kernels' own (issue 7).

REQUIRED_NOTEBOOK_PARAMETERS = ("data_dir", "period_end", "run_dir")
NO_DATA_NOTE = ("no data folder: the parameters file sets data_dir: null (its notebooks read no contract "
                "extracts), so contract validation was skipped")
OPTIONAL_NOTEBOOK_PARAMETERS = ("la", "suppress_below", "audience")
AUDIENCES = ("board", "internal")  # board: aggregates only; internal: pupil-level rows allowed
DEFAULT_TIMEOUT = 600  # seconds per cell
DEFAULT_MAX_REJECTED_SHARE = 0.05
DATASET_CACHE = ".dataset"  # validated extracts shared with the notebooks when the run cache is off


class ReportRunError(RuntimeError):
    """The run failed; the message says which step and why. Nothing complete-looking is left."""


@dataclass
class NotebookSpec:
    path: Path
    parameters: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.stem


@dataclass
class ReportParams:
    """The parameters YAML, with paths resolved against the YAML file's folder."""

    path: Path
    report: str
    title: str
    period_end: dt.date
    data_dir: Path | None
    la: dict
    notebooks: list[NotebookSpec]
    source_note: str = ""
    period_label: str | None = None
    timeout: int = DEFAULT_TIMEOUT
    needs_data: bool = True     # False when the YAML says data_dir: null
    audience: str = "board"     # "internal": the report may hold pupil-level rows (see publish)

    @property
    def period(self) -> str:
        from ..present.narrative import position_at

        return self.period_label or position_at(self.period_end)

    def as_dict(self) -> dict:
        return {"params_file": str(self.path), "report": self.report, "title": self.title,
                "period_end": self.period_end.isoformat(), "la": self.la, "source_note": self.source_note,
                "notebooks": [{"path": str(n.path), "parameters": n.parameters} for n in self.notebooks],
                "timeout": self.timeout, "needs_data": self.needs_data, "audience": self.audience}


def _load_yaml(path: Path) -> dict:
    if not path.is_file():
        raise ReportRunError(f"parameters file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ReportRunError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ReportRunError(f"{path}: expected a mapping of settings at the top level")
    return data


def _resolve(base: Path, value) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def read_params(params_path: str | Path) -> ReportParams:
    """Read and check a report parameters YAML (see parameters/board.yaml for the layout)."""
    path = Path(params_path).resolve()
    data = _load_yaml(path)
    missing = [k for k in ("report", "title", "period_end", "notebooks") if k not in data]
    if missing:
        raise ReportRunError(f"{path}: missing setting(s) {', '.join(missing)}")
    try:
        period_end = dt.date.fromisoformat(str(data["period_end"]))
    except ValueError:
        raise ReportRunError(f"{path}: period_end {data['period_end']!r} is not a date (YYYY-MM-DD)") from None
    la = data.get("la") or {}
    la_folder = path.parent
    if isinstance(la, str):
        la_path = _resolve(path.parent, la)
        la, la_folder = _load_yaml(la_path), la_path.parent
    la = _resolve_terms(la, la_folder, path)
    audience = str(data.get("audience", "board"))
    if audience not in AUDIENCES:
        raise ReportRunError(f"{path}: audience {audience!r} must be one of {', '.join(AUDIENCES)}")
    if data.get("protective_marking"):  # a report may be marked higher than the LA's default
        la = {**la, "protective_marking": str(data["protective_marking"])}
    notebooks = []
    for i, item in enumerate(data["notebooks"] or []):
        item = {"path": item} if isinstance(item, str) else dict(item)
        if "path" not in item:
            raise ReportRunError(f"{path}: notebooks[{i}] needs a path")
        nb_path = _resolve(path.parent, item["path"])
        if not nb_path.is_file():
            raise ReportRunError(f"{path}: notebook not found: {nb_path}")
        notebooks.append(NotebookSpec(nb_path, dict(item.get("parameters") or {})))
    if not notebooks:
        raise ReportRunError(f"{path}: no notebooks listed")
    names = [n.name for n in notebooks]
    if len(set(names)) < len(names):
        raise ReportRunError(f"{path}: two notebooks have the same file name ({', '.join(names)})")
    return ReportParams(path=path, report=str(data["report"]), title=str(data["title"]), period_end=period_end,
                        data_dir=_resolve(path.parent, data["data_dir"]) if data.get("data_dir") else None,
                        la=la, notebooks=notebooks, source_note=str(data.get("source_note", "")),
                        period_label=data.get("period_label"), timeout=int(data.get("timeout", DEFAULT_TIMEOUT)),
                        needs_data=not ("data_dir" in data and data["data_dir"] is None), audience=audience)


def _resolve_terms(la: dict, folder: Path, params_path: Path) -> dict:
    """The LA settings with ``terms`` (its term-dates file) made absolute, relative to the folder
    of the file that names it (la.yaml's), so notebooks running elsewhere can read it."""
    if not la.get("terms"):
        return la
    terms = _resolve(folder, la["terms"])
    if not terms.is_file():
        raise ReportRunError(f"{params_path}: la terms file not found: {terms}")
    return {**la, "terms": str(terms)}


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def standard_parameters(params: ReportParams, data_dir: Path | None, run_dir: Path) -> dict:
    """What run_report offers every notebook (each gets those its ``parameters`` cell declares)."""
    return {"data_dir": str(data_dir) if data_dir is not None else None, "period_end": params.period_end.isoformat(),
            "run_dir": str(run_dir), "la": params.la, "suppress_below": params.la.get("suppress_below"),
            "audience": params.audience}


def offered_parameters(spec: NotebookSpec, params: ReportParams, data_dir: Path | None) -> dict:
    """Everything that may be injected into ``spec`` but the run folder: a superset of what is,
    known without reading the notebook's parameters cell (the notebook cache key is made of it)."""
    offered = {k: v for k, v in standard_parameters(params, data_dir, Path()).items() if k != "run_dir"}
    return _jsonable({**offered, **spec.parameters})


def notebook_parameters(spec: NotebookSpec, params: ReportParams, data_dir: Path | None, run_dir: Path) -> dict:
    """The parameters injected into one notebook, checked against its ``parameters`` cell.

    A name the notebook does not declare is an error (papermill would only warn). With no data
    folder (``data_dir: null``) the notebook need not declare ``data_dir``.
    """
    import papermill

    declared = papermill.inspect_notebook(str(spec.path))
    required = [p for p in REQUIRED_NOTEBOOK_PARAMETERS if data_dir is not None or p != "data_dir"]
    absent = [p for p in required if p not in declared]
    unknown = [p for p in spec.parameters if p not in declared]
    if absent or unknown:
        problems = []
        if unknown:
            problems.append(f"unknown parameter(s) {', '.join(map(repr, unknown))} given in {params.path.name}")
        if absent:
            problems.append(f"its parameters cell lacks {', '.join(absent)}")
        names = ", ".join(declared) or "nothing (is a cell tagged 'parameters'?)"
        raise ReportRunError(f"notebook {spec.path.name}: {'; '.join(problems)}. The notebook declares: {names}")
    standard = standard_parameters(params, data_dir, run_dir)
    injected = {k: v for k, v in standard.items() if k in declared and v is not None}
    injected.update(spec.parameters)
    return _jsonable(injected)


def check_data(quality: dict, max_rejected_share: float) -> list[str]:
    """Stop the run if an extract could not be read or lost too many rows; else list what was lost.
    ``quality`` is quality.json's content (``quality_report``)."""
    from ..contract.extracts import EXTRACTS

    fatal, notes = [], []
    for name, result in quality["extracts"].items():
        if result["file_errors"]:
            fatal.append(f"{name}: {'; '.join(result['file_errors'])}")
        elif result["rows_rejected"]:
            share = result["rows_rejected"] / result["rows_read"]
            line = (f"{name} ({EXTRACTS[name].title}): {result['rows_rejected']:,} of {result['rows_read']:,} rows "
                    f"rejected ({share:.1%}) and left out (details in quality.json)")
            (fatal if share > max_rejected_share else notes).append(line)
    if fatal:
        raise ReportRunError("the data folder fails its contract (limit for rejected rows: "
                             f"{max_rejected_share:.0%} per extract):\n  " + "\n  ".join(fatal))
    return notes


def quality_report(ds: Dataset) -> dict:
    """quality.json: ``ds.quality()`` plus every issue (file, row, column, rule, message, value)."""
    issues = ds.issues().astype(object).where(ds.issues().notna(), None)
    return {**ds.quality(), "issues": _jsonable(issues.to_dict("records"))}


def write_outputs(work: Path, params: ReportParams, jobs: list[NotebookJob], produced: dt.date,
                  data_notes: list[str], cache: RunCache | None = None, bodies: dict[int, str] | None = None) -> None:
    """tables.xlsx from the registered tables, then report.html and report.pdf from the notebooks
    (the PDF copied from the cache when this very HTML was rendered before)."""
    from .excel import WorkbookInfo, write_workbook
    from .html import Cover, build_html, external_links
    from .publish import read_registry

    cache = cache or RunCache(None)
    executed = [job.executed for job in jobs]
    registry = [item for item in read_registry(work, [job.registry for job in jobs]) if item["kind"] == "table"]
    pupil_level = [item["table"].name for item in registry if item.get("pupil_level")]
    if pupil_level and params.audience != "internal":  # a notebook that ignored its audience parameter
        raise ReportRunError(f"pupil-level table(s) {', '.join(pupil_level)} in a {params.audience} report: "
                             "only a report with audience: internal may hold them")
    tables = [item["table"] for item in registry]
    la_name = params.la.get("name", "Local authority")
    marking = params.la.get("protective_marking", "OFFICIAL")
    write_workbook(tables, work / "tables.xlsx", WorkbookInfo(
        title=params.title, period=params.period, source=params.source_note, la_name=la_name, produced=produced,
        marking=marking, contact=params.la.get("contact")))
    html_text = build_html(executed, Cover(
        la_name=la_name, title=params.title, period=params.period, produced=f"{produced.day} {produced:%B %Y}",
        marking=marking, contact=params.la.get("contact"), source_note=params.source_note,
        data_notes=tuple(data_notes), internal=params.audience == "internal"), bodies)
    leaks = external_links(html_text)
    if leaks:
        raise ReportRunError(f"report.html links outside itself (it must work offline): {leaks[:3]}")
    (work / "report.html").write_text(html_text, encoding="utf-8")
    stamp = dt.datetime.combine(produced, dt.time())
    key = pdf_key(html_text, stamp)
    cached = cache.pdf(key)
    if cached is not None:
        shutil.copyfile(cached, work / "report.pdf")
        return
    write_pdf(html_text, work / "report.pdf", stamp=stamp)
    cache.store_pdf(key, work / "report.pdf")


def _describe(exc: Exception) -> str:
    """A one-line reason: for a notebook error, the Python error and the cell it came from."""
    if isinstance(exc, (ReportRunError, PdfEngineUnavailable)):
        return str(exc)
    if type(exc).__name__ == "PapermillExecutionError":
        return f"{exc.ename}: {exc.evalue} (in the cell numbered {exc.exec_count})"
    return f"{type(exc).__name__}: {exc}"


def failed_cell(exc: Exception, notebook: Path | None = None) -> dict | None:
    """Where a notebook failed: the cell's 0-based position in the notebook file as written (found by
    its source; papermill's own index also counts the injected-parameters cell), its execution
    count and the first line of its source. None when ``exc`` is not a notebook cell's error."""
    if type(exc).__name__ != "PapermillExecutionError":
        return None
    import nbformat

    source = getattr(exc, "source", "") or ""
    index = getattr(exc, "cell_index", None)
    if notebook is not None and notebook.is_file():
        cells = nbformat.read(str(notebook), as_version=4).cells
        index = next((i for i, cell in enumerate(cells) if cell.source == source), index)
    lines = source.strip().splitlines()
    return {"index": index, "execution_count": getattr(exc, "exec_count", None),
            "first_line": lines[0] if lines else "", "error": f"{exc.ename}: {exc.evalue}"}


def write_manifest(folder: Path, record: dict) -> None:
    """Write manifest.json whole or not at all (a kill mid-write leaves the previous one)."""
    partial = folder / ".manifest.json.partial"
    mf.write_json(partial, record)
    os.replace(partial, folder / "manifest.json")


def _replace(source: Path, destination: Path) -> None:
    """Move ``source`` to ``destination``, replacing an earlier folder there."""
    if destination.exists():
        old = destination.with_name(destination.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        destination.rename(old)
        source.rename(destination)
        shutil.rmtree(old)
    else:
        source.rename(destination)


def run_report(params_path: str | Path, data_dir: str | Path | None = None, out_dir: str | Path | None = None,
               progress: Callable[[str], None] | None = None, *, produced: dt.date | None = None,
               use_cache: bool = True, cache_dir: str | Path | None = None, workers: int | None = None) -> Path:
    """Run every notebook of the report and write the run folder; returns its path.

    ``data_dir`` and ``out_dir`` override the YAML (default out folder: ``outputs/<report>-<period_end>``
    under the current directory). ``produced`` is the date printed on the cover and stamped in
    tables.xlsx (default today; ``verify`` passes the manifest's to reproduce a run exactly).
    ``use_cache``: reuse validated data, executed notebooks and the PDF from earlier runs with the
    same inputs (report/cache.py), kept in ``cache_dir`` (default: ``.pmereport-cache`` beside the
    run folder, or $PMEREPORT_CACHE_DIR). ``workers``: notebooks run at once (default: the cores).
    Raises ``ReportRunError`` with a clear message; the failed run is left in ``<out>.failed``.
    """
    say = progress or (lambda message: None)
    started = dt.datetime.now(dt.timezone.utc)
    params = read_params(params_path)
    produced = produced or dt.date.today()
    data = Path(data_dir).resolve() if data_dir else params.data_dir
    if data is None and params.needs_data:
        raise ReportRunError(f"{params.path}: no data folder: set data_dir in the YAML or pass one "
                             "(data_dir: null for a report whose notebooks read no contract extracts)")
    if data is not None and not data.is_dir():
        raise ReportRunError(f"data folder not found: {data}")
    out = Path(out_dir) if out_dir else Path("outputs") / f"{params.report}-{params.period_end.isoformat()}"
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    cache = RunCache((Path(cache_dir) if cache_dir else default_root(out)) if use_cache else None)
    try:
        lock_file, stale_owner = acquire_lock(out)
    except RunLocked as exc:
        raise ReportRunError(str(exc)) from None
    if stale_owner:
        say(f"took over the lock of a run that stopped without finishing (process {stale_owner.get('pid')})")
    try:
        return _run_locked(params, data, out, produced, say, started, cache, workers or os.cpu_count() or 1)
    finally:
        release_lock(lock_file)


@dataclass
class _DataStep:
    """Where this run's validated data is (or will be) and whether it must be validated first."""

    key: str | None
    folder: Path | None        # the Parquet cache the notebooks read
    hashes: dict[str, str]     # sha256 of every input file, by absolute path
    cached: bool               # already validated by an earlier run


def _plan_data(data: Path | None, work: Path, cache: RunCache) -> _DataStep:
    if data is None:
        return _DataStep(None, work / DATASET_CACHE, {}, False)
    hashes = {str(data / name): digest for name, digest in file_hashes(data).items()}
    key = data_key(data, hashes, dt.date.today())
    hit = cache.data(key)
    if hit is not None:
        return _DataStep(key, hit, hashes, True)
    return _DataStep(key, cache.root / "data" / key if cache.enabled else work / DATASET_CACHE, hashes, False)


def _validate(data: Path, step: _DataStep, work: Path, cache: RunCache, say: Callable[[str], None]) -> tuple[dict, list]:
    """Validate the data folder into the notebooks' Parquet cache; returns quality.json's content
    and the manifest's input entries (read back from the cache when validated before)."""
    if step.cached:
        say(f"data folder unchanged since an earlier run: reusing its validated extracts ({step.folder})")
        return mf.read_json(step.folder / "quality.json"), mf.read_json(step.folder / "inputs.json")
    from ..contract.dataset import validate_to_cache

    say(f"validating {data}")
    target = cache.staging("data") if cache.enabled else step.folder
    ds = validate_to_cache(data, target, progress=say)  # the notebooks reuse it instead of validating again
    quality, inputs = quality_report(ds), mf.inputs(ds.results, step.hashes)
    mf.write_json(target / "quality.json", quality)
    mf.write_json(target / "inputs.json", inputs)
    if cache.enabled:
        cache.commit(target, "data", step.key)
    return quality, inputs


def _import_output_writers() -> None:
    from . import excel, html, notebooks, publish  # noqa: F401 - imported for their import time only
    import nbformat  # noqa: F401
    preload_pdf()  # then WeasyPrint, in a thread of its own that write_pdf waits for


def _preload_outputs():
    """Import the Excel and HTML writers and set up WeasyPrint in the background while the notebooks
    run, so that writing the outputs does not begin with seconds of imports. Returns the thread:
    join it before this thread imports anything else (two threads importing modules that import
    each other can deadlock)."""
    import threading

    imports = threading.Thread(target=_import_output_writers, name="pmereport-output-imports", daemon=True)
    imports.start()
    return imports


def _run_locked(params: ReportParams, data: Path | None, out: Path, produced: dt.date,
                say: Callable[[str], None], started: dt.datetime, cache: RunCache, workers: int) -> Path:
    """The run itself, while this process holds the lock on ``out``."""
    work = out.parent / f".{out.name}.tmp"
    shutil.rmtree(work, ignore_errors=True)
    (work / "notebooks").mkdir(parents=True)
    (work / "tables").mkdir()
    (work / PUBLISH_FOLDER).mkdir()
    record = {"report": params.report, "parameters": {**params.as_dict(), "data_dir": str(data) if data else None,
                                                      "produced": produced.isoformat()},
              "packages": mf.package_versions(), "python": mf.python_info(),
              "git": mf.git_state(Path(__file__).parent), "started": started.isoformat(),
              "inputs": [], "status": "running", "pid": os.getpid()}
    write_manifest(work, record)  # an interrupted run's folder says "running", never complete
    step = "checking notebook parameters"
    runner = None
    try:
        step = "checking the data folder"
        plan = _plan_data(data, work, cache)
        jobs = [NotebookJob(spec.path, {}, work, notebook_key(spec.path, offered_parameters(spec, params, data),
                                                               plan.key, out) if cache.enabled else None)
                for spec in params.notebooks]
        hits = {job.name: cache.notebook(job.key) for job in jobs if job.key}
        to_run = [job for job in jobs if not hits.get(job.name)]
        runner = NotebookRunner(plan.folder, params.timeout, out, workers, say)
        runner.start(to_run)  # kernels start and import while the parameters are checked and the data validated
        step = "checking notebook parameters"
        for job, spec in zip(jobs, params.notebooks):
            job.parameters.update(notebook_parameters(spec, params, data, work))
        step = "validating the data folder"
        if data is None:
            say(NO_DATA_NOTE)
            record["data_validation"] = "skipped"
            mf.write_json(work / "quality.json", {"data_dir": None, "note": NO_DATA_NOTE})
            record["data_notes"] = []
        else:
            quality, record["inputs"] = _validate(data, plan, work, cache, say)
            mf.write_json(work / "quality.json", quality)
            max_share = float(params.la.get("max_rejected_share", DEFAULT_MAX_REJECTED_SHARE))
            record["data_notes"] = check_data(quality, max_share)
        for note in record["data_notes"]:
            say(f"warning: {note}")
        runner.data_ready()
        imports = _preload_outputs()  # the parent would only wait while the notebooks run
        imports.join()
        from .html import notebook_body, section_prefix

        bodies = {}
        for i, job in enumerate(jobs):  # meanwhile: the reused notebooks, ready for the report
            if hits.get(job.name):
                step = f"reusing notebook {job.name}"
                restore_from_cache(job, hits[job.name])
                bodies[i] = notebook_body(job.executed, section_prefix(i))
                say(f"notebook {job.name}: inputs unchanged since an earlier run, reused")
        step = "running the notebooks"
        runner.wait()
        for job in jobs:
            if job.error is not None:
                step, record["failed_notebook"] = f"running notebook {job.name}", job.name
                raise job.error
        for job in to_run:
            if job.key:
                staged = cache.staging("notebooks")
                store_in_cache(job, staged)
                cache.commit(staged, "notebooks", job.key)
        record["notebooks"] = {job.name: {"reused": job.from_cache, "seconds": round(job.seconds, 1)} for job in jobs}
        step = "writing tables.xlsx, report.html and report.pdf"
        say("writing tables.xlsx, report.html and report.pdf")
        write_outputs(work, params, jobs, produced, record["data_notes"], cache, bodies)
        shutil.rmtree(work / PUBLISH_FOLDER, ignore_errors=True)
        shutil.rmtree(work / DATASET_CACHE, ignore_errors=True)
        _replace(work, out)  # still "running": killed here, the folder claims nothing
        record.update(status="complete", ended=dt.datetime.now(dt.timezone.utc).isoformat())
        write_manifest(out, record)  # the last step: only now does the folder claim success
        shutil.rmtree(out.with_name(out.name + ".failed"), ignore_errors=True)  # an earlier failure is stale now
        say(f"report written to {out}")
        return out
    except BaseException as exc:
        if runner is not None:  # an interrupt (Ctrl-C) kills the kernels; an error lets them finish
            runner.abort(kill=not isinstance(exc, Exception))
            runner.wait_quietly()
        if not isinstance(exc, Exception):
            raise
        message = _describe(exc)
        record.update(status="failed", failed_step=step, error=message,
                      ended=dt.datetime.now(dt.timezone.utc).isoformat())
        failing = next((n for n in params.notebooks if n.path.name == record.get("failed_notebook")), None)
        cell = failed_cell(exc, failing.path if failing else None)
        if cell:
            record["failed_cell"] = cell
            message = (f"{cell['error']} (cell {cell['index']} of {failing.path.name}, execution count "
                       f"{cell['execution_count']}: {cell['first_line']})")
            record["error"] = message
        kept = f"notebooks/{record.get('failed_notebook')}"
        if record.get("failed_notebook") and (work / kept).is_file():  # saved by papermill up to the error
            record["failed_notebook_saved"] = kept
        write_manifest(work, record)
        failed = out.with_name(out.name + ".failed")
        _replace(work, failed)
        raise ReportRunError(f"report run failed while {step}: {message}\n(partial output and manifest "
                             f"in {failed})") from exc
