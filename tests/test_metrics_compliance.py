"""Monthly return compliance on four schools over September to December 2024.

  100001 open throughout; on time Sep, on the deadline day Oct, a day late Nov, missing Dec
  100002 opens 15 Oct: not expected in Sep; late in Oct, missing Nov and Dec
  100003 closes 30 Sep: missing in Sep; a return for Oct is logged although it was closed
  100004 only ever sends nil returns, on time, Sep-Nov; missing Dec
  100009 is not in the schools extract but sends a return for Nov
  December: nobody returns (a month with no rows in the log).
Deadline: the 10th of the following month.
"""
from __future__ import annotations

import math

import pytest
from _metrics_data import make

from pmereport.metrics import compliance


@pytest.fixture(scope="module")
def status():
    schools = make("schools", [
        dict(school_urn="100001", school_name="Ashby Primary"),
        dict(school_urn="100002", school_name="Brook Academy", open_date="2024-10-15"),
        dict(school_urn="100003", school_name="Castle Juniors", close_date="2024-09-30"),
        dict(school_urn="100004", school_name="Dale Infants"),
    ])
    log = make("return_log", [
        dict(return_month="2024-09", school_urn="100001", submitted_date="2024-10-08"),
        dict(return_month="2024-10", school_urn="100001", submitted_date="2024-11-10"),
        dict(return_month="2024-11", school_urn="100001", submitted_date="2024-12-11"),
        dict(return_month="2024-10", school_urn="100002", submitted_date="2024-11-20"),
        dict(return_month="2024-10", school_urn="100003", submitted_date="2024-11-01"),
        dict(return_month="2024-09", school_urn="100004", submitted_date="2024-10-01", nil_return="Y"),
        dict(return_month="2024-10", school_urn="100004", submitted_date="2024-11-05", nil_return="Y"),
        dict(return_month="2024-11", school_urn="100004", submitted_date="2024-12-02", nil_return="Y"),
        dict(return_month="2024-11", school_urn="100009", submitted_date="2024-12-03"),
        dict(return_month="2024-08", school_urn="100001", submitted_date="2024-09-03"),  # outside
    ])
    return compliance.return_status(schools, log, "2024-09-01", "2024-12-31")


def test_status_of_each_return(status):
    got = {(str(r.return_month), r.school_urn): r.status for r in status.itertuples()}
    assert got == {
        ("2024-09", 100001): "on time", ("2024-10", 100001): "on time",  # 10 Nov = deadline
        ("2024-11", 100001): "late", ("2024-12", 100001): "missing",
        ("2024-10", 100002): "late", ("2024-11", 100002): "missing", ("2024-12", 100002): "missing",
        ("2024-09", 100003): "missing", ("2024-10", 100003): "not expected",
        ("2024-09", 100004): "on time", ("2024-10", 100004): "on time", ("2024-11", 100004): "on time",
        ("2024-12", 100004): "missing",
        ("2024-11", 100009): "not expected",
    }
    late = status.set_index(["school_urn", status["return_month"].astype(str)])
    assert late.loc[(100002, "2024-10"), "days_late"] == 10  # 20 Nov against 10 Nov
    assert late.loc[(100001, "2024-11"), "days_late"] == 1


def test_monthly_return_rates(status):
    out = compliance.return_rates(status)
    rows = {str(r.return_month): r for r in out.itertuples()}
    sep, oct_, nov, dec = (rows[m] for m in ("2024-09", "2024-10", "2024-11", "2024-12"))
    # Sep: expected 100001, 100003, 100004; received 100001 and 100004 (nil) -> 2 of 3
    assert (sep.expected, sep.received, sep.on_time, sep.late, sep.missing, sep.nil_returns) == (3, 2, 2, 0, 1, 1)
    assert sep.return_rate == pytest.approx(200 / 3)
    # Oct: expected 100001, 100002, 100004, all received, 100002 late; 100003 not expected
    assert (oct_.expected, oct_.received, oct_.late, oct_.missing, oct_.not_expected) == (3, 3, 1, 0, 1)
    assert (oct_.return_rate, oct_.on_time_rate) == (pytest.approx(100), pytest.approx(200 / 3))
    # Nov: 100001 late, 100002 missing, 100004 on time; 100009 not expected
    assert (nov.received, nov.on_time, nov.late, nov.missing, nov.not_expected) == (2, 1, 1, 1, 1)
    # Dec: no rows at all -> every expected school missing, rate 0
    assert (dec.expected, dec.received, dec.missing, dec.return_rate) == (3, 0, 3, 0)
    assert list(rows) == ["2024-09", "2024-10", "2024-11", "2024-12"]  # August's return left out


