"""Property-based tests (hypothesis; issue 8, part 5): readers under random byte corruption, the
school calendar's day counts, and secondary suppression.

Budget: under 20 s in all (``max_examples`` below, ``deadline=None`` because the first pandera
validation in a process is slow).
"""
import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tiny_data import write_tiny_data

from pmereport.calendar import load_calendar
from pmereport.contract.validate import ExtractResult, load_extract
from pmereport.present.suppression import SUPPRESSED, suppress

TODAY = dt.date(2026, 11, 20)
TERMS_FILE = Path(__file__).resolve().parents[1] / "parameters" / "terms" / "shire-county.yaml"
QUICK = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                      HealthCheck.too_slow])


@pytest.fixture(scope="module")
def valid_cases(tmp_path_factory) -> bytes:
    return (write_tiny_data(tmp_path_factory.mktemp("tiny")) / "cases.csv").read_bytes()


@pytest.fixture(scope="module")
def valid_cases_xlsx(valid_cases) -> bytes:
    buffer = io.BytesIO()
    pd.read_csv(io.BytesIO(valid_cases), dtype=str, keep_default_na=False).to_excel(buffer, index=False)
    return buffer.getvalue()


TEXT_BYTES = st.sampled_from(list(b"0123456789,;\"\n\r -/ZzAaNY\xe9\xa3"))


@st.composite
def corrupted(draw, original: bytes, start: int = 0, text_only: bool = False) -> bytes:
    """``original`` with 1 to 6 edits at or after byte ``start``: a byte replaced, a byte or run
    inserted, a run deleted, or the file cut short. ``text_only``: edits a person could make in a
    text editor (commas, quotes, digits, line breaks, cp1252 letters), no cutting short."""
    data = bytearray(original)
    byte = TEXT_BYTES if text_only else st.integers(0, 255)
    kinds = ["replace", "insert", "delete"] + ([] if text_only else ["truncate"])
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(min(start, len(data)), max(len(data) - 1, start)))
        kind = draw(st.sampled_from(kinds))
        if kind == "replace" and where < len(data):
            data[where] = draw(byte)
        elif kind == "insert":
            data[where:where] = bytes(draw(st.lists(byte, min_size=1, max_size=8)))
        elif kind == "delete":
            del data[where:where + draw(st.integers(1, 20))]
        else:
            del data[where:]
    return bytes(data)


def check_accounting(result: ExtractResult) -> str:
    """Every row read is kept or rejected, and every rejected row has a reason naming its row
    (or the whole file was refused with a file error). Returns what happened, for the statistics."""
    assert isinstance(result, ExtractResult)
    assert result.rows_kept + result.rows_rejected == result.rows_read and result.rows_kept >= 0
    if result.file_errors:
        assert result.rows_kept == 0
        return "file refused"
    rejected_rows = set(result.issues["row"].dropna().astype(int))
    kept_rows = set(result.data["_source_row"].astype(int))
    assert len(rejected_rows) == result.rows_rejected
    assert not rejected_rows & kept_rows
    return "rows rejected" if result.rows_rejected else "all rows kept"


def write_and_load(folder: Path, name: str, body: bytes) -> ExtractResult:
    for old in folder.glob("cases.*"):
        old.unlink()
    (folder / name).write_bytes(body)
    return load_extract(folder, "cases", today=TODAY)


@settings(QUICK, max_examples=40)
@given(data=st.data())
def test_corrupted_csv_never_crashes_and_rows_balance(tmp_path, valid_cases, data):
    body = data.draw(corrupted(valid_cases))
    event(check_accounting(write_and_load(tmp_path, "cases.csv", body)))


@settings(QUICK, max_examples=40)
@given(data=st.data())
def test_csv_with_corrupted_data_rows_never_crashes_and_rows_balance(tmp_path, valid_cases, data):
    header_end = valid_cases.index(b"\n") + 1
    body = data.draw(corrupted(valid_cases, start=header_end, text_only=True))
    event(check_accounting(write_and_load(tmp_path, "cases.csv", body)))


@settings(QUICK, max_examples=15)
@given(data=st.data())
def test_corrupted_xlsx_never_crashes_and_rows_balance(tmp_path, valid_cases_xlsx, data):
    body = data.draw(corrupted(valid_cases_xlsx))
    event(check_accounting(write_and_load(tmp_path, "cases.xlsx", body)))


def _rezip(original: bytes, member: str, corrupt) -> bytes:
    """The workbook with one member's XML corrupted but the zip itself intact (a harder case)."""
    src, out = zipfile.ZipFile(io.BytesIO(original)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, corrupt(body) if info.filename == member else body)
    return out.getvalue()


