"""Run a report's notebooks: in parallel, with kernels started early, or from the notebook cache.

Issue 7 (performance): the notebooks of a report are independent (each reads the validated data
from the run's Parquet cache and publishes its own tables and figures), so they run at the same
time, up to ``workers`` at once (default: the machine's cores). Up to twice as many kernels are
started ahead, each importing what its notebook imports while the parent process is still
validating the data or the first notebooks run; a notebook itself starts when ``data_ready`` has
been called and one of the ``workers`` places is free. A notebook whose cache key (report/cache.py)
is already stored is not run at all: its executed copy, tables and figures are copied in.

Each notebook publishes into its own registry file (``.publish/<notebook>.jsonl``), so the
report's order of tables does not depend on which notebook finished first.
"""
from __future__ import annotations

import json
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .kernel import NotebookKernel, warm_up_code

PUBLISH_FOLDER = ".publish"  # inside the run folder: one registry file per notebook (report/publish.py)
DATASET_CACHE_ENV = "PMEREPORT_DATASET_CACHE"  # = contract.dataset.CACHE_ENV (not imported: pandas is slow)
PUBLISH_REGISTRY_ENV = "PMEREPORT_PUBLISH_REGISTRY"  # = publish.REGISTRY_ENV (idem: matplotlib)


@dataclass
class NotebookJob:
    """One notebook of a run: where it goes, what it is given, and how it went."""

    path: Path                 # the notebook file
    parameters: dict           # injected by papermill
    work: Path                 # the run's temporary folder
    key: str | None = None     # its notebook-cache key (None: no cache)
    executed: object = None    # the executed notebook (nbformat node)
    error: BaseException | None = None
    seconds: float = 0.0
    from_cache: bool = False

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def output(self) -> Path:
        return self.work / "notebooks" / self.path.name

    @property
    def registry(self) -> Path:
        return self.work / PUBLISH_FOLDER / f"{self.path.stem}.jsonl"


