"""Sentences for the monthly operational pack, written from published (suppressed) tables.

As in ``present.narrative``: a number a table hides is described, never printed.
"""
from __future__ import annotations

import pandas as pd

from ..metrics.reasons import headline
from .narrative import change_text, count_text
from .rounding import format_number
from .suppression import SUPPRESSED, is_symbol
from .tables import TOTAL_LABEL, PublishedTable


def _values(table: PublishedTable, column: str) -> dict:
    index = table.columns.index(column)
    return {row[0]: row[index] for row in table.rows}


def headline_sentences(headlines: PublishedTable, comparison: str) -> str:
    """A sentence per measure of ``metrics.monthly.headline_measures`` (published with columns
    measure, previous, current): "Open PME cases: 903, up 12 (1.3%) on 30 September 2026."."""
    previous, current = _values(headlines, "previous"), _values(headlines, "current")
    parts = []
    for measure, value in current.items():
        if is_symbol(value):
            parts.append(f"{measure}: not shown (a small number).")
            continue
        change = change_text(value, previous[measure])
        versus = f", {change} on {comparison}" if change else ""
        parts.append(f"{measure}: {format_number(value)}{versus}.")
    return " ".join(parts)


def reason_headline(published: PublishedTable, raw: pd.DataFrame, noun: str, top: int = 3) -> str:
    """``reasons.headline`` of ``raw`` (a ``breakdown`` frame) for as many of its ``top`` reasons
    as ``published`` (the same breakdown as published, with a Total row) shows the counts of, the
    largest first; if the largest or the total is hidden, a sentence that quotes no number."""
    counts = _values(published, "count")
    ranked = raw.sort_values("count", ascending=False, kind="stable").head(top)
    shown = 0
    for label in ranked["label"]:
        if is_symbol(counts.get(label, SUPPRESSED)):
            break
        shown += 1
    if shown and not is_symbol(counts.get(TOTAL_LABEL, SUPPRESSED)):
        return headline(raw, top=shown, noun=noun)
    return (f"The largest reasons among {noun} are not quoted here because their counts are "
            "suppressed to protect the children concerned.")


def change_test_sentence(chi2_p_value: float, comparison: str, alpha: float = 0.05) -> str:
    """The chi-square test of the reason mix between two snapshots, in plain words."""
    if pd.isna(chi2_p_value):
        return "There were too few cases to test whether the mix of reasons has changed."
    p = "p < 0.001" if chi2_p_value < 0.001 else f"p = {format_number(chi2_p_value, 3)}"
    if chi2_p_value < alpha:
        verdict = (f"The mix of reasons has changed since {comparison} by more than chance would explain "
                   f"(chi-square test, {p}).")
    else:
        verdict = (f"The mix of reasons has not changed significantly since {comparison} "
                   f"(chi-square test, {p}): the differences in the table are within what chance "
                   "alone would give.")
    return verdict + (" The two snapshots share many of the same cases, which makes the test cautious: "
                      "a real change can look smaller than it is.")


def compliance_sentence(rates: PublishedTable, month_label: str, chase: int) -> str:
    """This month's return rate, on-time rate, nil returns and the number of schools to chase,
    from the published ``compliance.return_rates`` table (last row = this month)."""
    row = dict(zip(rates.columns, rates.rows[-1]))
    if is_symbol(row["return_rate"]):
        return f"No returns for {month_label} were due yet when the return log was extracted."
    text = (f"For {month_label}, {format_number(row['received'])} of {format_number(row['due'])} returns due were "
            f"received ({format_number(row['return_rate'], 1)}%), {format_number(row['on_time_rate'], 1)}% by the "
            f"deadline; {count_text(row['nil_returns'], 'nil return')} among them.")
    schools = "school has" if chase == 1 else "schools have"
    return text + (f" {format_number(chase)} {schools} a late or missing return to follow up (listed below)."
                   if chase else " No school has a late or missing return to follow up.")


__all__ = ["headline_sentences", "reason_headline", "change_test_sentence", "compliance_sentence"]


def relative_rate_sentence(rates: PublishedTable, row_label: str, group: str, everyone: str = "all pupils") -> str:
    """"Pupils eligible for free school meals are open at 2.1 times the rate of all pupils (18.4 per
    1,000)." from a published ``cohort.rate_per_1000`` table (first column the row labels)."""
    row = dict(zip(rates.columns, next(r for r in rates.rows if r[0] == row_label)))
    relative, rate = row["relative_rate"], row["rate_per_1000"]
    if is_symbol(relative) or is_symbol(rate):
        return f"The rate for {group} is not shown, to protect the children concerned."
    how = ("about the same rate as" if abs(relative - 1) < 0.05 else
           f"{format_number(relative, 1)} times the rate of")
    return (f"{group[:1].upper() + group[1:]} have open cases at {how} {everyone} "
            f"({format_number(rate, 1)} per 1,000 pupils).")


def september_note(flows: PublishedTable, column: str, noun: str) -> str:
    """How the latest September's count in ``column`` of the published monthly flows (first
    column: the month's last day, YYYY-MM-DD) compares with the average of the other months shown."""
    index = flows.columns.index(column)
    months = [(str(row[0]), row[index]) for row in flows.rows]
    septembers = [(m, v) for m, v in months if m[5:7] == "09"]
    others = [v for m, v in months if m[5:7] != "09"]
    if not septembers or any(is_symbol(v) for v in others) or not others:
        return ""
    month, value = septembers[-1]
    if is_symbol(value):
        return ""
    mean = sum(others) / len(others)
    label = pd.Timestamp(month).strftime("%B %Y")
    return (f"In {label} there were {format_number(value)} {noun}, against an average of "
            f"{format_number(mean, 1)} a month in the months shown outside September.")
