"""Helpers for the end-to-end pack tests: run ``pmereport run`` in a fresh process and read the tables
it publishes. The shared data and monthly pack these tests read are fixtures in conftest.py."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
PARAMS = REPO / "parameters"
SUPPRESS_BELOW = 5  # parameters/la.yaml


def run_pack(params: Path, data: Path, out: Path, timeout: int = 900) -> Path:
    """``pmereport run PARAMS --data DATA --out OUT`` with this checkout's code; fails the test on error."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "pmereport", "run", str(params), "--data", str(data), "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def table(out: Path, name: str) -> pd.DataFrame:
    """A published table of a run, every cell as the text it holds ("c" for a suppressed count)."""
    return pd.read_csv(out / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)


def published(value: int) -> str:
    """How a count appears in a table: itself, or c when it is small (1 to SUPPRESS_BELOW - 1)."""
    return "c" if 0 < value < SUPPRESS_BELOW else str(value)
