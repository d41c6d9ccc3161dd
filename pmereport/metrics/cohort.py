"""Who is open when: cohort snapshots of CME/PME case episodes, broken down and as rates.

Issue 3, part 1. A snapshot counts case *episodes* (a pupil with two open episodes counts twice;
the case extract allows several episodes per pupil, see contract/extracts.py CASES). Breakdowns
cover the characteristics the case extract holds (DOMAIN.md, "The data that arrives"): PME group,
reason, year group and key stage, sex, ethnicity, SEN status, looked-after, child in need /
protection plan, FSM, district and school. Rates per 1,000 pupils use the January census headcount
(CENSUS extract), the only denominator the contract has: school roll, county roll by year group,
key stage, FSM and SEN status.
"""
from __future__ import annotations

import pandas as pd

from ..contract import codes as C

NONE_KEY = "(none)"
"""Category key for a blank value (e.g. no school for a CME case): counted, never dropped."""

NCY_LABELS = {0: "Reception", **{n: f"Year {n}" for n in range(1, 12)}}
KEY_STAGE_LABELS = {"EYFS": "Reception (EYFS)", "KS1": "Key stage 1", "KS2": "Key stage 2",
                    "KS3": "Key stage 3", "KS4": "Key stage 4"}

CATEGORY_LABELS: dict[str, dict] = {
    "case_type": C.CASE_TYPES,
    "pme_group": C.PME_GROUPS,
    "reason": C.REASON_CATEGORIES,
    "ncy": NCY_LABELS,
    "key_stage": KEY_STAGE_LABELS,
    "sex": C.SEX,
    "ethnicity": C.ETHNICITY,
    "sen_status": C.SEN_STATUS,
    "looked_after": C.YES_NO,
    "cin_status": C.CIN_STATUS,
    "fsm": C.YES_NO,
    "rag_rating": C.RAG,
    "whereabouts_known": C.YES_NO,
    "referral_source": C.REFERRAL_SOURCES,
    "closure_reason": C.CLOSURE_REASONS,
    "provision_type": C.PROVISION_TYPES,
}
"""Code lists for the breakdown columns: every code appears in a table, zero or not.
District and school have no fixed list; they show the values present."""


def open_on(cases: pd.DataFrame, on) -> pd.DataFrame:
    """Case episodes open at the end of day ``on``: referred on or before it, and not closed by it.

    A case closed on ``on`` itself is not open at the end of that day (so a case referred and
    closed on the same day is never in a snapshot).
    """
    on = pd.Timestamp(on)
    referred = cases["referral_date"] <= on
    not_closed = cases["closure_date"].isna() | (cases["closure_date"] > on)
    return cases[referred & not_closed]


