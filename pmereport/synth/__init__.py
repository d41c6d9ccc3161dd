"""Seeded synthetic data generator: a realistic county's CME/PME extracts in the contract's formats.

    from pmereport.synth import generate, SIZES
    summary = generate("data/demo", seed=1, size="county", end="2026-10-31", progress=print)

Everything is made up (no real pupils); the shape follows DOMAIN.md and DfE published figures
(``params.py`` names the source of each number). Modules, one job each: ``dates`` (school days
and terms from the LA's configured term dates, ``pmereport.calendar``), ``schools``, ``pupils``
(rolls, characteristics, census), ``exclusions``, ``cases``, ``returns`` (monthly PME return and
log), ``attendance``, ``marks`` (session marks), ``writers`` (reproducible CSV/Excel), ``generate``
(the whole folder).
"""
from .generate import generate
from .params import GENERATOR_VERSION, SIZES

__all__ = ["generate", "SIZES", "GENERATOR_VERSION"]
