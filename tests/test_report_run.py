"""End-to-end: run_report on a tiny hand-made data folder (papermill + WeasyPrint; slow)."""
import datetime
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tiny_data import PERIOD_END, write_tiny_data

from pmereport.report.run import ReportRunError, run_report

pytestmark = pytest.mark.slow
REPO = Path(__file__).parent.parent
BOARD = REPO / "notebooks" / "board.ipynb"
DAY = datetime.date(2026, 11, 20)  # the production date printed on the cover
LA = {"name": "Shire County Council", "protective_marking": "OFFICIAL", "contact": "cme.team@shire.example",
      "suppress_below": 5, "max_rejected_share": 0.1}
EXPECTED_FILES = ["manifest.json", "quality.json", "report.html", "report.pdf", "tables.xlsx",
                  "tables/caseload.csv", "tables/caseload_by_month.csv", "tables/pme_reasons.csv",
                  "notebooks/board.ipynb"]


def write_params(folder: Path, data_dir: Path, la=None, notebook=BOARD, parameters=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "la.yaml").write_text(yaml.safe_dump(la or LA))
    params = {"report": "board", "title": "CME and PME board report", "period_end": PERIOD_END,
              "data_dir": str(data_dir), "la": "la.yaml", "source_note": "Tiny hand-made extract",
              "timeout": 120, "notebooks": [{"path": str(notebook), "parameters": {"months": 12} if parameters is None else parameters}]}
    path = folder / "board.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two runs of the same inputs into different folders; the data has one bad case row of 18."""
    base = tmp_path_factory.mktemp("e2e")
    data = write_tiny_data(base / "data", bad_case_rows=1)
    params = write_params(base / "parameters", data)
    first = run_report(params, out_dir=base / "out" / "first", produced=DAY)
    second = run_report(params, data_dir=data, out_dir=base / "out" / "second", produced=DAY)
    return data, first, second


def test_run_folder_has_every_output(runs):
    _, first, _ = runs
    for name in EXPECTED_FILES:
        assert (first / name).is_file(), name
    assert not (first / ".publish").exists()
    assert not list(first.parent.glob(".*.tmp")) and not list(first.parent.glob("*.failed"))


def test_published_tables_hold_the_hand_worked_answers(runs):
    _, first, _ = runs
    # At 2026-10-31: CME open 3 (c), PME open 8; 3 alone would be 11 - 8, so 8 is hidden too.
    assert (first / "tables" / "caseload.csv").read_text().splitlines() == [
        "label,open_cases", "Child missing education,c", "Pupil missing out on education,c", "Total,11"]
    # PME by reason: MEDICAL 3 MED + 2 MHN = 5, BEHAVIOURAL 2 and GRT 1 -> c. The total (8) is the
    # PME caseload, hidden above, so it is hidden here too; and with it every share (5 beside
    # 62.5 % would give 8). Leicestershire's published shares stay.
    reasons = (first / "tables" / "pme_reasons.csv").read_text().splitlines()
    assert reasons[1] == '"Medical needs, including SEMH",5,c,45'
    assert reasons[2] == "Behavioural,c,c,26"
    assert reasons[-1] == "Total,c,c,100"
    # June 2026 month end: C04 closed on 30 June (not open); PME P01-P04, P06, P09, P10 = 7.
    monthly = (first / "tables" / "caseload_by_month.csv").read_text().splitlines()
    assert "2026-06-30,0,7,7" in monthly


def test_manifest_records_inputs_and_status(runs):
    data, first, _ = runs
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    cases = next(i for i in manifest["inputs"] if i["extract"] == "cases")
    assert (cases["rows_read"], cases["rows_rejected"]) == (18, 1)  # 17 good rows + 1 bad one
    assert cases["files"][0]["sha256"] == sha(data / "cases.csv")
    assert manifest["parameters"]["period_end"] == "2026-10-31"
    assert manifest["parameters"]["produced"] == "2026-11-20"
    assert manifest["packages"]["papermill"] and manifest["python"]["version"]
    assert "started" in manifest and "ended" in manifest
    quality = json.loads((first / "quality.json").read_text())
    assert quality["extracts"]["cases"]["rows_rejected"] == 1
    # the bad row is the 18th data row: spreadsheet row 19 (the header is row 1)
    assert {(i["row"], i["rule"]) for i in quality["issues"]} >= {(19, "FIELD_CODE")}


