"""Run every registered trigger and shape the results for their two audiences.

- :func:`trigger_counts`: one row per rule with how many pupils crossed it, for boards
  (aggregate; small numbers are suppressed later by the present layer).
- :func:`exceptions`: one row per pupil/case and rule, for the weekly children-out-of-school
  meeting. Pupil level, pseudonymous ids only, ``attrs["classification"] == "internal"``: it must
  never go into a board output.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
import yaml

from ...calendar import SchoolCalendar
from .registry import CONTRACT_INPUTS, OPTIONAL_INPUTS, REGISTRY, RULE_COLUMNS, TriggerInputs, resolve_thresholds

EXCEPTION_COLUMNS = ["code", "rule", "pupil_id", "case_id", "date_crossed", "value", "threshold",
                     "over_by", "unit"]


@dataclass
class Evaluation:
    """Every rule's crossings as of one date, the thresholds used and the rules not run."""

    as_of: pd.Timestamp
    thresholds: dict[str, dict[str, Any]]
    results: dict[str, pd.DataFrame]  # code -> crossings (RULE_COLUMNS + over_by)
    not_run: dict[str, str]  # code -> why (a missing input)
    derived: dict[str, Any] = field(default_factory=dict)  # what the rules shared (TriggerInputs.shared)


def evaluate(frames: Mapping[str, pd.DataFrame | None], calendar: SchoolCalendar, as_of,
             thresholds: Mapping[str, Mapping[str, Any]] | None = None,
             codes: list[str] | None = None) -> Evaluation:
    """Run the registered triggers (all, or ``codes``) on ``frames`` as of ``as_of``.

    ``frames`` maps input names to frames (``ds.cases`` etc.; None or absent = not available);
    ``thresholds`` overrides the defaults (the ``triggers:`` section of the LA parameters file).
    A rule whose inputs are missing is not run, and says so, rather than counting zero.
    """
    resolved = resolve_thresholds(thresholds)
    check_optional_inputs(frames)
    inputs = TriggerInputs(calendar, as_of, {k: v for k, v in frames.items() if v is not None})
    unknown = [c for c in (codes or []) if c not in REGISTRY]
    if unknown:
        raise KeyError(f"unknown trigger codes: {unknown}")
    results, not_run = {}, {}
    for code in codes or sorted(REGISTRY):
        rule = REGISTRY[code]
        missing = [name for name in rule.inputs if not inputs.has(name)]
        if missing:
            not_run[code] = "needs " + ", ".join(missing)
            continue
        found = rule.check(inputs, resolved[code])
        found = found[RULE_COLUMNS].assign(over_by=rule.over_by(found))
        results[code] = found.sort_values(["date_crossed", "pupil_id"], kind="stable").reset_index(drop=True)
    return Evaluation(inputs.as_of, resolved, results, not_run, inputs.derived)


def check_optional_inputs(frames: Mapping[str, pd.DataFrame | None]) -> None:
    """Fail clearly on an unknown input name or an optional input without the columns rules read;
    date columns must already be dates."""
    for name, frame in frames.items():
        if frame is None or name in CONTRACT_INPUTS:
            continue
        if name not in OPTIONAL_INPUTS:
            raise KeyError(f"unknown trigger input {name!r} (contract: {', '.join(CONTRACT_INPUTS)}; "
                           f"optional: {', '.join(OPTIONAL_INPUTS)})")
        missing = [c for c in OPTIONAL_INPUTS[name] if c not in frame]
        if missing:
            raise ValueError(f"trigger input {name!r} lacks columns {missing} "
                             f"(needs {', '.join(OPTIONAL_INPUTS[name])})")
        for col in OPTIONAL_INPUTS[name]:
            if col.endswith("_date") and not pd.api.types.is_datetime64_any_dtype(frame[col]):
                raise ValueError(f"trigger input {name!r}: column {col} must hold dates "
                                 f"(pd.to_datetime), not {frame[col].dtype}")


def frames_from(dataset, **optional: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The trigger inputs of a loaded :class:`~pmereport.contract.dataset.Dataset`: the contract
    extracts it has, case-work extracts included (panels, consent, reviews, sao_notices,
    missing_occasions), plus any inputs given by name (which take precedence)."""
    frames = {name: getattr(dataset, name) for name in (*CONTRACT_INPUTS, *OPTIONAL_INPUTS) if dataset.has(name)}
    frames.update(optional)
    check_optional_inputs(frames)
    return frames


def trigger_counts(evaluation: Evaluation) -> pd.DataFrame:
    """Board view: per rule, the number of distinct pupils who crossed it (blank if not run)."""
    rows = []
    for code in sorted(set(evaluation.results) | set(evaluation.not_run)):
        rule = REGISTRY[code]
        found = evaluation.results.get(code)
        rows.append({"code": code, "rule": rule.message, "source": rule.source,
                     "pupils": pd.NA if found is None else int(found["pupil_id"].nunique()),
                     "status": "run" if found is not None else "not run: " + evaluation.not_run[code]})
    out = pd.DataFrame(rows, columns=["code", "rule", "source", "pupils", "status"])
    out["pupils"] = out["pupils"].astype("Int64")
    out.attrs["classification"] = "aggregate"
    out.attrs["as_of"] = str(evaluation.as_of.date())
    return out


def exceptions(evaluation: Evaluation) -> pd.DataFrame:
    """Officers' view: one row per pupil/case and rule crossed. INTERNAL: pupil-level rows.

    Columns are :data:`EXCEPTION_COLUMNS` only (pseudonymous ``pupil_id`` / ``case_id``; no
    characteristics), ordered by rule and the date each line was crossed.
    """
    frames = [found.assign(code=code, rule=REGISTRY[code].message, unit=REGISTRY[code].unit)
              for code, found in sorted(evaluation.results.items()) if not found.empty]
    out = (pd.concat(frames, ignore_index=True)[EXCEPTION_COLUMNS] if frames
           else pd.DataFrame(columns=EXCEPTION_COLUMNS))
    out.attrs["classification"] = "internal"
    out.attrs["as_of"] = str(evaluation.as_of.date())
    return out


def load_thresholds(path: str | Path) -> dict[str, dict[str, Any]]:
    """The ``triggers:`` section of a parameters YAML file (empty if it has none)."""
    with Path(path).open(encoding="utf-8") as fh:
        spec = yaml.safe_load(fh) or {}
    section = spec.get("triggers") or {}
    resolve_thresholds(section)  # fail early on a misspelt code or parameter, naming it
    return section