def normalise_notebook(nb) -> None:
    """Remove what changes between identical runs: timings, random cell ids, papermill times."""
    meta = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "exception"):
        meta.pop(key, None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
        cell.metadata.pop("execution", None)
        for key in ("start_time", "end_time", "duration", "exception"):
            cell.metadata.get("papermill", {}).pop(key, None)


def save_executed(output: Path, temporary_run_dir: Path, final_run_dir: Path):
    """Rewrite an executed notebook normalised and naming the final run folder, not the temporary
    one it ran in (so identical runs into one folder give identical notebooks); returns it."""
    import nbformat

    text = output.read_text(encoding="utf-8")
    temporary, final = (json.dumps(str(p))[1:-1] for p in (temporary_run_dir, final_run_dir))
    nb = nbformat.reads(text.replace(temporary, final), as_version=4)
    normalise_notebook(nb)
    nbformat.write(nb, str(output))
    return nb


def _warm_up_code_or_nothing(notebook: Path) -> str:
    """``warm_up_code``, or nothing for a notebook that cannot be read: running it reports why."""
    try:
        return warm_up_code(notebook)
    except Exception:  # noqa: BLE001 - papermill's own error, from the notebook's run, is the one to show
        return ""


class NotebookRunner:
    """Runs the jobs given to ``start`` on worker threads; call ``data_ready`` (or ``abort``) once
    the data cache is written, then ``wait``."""

    def __init__(self, data_cache: Path, timeout: int, final_run_dir: Path, workers: int,
                 say: Callable[[str], None]):
        self.data_cache, self.timeout, self.final_run_dir = data_cache, timeout, final_run_dir
        self.workers, self.say = max(1, workers), say
        self._go = threading.Event()
        self._places = threading.Semaphore(self.workers)  # notebooks executing at once
        self._turns = threading.Condition()  # notebooks start in the report's order
        self._next = 0
        self._aborted = False
        self._kernels: dict[str, NotebookKernel] = {}  # the kernels alive now, by notebook
        self._pool: ThreadPoolExecutor | None = None
        self._futures = []

    def start(self, jobs: list[NotebookJob]) -> None:
        """Launch the first kernels from this thread (their processes boot while this thread goes
        on: measured, launching them from the worker threads instead was delayed by this thread's
        imports), then run every job on worker threads."""
        if not jobs:
            return
        ahead = min(2 * self.workers, len(jobs))
        for job in jobs[:ahead]:
            kernel = self._kernel(job)
            try:
                kernel.launch()
            except Exception:  # noqa: BLE001 - the worker thread launches it again and reports the error
                pass
        # Parsed here, not on the worker threads: CPython 3.11 can fail ast.parse run on two threads at
        # once ("SystemError: AST constructor recursion depth mismatch", seen in this test suite).
        warm_ups = [_warm_up_code_or_nothing(job.path) for job in jobs]
        self._pool = ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="notebook")
        self._futures = [self._pool.submit(self._run, job, i, code) for i, (job, code) in enumerate(zip(jobs, warm_ups))]

    def _kernel(self, job: NotebookJob) -> NotebookKernel:
        if job.name not in self._kernels:
            env = {DATASET_CACHE_ENV: str(self.data_cache), PUBLISH_REGISTRY_ENV: str(job.registry)}
            self._kernels[job.name] = NotebookKernel(job.output.with_suffix(".kernel.log"), job.path.parent, env)
        return self._kernels[job.name]

    def data_ready(self) -> None:
        self._go.set()

    def abort(self, kill: bool = False) -> None:
        """Start no notebook that has not started; with ``kill``, also kill the kernels of those
        running (an interrupted run should not wait for them to finish)."""
        self._aborted = True
        self._go.set()
        with self._turns:
            self._turns.notify_all()
        if kill:
            for kernel in list(self._kernels.values()):
                kernel.kill()

    def wait(self) -> None:
        """Until every started job has finished (a job's own error is kept in ``job.error``)."""
        for future in self._futures:
            future.result()
        if self._pool is not None:
            self._pool.shutdown()

    def wait_quietly(self) -> None:
        """``wait``, when the run is failing anyway: an error here must not hide the first one."""
        try:
            self.wait()
        except BaseException:  # noqa: BLE001 - the run is already failing with its own error
            pass

    def _turn(self, index: int, execute: bool) -> bool:
        """Wait for notebook ``index``'s turn (the report's order), then take a place to execute
        (``execute``) or just pass the turn on; False if the run was aborted meanwhile."""
        with self._turns:
            self._turns.wait_for(lambda: self._next == index or self._aborted)
            if self._aborted:
                return False
            if execute:
                self._places.acquire()
            self._next += 1
            self._turns.notify_all()
            return True

    def _run(self, job: NotebookJob, index: int, warm_up: str) -> None:
        import papermill

        kernel = self._kernel(job)
        turn_taken = False
        try:
            kernel.warm_up(warm_up)
            self._go.wait()
            turn_taken = True
            if not self._turn(index, execute=True):
                return
            try:
                self.say(f"running notebook {job.name}")
                started = time.perf_counter()
                papermill.execute_notebook(str(job.path), str(job.output), parameters=job.parameters,
                                           kernel_name="python3", progress_bar=False, log_output=False,
                                           request_save_on_cell_execute=False, execution_timeout=self.timeout,
                                           start_timeout=120, km=kernel.manager)
            finally:
                self._places.release()
            job.executed = save_executed(job.output, job.work, self.final_run_dir)
            job.seconds = time.perf_counter() - started
            self.say(f"notebook {job.name} done in {job.seconds:.1f} s")
        except Exception as exc:  # reported by run_report, in notebook order
            job.error = exc
        finally:
            if not turn_taken:  # failed before its turn (e.g. the kernel did not start): pass it on
                self._turn(index, execute=False)
            self._kernels.pop(job.name, None)
            kernel.shutdown()


def store_in_cache(job: NotebookJob, staging: Path) -> None:
    """Copy a job's executed notebook, registry and published files into ``staging``."""
    from .publish import published_files

    shutil.copyfile(job.output, staging / "notebook.ipynb")
    if job.registry.exists():
        shutil.copyfile(job.registry, staging / "registry.jsonl")
    for relative in published_files(job.registry):
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(job.work / relative, target)


def restore_from_cache(job: NotebookJob, entry: Path) -> None:
    """Copy a cached notebook run into the run folder (its notebook, registry and published files)."""
    import nbformat

    from .publish import published_files

    registry = entry / "registry.jsonl"
    for relative in published_files(registry):
        target = job.work / relative
        if target.exists():
            raise ValueError(f"publish: {target.name} was already published in this run; names must be unique")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(entry / relative, target)
    if registry.exists():
        job.registry.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(registry, job.registry)
    shutil.copyfile(entry / "notebook.ipynb", job.output)
    job.executed = nbformat.read(str(job.output), as_version=4)
    job.from_cache = True
