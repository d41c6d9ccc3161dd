"""Safe runs (issue 8, part 4): the run-folder lock, the failed-run record, and a run killed part-way.

The lock tests are fast; the runs start a Jupyter kernel (marked slow).
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tiny_data import write_tiny_data
from test_report_run import DAY, write_params

from pmereport.cli import main
from pmereport.report.lock import RunLocked, acquire, lock_path, release
from pmereport.report.run import ReportRunError, run_report

REPO = Path(__file__).parent.parent


def dead_pid() -> int:
    """The pid of a process that has finished (not reused this quickly on Linux: pids count up)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_lock_holds_our_pid_and_refuses_a_second_taker(tmp_path):
    out = tmp_path / "board"
    path, stale = acquire(out)
    assert path == tmp_path / "board.lock" and stale == {}
    assert json.loads(path.read_text())["pid"] == os.getpid()
    with pytest.raises(RunLocked, match=f"another run is writing to .*process {os.getpid()}"):
        acquire(out)
    release(path)
    assert not path.exists()
    path, _ = acquire(out)  # free again after release
    release(path)


def test_a_stale_lock_from_a_dead_process_is_taken_over(tmp_path):
    out = tmp_path / "board"
    pid = dead_pid()
    lock_path(out).write_text(json.dumps({"pid": pid, "host": socket.gethostname(), "started": "x"}))
    path, stale = acquire(out)
    assert stale["pid"] == pid
    assert json.loads(path.read_text())["pid"] == os.getpid()
    release(path)


def test_a_lock_from_another_host_or_a_live_process_is_not_taken_over(tmp_path):
    out = tmp_path / "board"
    lock_path(out).write_text(json.dumps({"pid": dead_pid(), "host": "another-pc", "started": "x"}))
    with pytest.raises(RunLocked, match="another-pc"):
        acquire(out)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        lock_path(out).write_text(json.dumps({"pid": sleeper.pid, "host": socket.gethostname(), "started": "x"}))
        with pytest.raises(RunLocked, match=f"process {sleeper.pid}"):
            acquire(out)
        release(lock_path(out))  # not ours: left alone
        assert lock_path(out).exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_run_into_a_locked_folder_fails_before_touching_it(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    params = write_params(tmp_path / "parameters", data)
    out = tmp_path / "out" / "board"
    out.mkdir(parents=True)
    (out / "manifest.json").write_text('{"status": "complete"}')  # an earlier run's folder
    path, _ = acquire(out)
    try:
        with pytest.raises(ReportRunError, match="another run is writing to"):
            run_report(params, out_dir=out, produced=DAY)
    finally:
        release(path)
    assert (out / "manifest.json").read_text() == '{"status": "complete"}'
    assert not (tmp_path / "out" / ".board.tmp").exists() and not (tmp_path / "out" / "board.failed").exists()


@pytest.mark.slow
def test_failed_run_names_notebook_and_cell_keeps_the_notebook_and_exits_non_zero(tmp_path, capsys):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    notebook = tmp_path / "sums.ipynb"
    nbformat.write(new_notebook(cells=[
        new_code_cell("data_dir = None\nperiod_end = None\nrun_dir = None", metadata={"tags": ["parameters"]}),
        new_markdown_cell("Open cases by school"),
        new_code_cell("open_cases = {'110001': 3, '110002': 0}\nprint('cases read')"),
        new_code_cell("# share of open cases at the second school\nshare = open_cases['110001'] / open_cases['110002']"),
        new_code_cell("print('never reached')"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}), notebook)
    data = write_tiny_data(tmp_path / "data")
    params = write_params(tmp_path / "parameters", data, notebook=notebook, parameters={})
    out = tmp_path / "out" / "board"
    code = main(["run", str(params), "--out", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert "ZeroDivisionError" in err and "cell 3 of sums.ipynb" in err
    assert not out.exists() and not lock_path(out).exists()
    failed = out.with_name("board.failed")
    manifest = json.loads((failed / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["failed_notebook"] == "sums.ipynb"
    # the 4th cell of the file (index 3: parameters 0, markdown 1, code 2, failing 3); the third
    # code cell run, after the parameters cell (1), papermill's injected cell (2) and the dict (3)...
    assert manifest["failed_cell"]["index"] == 3
    assert manifest["failed_cell"]["first_line"] == "# share of open cases at the second school"
    assert manifest["failed_cell"]["error"].startswith("ZeroDivisionError")
    # ... so its execution count is 4 (parameters 1, injected 2, dict 3, failing 4)
    assert manifest["failed_cell"]["execution_count"] == 4
    assert manifest["failed_notebook_saved"] == "notebooks/sums.ipynb"
    kept = nbformat.read(str(failed / manifest["failed_notebook_saved"]), as_version=4)
    outputs = [o for cell in kept.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert any(o.get("text") == "cases read\n" for o in outputs)  # executed up to the error
    assert any(o.get("ename") == "ZeroDivisionError" for o in outputs)
    assert not any("never reached" in str(o) for o in outputs)


def _manifests_claiming_success(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("manifest.json"):
        try:
            if json.loads(path.read_text()).get("status") == "complete":
                found.append(path)
        except ValueError:  # half-written: does not claim anything
            pass
    return found


@pytest.mark.slow
def test_run_killed_part_way_leaves_nothing_complete_and_a_rerun_succeeds(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    params = write_params(tmp_path / "parameters", data)
    out_root = tmp_path / "out"
    out = out_root / "board"
    work = out_root / ".board.tmp"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.Popen([sys.executable, "-m", "pmereport", "run", str(params), "--out", str(out)],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        # part-way: papermill has written the notebook it is executing into the temporary folder
        while not (work / "notebooks" / "board.ipynb").is_file():
            assert run.poll() is None, run.stderr.read().decode()
            assert time.monotonic() < deadline, "the run never reached its notebook"
            time.sleep(0.1)
        # while it runs, a second run into the same folder is refused and touches nothing
        with pytest.raises(ReportRunError, match=f"another run is writing to .*process {run.pid}"):
            run_report(params, out_dir=out, produced=DAY)
        assert (work / "notebooks" / "board.ipynb").is_file()
    finally:
        try:
            os.killpg(run.pid, signal.SIGKILL)  # the run and its kernel, as kill -9 would
        except ProcessLookupError:  # it had already stopped (the assertions above say why)
            pass
        run.wait()
    assert run.returncode == -signal.SIGKILL
    assert not out.exists()
    assert _manifests_claiming_success(tmp_path) == []
    assert json.loads((work / "manifest.json").read_text())["status"] == "running"
    assert json.loads(lock_path(out).read_text())["pid"] == run.pid  # left behind: stale

    rerun = run_report(params, out_dir=out, produced=DAY)  # takes over the stale lock
    assert rerun == out.resolve()
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    assert (out / "report.pdf").is_file() and (out / "notebooks" / "board.ipynb").is_file()
    assert not work.exists() and not lock_path(out).exists()
    assert _manifests_claiming_success(tmp_path) == [out / "manifest.json"]
