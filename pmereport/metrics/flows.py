"""Monthly flows of case episodes: open at the start, new referrals, closures, open at the end.

Issue 3, part 1 (the team manager's monthly operational pack, DOMAIN.md "Who reads what").
Counting rules, the same as ``cohort.open_on``:
- a referral counts in the month of its ``referral_date``, a closure in the month of its
  ``closure_date``; a case referred and closed in the same month (or on the same day) counts in
  both, and is in neither the opening nor the closing caseload;
- open at the end of a month = open at the end of its last day; open at the start = open at the
  end of the day before the 1st. So ``open_end = open_start + referrals - closures`` always holds.
Episodes are counted, not pupils: a pupil with two episodes counts twice.
"""
from __future__ import annotations

import pandas as pd

from .cohort import CATEGORY_LABELS, NONE_KEY, open_on, with_key_stage


def _month_counts(dates: pd.Series, groups: pd.Series | None, months: pd.PeriodIndex) -> pd.DataFrame:
    """Count of dates per month (rows) and group (columns), zero-filled to ``months``."""
    month = dates.dt.to_period("M")
    keep = month.notna() & month.isin(months)
    frame = pd.DataFrame({"month": month[keep],
                          "group": "all" if groups is None else groups[keep]})
    table = frame.groupby(["month", "group"], observed=True).size().unstack("group", fill_value=0)
    return table.reindex(months, fill_value=0)


def monthly_flows(cases: pd.DataFrame, start, end, by: str | None = None) -> pd.DataFrame:
    """Open caseload and flows for every month from ``start`` to ``end`` (any dates in the first
    and last month), optionally per value of ``by`` (e.g. ``"case_type"`` for CME and PME apart).

    Columns: month (Period), [by], open_start, referrals, closures, open_end.
    """
    months = pd.period_range(pd.Period(start, "M"), pd.Period(end, "M"), freq="M")
    frame = with_key_stage(cases) if by == "key_stage" else cases
    groups = None if by is None else frame[by].astype(object).where(frame[by].notna(), NONE_KEY)
    referrals = _month_counts(frame["referral_date"], groups, months)
    closures = _month_counts(frame["closure_date"], groups, months)
    before = open_on(frame, months[0].start_time - pd.Timedelta(days=1))
    opening = (pd.Series(len(before), index=["all"]) if by is None else
               groups.loc[before.index].value_counts())
    labels = CATEGORY_LABELS.get(by)
    columns = list(labels) if labels else []
    columns += [g for g in referrals.columns.union(closures.columns).union(opening.index) if g not in columns]
    referrals = referrals.reindex(columns=columns, fill_value=0)
    closures = closures.reindex(columns=columns, fill_value=0)
    opening = opening.reindex(columns, fill_value=0)
    open_end = (referrals - closures).cumsum() + opening
    open_start = open_end.shift(1)
    open_start.iloc[0] = opening
    parts = {"open_start": open_start, "referrals": referrals, "closures": closures, "open_end": open_end}
    long = pd.concat({name: t.stack(future_stack=True) for name, t in parts.items()}, axis=1).astype(int)
    long.index.names = ["month", by or "group"]
    out = long.reset_index()
    return out.drop(columns="group") if by is None else out
