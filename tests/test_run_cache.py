"""Re-runs reuse what did not change (issue 7): validated data, executed notebooks and the PDF;
notebooks run at the same time and their kernels are shut down after (report/cache.py,
report/notebooks.py). Two tiny notebooks over the tiny hand-made data folder."""
import hashlib
import json
import os
from pathlib import Path

import nbformat
import openpyxl
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tiny_data import PERIOD_END, write_tiny_data

from pmereport.report.run import ReportRunError, run_report

pytestmark = pytest.mark.slow
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
LA = {"name": "Shire County Council", "protective_marking": "OFFICIAL", "suppress_below": 1,
      "max_rejected_share": 0.1}
PARAMETERS = "data_dir = None\nperiod_end = None\nrun_dir = None\n"
COMMON = ("from pmereport.contract.dataset import load\nfrom pmereport.report import publish\n"
          "from pmereport.report.publish import publish_table\npublish.start(run_dir, suppress_below=1)\n"
          "data = load(data_dir)\n")


def _notebook(path: Path, parameters: str, body: str, heading: str) -> Path:
    """Written once: writing it again would give its cells new random ids, a new notebook."""
    if path.exists():
        return path
    nbformat.write(new_notebook(cells=[
        new_code_cell(PARAMETERS + parameters, metadata={"tags": ["parameters"]}),
        new_markdown_cell(f"# {heading}"),
        new_code_cell(COMMON + body)], metadata=KERNEL), path)
    return path


def write_report(folder: Path, data: Path, label: str = "Cases", flag: Path | None = None) -> Path:
    """Notebook ``cases`` publishes cases by type (and, given ``flag``, first waits until notebook
    ``closed`` has created that file: it can only finish if both run at the same time); notebook
    ``closed`` publishes the closed cases under the heading ``label`` and names a text file."""
    folder.mkdir(parents=True, exist_ok=True)
    wait = "" if flag is None else (
        "import time\nfor _ in range(1200):\n    if Path(flag).exists():\n        break\n    time.sleep(0.1)\n"
        "else:\n    raise RuntimeError('notebook closed never ran while cases was running')\n")
    cases = _notebook(folder / "cases.ipynb", "flag = None\n", "from pathlib import Path\n" + wait +
                      "table = data.cases.groupby('case_type').size().rename('cases').reset_index()\n"
                      "publish_table(table, 'cases_by_type', 'Cases by type', units={'cases': 'count'}, "
                      "period='all', source='tiny')\n", "Cases")
    closed = _notebook(folder / "closed.ipynb", "label = 'Cases'\nnote_file = None\nflag = None\n",
                       "from pathlib import Path\nif flag:\n    Path(flag).write_text('closed is running')\n"
                       "note = Path(note_file).read_text().strip()\n"
                       "table = data.cases[data.cases.closure_date.notna()].groupby('case_type').size()"
                       ".rename(label).reset_index()\n"
                       "publish_table(table, 'closed_by_type', 'Closed cases by type', units={label: 'count'}, "
                       "period='all', source=note)\n", "Closed")
    note = folder / "note.txt"
    if not note.exists():
        note.write_text("tiny hand-made extract\n")
    (folder / "la.yaml").write_text(yaml.safe_dump(LA))
    params = {"report": "tiny", "title": "Tiny report", "period_end": PERIOD_END, "data_dir": str(data),
              "la": "la.yaml", "timeout": 120, "notebooks": [
                  {"path": str(cases), "parameters": {"flag": str(flag) if flag else None}},
                  {"path": str(closed), "parameters": {"label": label, "note_file": "note.txt",
                                                       "flag": str(flag) if flag else None}}]}
    path = folder / "tiny.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


def outputs(run: Path) -> dict[str, str]:
    files = ["report.html", "report.pdf", "tables.xlsx", "tables/cases_by_type.csv", "tables/closed_by_type.csv",
             "notebooks/cases.ipynb", "notebooks/closed.ipynb"]
    return {f: hashlib.sha256((run / f).read_bytes()).hexdigest() for f in files}