def test_two_runs_are_byte_identical(runs):
    _, first, second = runs
    names = ["report.html", "report.pdf", "tables.xlsx"] + [f"tables/{p.name}" for p in (first / "tables").iterdir()]
    for name in names:
        assert sha(first / name) == sha(second / name), name
    # the executed notebooks differ only by the run folder they name (no times, no random ids)
    notebooks = [(run / "notebooks" / "board.ipynb").read_text().replace(str(run), "RUN") for run in (first, second)]
    assert notebooks[0] == notebooks[1]
    assert "start_time" not in notebooks[0] and ".tmp" not in notebooks[0]


def test_pdf_is_a4_with_page_numbers_and_no_code(runs):
    _, first, _ = runs
    pdf = first / "report.pdf"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
        assert re.search(r"Tagged:\s+yes", info)  # accessible (PDF/UA-1)
        pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    else:
        boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf.read_bytes())
        assert boxes and all(abs(float(w) - 595.28) < 0.5 and abs(float(h) - 841.89) < 0.5 for w, h in boxes)
        pages = None
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
        assert "Contents" in text and "Shire County Council" in text
        for code in ("import ", "publish_table", "open_on(", "data_dir"):
            assert code not in text
    html = (first / "report.html").read_text()
    assert "publish_table" not in html and "<script" not in html
    # the cover says what validation left out
    assert "cases (CME/PME case episodes): 1 of 18 rows rejected (5.6%) and left out" in html  # 1/18 = 5.56 %


