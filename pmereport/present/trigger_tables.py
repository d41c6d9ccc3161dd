"""Trigger results shaped for a report: the counts table (aggregate, for any report) and the
per-rule exception lists (pupil level: INTERNAL reports only, see ``report.publish``).
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd

from ..calendar import SchoolCalendar
from ..metrics.triggers import REGISTRY, Evaluation, trigger_counts

SHARE_PARAMETERS = ("missed_share", "attendance_below", "attendance_below_ehcp")
FAMILIES = {"rules_attendance": "attendance", "rules_cases": "cases", "rules_exclusions": "exclusions",
            "rules_provision": "provision"}  # the registry module a rule lives in -> its family


def family_of(code: str) -> str:
    """``attendance``, ``cases``, ``exclusions`` or ``provision``: which extract family a rule reads."""
    return FAMILIES[REGISTRY[code].check.__module__.rsplit(".", 1)[-1]]


def _value_text(name: str, value: Any) -> str:
    if name in SHARE_PARAMETERS:
        return f"{value * 100:g}%"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v:g}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "/".join(map(str, value))
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def threshold_text(params: Mapping[str, Any]) -> str:
    """The thresholds a rule ran with, as a reader sees them: ``school days 20``, ``missed share 10%``."""
    return "; ".join(f"{name.replace('_', ' ')} {_value_text(name, value)}" for name, value in params.items())


def counts_table(evaluation: Evaluation, family: str | None = None) -> pd.DataFrame:
    """One row per rule (of one ``family``, or all): code, rule, source, threshold used, pupils
    crossing (blank if not run) and status (``run`` or ``not run: needs X``). Aggregate."""
    counts = trigger_counts(evaluation)
    counts.insert(3, "threshold", counts["code"].map(lambda c: threshold_text(evaluation.thresholds[c])))
    counts["status"] = counts["status"].str.replace("_", " ", regex=False)
    if family is not None:
        if family not in FAMILIES.values():
            raise KeyError(f"unknown trigger family {family!r} (known: {', '.join(FAMILIES.values())})")
        attrs = counts.attrs
        counts = counts[counts["code"].map(family_of) == family].reset_index(drop=True)
        counts.attrs.update(attrs)
    return counts


def window_start(calendar: SchoolCalendar, as_of, school_days: int) -> pd.Timestamp:
    """The first day of the last ``school_days`` school days up to ``as_of``: for a weekly meeting,
    5 school days (a week of term; after a half-term, the week before it)."""
    as_of = pd.Timestamp(as_of).normalize()
    if school_days < 1:
        raise ValueError(f"school_days must be at least 1, got {school_days}")
    days = calendar.school_days(calendar.first_day, as_of)
    if len(days) < school_days:
        raise ValueError(f"fewer than {school_days} school days configured before {as_of.date()}")
    return days[-school_days]


def exception_tables(exceptions: pd.DataFrame, as_of, codes: Sequence[str] | None = None,
                     since=None) -> dict[str, pd.DataFrame]:
    """The officers' exception lists, one frame per rule in ``codes`` (default: every rule with a
    crossing): pseudonymous ``pupil_id`` (and ``case_id`` for case rules), date crossed, value,
    threshold, how far over and calendar days since crossing; the most recent first. With
    ``since`` (a date, e.g. :func:`window_start`), only lines crossed on or after it. Every frame
    keeps ``attrs["classification"] == "internal"``."""
    as_of = pd.Timestamp(as_of).normalize()
    out = {}
    for code in codes or sorted(exceptions["code"].unique()):
        if code not in REGISTRY:
            raise KeyError(f"unknown trigger code {code!r}")
        rows = exceptions[exceptions["code"] == code]
        if since is not None:
            rows = rows[rows["date_crossed"] >= pd.Timestamp(since)]
        rows = rows.assign(days_since_crossed=(as_of - rows["date_crossed"]).dt.days)
        columns = ["pupil_id", "case_id", "date_crossed", "value", "threshold", "over_by", "days_since_crossed"]
        if rows["case_id"].isna().all():
            columns.remove("case_id")
        frame = rows.sort_values(["date_crossed", "pupil_id"], ascending=[False, True])[columns].reset_index(drop=True)
        frame.attrs["classification"] = "internal"
        out[code] = frame
    return out


def _unit_key(rule_unit: str) -> str:
    """The publishing unit (``present.tables.UNITS``) of a rule's value, from its unit text."""
    if rule_unit.startswith("school days") or rule_unit == "days of suspension":
        return "days"  # school days
    if rule_unit.startswith("days"):
        return "calendar_days"  # the "weeks" rules measure calendar days
    if rule_unit.startswith("%"):
        return "percent"
    if rule_unit.startswith("hours"):
        return "hours"
    return "number"


def exception_units(code: str, frame: pd.DataFrame) -> dict[str, str]:
    """Units for one rule's exception list: value, threshold and over_by in the rule's unit (whole
    numbers when every value is whole, else 1 decimal place), days since crossed in calendar days."""
    numbers = frame[["value", "threshold", "over_by"]].astype("float64")
    decimals = 0 if ((numbers % 1) == 0).all().all() else 1
    unit = f"{_unit_key(REGISTRY[code].unit)}:{decimals}"
    return {"value": unit, "threshold": unit, "over_by": unit, "days_since_crossed": "calendar_days"}


__all__ = ["exception_units", "FAMILIES", "family_of", "threshold_text", "counts_table", "window_start", "exception_tables"]
