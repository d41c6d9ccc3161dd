import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/tiny_data.py, tests/pack_support.py


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> Path:
    """The `small` synthetic data folder (seed 1, end 2026-10-31), generated once for every test that
    reads it. Read only: a test that changes data works on a copy."""
    from pmereport.synth import generate

    folder = tmp_path_factory.mktemp("small-data")
    generate(folder, seed=1, size="small", end="2026-10-31")
    return folder


@pytest.fixture(scope="session")
def monthly_pack(small_data, tmp_path_factory) -> Path:
    """`pmereport run parameters/monthly.yaml` on ``small_data``, run once (the monthly pack and the
    trigger tests both read it)."""
    from pack_support import PARAMS, run_pack

    return run_pack(PARAMS / "monthly.yaml", small_data, tmp_path_factory.mktemp("runs") / "monthly")