def test_school_feedback_list(status):
    out = compliance.school_compliance(status)
    # 100003: 0 of 1; 100002: 1 of 3 (Oct-Dec); 100001: 3 of 4 with 1 late; 100004: 3 of 4, all nil
    assert out["school_urn"].tolist() == [100003, 100002, 100001, 100004]
    rows = out.set_index("school_urn")
    assert rows.loc[100004, ["due", "received", "nil_returns", "missing"]].tolist() == [4, 3, 3, 1]
    assert rows.loc[100002, "return_rate"] == pytest.approx(100 / 3)
    assert rows.loc[100001, ["late", "missing", "return_rate"]].tolist() == [1, 1, 75]


def test_deadline_is_a_parameter(status):
    schools = make("schools", [dict(school_urn="100001", school_name="Ashby Primary")])
    log = make("return_log", [dict(return_month="2024-09", school_urn="100001", submitted_date="2024-10-08")])
    strict = compliance.return_status(schools, log, "2024-09", "2024-09", deadline_day=5)
    assert strict["status"].tolist() == ["late"] and strict["days_late"].tolist() == [3]


def test_month_with_no_expected_school():
    schools = make("schools", [dict(school_urn="100001", school_name="Ashby Primary", open_date="2025-01-06")])
    log = make("return_log", [dict(return_month="2024-12", school_urn="100001", submitted_date="2025-01-02")])
    rates = compliance.return_rates(compliance.return_status(schools, log, "2024-12", "2024-12"))
    assert rates.loc[0, "expected"] == 0 and rates.loc[0, "not_expected"] == 1
    assert math.isnan(rates.loc[0, "return_rate"])


def test_late_and_missing_list(status):
    out = compliance.late_and_missing(status)
    got = [(str(r.return_month), r.school_urn, r.status) for r in out.itertuples()]
    assert got == [("2024-09", 100003, "missing"), ("2024-10", 100002, "late"),
                   ("2024-11", 100002, "missing"), ("2024-11", 100001, "late"),
                   ("2024-12", 100001, "missing"), ("2024-12", 100002, "missing"),
                   ("2024-12", 100004, "missing")]


def test_deadline_day_must_exist_every_month():
    schools = make("schools", [dict(school_urn="100001", school_name="Ashby Primary")])
    log = make("return_log", [dict(return_month="2024-09", school_urn="100001", submitted_date="2024-10-08")])
    with pytest.raises(ValueError, match="deadline_day"):
        compliance.return_status(schools, log, "2024-09", "2024-09", deadline_day=31)


def test_returns_not_yet_due_are_not_missing():
    # Log extracted on 5 Dec 2024: November's deadline (10 Dec) has not passed, so a school with
    # no November return yet is "not yet due", not missing, and November's rate is over the one
    # return that is in (1 of 1 = 100%); October's deadline (10 Nov) has passed.
    schools = make("schools", [dict(school_urn="100001", school_name="Ashby Primary"),
                               dict(school_urn="100002", school_name="Brook Academy")])
    log = make("return_log", [dict(return_month="2024-10", school_urn="100001", submitted_date="2024-11-04"),
                              dict(return_month="2024-11", school_urn="100001", submitted_date="2024-12-02")])
    status = compliance.return_status(schools, log, "2024-10", "2024-11", as_of="2024-12-05")
    got = {(str(r.return_month), r.school_urn): r.status for r in status.itertuples()}
    assert got == {("2024-10", 100001): "on time", ("2024-10", 100002): "missing",
                   ("2024-11", 100001): "on time", ("2024-11", 100002): "not yet due"}
    rates = {str(r.return_month): r for r in compliance.return_rates(status).itertuples()}
    assert (rates["2024-10"].due, rates["2024-10"].return_rate) == (2, 50)
    nov = rates["2024-11"]
    assert (nov.expected, nov.not_yet_due, nov.due, nov.received, nov.missing) == (2, 1, 1, 1, 0)
    assert nov.return_rate == 100
    feedback = compliance.school_compliance(status).set_index("school_urn")
    assert feedback.loc[100002, ["due", "missing"]].tolist() == [1, 1]
    # on the deadline day itself a return is still not due: as at 10 Dec, still "not yet due"
    on_deadline = compliance.return_status(schools, log, "2024-11", "2024-11", as_of="2024-12-10")
    assert on_deadline.set_index("school_urn").loc[100002, "status"] == "not yet due"