def test_misspelt_notebook_parameter_fails_clearly(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    params = write_params(tmp_path / "parameters", data, parameters={"monthz": 12})
    out = tmp_path / "out" / "board"
    with pytest.raises(ReportRunError, match=r"unknown parameter\(s\) 'monthz'.*declares: .*months"):
        run_report(params, out_dir=out, produced=DAY)
    assert not out.exists()
    manifest = json.loads((out.with_name("board.failed") / "manifest.json").read_text())
    assert manifest["status"] == "failed" and "monthz" in manifest["error"]


def test_too_many_rejected_rows_fail_the_run(tmp_path):
    data = write_tiny_data(tmp_path / "data", bad_case_rows=1)  # 1 of 18 = 5.6 % > 5 %
    params = write_params(tmp_path / "parameters", data, la={**LA, "max_rejected_share": 0.05})
    out = tmp_path / "out" / "board"
    with pytest.raises(ReportRunError, match=r"cases \(CME/PME case episodes\): 1 of 18 rows rejected"):
        run_report(params, out_dir=out, produced=DAY)
    assert not out.exists()
    failed = out.with_name("board.failed")
    manifest = json.loads((failed / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["failed_step"] == "validating the data folder"
    assert not (failed / "report.pdf").exists()


def test_failing_notebook_leaves_only_a_failed_folder(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = tmp_path / "broken.ipynb"
    nbformat.write(new_notebook(cells=[
        new_code_cell("data_dir = None\nperiod_end = None\nrun_dir = None", metadata={"tags": ["parameters"]}),
        new_code_cell("raise ValueError('the extract has no cases for this period')"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}), notebook)
    data = write_tiny_data(tmp_path / "data")
    params = write_params(tmp_path / "parameters", data, notebook=notebook, parameters={})
    out = tmp_path / "out" / "board"
    with pytest.raises(ReportRunError, match="running notebook broken.ipynb.*ValueError: the extract has no cases"):
        run_report(params, out_dir=out, produced=DAY)
    assert not out.exists()
    manifest = json.loads((out.with_name("board.failed") / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["failed_notebook"] == "broken.ipynb"


def test_missing_pdf_engine_fails_clearly_and_keeps_the_html(tmp_path, monkeypatch):
    import pmereport.report.run as run_module
    from pmereport.report.pdf import PdfEngineUnavailable

    def no_engine(*args, **kwargs):
        raise PdfEngineUnavailable("cannot make report.pdf: WeasyPrint does not load (no Pango). To fix: install it")

    monkeypatch.setattr(run_module, "write_pdf", no_engine)
    data = write_tiny_data(tmp_path / "data")
    params = write_params(tmp_path / "parameters", data)
    out = tmp_path / "out" / "board"
    with pytest.raises(ReportRunError, match="report.pdf: cannot make report.pdf.*To fix"):
        run_report(params, out_dir=out, produced=DAY)
    failed = out.with_name("board.failed")
    assert not out.exists() and (failed / "report.html").is_file() and not (failed / "report.pdf").exists()
    # a later successful run replaces the stale failed folder
    monkeypatch.undo()
    run_report(params, out_dir=out, produced=DAY)
    assert (out / "report.pdf").is_file() and not failed.exists()


def test_verify_reproduces_a_run_and_catches_a_one_byte_input_change(runs, tmp_path):
    from pmereport.cli import main
    from pmereport.report.verify import verify_run

    data, first, _ = runs
    result = verify_run(first)
    assert result.ok, result.summary()
    assert result.compared >= 5  # report.html, report.pdf, tables.xlsx and the three tables
    # change one byte of one input (a copy of the run, so the shared fixture stays intact)
    copy_data = tmp_path / "data"
    shutil.copytree(data, copy_data)
    run_copy = tmp_path / "run"
    shutil.copytree(first, run_copy)
    manifest = json.loads((run_copy / "manifest.json").read_text())
    for extract in manifest["inputs"]:
        for f in extract["files"]:
            f["path"] = f["path"].replace(str(data), str(copy_data))
    (run_copy / "manifest.json").write_text(json.dumps(manifest))
    schools = copy_data / "schools.csv"
    text = schools.read_bytes()
    schools.write_bytes(text[:-2] + bytes([text[-2] ^ 1]) + text[-1:])
    assert main(["verify", str(run_copy)]) == 1
    assert "schools.csv (sha256 differs" in verify_run(run_copy).summary()


def test_verify_catches_a_changed_output(runs, tmp_path):
    from pmereport.report.verify import verify_run

    _, first, _ = runs
    run_copy = tmp_path / "run"
    shutil.copytree(first, run_copy)
    csv = run_copy / "tables" / "caseload.csv"
    csv.write_text(csv.read_text() + "\n")
    result = verify_run(run_copy)
    assert not result.ok and result.different == ["tables/caseload.csv"]


def _pupil_level_notebook(path: Path, audience_in_code: str | None) -> Path:
    """A notebook publishing a hand-made pupil-level table; ``audience_in_code`` overrides the
    injected audience (a notebook that ignores its report's audience)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    audience = repr(audience_in_code) if audience_in_code else "audience"
    nbformat.write(new_notebook(cells=[
        new_code_cell("data_dir = None\nperiod_end = None\nrun_dir = None\naudience = 'board'",
                      metadata={"tags": ["parameters"]}),
        new_code_cell("import pandas as pd\nfrom pmereport.report import publish\n"
                      f"publish.start(run_dir, audience={audience})\n"
                      "frame = pd.DataFrame({'pupil_id': ['P0000001'], 'days': [21]})\n"
                      "publish.publish_table(frame, 'exceptions_esc01', 'ESC01', units={'days': 'days'}, "
                      "period='p', source='s', suppress=False)"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}), path)
    return path


def test_internal_report_may_hold_pupil_rows_and_says_so(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    params = write_params(tmp_path / "parameters", data, notebook=_pupil_level_notebook(tmp_path / "nb.ipynb", None),
                          parameters={})
    spec = yaml.safe_load(params.read_text())
    params.write_text(yaml.safe_dump({**spec, "audience": "internal"}))
    out = run_report(params, out_dir=tmp_path / "out" / "internal", produced=DAY)
    assert "P0000001" in (out / "tables" / "exceptions_esc01.csv").read_text()
    assert "INTERNAL: contains pupil-level information" in (out / "report.html").read_text()


def test_board_report_refuses_pupil_rows(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    params = write_params(tmp_path / "parameters", data, notebook=_pupil_level_notebook(tmp_path / "nb.ipynb", None),
                          parameters={})
    with pytest.raises(ReportRunError, match="PupilLevelError.*has a pupil_id column.*board report"):
        run_report(params, out_dir=tmp_path / "out" / "board", produced=DAY)
    assert not (tmp_path / "out" / "board").exists()


def test_board_run_refuses_a_notebook_that_ignores_its_audience(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    notebook = _pupil_level_notebook(tmp_path / "nb.ipynb", "internal")  # claims internal in code
    params = write_params(tmp_path / "parameters", data, notebook=notebook, parameters={})
    with pytest.raises(ReportRunError, match=r"pupil-level table\(s\) exceptions_esc01 in a board report"):
        run_report(params, out_dir=tmp_path / "out" / "board", produced=DAY)
    assert not (tmp_path / "out" / "board").exists()
