"""The tables of the methodology paper (issue 6 item 6): definitions with their sources, the data
lineage from each extract to the figures, the trigger lines, the scorecard's polarities and a worked
example of disclosure control. Each function returns a frame ready for ``publish_table``; the prose
is in ``notebooks/methodology.ipynb``. Sources are DOMAIN.md's, which names the seed documents.
"""
from __future__ import annotations

import pandas as pd

from ..contract.extracts import EXTRACTS
from ..metrics.triggers.registry import REGISTRY
from .scorecard import COUNT_MEASURES, NOT_RATED, RATE_MEASURES
from .suppression import suppress
from .trigger_tables import threshold_text

DEFINITIONS = (
    ("Child missing education (CME)",
     "Of compulsory school age, not on a school roll and not receiving suitable education otherwise "
     "(home, alternative provision); whereabouts known or unknown. Electively home educated children are "
     "not CME unless the authority judges the education unsuitable.", "Education Act 1996 s436A"),
    ("Pupil missing out on education (PME)",
     "Of compulsory school age, on a roll or placed by the authority, but not accessing full-time "
     "education: reduced or part-time timetable, alternative provision, hospital or home tuition, "
     "long-term medical absence, exclusion.", "Ofsted (2013); Leicestershire PME Operating Framework"),
    ("Open case",
     "A case episode referred on or before the date and not closed by the end of it; a case closed on "
     "the day itself is not open (metrics.cohort.open_on).", "pmereport count rule"),
    ("Referral, closure in a period",
     "Dated after the start of the period and on or before its end (the period being as long as the gap "
     "between the paper and the previous one).", "pmereport count rule (present.scorecard)"),
    ("Reason for PME",
     "The PME group of the Leicestershire framework, grouped into the five categories Leicestershire "
     "published in February 2016 (988 cases).", "Leicestershire PME Operating Framework (2016)"),
    ("Return rate",
     "Monthly PME returns received (nil returns included) as a percentage of those due from open schools.",
     "Leicestershire and Nottinghamshire seeds (monthly return)"),
    ("Persistent absence",
     "An enrolment missing 10% or more of possible sessions, academic year to date.",
     "DfE; Lancashire seed ('below 90%')"),
    ("Suspension and permanent exclusion rates",
     "Per 100 pupils of the January census headcount.", "DfE"),
    ("School day", "A weekday in term, excluding bank holidays and INSET days (the authority's term dates).",
     "Leicestershire framework; DOMAIN.md"),
)


def definitions() -> pd.DataFrame:
    """Every definition the papers count by, with its source. Columns: term, definition, source."""
    return pd.DataFrame(DEFINITIONS, columns=["term", "definition", "source"])


LINEAGE = (
    ("Open CME and PME cases; caseload trend; reasons; risk profile", "cases",
     "contract.load -> metrics.cohort.open_on, metrics.caseload, metrics.reasons.breakdown, metrics.risk"),
    ("Referrals and closures in the period", "cases", "present.scorecard.count_measures"),
    ("Return rate", "schools, return_log", "metrics.compliance.return_status -> return_rates"),
    ("Persistent absence; absence tables", "attendance, schools",
     "metrics.attendance.year_to_date -> summary"),
    ("Suspensions and exclusions; rates; trend model; funnel", "exclusions, census, schools",
     "metrics.exclusions.exclusion_rates -> models.trends.fit_trend, models.funnel_groups"),
    ("Pupils over each trigger line (counts)", "cases, pme_returns, exclusions, attendance",
     "metrics.triggers.evaluate (each rule registered with its source)"),
    ("England comparisons", "DfE published files (read in place)",
     "metrics.attendance_summaries.england_attendance; metrics.benchmarks.england_benchmark"),
)


def lineage(quality: dict) -> pd.DataFrame:
    """Each extract's rows read, kept and rejected (``Dataset.quality()``), with the figures built
    from it. Columns: extract, title, files, rows_read, rows_kept, rows_rejected, used_for."""
    rows = []
    for name, result in quality["extracts"].items():
        used = "; ".join(figure for figure, extracts, _ in LINEAGE if name in extracts.split(", "))
        rows.append({"extract": name, "title": EXTRACTS[name].title if name in EXTRACTS else name,
                     "files": len(result.get("files") or []), "rows_read": result["rows_read"],
                     "rows_kept": result["rows_kept"], "rows_rejected": result["rows_rejected"],
                     "used_for": used or "not used in the board papers"})
    return pd.DataFrame(rows)


def steps() -> pd.DataFrame:
    """Figure -> extracts -> the pmereport functions that compute it. Columns: figure, extracts, steps."""
    return pd.DataFrame(LINEAGE, columns=["figure", "extracts", "steps"])


def trigger_lines(thresholds: dict) -> pd.DataFrame:
    """Every registered trigger with the line it ran at and where the line comes from.
    Columns: code, rule, threshold, source."""
    return pd.DataFrame([{"code": code, "rule": rule.message, "threshold": threshold_text(thresholds[code]),
                          "source": rule.source} for code, rule in sorted(REGISTRY.items())])


def polarities() -> pd.DataFrame:
    """The scorecard's measures and their polarity. Columns: measure, polarity."""
    return pd.DataFrame([{"measure": m.label, "polarity": m.polarity or NOT_RATED}
                         for m in COUNT_MEASURES + RATE_MEASURES])


def suppression_example(suppress_below: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A made-up two-way table of counts and the same after primary and secondary suppression, to
    show the rule at work: (before, after), the columns label, CME, PME, total."""
    before = pd.DataFrame({"label": ["District A", "District B", "District C", "Total"],
                           "CME": [3, 12, 20, 35], "PME": [40, 25, 31, 96]})
    before["total"] = before["CME"] + before["PME"]
    after = suppress(before, ["CME", "PME", "total"], suppress_below=suppress_below)
    return before, after


__all__ = ["definitions", "lineage", "steps", "trigger_lines", "polarities", "suppression_example",
           "DEFINITIONS", "LINEAGE"]