def reused(run: Path) -> dict[str, bool]:
    return {name: item["reused"] for name, item in json.loads((run / "manifest.json").read_text())["notebooks"].items()}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("cache")
    data = write_tiny_data(base / "data")
    params = write_report(base / "parameters", data)
    messages = []
    run = run_report(params, out_dir=base / "out" / "tiny", progress=messages.append)
    return base, data, params, run, outputs(run), messages


def test_first_run_validates_runs_both_notebooks_and_stores_them(first_run):
    base, _, _, run, _, messages = first_run
    assert reused(run) == {"cases.ipynb": False, "closed.ipynb": False}
    assert any(m.startswith("validating") for m in messages)
    cache = base / "out" / ".pmereport-cache"
    assert len(list((cache / "data").iterdir())) == 1 and len(list((cache / "notebooks").iterdir())) == 2
    # The tiny data (tests/tiny_data.py): 5 CME cases (C01-C05) and 12 PME (P01-P12); closed:
    # C04 and C05 (CME); P09, P10, P11 and P12 (PME).
    assert (run / "tables" / "cases_by_type.csv").read_text().splitlines()[1:3] == ["CME,5", "PME,12"]
    assert (run / "tables" / "closed_by_type.csv").read_text().splitlines()[1:3] == ["CME,2", "PME,4"]


def test_unchanged_rerun_reuses_everything_and_gives_identical_outputs(first_run):
    _, _, params, run, before, _ = first_run
    messages = []
    again = run_report(params, out_dir=run, progress=messages.append)
    assert reused(again) == {"cases.ipynb": True, "closed.ipynb": True}
    assert not any(m.startswith("validating") for m in messages)
    assert outputs(again) == before


def test_changed_parameter_reruns_only_its_notebook_and_matches_a_fresh_run(first_run, tmp_path):
    base, data, _, run, before, _ = first_run
    changed = write_report(base / "parameters", data, label="Closed cases")
    rerun = run_report(changed, out_dir=run)
    assert reused(rerun) == {"cases.ipynb": True, "closed.ipynb": False}
    assert (rerun / "tables" / "closed_by_type.csv").read_text().splitlines()[0] == "case_type,Closed cases"
    after = outputs(rerun)
    fresh = outputs(run_report(changed, out_dir=run, use_cache=False))
    assert after == fresh and after["tables/cases_by_type.csv"] == before["tables/cases_by_type.csv"]
    write_report(base / "parameters", data)  # back as it was, for the other tests


def test_changed_named_file_reruns_the_notebook_that_names_it(first_run):
    base, _, params, run, _, _ = first_run
    note = base / "parameters" / "note.txt"
    note.write_text("tiny hand-made extract, corrected\n")
    try:
        rerun = run_report(params, out_dir=run)
        assert reused(rerun) == {"cases.ipynb": True, "closed.ipynb": False}
        assert "tiny hand-made extract, corrected" in (rerun / "report.html").read_text()
    finally:
        note.write_text("tiny hand-made extract\n")


def test_one_changed_input_byte_revalidates_and_reruns_everything(first_run, tmp_path):
    _, data, params, _, _, _ = first_run
    copy = tmp_path / "data"
    copy.mkdir()
    for f in data.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    cases = (copy / "cases.csv").read_text()
    assert cases.count("C02,PUPC02,CME,") == 1
    (copy / "cases.csv").write_text(cases.replace("C02,PUPC02,CME,", "C02,PUPC02,ZZZ,"))  # not a case type
    messages = []
    run = run_report(params, data_dir=copy, out_dir=tmp_path / "out" / "tiny", progress=messages.append,
                     cache_dir=first_run[0] / "out" / ".pmereport-cache")
    assert any(m.startswith("validating") for m in messages)
    assert reused(run) == {"cases.ipynb": False, "closed.ipynb": False}
    # C02's row is rejected (FIELD_CODE): CME 4 (C01, C03, C04, C05), PME 12.
    quality = json.loads((run / "quality.json").read_text())["extracts"]["cases"]
    assert quality["rows_rejected"] == 1
    assert (run / "tables" / "cases_by_type.csv").read_text().splitlines()[1:3] == ["CME,4", "PME,12"]


