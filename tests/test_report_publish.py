"""publish_table / publish_figure: display always; write files and register only in a run."""
import json
import re

import pandas as pd
import pytest

from pmereport.present.style import new_figure, svg_bytes
from pmereport.report import publish


@pytest.fixture(autouse=True)
def reset():
    yield
    publish.start(None)


def frame():
    return pd.DataFrame({"label": ["CME", "PME", "Total"], "open_cases": [3, 40, 43]})


def test_run_writes_suppressed_csv_and_registers(tmp_path, capsys):
    publish.start(tmp_path, suppress_below=5)
    publish.publish_table(frame(), "caseload", "Open cases", units={"open_cases": "count"}, period="p", source="s")
    # 3 -> c; then PME 40 is the smallest other non-zero count in the column -> c; total 43 shown.
    assert (tmp_path / "tables" / "caseload.csv").read_text() == "label,open_cases\nCME,c\nPME,c\nTotal,43\n"
    items = publish.read_registry(tmp_path)
    assert [i["kind"] for i in items] == ["table"] and items[0]["table"].title == "Open cases"
    with pytest.raises(ValueError, match="already published"):
        publish.publish_table(frame(), "caseload", "Again", units={"open_cases": "count"}, period="p", source="s")


def test_threshold_comes_from_start(tmp_path):
    publish.start(tmp_path, suppress_below=3)
    publish.publish_table(frame(), "caseload", "Open cases", units={"open_cases": "count"}, period="p", source="s")
    assert "CME,3" in (tmp_path / "tables" / "caseload.csv").read_text()


def test_without_run_dir_only_displays(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    publish.start(None)
    table = publish.publish_table(frame(), "caseload", "Open cases", units={"open_cases": "count"}, period="p",
                                  source="s")
    assert table.rows[0] == ["CME", "c"]
    assert list(tmp_path.iterdir()) == []


def test_bad_name_is_refused():
    with pytest.raises(ValueError, match="lower-case"):
        publish.publish_table(frame(), "Case load!", "T", units={"open_cases": "count"}, period="p", source="s")


def test_figure_is_written_as_deterministic_svg(tmp_path):
    publish.start(tmp_path)
    fig, ax = new_figure(xlabel="Month", ylabel="Cases (number)")
    ax.plot([1, 2, 3], [4, 5, 6])
    first = svg_bytes(fig)
    assert svg_bytes(fig) == first  # fixed ids, no date
    assert b"<dc:date>" not in first
    publish.publish_figure(fig, "trend", "Trend", period="p", source="s")
    written = (tmp_path / "figures" / "trend.svg").read_bytes()  # the same, plus its text alternative
    assert re.sub(rb"\n <title>.*?</title>\n <desc>.*?</desc>", b"", written, flags=re.S) == first
    entry = json.loads((tmp_path / ".publish" / "registry.jsonl").read_text())
    assert entry["kind"] == "figure" and entry["file"] == "figures/trend.svg"


def exceptions_frame():
    """What metrics.triggers.exceptions returns: pupil-level, marked internal."""
    df = pd.DataFrame({"code": ["ESC01"], "pupil_id": ["P0000001"], "value": [25.0], "threshold": [20.0]})
    df.attrs["classification"] = "internal"
    return df


def test_board_report_refuses_pupil_level_frames(tmp_path):
    publish.start(tmp_path)  # audience defaults to board
    with pytest.raises(publish.PupilLevelError, match="'exceptions' is marked classification 'internal'"):
        publish.publish_table(exceptions_frame(), "exceptions", "E", units={}, period="p", source="s")
    # no attrs, but a pupil_id column: still refused
    plain = pd.DataFrame({"pupil_id": ["P0000001"], "days": [3]})
    with pytest.raises(publish.PupilLevelError, match="has a pupil_id column"):
        publish.publish_table(plain, "plain", "E", units={"days": "days"}, period="p", source="s")
    assert not (tmp_path / "tables").exists()  # nothing written


def test_internal_report_allows_pupil_level_frames(tmp_path):
    publish.start(tmp_path, audience="internal")
    publish.publish_table(exceptions_frame(), "exceptions", "E", units={"value": "days", "threshold": "days"},
                          period="p", source="s", suppress=False)
    assert "P0000001" in (tmp_path / "tables" / "exceptions.csv").read_text()
    assert publish.read_registry(tmp_path)[0]["pupil_level"] is True


def test_aggregates_pass_in_a_board_report(tmp_path):
    publish.start(tmp_path)
    df = frame()
    df.attrs["classification"] = "aggregate"
    publish.publish_table(df, "caseload", "Open cases", units={"open_cases": "count"}, period="p", source="s")
    assert publish.read_registry(tmp_path)[0]["pupil_level"] is False


def test_unknown_audience_is_refused():
    with pytest.raises(ValueError, match="audience 'everyone'"):
        publish.start(None, audience="everyone")
