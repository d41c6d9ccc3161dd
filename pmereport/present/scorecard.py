"""The one-page scorecard of a board paper (DOMAIN.md, "What a board paper looks like"): each key
measure's value, its change since the last period, the direction of travel read through the
measure's polarity, and a RAG colour against England or a target where one exists.

Polarity (is higher good or bad?) is stored per measure, as DfE's LAIT tool does. Measures with
no polarity (e.g. referrals: more may mean better identification, or more children missing) are
shown but not rated. The RAG rule is the authority's own choice (a parameter), stated in the
paper: Green at or better than the comparator, Amber worse by no more than ``amber_within``
percentage points, Red worse by more.

Counts go through disclosure control here, before any change or sentence is worked out from them
(``present.suppression``): a suppressed count gives no change, no direction and no sentence.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..calendar import academic_year_of
from ..metrics.attendance import summary as attendance_summary
from ..metrics.attendance import year_to_date
from ..metrics.exclusions import month_term
from ..metrics.cohort import open_on
from ..metrics.compliance import return_rates, return_status
from .narrative import _day
from .rounding import format_number, round_half_up
from .suppression import NOT_AVAILABLE, SUPPRESSED, is_symbol, suppress

HIGHER, LOWER = "higher is better", "lower is better"
NOT_RATED = "not rated"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    polarity: str | None  # HIGHER, LOWER or None (not rated)
    noun: str  # for sentences: "open PME cases"


COUNT_MEASURES = (
    Measure("open_cme", "Open CME cases", LOWER, "children missing education (open CME cases)"),
    Measure("open_pme", "Open PME cases", LOWER, "pupils missing out on education (open PME cases)"),
    Measure("open_total", "Open CME and PME cases", LOWER, "open CME and PME cases"),
    Measure("referrals", "New referrals in the period", None, "new referrals"),
    Measure("closures", "Cases closed in the period", HIGHER, "cases closed"),
)
RATE_MEASURES = (
    Measure("return_rate", "Schools' monthly PME returns received (%)", HIGHER, "monthly PME returns received"),
    Measure("persistent_absence", "Pupils persistently absent, year to date (%)", LOWER,
            "pupils persistently absent"),
)


def comparison_date(period_end, months: int) -> pd.Timestamp:
    """The end of the previous period: the last day of the month ``months`` months before
    ``period_end``'s month (a bi-monthly paper at 31 October compares with 31 August)."""
    return (pd.Period(pd.Timestamp(period_end), "M") - months).end_time.normalize()


def count_measures(cases: pd.DataFrame, period_end, comparison_end) -> pd.DataFrame:
    """Raw counts at the two dates. Open cases use ``cohort.open_on``; referrals and closures are
    those dated in the period ending on each date, the period being as long as the gap between
    the two dates (previous: the same length of time before ``comparison_end``).
    Columns: measure, previous, current."""
    current, previous = pd.Timestamp(period_end), pd.Timestamp(comparison_end)
    length = current - previous
    values = {}
    for column, day in (("previous", previous), ("current", current)):
        open_ = open_on(cases, day)["case_type"].value_counts()
        since = day - length
        referred = (cases["referral_date"] > since) & (cases["referral_date"] <= day)
        closed = (cases["closure_date"] > since) & (cases["closure_date"] <= day)
        values[column] = [int(open_.get("CME", 0)), int(open_.get("PME", 0)), int(open_.sum()),
                          int(referred.sum()), int(closed.sum())]
    return pd.DataFrame({"measure": [m.label for m in COUNT_MEASURES], **values})


