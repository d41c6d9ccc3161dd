"""Session marks -> term aggregates with DuckDB, against hand working and a plain pandas reference."""
from pathlib import Path

import pandas as pd
import pytest

from pmereport.calendar import load_calendar
from pmereport.metrics.attendance import summary, year_to_date
from pmereport.metrics.attendance_marks import MarksError, attendance_from_marks, term_aggregates_from_marks
from pmereport.synth.marks import write_marks

CAL = load_calendar(Path(__file__).resolve().parents[1] / "parameters" / "terms" / "shire-county.yaml")
HEADER = "pupil_id,school_urn,date,session,mark\n"


KEYS = ["pupil_id", "school_urn", "academic_year", "term"]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as plain values and rows in key order (DuckDB gives no order), to
    compare with a reference built without them."""
    frame = frame.astype({c: object for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})
    return frame.sort_values([k for k in KEYS if k in frame], ignore_index=True)


def _write(tmp_path, lines, name="marks.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(lines) + "\n")
    return path


def test_hand_counted_marks(tmp_path):
    lines = [
        # P1, spring 2025: Mon 10 Feb present; Tue ill; Wed unauthorised; Thu medical appointment AM;
        # Fri educational visit (approved activity = attending); Mon 24 Feb (after half-term) X x2
        "P1,100001,2025-02-10,AM,/", "P1,100001,2025-02-10,PM,\\",
        "P1,100001,2025-02-11,AM,I", "P1,100001,2025-02-11,PM,I",
        "P1,100001,2025-02-12,AM,O", "P1,100001,2025-02-12,PM,O",
        "P1,100001,2025-02-13,AM,M", "P1,100001,2025-02-13,PM,\\",
        "P1,100001,2025-02-14,AM,V", "P1,100001,2025-02-14,PM,V",
        "P1,100001,2025-02-24,AM,X", "P1,100001,2025-02-24,PM,X",
        # P2, summer 2025: Tue 6 May (after the May Day bank holiday) unauthorised holiday;
        # Wed 7 May planned whole-school closure (#: not a possible session)
        "P2,100002,2025-05-06,AM,G", "P2,100002,2025-05-06,PM,G",
        "P2,100002,2025-05-07,AM,#", "P2,100002,2025-05-07,PM,#",
    ]
    out = term_aggregates_from_marks(_write(tmp_path, lines), CAL)
    expected = pd.DataFrame({
        "pupil_id": ["P1", "P2"], "school_urn": [100001, 100002], "academic_year": ["2024/25", "2024/25"],
        "term": ["SPR", "SUM"],
        "sessions_possible": [10, 2],      # P1: 12 marks - 2 X; P2: 4 marks - 2 #
        "sessions_authorised": [3, 0],     # P1: I, I, M
        "sessions_unauthorised": [2, 2],   # P1: O, O; P2: G, G
    })
    pd.testing.assert_frame_equal(_plain(out), expected, check_dtype=False)


@pytest.mark.parametrize("line, message", [
    ("P1,100001,2025-02-10,AM,ZZ",
     r"marks.csv: column mark: 'ZZ' is not a DfE attendance code \(pupil P1, 2025-02-10 AM\)"),
    ("P1,100001,2025-08-01,AM,/", r"marks.csv: column date: 2025-08-01 \(pupil P1, AM\) is not in a configured term"),
])
def test_bad_marks_are_named(tmp_path, line, message):
    with pytest.raises(MarksError, match=message):
        term_aggregates_from_marks(_write(tmp_path, ["P1,100001,2025-02-11,AM,/", line]), CAL)


def test_a_file_loaded_twice_is_caught(tmp_path):
    # Autumn 2024, 2 Sep - 20 Dec: 16 weeks = 80 weekdays (half-term included, as an academy may
    # keep other holidays) -> at most 160 marks; the 75 school-day weeks' marks twice = 300
    days = pd.bdate_range("2024-09-02", "2024-12-20")
    days = days[(days < "2024-10-28") | (days > "2024-11-01")]
    lines = [f"P1,100001,{d.date()},{s},/" for d in days for s in ("AM", "PM")]
    assert term_aggregates_from_marks(_write(tmp_path, lines), CAL)["sessions_possible"].iloc[0] == 150
    with pytest.raises(MarksError, match="pupil P1 at school 100001 has 300 marks in AUT 2024/25"):
        term_aggregates_from_marks(_write(tmp_path, lines + lines), CAL)


def _write_parquet(tmp_path, rows, name="marks.parquet"):
    frame = pd.DataFrame(rows, columns=["pupil_id", "school_urn", "date", "session", "mark"])
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    path = tmp_path / name
    frame.to_parquet(path, index=False)
    return path


@pytest.mark.parametrize("row, message", [
    (("P1", 100001, "2025-02-10", "AM", "ZZ"),
     r"marks.parquet: column mark: 'ZZ' is not a DfE attendance code \(pupil P1, 2025-02-10 AM\)"),
    (("P1", 100001, "2025-02-10", "AM", None), r"marks.parquet: column mark: None is not a DfE attendance code"),
    (("P1", 100001, "2025-08-01", "AM", "/"),
     r"marks.parquet: column date: 2025-08-01 \(pupil P1, AM\) is not in a configured term"),
])
def test_bad_marks_in_parquet_are_named(tmp_path, row, message):
    # Parquet marks are checked against the files' own row count (inner joins): a mark the joins
    # drop must still be found and named, as from CSV
    good = ("P1", 100001, "2025-02-11", "AM", "/")
    assert term_aggregates_from_marks(_write_parquet(tmp_path, [good]), CAL)["sessions_possible"].tolist() == [1]
    with pytest.raises(MarksError, match=message):
        term_aggregates_from_marks(_write_parquet(tmp_path, [good, row]), CAL)


def test_a_parquet_file_listed_twice_is_caught(tmp_path):
    # as test_a_file_loaded_twice_is_caught: 150 school-day sessions of autumn 2024, twice = 300 > 160
    days = pd.bdate_range("2024-09-02", "2024-12-20")
    days = days[(days < "2024-10-28") | (days > "2024-11-01")]
    path = _write_parquet(tmp_path, [("P1", 100001, str(d.date()), s, "/") for d in days for s in ("AM", "PM")])
    assert term_aggregates_from_marks(path, CAL)["sessions_possible"].iloc[0] == 150
    with pytest.raises(MarksError, match="pupil P1 at school 100001 has 300 marks in AUT 2024/25"):
        term_aggregates_from_marks([path, path], CAL)


# -- the out-of-core result equals a plain pandas reference, row for row ------------------------
# The reference is written independently from DfE's code list (Working together to improve school
# attendance, 2024): it loads every mark into pandas, which is fine at this size.
REF_AUTHORISED = {"C", "C1", "C2", "E", "H", "I", "J1", "M", "R", "S", "T"}
REF_UNAUTHORISED = {"G", "N", "O", "U"}
REF_NOT_COUNTED = {"D", "X", "Y", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z", "#", "Q"}


def _pandas_reference(marks: pd.DataFrame) -> pd.DataFrame:
    marks = marks.assign(date=pd.to_datetime(marks["date"]))
    marks["academic_year"] = None
    marks["term"] = None
    for t in CAL.terms:
        inside = (marks["date"] >= t.start) & (marks["date"] <= t.end)
        marks.loc[inside, ["academic_year", "term"]] = [t.academic_year, t.code]
    marks["possible"] = ~marks["mark"].isin(REF_NOT_COUNTED)
    marks["authorised"] = marks["mark"].isin(REF_AUTHORISED)
    marks["unauthorised"] = marks["mark"].isin(REF_UNAUTHORISED)
    out = (marks.groupby(KEYS)[["possible", "authorised", "unauthorised"]].sum().add_prefix("sessions_")
           .reset_index())
    out = out.astype({c: "int64" for c in out.columns if c.startswith("sessions_")})
    return out.sort_values(KEYS, ignore_index=True)


@pytest.fixture(scope="module")
def small_marks(tmp_path_factory):
    root = tmp_path_factory.mktemp("marks")
    return (write_marks(root / "pq", seed=7, size=600, academic_year="2024/25", fmt="parquet"),
            write_marks(root / "csv", seed=7, size=600, academic_year="2024/25", fmt="csv"))


def test_out_of_core_equals_pandas_reference(small_marks):
    parquet, csv = small_marks
    marks = pd.concat([pd.read_parquet(p) for p in sorted(parquet.marks_dir.iterdir())], ignore_index=True)
    marks["pupil_id"] = marks["pupil_id"].astype(str)
    marks["mark"] = marks["mark"].astype(str)
    reference = _pandas_reference(marks)
    ours = term_aggregates_from_marks(parquet.marks_dir, CAL)
    pd.testing.assert_frame_equal(_plain(ours), reference, check_dtype=False)
    pd.testing.assert_frame_equal(_plain(term_aggregates_from_marks(csv.marks_dir, CAL)), _plain(ours))
    # and the measures built on them: year to date per enrolment (summed by DuckDB) and summaries
    roll = pd.read_parquet(parquet.roll_path)
    ref_roll = reference.merge(roll, on=["pupil_id", "school_urn"])
    for up_to in [None, "SPR"]:
        got = attendance_from_marks(parquet.marks_dir, CAL, "2024/25", roll, up_to_term=up_to,
                                    summaries=[None, "school_urn", "ncy", "fsm", "sen_status"])
        pd.testing.assert_frame_equal(_plain(got.terms), ref_roll[KEYS + ["sessions_possible", "sessions_authorised",
                                                                         "sessions_unauthorised", "sen_status"]],
                                      check_dtype=False)
        ref_ytd = year_to_date(ref_roll, "2024/25", up_to_term=up_to)
        pd.testing.assert_frame_equal(_plain(got.year_to_date).sort_values(["pupil_id", "school_urn"],
                                                                           ignore_index=True),
                                      ref_ytd, check_dtype=False)
        for by in [None, "school_urn", "ncy", "fsm", "sen_status"]:
            pd.testing.assert_frame_equal(summary(got.year_to_date, by), summary(ref_ytd, by), check_dtype=False)
            # the summaries DuckDB computed in the same connection: the same, row for row
            pd.testing.assert_frame_equal(got.summaries[by], summary(ref_ytd, by), check_dtype=False)


def test_synthetic_marks_look_like_england(small_marks):
    parquet, csv = small_marks
    # 600 pupils x 190 school days x 2 sessions
    assert parquet.rows == csv.rows == 600 * 190 * 2
    overall = summary(year_to_date(term_aggregates_from_marks(parquet.marks_dir, CAL), "2024/25")).iloc[0]
    # England 2024/25 year to date: overall absence 6.9%, persistent absence 18.7% (DfE)
    assert 5.0 < overall["overall_absence_pct"] < 8.5
    assert 14.0 < overall["persistent_pct"] < 24.0
    again = write_marks(parquet.marks_dir.parent.parent / "again", seed=7, size=600, academic_year="2024/25")
    first = pd.read_parquet(parquet.marks_dir / "part-00000.parquet")
    assert first.equals(pd.read_parquet(again.marks_dir / "part-00000.parquet"))


def test_roll_from_a_file_and_its_checks(small_marks, tmp_path):
    parquet, csv = small_marks
    from_frame = attendance_from_marks(parquet.marks_dir, CAL, "2024/25", pd.read_parquet(parquet.roll_path))
    for roll_file in (parquet.roll_path, csv.roll_path):
        from_file = attendance_from_marks(parquet.marks_dir, CAL, "2024/25", roll_file)
        pd.testing.assert_frame_equal(_plain(from_file.year_to_date).sort_values("pupil_id", ignore_index=True),
                                      _plain(from_frame.year_to_date).sort_values("pupil_id", ignore_index=True))
    roll = pd.read_parquet(parquet.roll_path)
    with pytest.raises(ValueError, match=f"roll: pupil {roll['pupil_id'][0]} appears twice"):
        attendance_from_marks(parquet.marks_dir, CAL, "2024/25", pd.concat([roll, roll.head(1)]))
    with pytest.raises(ValueError, match=r"roll lacks columns \['school_urn'\]"):
        attendance_from_marks(parquet.marks_dir, CAL, "2024/25", roll.drop(columns="school_urn"))
