"""Trigger results shaped for a report: the counts table (aggregate, for any report) and the
per-rule exception lists (pupil level: INTERNAL reports only, see ``report.publish``).
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd

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


def exception_tables(exceptions: pd.DataFrame, as_of, codes: Sequence[str] | None = None,
                     crossed_within_days: int | None = None) -> dict[str, pd.DataFrame]:
    """The officers' exception lists, one frame per rule in ``codes`` (default: every rule with a
    crossing): pseudonymous ``pupil_id`` (and ``case_id`` for case rules), date crossed, value,
    threshold, how far over and calendar days since crossing; the most recent first. With
    ``crossed_within_days``, only lines crossed in that many days up to ``as_of`` (e.g. 7: since
    last week's meeting). Every frame keeps ``attrs["classification"] == "internal"``."""
    as_of = pd.Timestamp(as_of).normalize()
    out = {}
    for code in codes or sorted(exceptions["code"].unique()):
        if code not in REGISTRY:
            raise KeyError(f"unknown trigger code {code!r}")
        rows = exceptions[exceptions["code"] == code]
        if crossed_within_days is not None:
            rows = rows[rows["date_crossed"] > as_of - pd.Timedelta(days=crossed_within_days)]
        rows = rows.assign(days_since_crossed=(as_of - rows["date_crossed"]).dt.days)
        columns = ["pupil_id", "case_id", "date_crossed", "value", "threshold", "over_by", "days_since_crossed"]
        if rows["case_id"].isna().all():
            columns.remove("case_id")
        frame = rows.sort_values(["date_crossed", "pupil_id"], ascending=[False, True])[columns].reset_index(drop=True)
        frame.attrs["classification"] = "internal"
        out[code] = frame
    return out


__all__ = ["FAMILIES", "family_of", "threshold_text", "counts_table", "exception_tables"]