def _months_to(day: pd.Timestamp, months: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    end = pd.Period(day, "M")
    return (end - months + 1).start_time, end.end_time.normalize()


def return_rate(schools: pd.DataFrame, return_log: pd.DataFrame, period_end, months: int,
                deadline_day: int = 10, as_of=None) -> float:
    """Returns received / returns due x 100 over the ``months`` months to ``period_end``
    (``metrics.compliance``: nil returns count as received); NaN if none was due."""
    start, end = _months_to(pd.Timestamp(period_end), months)
    rates = return_rates(return_status(schools, return_log, start, end, deadline_day, as_of))
    due = rates["due"].sum()
    return float(rates["received"].sum() / due * 100) if due else float("nan")


def persistent_absence(attendance: pd.DataFrame | None, as_of, thresholds) -> float:
    """Persistent absentees as % of enrolments in the academic year of ``as_of``, over its terms up
    to and including the one ``as_of`` falls in (termly sessions cannot be split by date; terms by
    month as ``metrics.exclusions.month_term``: AUT Sep-Dec, SPR Jan-Apr, SUM May-Aug), at trigger
    ATT01's threshold (DfE: 10% of possible sessions); NaN without an attendance extract."""
    if attendance is None or attendance.empty:
        return float("nan")
    day = pd.Timestamp(as_of)
    ytd = year_to_date(attendance, academic_year_of(day), up_to_term=month_term([day]).iloc[0],
                       persistent_share=thresholds["ATT01"]["missed_share"],
                       severe_share=thresholds["ATT02"]["missed_share"])
    overall = attendance_summary(ytd)
    return float(overall["persistent_pct"].iloc[0]) if len(overall) else float("nan")


def _direction(previous, current) -> str:
    if is_symbol(previous) or is_symbol(current) or pd.isna(previous) or pd.isna(current):
        return NOT_AVAILABLE
    return "up" if current > previous else "down" if current < previous else "no change"


def _assessment(direction: str, polarity: str | None) -> str:
    """Direction of travel read through the polarity: improving, worsening, no change."""
    if polarity is None:
        return NOT_RATED
    if direction in ("up", "down"):
        return "improving" if (direction == "up") == (polarity == HIGHER) else "worsening"
    return direction if direction == "no change" else NOT_AVAILABLE


def rag(value, comparator, polarity: str | None, amber_within: float) -> str:
    """Green at or better than ``comparator``; Amber worse by at most ``amber_within`` (same
    units, e.g. percentage points); Red worse by more; 'not rated' with nothing to compare."""
    if polarity is None or comparator is None or pd.isna(comparator) or is_symbol(value) or pd.isna(value):
        return NOT_RATED
    shortfall = (comparator - value) if polarity == HIGHER else (value - comparator)
    if shortfall <= 0:
        return "Green"
    return "Amber" if shortfall <= amber_within else "Red"


def count_scorecard(raw: pd.DataFrame, suppress_below: int) -> pd.DataFrame:
    """``count_measures`` with disclosure control applied to previous and current (primary, and
    secondary down each column, since CME + PME = the total), then the % change, direction and
    assessment worked out only where both counts are shown.
    Columns: measure, previous, current, change_pct, direction, assessment."""
    out = suppress(raw, ["previous", "current"], suppress_below=suppress_below, lines="columns")
    polarity = {m.label: m.polarity for m in COUNT_MEASURES}
    change, direction, assessment = [], [], []
    for measure, previous, current in zip(out["measure"], out["previous"], out["current"]):
        shown = not (is_symbol(previous) or is_symbol(current))
        change.append((current - previous) / previous * 100 if shown and previous else
                      (SUPPRESSED if not shown else NOT_AVAILABLE))
        direction.append(_direction(previous, current) if shown else SUPPRESSED)
        assessment.append(_assessment(direction[-1], polarity[measure]) if shown else SUPPRESSED)
    return out.assign(change_pct=change, direction=direction, assessment=assessment)


def rate_scorecard(previous: dict, current: dict, comparators: dict, comparator_labels: dict,
                   amber_within: float) -> pd.DataFrame:
    """One row per ``RATE_MEASURES`` entry that has a current value: previous, current, change in
    percentage points, direction, assessment, the comparator (England or target) and the RAG.
    Arguments are dicts keyed by measure key. Columns: measure, previous, current, change_points,
    direction, assessment, comparator, compared_with, rag."""
    rows = []
    for m in RATE_MEASURES:
        now, before = current.get(m.key), previous.get(m.key)
        if now is None or pd.isna(now):
            continue
        now = round_half_up(now, 1)
        before = round_half_up(before, 1) if before is not None and not pd.isna(before) else float("nan")
        direction = _direction(before, now)
        comparator = comparators.get(m.key)
        rows.append({"measure": m.label, "previous": before, "current": now,
                     "change_points": now - before if not pd.isna(before) else float("nan"),
                     "direction": direction, "assessment": _assessment(direction, m.polarity),
                     "comparator": comparator if comparator is not None else float("nan"),
                     "compared_with": comparator_labels.get(m.key, "none"),
                     "rag": rag(now, comparator, m.polarity, amber_within)})
    return pd.DataFrame(rows, columns=["measure", "previous", "current", "change_points", "direction",
                                       "assessment", "comparator", "compared_with", "rag"])


def _percent_words(previous, current) -> str | None:
    if not previous:
        return None
    percent = round_half_up(abs(current - previous) / previous * 100, 0)
    if percent == 0:
        return "about the same as"
    return f"{format_number(percent)}% {'more' if current > previous else 'fewer'} than"


def count_sentences(table, period_end, comparison_end) -> list[str]:
    """One sentence per count measure of a published ``count_scorecard`` table, e.g. "At 31 October
    2026 there were 903 pupils missing out on education (open PME cases), 3% more than at
    31 August 2026." A suppressed count gives a sentence with no number in it."""
    nouns = {m.label: m.noun for m in COUNT_MEASURES}
    flows = {"New referrals in the period", "Cases closed in the period"}
    now, then = _day(period_end), _day(comparison_end)
    index = {c: table.columns.index(c) for c in ("previous", "current")}
    sentences = []
    for row in table.rows:
        measure, previous, current = row[0], row[index["previous"]], row[index["current"]]
        noun = nouns[measure]
        when = (f"In the period to {now}" if measure in flows else f"At {now}")
        if is_symbol(current):
            sentences.append(f"{when} the number of {noun} was small and is not shown, to protect the "
                             "children concerned.")
            continue
        sentence = f"{when} there were {format_number(current)} {noun}"
        words = None if is_symbol(previous) else _percent_words(previous, current)
        if words:
            earlier = f"in the period to {then}" if measure in flows else f"at {then}"
            sentence += f", {words} {earlier} ({format_number(previous)})"
        sentences.append(sentence + ".")
    return sentences


def rate_sentences(table) -> list[str]:
    """One sentence per rated measure of a published ``rate_scorecard`` table."""
    cols = {c: table.columns.index(c) for c in table.columns}
    out = []
    for row in table.rows:
        current, comparator, rag_ = row[cols["current"]], row[cols["comparator"]], row[cols["rag"]]
        sentence = f"{row[0].replace(' (%)', '')}: {format_number(current, 1)}%"
        if not is_symbol(comparator):
            sentence += (f" against {format_number(comparator, 1)}% for {row[cols['compared_with']]}"
                         f" ({rag_})")
        out.append(sentence + ".")
    return out


__all__ = ["Measure", "COUNT_MEASURES", "RATE_MEASURES", "HIGHER", "LOWER", "NOT_RATED", "comparison_date",
           "count_measures", "return_rate", "persistent_absence", "rag", "count_scorecard", "rate_scorecard",
           "count_sentences", "rate_sentences"]
