"""Monthly PME return compliance: expected, received, late and missing returns (issue 3, part 5).

Rules (DOMAIN.md: every school sends a monthly PME return, a nil return when it has nobody to
report, and "the return rate is itself a headline"; contract RETURN_LOG, SCHOOLS):
- expected: every school in the schools extract that is open on at least one day of the month
  (opened on or before the month's last day, and not closed before its first day);
- received: the school has a row in the return log for the month; a nil return counts;
- late: received after the deadline, by default the 10th of the following month (a parameter:
  ``deadline_day``); a return received on the deadline day is on time;
- missing: expected, no row, and the deadline has passed at ``as_of`` (the date the log was
  extracted); with no row and the deadline still to come it is ``not yet due`` and left out of
  that month's rate (without ``as_of`` every deadline counts as passed);
- a log row from a school that was not expected (closed, or not in the schools extract) is kept
  and reported as ``not expected``, never dropped, and left out of the rates.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

DEADLINE_DAY = 10
"""Default deadline: the 10th of the month after the return month (a local choice; parameter)."""

STATUSES = ("on time", "late", "missing", "not yet due", "not expected")


def _months(start, end) -> pd.PeriodIndex:
    return pd.period_range(pd.Period(start, "M"), pd.Period(end, "M"), freq="M")


def expected_returns(schools: pd.DataFrame, start, end) -> pd.DataFrame:
    """One row per school and month from ``start`` to ``end`` in which the school was open.
    Columns: return_month (Period), school_urn, school_name."""
    months = pd.DataFrame({"return_month": _months(start, end)})
    pairs = months.merge(schools[["school_urn", "school_name", "open_date", "close_date"]], how="cross")
    first = pairs["return_month"].dt.start_time
    last = pairs["return_month"].dt.end_time.dt.normalize()
    open_in_month = ((pairs["open_date"].isna() | (pairs["open_date"] <= last))
                     & (pairs["close_date"].isna() | (pairs["close_date"] >= first)))
    return pairs.loc[open_in_month, ["return_month", "school_urn", "school_name"]].reset_index(drop=True)


def return_status(schools: pd.DataFrame, return_log: pd.DataFrame, start, end,
                  deadline_day: int = DEADLINE_DAY, as_of=None) -> pd.DataFrame:
    """Status of every expected return, and of every logged one, from ``start`` to ``end``,
    as at ``as_of`` (the log's extract date; None: every deadline has passed).

    Columns: return_month (Period), school_urn, school_name, expected, received, nil_return,
    submitted_date, deadline, days_late, status (one of STATUSES).
    """
    if not 1 <= deadline_day <= 28:
        raise ValueError(f"deadline_day must be a day every month has (1 to 28), not {deadline_day}")
    expected = expected_returns(schools, start, end).assign(expected=True)
    log = return_log.assign(return_month=return_log["return_month"].dt.to_period("M"))
    log = log[log["return_month"].isin(_months(start, end))]
    log = log[["return_month", "school_urn", "submitted_date", "nil_return"]].assign(received=True)
    out = expected.merge(log, on=["return_month", "school_urn"], how="outer", sort=True)
    out["expected"] = out["expected"].astype("boolean").fillna(False).astype(bool)
    out["received"] = out["received"].astype("boolean").fillna(False).astype(bool)
    names = schools.set_index("school_urn")["school_name"]
    out["school_name"] = out["school_name"].fillna(out["school_urn"].map(names))
    out["deadline"] = out["return_month"].dt.start_time + pd.DateOffset(months=1) \
        + pd.Timedelta(days=deadline_day - 1)
    out["days_late"] = (out["submitted_date"] - out["deadline"]).dt.days.clip(lower=0).astype("Int64")
    late = out["received"] & (out["submitted_date"] > out["deadline"])
    not_due = ~out["received"] & (False if as_of is None else out["deadline"] >= pd.Timestamp(as_of))
    out["status"] = np.select([~out["expected"], not_due, ~out["received"], late],
                              ["not expected", "not yet due", "missing", "late"], "on time")
    return out[["return_month", "school_urn", "school_name", "expected", "received", "nil_return",
                "submitted_date", "deadline", "days_late", "status"]]


def return_rates(status: pd.DataFrame) -> pd.DataFrame:
    """The return-rate trend: per month, from ``return_status``.

    ``due`` = expected returns whose deadline has passed, or that are in (expected minus not yet
    due). ``return_rate`` = received / due x 100 (nil returns count as received), ``on_time_rate``
    = received by the deadline / due x 100; blank when no return was due.
    Columns: return_month, expected, not_yet_due, due, received, on_time, late, missing,
    nil_returns, not_expected, return_rate, on_time_rate.
    """
    s = status.assign(
        on_time=status["status"] == "on time", late=status["status"] == "late",
        missing=status["status"] == "missing", not_expected=status["status"] == "not expected",
        not_yet_due=status["status"] == "not yet due",
        counted=status["expected"] & status["received"],
        nil=status["expected"] & status["received"] & (status["nil_return"] == "Y"))
    g = s.groupby("return_month")
    out = pd.DataFrame({
        "expected": g["expected"].sum(), "not_yet_due": g["not_yet_due"].sum(),
        "received": g["counted"].sum(), "on_time": g["on_time"].sum(),
        "late": g["late"].sum(), "missing": g["missing"].sum(), "nil_returns": g["nil"].sum(),
        "not_expected": g["not_expected"].sum()}).astype(int)
    out.insert(2, "due", out["expected"] - out["not_yet_due"])
    due = out["due"].where(out["due"] > 0)
    out["return_rate"] = out["received"] / due * 100
    out["on_time_rate"] = out["on_time"] / due * 100
    return out.reset_index()


def late_and_missing(status: pd.DataFrame) -> pd.DataFrame:
    """The returns to chase: every late or missing one from ``return_status``, by month, then
    missing before late, then school. Columns as ``return_status``."""
    out = status[status["status"].isin(["missing", "late"])]
    order = out["status"].map({"missing": 0, "late": 1})
    return (out.assign(_order=order).sort_values(["return_month", "_order", "school_urn"])
            .drop(columns="_order").reset_index(drop=True))


def school_compliance(status: pd.DataFrame) -> pd.DataFrame:
    """Per school, over the months of ``status``: returns due (expected, not counting those not
    yet due), received, late, missing and nil, and the school's return rate (%), worst first:
    the feedback list for schools.
    Columns: school_urn, school_name, due, received, late, missing, nil_returns, return_rate."""
    s = status[status["expected"] & (status["status"] != "not yet due")]
    s = s.assign(late=s["status"] == "late", missing=s["status"] == "missing",
                 nil=s["received"] & (s["nil_return"] == "Y"))
    g = s.groupby(["school_urn", "school_name"])
    out = pd.DataFrame({"due": g.size(), "received": g["received"].sum(), "late": g["late"].sum(),
                        "missing": g["missing"].sum(), "nil_returns": g["nil"].sum()}).astype(int)
    out["return_rate"] = out["received"] / out["due"] * 100
    out = out.reset_index()
    return out.sort_values(["return_rate", "late", "school_urn"], ascending=[True, False, True],
                           kind="stable").reset_index(drop=True)
