"""Reading a report's parameters YAML: paths resolved against the file, clear errors."""
import pytest
import yaml

from pmereport.report.run import ReportRunError, read_params


def write(path, data):
    path.write_text(yaml.safe_dump(data))
    return path


def test_repo_board_parameters_read(tmp_path):
    from pathlib import Path
    params = read_params(Path(__file__).parent.parent / "parameters" / "board.yaml")
    assert params.report == "board" and params.period_end.isoformat() == "2026-10-31"
    assert params.la["name"] == "Shire County Council" and params.la["suppress_below"] == 5
    assert params.la["max_rejected_share"] == 0.05
    assert params.notebooks[0].path.name == "board.ipynb" and params.notebooks[0].path.is_file()
    assert params.period == "Position at 31 October 2026"


def test_relative_paths_follow_the_yaml(tmp_path):
    (tmp_path / "nb.ipynb").write_text("{}")
    write(tmp_path / "la.yaml", {"name": "X"})
    params = read_params(write(tmp_path / "p.yaml", {"report": "r", "title": "T", "period_end": "2026-01-31",
                                                     "data_dir": "data", "la": "la.yaml", "notebooks": ["nb.ipynb"]}))
    assert params.data_dir == tmp_path / "data" and params.la == {"name": "X"}
    assert params.notebooks[0].path == tmp_path / "nb.ipynb"


@pytest.mark.parametrize("data, message", [
    ({"title": "T", "period_end": "2026-01-31", "notebooks": []}, "missing setting"),
    ({"report": "r", "title": "T", "period_end": "31st Jan", "notebooks": ["nb.ipynb"]}, "not a date"),
    ({"report": "r", "title": "T", "period_end": "2026-01-31", "notebooks": ["missing.ipynb"]}, "notebook not found"),
])
def test_bad_parameters_are_clear_errors(tmp_path, data, message):
    with pytest.raises(ReportRunError, match=message):
        read_params(write(tmp_path / "p.yaml", data))


def test_missing_file(tmp_path):
    with pytest.raises(ReportRunError, match="parameters file not found"):
        read_params(tmp_path / "nope.yaml")


def test_two_notebooks_with_one_name_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "nb.ipynb").write_text("{}")
    (tmp_path / "b" / "nb.ipynb").write_text("{}")
    with pytest.raises(ReportRunError, match="same file name"):
        read_params(write(tmp_path / "p.yaml", {"report": "r", "title": "T", "period_end": "2026-01-31",
                                                "notebooks": ["a/nb.ipynb", "b/nb.ipynb"]}))


def test_a_report_can_raise_the_protective_marking(tmp_path):
    from pathlib import Path
    monthly = read_params(Path(__file__).parent.parent / "parameters" / "monthly.yaml")
    board = read_params(Path(__file__).parent.parent / "parameters" / "board.yaml")
    assert monthly.la["protective_marking"] == "OFFICIAL-SENSITIVE"  # internal pack
    assert board.la["protective_marking"] == "OFFICIAL"  # the LA default (la.yaml)
    assert monthly.la["name"] == board.la["name"]


def test_la_terms_resolve_against_the_la_file(tmp_path):
    (tmp_path / "nb.ipynb").write_text("{}")
    (tmp_path / "settings" / "terms").mkdir(parents=True)
    (tmp_path / "settings" / "terms" / "t.yaml").write_text("x: 1")
    write(tmp_path / "settings" / "la.yaml", {"name": "X", "terms": "terms/t.yaml"})
    params = read_params(write(tmp_path / "p.yaml", {"report": "r", "title": "T", "period_end": "2026-01-31",
                                                     "la": "settings/la.yaml", "notebooks": ["nb.ipynb"]}))
    # relative to la.yaml's folder (settings/), not to p.yaml's
    assert params.la["terms"] == str(tmp_path / "settings" / "terms" / "t.yaml")


def test_missing_terms_file_is_a_clear_error(tmp_path):
    (tmp_path / "nb.ipynb").write_text("{}")
    with pytest.raises(ReportRunError, match="la terms file not found"):
        read_params(write(tmp_path / "p.yaml", {"report": "r", "title": "T", "period_end": "2026-01-31",
                                                "la": {"terms": "nope.yaml"}, "notebooks": ["nb.ipynb"]}))


def test_repo_la_points_at_the_shire_terms_and_default_triggers():
    from pathlib import Path
    params = read_params(Path(__file__).parent.parent / "parameters" / "monthly.yaml")
    assert Path(params.la["terms"]).is_absolute() and Path(params.la["terms"]).name == "shire-county.yaml"
    assert not params.la["triggers"]  # empty: every threshold is the registered default
    assert params.audience == "board"


def test_audience_defaults_to_board_and_is_checked(tmp_path):
    (tmp_path / "nb.ipynb").write_text("{}")
    base = {"report": "r", "title": "T", "period_end": "2026-01-31", "notebooks": ["nb.ipynb"]}
    assert read_params(write(tmp_path / "p.yaml", base)).audience == "board"
    assert read_params(write(tmp_path / "p.yaml", {**base, "audience": "internal"})).audience == "internal"
    with pytest.raises(ReportRunError, match="audience 'public' must be one of board, internal"):
        read_params(write(tmp_path / "p.yaml", {**base, "audience": "public"}))