def _children() -> list[str]:
    """Command lines of this process's live child processes (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == os.getpid() and fields[0] != "Z":
                found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_notebooks_run_at_once_keep_their_order_and_leave_no_kernel(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    params = write_report(tmp_path / "parameters", data, flag=tmp_path / "closed-is-running")
    run = run_report(params, out_dir=tmp_path / "out" / "tiny", workers=2, use_cache=False)
    # closed.ipynb published first (cases waited for it), yet the report keeps the YAML's order.
    assert openpyxl.load_workbook(run / "tables.xlsx").sheetnames[-2:] == ["cases_by_type", "closed_by_type"]
    html = (run / "report.html").read_text()
    assert html.index("Cases by type") < html.index("Closed cases by type")
    assert not [c for c in _children() if "ipykernel" in c]


def test_one_worker_cannot_run_them_at_once(tmp_path):
    """The check above can fail: with one worker, cases waits for a notebook that never starts."""
    data = write_tiny_data(tmp_path / "data")
    params = write_report(tmp_path / "parameters", data, flag=tmp_path / "closed-is-running")
    text = (tmp_path / "parameters" / "cases.ipynb").read_text().replace("range(1200)", "range(20)")
    (tmp_path / "parameters" / "cases.ipynb").write_text(text)
    with pytest.raises(ReportRunError, match="closed never ran while cases was running"):
        run_report(params, out_dir=tmp_path / "out" / "tiny", workers=1, use_cache=False)


def test_an_interrupted_run_kills_its_running_kernels(tmp_path):
    """Ctrl-C during the notebooks: run_report calls abort(kill=True); the kernel of a notebook that
    would run for a minute dies at once, and the notebook fails with a dead kernel, not a timeout."""
    import time

    from pmereport.report.notebooks import NotebookJob, NotebookRunner

    notebook = tmp_path / "slow.ipynb"
    nbformat.write(new_notebook(cells=[
        new_code_cell("run_dir = None", metadata={"tags": ["parameters"]}),
        new_code_cell("from pathlib import Path\nPath(run_dir, 'started').write_text('yes')\nimport time\n"
                      "time.sleep(60)")], metadata=KERNEL), notebook)
    (tmp_path / "notebooks").mkdir()
    job = NotebookJob(notebook, {"run_dir": str(tmp_path)}, tmp_path)
    runner = NotebookRunner(tmp_path / "no-data", timeout=30, final_run_dir=tmp_path, workers=1, say=print)
    runner.start([job])
    runner.data_ready()
    for _ in range(1200):  # until the slow cell has started
        if (tmp_path / "started").exists():
            break
        time.sleep(0.1)
    runner.abort(kill=True)
    runner.wait()
    assert job.error is not None and "Dead" in type(job.error).__name__  # nbclient's DeadKernelError
    assert not [c for c in _children() if "ipykernel" in c]


def test_notebook_sources_are_parsed_on_the_calling_thread_only(tmp_path, monkeypatch):
    """CPython 3.11 can fail ast.parse run on two threads at once ("SystemError: AST constructor
    recursion depth mismatch": it failed a board-pack test once in about eight full runs), so the
    runner works out every notebook's warm-up imports before its worker threads start."""
    import threading

    from pmereport.report import notebooks

    threads = []
    real = notebooks.warm_up_code

    def recording(path):
        threads.append(threading.current_thread())
        return real(path)

    monkeypatch.setattr(notebooks, "warm_up_code", recording)
    data = write_tiny_data(tmp_path / "data")
    run_report(write_report(tmp_path / "parameters", data), out_dir=tmp_path / "out" / "tiny", use_cache=False)
    assert len(threads) == 2 and set(threads) == {threading.main_thread()}
