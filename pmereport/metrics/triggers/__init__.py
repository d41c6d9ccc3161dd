"""Statutory and local triggers: one registered rule per line the law or local policy draws.

Every threshold is a parameter (defaults: ``parameters/triggers.yaml``; the LA overrides them in
the ``triggers:`` section of its parameters file). See DOMAIN.md, "Thresholds and triggers".
"""
from . import rules_attendance, rules_cases, rules_exclusions, rules_provision  # noqa: F401  (register)
from .evaluate import (EXCEPTION_COLUMNS, Evaluation, evaluate, exceptions, frames_from, load_thresholds,
                       trigger_counts)
from .registry import (CONTRACT_INPUTS, OPTIONAL_INPUTS, REGISTRY, ThresholdError, TriggerInputs, TriggerRule,
                       resolve_thresholds, trigger)

__all__ = ["CONTRACT_INPUTS", "OPTIONAL_INPUTS", "REGISTRY", "EXCEPTION_COLUMNS", "Evaluation", "ThresholdError",
           "TriggerInputs", "TriggerRule", "evaluate", "exceptions", "frames_from", "load_thresholds",
           "resolve_thresholds", "trigger", "trigger_counts"]
