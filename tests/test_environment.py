"""pyproject.toml is the source of truth for dependencies; environment.yml must list the same."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# conda-forge names that differ from the PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}
NOT_REQUIREMENTS = {"python", "pip"}


def _split(req: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_yml_lists_the_same_requirements_as_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = dict(_split(r) for r in pyproject["project"]["dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    pip_section = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section = dep.get("pip", [])
            continue
        name, spec = _split(dep)
        if name not in NOT_REQUIREMENTS:
            conda[CONDA_TO_PYPI.get(name, name)] = spec
    assert conda == wanted
    assert "-e ." in pip_section  # the pip section installs pmereport itself


def test_helper_splits_requirements():
    # a check on the test's own parser, so a broken regex cannot make the comparison vacuous
    assert _split("pandas>=2.1") == ("pandas", ">=2.1")
    assert _split("PyYAML >= 6.0") == ("pyyaml", ">=6.0")
