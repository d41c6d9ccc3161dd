"""A report whose notebooks read no contract extracts: `data_dir: null` skips contract validation
(and says so in the manifest); leaving data_dir out is still an error."""
import json

import nbformat
import pytest
import yaml

from pmereport.report.run import ReportRunError, read_params, run_report


def _notebook(path, declares_data_dir: bool):
    parameters = "period_end = None\nrun_dir = None\n" + ("data_dir = None\n" if declares_data_dir else "")
    nb = nbformat.v4.new_notebook()
    parameters_cell = nbformat.v4.new_code_cell(parameters)
    parameters_cell.metadata["tags"] = ["parameters"]
    nb.cells = [parameters_cell, nbformat.v4.new_markdown_cell("# A report from published figures only")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def _params(folder, **extra):
    data = {"report": "pub", "title": "Published", "period_end": "2017-08-31", "la": {"name": "X"},
            "notebooks": ["nb.ipynb"], **extra}
    path = folder / "p.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_data_dir_null_means_no_data_needed(tmp_path):
    _notebook(tmp_path / "nb.ipynb", declares_data_dir=False)
    assert read_params(_params(tmp_path, data_dir=None)).needs_data is False
    assert read_params(_params(tmp_path)).needs_data is True            # key left out
    assert read_params(_params(tmp_path, data_dir="d")).needs_data is True


def test_missing_data_dir_is_still_an_error(tmp_path):
    _notebook(tmp_path / "nb.ipynb", declares_data_dir=True)
    with pytest.raises(ReportRunError, match="no data folder"):
        run_report(_params(tmp_path), out_dir=tmp_path / "out")


@pytest.mark.slow
def test_run_without_data_records_that_validation_was_skipped(tmp_path):
    _notebook(tmp_path / "nb.ipynb", declares_data_dir=False)   # need not declare data_dir
    run = run_report(_params(tmp_path, data_dir=None), out_dir=tmp_path / "out")
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["data_validation"] == "skipped" and manifest["inputs"] == []
    assert manifest["parameters"]["data_dir"] is None and manifest["parameters"]["needs_data"] is False
    quality = json.loads((run / "quality.json").read_text())
    assert quality["data_dir"] is None and "validation was skipped" in quality["note"]
    executed = nbformat.read(str(run / "notebooks" / "nb.ipynb"), as_version=4)
    injected = "".join(c.source for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "data_dir" not in injected and "run_dir" in injected
