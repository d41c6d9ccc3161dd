"""manifest.json and quality.json: what went into a run and how it went (DESIGN.md section 2)."""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
import subprocess
import sys
from pathlib import Path

PACKAGES = ("pmereport", "pandas", "numpy", "pandera", "matplotlib", "seaborn", "papermill", "nbconvert",
            "nbformat", "weasyprint", "openpyxl", "pyyaml", "jinja2")


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_versions() -> dict[str, str | None]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def python_info() -> dict:
    return {"version": platform.python_version(), "implementation": platform.python_implementation(),
            "executable": sys.executable, "platform": platform.platform()}


def git_state(path: str | Path) -> dict | None:
    """Commit and dirty flag of the git checkout holding ``path`` (None if not in one)."""
    def git(*args):
        return subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True, check=False)
    try:
        head = git("rev-parse", "HEAD")
    except OSError:  # git not installed
        return None
    if head.returncode != 0:
        return None
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": head.stdout.strip(), "dirty": bool(status.stdout.strip())}


def inputs(results: dict, hashes: dict[str, str] | None = None) -> list[dict]:
    """One entry per input file: path, sha256, and the extract's rows read and rejected.

    Row counts are per extract (an extract may be a folder of monthly files). ``hashes`` (sha256
    by file path, already computed) saves reading the files again.
    """
    hashes = hashes or {}
    entries = []
    for name, result in results.items():
        files = [Path(f) for f in result.files]
        entries.append({
            "extract": name,
            "files": [{"path": str(f), "sha256": hashes.get(str(f)) or (sha256_file(f) if f.is_file() else None)} for f in files],
            "rows_read": result.rows_read,
            "rows_kept": result.rows_kept,
            "rows_rejected": result.rows_rejected,
            "file_errors": list(result.file_errors),
        })
    return entries


def read_json(path: str | Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_json(path: str | Path, data) -> Path:
    """Pretty, key-sorted JSON (stable diffs), UTF-8, newline at the end."""
    path = Path(path)
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path