def with_key_stage(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``key_stage`` from ``ncy`` (National Curriculum: Reception = EYFS, Years 1-2 KS1,
    3-6 KS2, 7-9 KS3, 10-11 KS4; codes.KEY_STAGE_BY_NCY)."""
    stage = frame["ncy"].astype("Int64").map(C.KEY_STAGE_BY_NCY, na_action="ignore")
    return frame.assign(key_stage=stage.astype("string"))


def count_by(frame: pd.DataFrame, by: str, labels: dict | None = None,
             split: str | None = None) -> pd.DataFrame:
    """Rows of ``frame`` counted by column ``by``; shares are of the total (within ``split``).

    With ``labels`` every code appears in the labels' order (zero or not) with a ``label`` column;
    without, the values present appear, most frequent first. Blank values are counted under
    ``NONE_KEY``. With ``split`` (e.g. ``"case_type"``) there is one block per value of that
    column, in its code-list order, and a leading ``split`` column.
    Columns: [split], by, [label], count, share.
    """
    if split is not None:
        split_labels = CATEGORY_LABELS.get(split)
        present = set(frame[split].dropna())
        values = list(split_labels) if split_labels else sorted(present)
        if frame[split].isna().any() or present - set(values):
            raise ValueError(f"cannot split by '{split}': it has blank values or values not in its code list")
        blocks = [count_by(frame[frame[split] == v], by, labels).assign(**{split: v}) for v in values]
        out = pd.concat(blocks, ignore_index=True)
        return out[[split] + [c for c in out.columns if c != split]]
    keys = frame[by].astype(object).where(frame[by].notna(), NONE_KEY)
    counts = keys.value_counts()
    order = list(labels) if labels else list(counts.index)
    if labels and NONE_KEY in counts.index:
        order.append(NONE_KEY)
    out = pd.DataFrame({by: order, "count": [int(counts.get(k, 0)) for k in order]})
    unlisted = set(counts.index) - set(order)
    if unlisted:
        raise ValueError(f"column '{by}' holds values not in its code list: {sorted(map(str, unlisted))}")
    if labels:
        out.insert(1, "label", [labels.get(k, "None recorded") for k in order])
    total = out["count"].sum()
    out["share"] = out["count"] / total if total else float("nan")
    return out


def snapshot(cases: pd.DataFrame, on, by: str = "case_type", split: str | None = None) -> pd.DataFrame:
    """Case episodes open at the end of ``on`` (see ``open_on``), counted by ``by``.

    ``by`` is any case column or ``key_stage``; codes come with labels (CATEGORY_LABELS). Use
    ``split="case_type"`` for CME and PME separately; without it they are counted together.
    Columns: [split], by, [label], count, share.
    """
    cohort = with_key_stage(open_on(cases, on))
    return count_by(cohort, by, CATEGORY_LABELS.get(by), split=split)


def _county_roll(census: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """Census headcount summed to ``by``; FSM and SEN status split using the sub-group counts."""
    roll = with_key_stage(census)
    if by == "fsm":
        fsm = roll["headcount_fsm"].sum()
        return pd.DataFrame({"fsm": ["Y", "N"], "pupils": [fsm, roll["headcount"].sum() - fsm]})
    if by == "sen_status":
        k, e = roll["headcount_sen_support"].sum(), roll["headcount_ehcp"].sum()
        return pd.DataFrame({"sen_status": ["N", "K", "E"],
                             "pupils": [roll["headcount"].sum() - k - e, k, e]})
    if by is None:
        return pd.DataFrame({"pupils": [roll["headcount"].sum()]})
    return roll.groupby(by, as_index=False)["headcount"].sum().rename(columns={"headcount": "pupils"})


DENOMINATOR_COLUMNS = ("school_urn", "ncy", "key_stage", "fsm", "sen_status")
"""The breakdowns the January census can give a denominator for."""


def census_roll(census: pd.DataFrame, academic_year: str, by: str | None = None) -> pd.DataFrame:
    """Pupils on roll at the January census of ``academic_year`` (e.g. "2024/25"), by ``by``.

    ``by`` is one of DENOMINATOR_COLUMNS or None (county total). FSM and SEN status rolls come
    from the census sub-group headcounts (N = headcount - SEN support - EHCP); a blank sub-group
    count makes that denominator unknown. Columns: [by], pupils.
    """
    if by is not None and by not in DENOMINATOR_COLUMNS:
        raise ValueError(f"no census denominator for '{by}'; use one of {DENOMINATOR_COLUMNS}")
    year = census[census["academic_year"] == academic_year]
    if year.empty:
        raise ValueError(f"the census extract has no rows for academic year {academic_year}")
    if by in ("fsm", "sen_status"):
        sub = ["headcount_fsm"] if by == "fsm" else ["headcount_sen_support", "headcount_ehcp"]
        if year[sub].isna().any().any():
            raise ValueError(f"census {academic_year}: blank {', '.join(sub)}, so no '{by}' denominator")
    out = _county_roll(year, by)
    out["pupils"] = out["pupils"].astype("int64")
    return out


def rate_per_1000(counts: pd.DataFrame, roll: pd.DataFrame, by: str | None = None,
                  count: str = "count") -> pd.DataFrame:
    """Add ``pupils`` and ``rate_per_1000`` (``count`` column / pupils x 1,000) to a count table.

    ``counts`` is a table from ``snapshot``/``count_by`` (or any frame with the ``count`` column and
    ``by``, e.g. ``monthly_flows`` with ``count="referrals"``), ``roll`` a table from
    ``census_roll`` with the same ``by``. Categories with no roll (e.g. the ``(none)`` school of
    CME cases) get a blank rate, not zero. ``relative_rate`` is each rate over the rate of all
    the categories that have a roll together: above 1, over-represented (the disproportionality
    a board paper shows, DOMAIN.md: e.g. FSM pupils among CME).
    Columns: those of ``counts``, pupils, rate_per_1000, relative_rate.
    """
    if by is None:
        out = counts.copy()
        out["pupils"] = int(roll["pupils"].sum())
    else:
        out = counts.merge(roll, on=by, how="left")
        out["pupils"] = out["pupils"].astype("Int64")
    out["rate_per_1000"] = (out[count] / out["pupils"].astype("Float64") * 1000).astype(float)
    with_roll = out["pupils"].notna()
    overall = out.loc[with_roll, count].sum() / out.loc[with_roll, "pupils"].sum() * 1000
    out["relative_rate"] = out["rate_per_1000"] / overall if overall else float("nan")
    return out