@settings(QUICK, max_examples=15)
@given(data=st.data())
def test_xlsx_with_corrupted_sheet_xml_never_crashes(tmp_path, valid_cases_xlsx, data):
    body = _rezip(valid_cases_xlsx, "xl/worksheets/sheet1.xml", lambda xml: data.draw(corrupted(xml)))
    event(check_accounting(write_and_load(tmp_path, "cases.xlsx", body)))


def test_accounting_check_can_fail():
    """The property's check is not vacuous: a result that loses a rejected row's reason fails it."""
    good = pd.DataFrame({"_source_row": [2, 3]})
    issues = pd.DataFrame({"row": [4.0], "column": ["x"], "rule": ["FIELD_CODE"]})
    check_accounting(ExtractResult("cases", ["f"], 3, good, issues))
    with pytest.raises(AssertionError):
        check_accounting(ExtractResult("cases", ["f"], 4, good, issues))  # a 4th row lost without a reason


# -- calendar ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cal():
    return load_calendar(TERMS_FILE)


@settings(QUICK, max_examples=200)
@given(data=st.data())
def test_school_day_counts_add_up_and_stay_in_bounds(cal, data):
    first, last = cal.first_day.date(), cal.last_day.date()
    a, b, c = sorted(data.draw(st.lists(st.dates(first, last), min_size=3, max_size=3)))
    ab, bc, ac = cal.count_school_days(a, b), cal.count_school_days(b, c), cal.count_school_days(a, c)
    # both ends are included, so b is counted twice when it is a school day
    assert ab + bc - cal.is_school_day(b) == ac
    # never more than the weekdays from a to c (np.busday_count excludes its end date)
    assert 0 <= ac <= np.busday_count(a, c + dt.timedelta(days=1))
    assert cal.count_school_days(c, a) == (ac if a == c else 0)  # reversed: nothing (or the one day)
    vectorised = cal.count_school_days_between(pd.Series([pd.Timestamp(a)]), pd.Series([pd.Timestamp(c)]))
    assert int(vectorised[0]) == ac


# -- suppression ---------------------------------------------------------------------------------

@st.composite
def count_grids(draw) -> pd.DataFrame:
    """A table of counts (mostly small, some zeros) with its total column and total row."""
    rows, cols = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    cell = st.one_of(st.integers(0, 6), st.integers(0, 40))
    body = np.array(draw(st.lists(st.lists(cell, min_size=cols, max_size=cols), min_size=rows, max_size=rows)))
    frame = pd.DataFrame(body, columns=[f"c{j}" for j in range(cols)])
    frame["total"] = frame.sum(axis=1)
    frame.loc[len(frame)] = frame.sum(axis=0)
    return frame


def recoverable_cells(original: pd.DataFrame, published: pd.DataFrame) -> list[tuple[int, str]]:
    """Suppressed cells that equal their row's or column's total minus the other cells of that
    line, when all of those are published (the attack a reader of the table can make). The last
    row and column are totals: a line's total is its last cell."""
    hidden = published.eq(SUPPRESSED)
    found = []
    n_rows, n_cols = original.shape
    for i in range(n_rows):
        for j, column in enumerate(original.columns):
            if not hidden.iat[i, j]:
                continue
            for line in (hidden.iloc[i, :], hidden.iloc[:, j]):
                if line.sum() == 1:  # every other cell of the line, the total included, is published
                    found.append((i, column))
    return found


@settings(QUICK, max_examples=200)
@given(grid=count_grids())
def test_no_suppressed_cell_can_be_recovered_from_its_row_or_column(grid):
    published = suppress(grid, list(grid.columns), suppress_below=5)
    values = grid.to_numpy()
    hidden = published.eq(SUPPRESSED).to_numpy()
    assert (hidden[(values >= 1) & (values <= 4)]).all()  # primary: every 1-4 is hidden
    assert not hidden[values == 0].any()  # a zero is shown
    assert recoverable_cells(grid, published) == []
    # the published cells are the original numbers
    assert (published.to_numpy()[~hidden] == values[~hidden]).all()


def test_recoverability_check_can_fail():
    """The attack finds a lone suppressed cell: row [3, 7 | 10] with only the 3 hidden gives 10 - 7."""
    grid = pd.DataFrame({"c0": [3, 3], "c1": [7, 7], "total": [10, 10]})
    published = grid.astype(object)
    published.iat[0, 0] = SUPPRESSED
    assert (0, "c0") in recoverable_cells(grid, published)
