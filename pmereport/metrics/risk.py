"""Risk summary of the open CME cohort: RAG ratings, the 20 referral-form risk indicators and
whereabouts known / unknown (Leicestershire PME framework 2.1.1, DOMAIN.md "Risk rating").

The recorded ``rag_rating`` is what the case-management system holds. The scoring that turns
indicators into a rating is local, so it is a parameter (:class:`RiskScoring`, from the LA's
parameters file); :func:`score` re-applies it so that recorded and computed ratings can be compared.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import pandas as pd

from ..contract.codes import RAG, RISK_INDICATORS
from .cohort import open_on

WHEREABOUTS = {"Y": "Whereabouts known", "N": "Whereabouts unknown", "": "Not recorded"}


def open_cme(cases: pd.DataFrame, on) -> pd.DataFrame:
    """CME case episodes open at the end of ``on``."""
    cohort = open_on(cases, on)
    return cohort[cohort["case_type"] == "CME"]


def _counts(values: pd.Series, labels: Mapping[str, str], name: str) -> pd.DataFrame:
    counts = values.value_counts()
    out = pd.DataFrame({name: list(labels), "label": list(labels.values()),
                        "count": [int(counts.get(k, 0)) for k in labels]})
    total = out["count"].sum()
    out["share"] = out["count"] / total if total else float("nan")
    return out


def rag_distribution(cohort: pd.DataFrame) -> pd.DataFrame:
    """Count and share of the cohort by recorded RAG rating (Red, Amber, Green, all shown)."""
    return _counts(cohort["rag_rating"], RAG, "rag_rating")


def whereabouts(cohort: pd.DataFrame) -> pd.DataFrame:
    """Count and share of the cohort with whereabouts known, unknown, or not recorded."""
    return _counts(cohort["whereabouts_known"].fillna(""), WHEREABOUTS, "whereabouts_known")


def indicator_summary(cohort: pd.DataFrame) -> pd.DataFrame:
    """Per risk indicator (referral-form order): cases where it is current, historic, either, and
    the shares of the cohort."""
    n = len(cohort)
    rows = []
    for column, label in RISK_INDICATORS.items():
        values = cohort[column]
        current, historic = int((values == "C").sum()), int((values == "H").sum())
        rows.append({"indicator": column, "label": label, "current": current, "historic": historic,
                     "either": current + historic})
    out = pd.DataFrame(rows)
    for col in ("current", "either"):
        out[f"{col}_share"] = out[col] / n if n else float("nan")
    return out


@dataclass(frozen=True)
class RiskScoring:
    """A local scoring: points per indicator value, thresholds for Red and Amber.

    score = sum over indicators of points[value] x weight (weight 1 unless given); Red from
    ``red_from`` points, Amber from ``amber_from``, otherwise Green. With
    ``whereabouts_known_is_red`` a CME child whose whereabouts are known is always Red
    (Leicestershire: "all pupils in this category are treated as high priority").
    """

    points: Mapping[str, float]
    red_from: float
    amber_from: float
    weights: Mapping[str, float] = field(default_factory=dict)
    whereabouts_known_is_red: bool = True

    @classmethod
    def from_dict(cls, spec: Mapping) -> "RiskScoring":
        """From the ``risk_scoring:`` section of the LA's parameters file; names what is wrong."""
        unknown = set(spec) - {"points", "red_from", "amber_from", "weights", "whereabouts_known_is_red"}
        if unknown:
            raise ValueError(f"risk_scoring: unknown keys {sorted(unknown)}")
        missing = {"points", "red_from", "amber_from"} - set(spec)
        if missing:
            raise ValueError(f"risk_scoring: missing {sorted(missing)}")
        bad_values = set(spec["points"]) - {"C", "H", "N"}
        bad_weights = set(spec.get("weights", {})) - set(RISK_INDICATORS)
        if bad_values or bad_weights:
            raise ValueError(f"risk_scoring: unknown indicator values {sorted(bad_values)} or "
                             f"indicators {sorted(bad_weights)}")
        if spec["amber_from"] > spec["red_from"]:
            raise ValueError("risk_scoring: amber_from must not exceed red_from")
        return cls(dict(spec["points"]), spec["red_from"], spec["amber_from"], dict(spec.get("weights", {})),
                   bool(spec.get("whereabouts_known_is_red", True)))


def score(cohort: pd.DataFrame, scoring: RiskScoring) -> pd.DataFrame:
    """Each case's risk score and the rating the local scoring gives it (``rag_computed``)."""
    total = pd.Series(0.0, index=cohort.index)
    for column in RISK_INDICATORS:
        total += cohort[column].map(scoring.points).fillna(0.0) * scoring.weights.get(column, 1.0)
    rag = pd.Series("G", index=cohort.index)
    rag[total >= scoring.amber_from] = "A"
    rag[total >= scoring.red_from] = "R"
    if scoring.whereabouts_known_is_red:
        rag[(cohort["case_type"] == "CME") & (cohort["whereabouts_known"] == "Y")] = "R"
    return pd.DataFrame({"case_id": cohort["case_id"], "score": total, "rag_computed": rag})


def rag_agreement(cohort: pd.DataFrame, scoring: RiskScoring) -> pd.DataFrame:
    """Recorded (rows) against computed (columns) ratings, R/A/G in order, counts."""
    computed = score(cohort, scoring)["rag_computed"]
    table = pd.crosstab(cohort["rag_rating"], computed).reindex(index=list(RAG), columns=list(RAG), fill_value=0)
    table.index.name, table.columns.name = "recorded", "computed"
    return table


def risk_summary(cases: pd.DataFrame, on, scoring: RiskScoring | None = None) -> dict[str, pd.DataFrame]:
    """The open CME cohort on ``on``: RAG distribution, whereabouts, the 20 indicators, and (given
    a local scoring) recorded against computed ratings. Aggregates only."""
    cohort = open_cme(cases, on)
    out = {"rag": rag_distribution(cohort), "whereabouts": whereabouts(cohort),
           "indicators": indicator_summary(cohort)}
    if scoring is not None:
        out["rag_agreement"] = rag_agreement(cohort, scoring)
    return out
