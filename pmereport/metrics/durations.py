"""How long cases take: time in each pathway stage, time open, and duration bands.

Issue 3, part 2. All day counts here are CALENDAR days (date difference; a case referred and
closed on the same day has 0 days). School-day counting (DOMAIN.md: weekdays in term, excluding
bank holidays and INSET days) belongs to the calendar module; use it for trigger thresholds.

The pathway has six stages (Leicestershire PME framework; DOMAIN.md "The pathway"), each dated
when it starts: identification and referral -> assessment -> case management and oversight ->
identification of placement -> monitoring of progress -> case closure.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..contract.codes import REENGAGEMENT_CLOSURES
from .cohort import open_on

STAGES = {
    "referral": ("referral_date", "Identification and referral"),
    "assessment": ("assessment_date", "Assessment"),
    "case_management": ("case_management_date", "Case management and oversight"),
    "placement": ("placement_identified_date", "Identification of placement"),
    "monitoring": ("monitoring_date", "Monitoring of progress"),
    "closure": ("closure_date", "Case closure"),
}
"""The six pathway stages in order: key -> (start-date column, label)."""

DURATION_BANDS = [
    ("Less than 2 weeks", 0), ("2 to 4 weeks", 14), ("4 to 12 weeks", 28),
    ("12 to 26 weeks", 84), ("26 to 52 weeks", 182), ("Over 52 weeks", 364),
]
"""(label, lower bound in calendar days). Each band runs from its bound up to, not including,
the next one (exactly 2 weeks = 14 days is "2 to 4 weeks"; 52 weeks = 364 days is "Over 52
weeks"). These bands are OURS. DfE's "Children missing education" statistics (explore education
statistics, official statistics in development; methodology page) publish CME at the census date
by "length of time missing education", collected from autumn 2023, but we could not retrieve the
band boundaries DfE uses: check them before setting our figures beside DfE's."""


def stage_durations(cases: pd.DataFrame, as_of) -> pd.DataFrame:
    """Time each case spent in each pathway stage it reached, in calendar days, as at ``as_of``.

    A stage runs from its date to the next stage date recorded (a skipped stage, with a blank
    date, is not reached and the stage before it runs on). The stage a case is in at ``as_of``
    runs to ``as_of`` and is not ``completed`` (censored). Case closure is the end point, so it
    has no duration of its own. Dates after ``as_of`` are ignored (not yet happened).
    Columns: case_id, stage, label, start, end, days, completed.
    """
    as_of = pd.Timestamp(as_of)
    columns = {col: key for key, (col, _) in STAGES.items()}
    long = cases[["case_id", *columns]].melt("case_id", var_name="column", value_name="start")
    long = long[long["start"].notna() & (long["start"] <= as_of)]
    long["stage"] = long["column"].map(columns)
    long["order"] = long["stage"].map({k: i for i, k in enumerate(STAGES)})
    long = long.sort_values(["case_id", "order"], kind="stable")
    long["end"] = long.groupby("case_id")["start"].shift(-1)
    long["completed"] = long["end"].notna()
    long["end"] = long["end"].fillna(as_of)
    long = long[long["stage"] != "closure"]
    long["days"] = (long["end"] - long["start"]).dt.days.astype(int)
    long["label"] = long["stage"].map({k: label for k, (_, label) in STAGES.items()})
    return long[["case_id", "stage", "label", "start", "end", "days", "completed"]].reset_index(drop=True)


def stage_duration_summary(durations: pd.DataFrame) -> pd.DataFrame:
    """Per stage (pathway order): cases that reached it, how many completed it, and the median and
    quartiles (pandas linear interpolation) of days in it over COMPLETED stays only. Stays still
    running are counted in ``ongoing`` but not in the quartiles (which therefore understate long
    stays while many are ongoing; ``models.survival`` handles censoring properly).
    Columns: stage, label, cases, completed, ongoing, median_days, q1_days, q3_days.
    """
    rows = []
    for key, (_, label) in list(STAGES.items())[:-1]:
        stays = durations[durations["stage"] == key]
        done = stays.loc[stays["completed"], "days"]
        q1, med, q3 = done.quantile([0.25, 0.5, 0.75]) if len(done) else (np.nan,) * 3
        rows.append({"stage": key, "label": label, "cases": len(stays), "completed": len(done),
                     "ongoing": int((~stays["completed"]).sum()), "median_days": med,
                     "q1_days": q1, "q3_days": q3})
    return pd.DataFrame(rows)


def case_durations(cases: pd.DataFrame, as_of) -> pd.DataFrame:
    """Cases referred by ``as_of``, with time open and outcome, for survival analysis.

    Adds ``days_open`` (calendar days from referral to closure, or to ``as_of`` while open),
    ``closed`` (closed on or before ``as_of``) and ``reengaged`` (closed to a school or provision:
    codes.REENGAGEMENT_CLOSURES, issue 3 "time to re-engagement"). A case closed for another
    reason (moved away, EHE, ...) has ``reengaged`` False: for time to re-engagement it is
    censored at its closure date.
    """
    as_of = pd.Timestamp(as_of)
    out = cases[cases["referral_date"] <= as_of].copy()
    closed = out["closure_date"].notna() & (out["closure_date"] <= as_of)
    end = out["closure_date"].where(closed, as_of)
    out["days_open"] = (end - out["referral_date"]).dt.days.astype(int)
    out["closed"] = closed.astype(bool)
    out["reengaged"] = (closed & out["closure_reason"].isin(REENGAGEMENT_CLOSURES)).astype(bool)
    return out


def duration_band(days: pd.Series) -> pd.Series:
    """Each calendar-day count's band (DURATION_BANDS), as an ordered categorical."""
    labels = [label for label, _ in DURATION_BANDS]
    edges = [lower for _, lower in DURATION_BANDS] + [np.inf]
    if (days < 0).any():
        raise ValueError("a duration cannot be negative")
    return pd.cut(days.astype(float), edges, right=False, labels=labels)


def duration_band_table(days: pd.Series) -> pd.DataFrame:
    """Count and share of durations in each band, every band present.
    Columns: band, count, share."""
    counts = duration_band(days).value_counts(sort=False)
    out = pd.DataFrame({"band": counts.index.astype(str), "count": counts.to_numpy().astype(int)})
    total = out["count"].sum()
    out["share"] = out["count"] / total if total else np.nan
    return out


def open_duration_bands(cases: pd.DataFrame, on) -> pd.DataFrame:
    """How long the cases open at the end of ``on`` have been open so far (calendar days from
    referral to ``on``), in bands. Columns: band, count, share."""
    current = open_on(cases, on)
    return duration_band_table((pd.Timestamp(on) - current["referral_date"]).dt.days)


def closed_duration_bands(cases: pd.DataFrame, start, end) -> pd.DataFrame:
    """How long the cases closed from ``start`` to ``end`` (inclusive) had been open (calendar days
    from referral to closure), in bands. Columns: band, count, share."""
    closed = cases[cases["closure_date"].between(pd.Timestamp(start), pd.Timestamp(end))]
    return duration_band_table((closed["closure_date"] - closed["referral_date"]).dt.days)
