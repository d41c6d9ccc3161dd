"""The trigger registry: one small function per rule, registered with its code, message, source
and parameters (as Data to Insight's 903 validator registers its validation rules).

A rule function takes the :class:`TriggerInputs` and its resolved parameters and returns one row
per pupil (or case) that has crossed its line, with the columns of :data:`RULE_COLUMNS`:
``pupil_id``, ``case_id`` (blank where the rule is per pupil), ``date_crossed``, ``value`` (the
measure, e.g. school days off roll) and ``threshold`` (the line, in the same unit).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import pandas as pd

from ...calendar import SchoolCalendar

RULE_COLUMNS = ["pupil_id", "case_id", "date_crossed", "value", "threshold"]
CONTRACT_INPUTS = ("cases", "pme_returns", "exclusions", "attendance")
# Case-work inputs, with the columns rules read from them: the contract's optional case-work extracts
# (contract/extracts.py: PANELS, CONSENT, REVIEWS, SAO_NOTICES, MISSING_OCCASIONS), or frames given by name.
OPTIONAL_INPUTS = {
    "panels": ("case_id", "panel_date", "progress_date"),
    "consent": ("case_id", "engagement_start_date", "consent_date"),
    "reviews": ("case_id", "review_date"),
    "sao_notices": ("case_id", "notice_date", "place_secured_date"),
    "missing_occasions": ("pupil_id", "occasion_date"),
}


@dataclass(frozen=True)
class TriggerRule:
    """One registered trigger: what it checks, where the line comes from, what it needs."""

    code: str
    message: str
    source: str
    params: Mapping[str, Any]  # parameter name -> default
    inputs: tuple[str, ...]  # required frames (contract extracts or documented optional inputs)
    unit: str  # unit of value / threshold / over_by, e.g. "school days"
    direction: str  # "above": crossed by reaching/exceeding the line; "below": by falling under it
    check: Callable[["TriggerInputs", dict], pd.DataFrame]

    def over_by(self, found: pd.DataFrame) -> pd.Series:
        """How far past the line each crossing is, in ``unit`` (0 = exactly at it)."""
        diff = found["value"] - found["threshold"]
        return diff if self.direction == "above" else -diff


REGISTRY: dict[str, TriggerRule] = {}


def trigger(code: str, *, message: str, source: str, params: Mapping[str, Any], inputs: tuple[str, ...],
            unit: str, direction: str = "above"):
    """Register the decorated function as trigger ``code``."""
    if direction not in ("above", "below"):
        raise ValueError(f"direction must be 'above' or 'below', got {direction!r}")

    def register(check):
        if code in REGISTRY:
            raise ValueError(f"trigger code {code} is registered twice")
        REGISTRY[code] = TriggerRule(code, message, source, dict(params), tuple(inputs), unit, direction, check)
        return check
    return register


@dataclass
class TriggerInputs:
    """Everything a rule may read: extracts by name, the LA's school calendar and the as-of date.

    Contract extracts: :data:`CONTRACT_INPUTS`. Optional inputs the v1 contract does not hold, and
    the columns rules read from them: :data:`OPTIONAL_INPUTS`.
    """

    calendar: SchoolCalendar
    as_of: pd.Timestamp
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    derived: dict[str, Any] = field(default_factory=dict)  # see shared()

    def __post_init__(self) -> None:
        self.as_of = pd.Timestamp(self.as_of).normalize()

    def has(self, name: str) -> bool:
        return self.frames.get(name) is not None

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def shared(self, key: str, compute: Callable[[], Any]) -> Any:
        """What several rules derive from the same inputs (e.g. the attendance year to date):
        ``compute()`` runs the first time a rule asks for ``key`` in this evaluation; later rules
        get the same object. Kept in :attr:`derived`, which the evaluation hands on to the tables."""
        if key not in self.derived:
            self.derived[key] = compute()
        return self.derived[key]


class ThresholdError(ValueError):
    """A thresholds mapping names an unknown trigger or parameter, or gives a bad value."""


def resolve_thresholds(overrides: Mapping[str, Mapping[str, Any]] | None) -> dict[str, dict[str, Any]]:
    """Defaults of every registered rule, overridden by ``overrides`` (``{code: {param: value}}``,
    the ``triggers:`` section of the LA's parameters file). Misspelt codes or parameters fail."""
    resolved = {code: dict(rule.params) for code, rule in REGISTRY.items()}
    for code, values in (overrides or {}).items():
        if code not in REGISTRY:
            raise ThresholdError(f"triggers: unknown trigger code {code!r} (known: {', '.join(sorted(REGISTRY))})")
        for name, value in (values or {}).items():
            if name not in resolved[code]:
                raise ThresholdError(f"triggers: {code} has no parameter {name!r} "
                                     f"(it has: {', '.join(resolved[code]) or 'none'})")
            default = REGISTRY[code].params[name]
            if isinstance(default, (int, float)) and not isinstance(default, bool):
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise ThresholdError(f"triggers: {code}.{name} must be a number, got {value!r}")
            elif isinstance(default, (list, tuple, dict)) and not isinstance(value, type(default)):
                raise ThresholdError(f"triggers: {code}.{name} must be a {type(default).__name__}, got {value!r}")
            resolved[code][name] = value
    return resolved


def crossings(pupil_id, case_id, date_crossed, value, threshold) -> pd.DataFrame:
    """Build a rule's result frame from aligned columns (scalars broadcast)."""
    frame = pd.DataFrame({"pupil_id": pupil_id, "case_id": case_id, "date_crossed": date_crossed,
                          "value": value, "threshold": threshold})
    frame["date_crossed"] = pd.to_datetime(frame["date_crossed"])
    frame = frame.astype({"pupil_id": "string", "case_id": "string", "value": "float64", "threshold": "float64"})
    return frame.reset_index(drop=True)
