"""`pmereport verify RUN_DIR`: re-run a report from its manifest and check the outputs are identical.

DESIGN.md section 2: a run is reproducible to the byte. Verification first re-hashes every input
named in manifest.json (a changed input is reported as such, without re-running), then re-runs the
same parameters file on the same data with the same production date into a temporary folder, and
compares the sha256 of every published output: report.html, report.pdf, tables.xlsx, tables/*.csv
and figures/*.svg. Executed notebooks are internal and hold the run folder's path, so they are not
compared.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .manifest import sha256_file

COMPARED = ("report.html", "report.pdf", "tables.xlsx", "tables/*.csv", "figures/*.svg")


@dataclass
class Verification:
    """What verify found: changed inputs, and outputs that differ, are missing or are new."""

    run_dir: Path
    changed_inputs: list[str] = field(default_factory=list)
    different: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    compared: int = 0

    @property
    def ok(self) -> bool:
        return not (self.changed_inputs or self.different or self.missing or self.extra)

    def summary(self) -> str:
        if self.changed_inputs:
            return "inputs changed since the run:\n" + "\n".join(f"  {p}" for p in self.changed_inputs)
        if self.ok:
            return f"verified: {self.compared} outputs of {self.run_dir} are byte-identical on a re-run"
        lines = [f"NOT reproducible: {self.run_dir}"]
        lines += [f"  differs: {p}" for p in self.different]
        lines += [f"  missing from the re-run: {p}" for p in self.missing]
        lines += [f"  only in the re-run: {p}" for p in self.extra]
        return "\n".join(lines)


def output_hashes(run_dir: Path) -> dict[str, str]:
    """sha256 of every compared output file, by path relative to the run folder."""
    hashes = {}
    for pattern in COMPARED:
        for path in sorted(run_dir.glob(pattern)):
            hashes[path.relative_to(run_dir).as_posix()] = sha256_file(path)
    return hashes


def changed_inputs(manifest: dict) -> list[str]:
    """Input files whose sha256 no longer matches the manifest (or that have gone)."""
    changed = []
    for extract in manifest.get("inputs", []):
        for f in extract.get("files", []):
            path = Path(f["path"])
            if not path.is_file():
                changed.append(f"{path} (missing)")
            elif sha256_file(path) != f["sha256"]:
                changed.append(f"{path} (sha256 differs from the manifest)")
    return changed


def verify_run(run_dir: str | Path, progress: Callable[[str], None] | None = None) -> Verification:
    """Re-run ``run_dir`` from its manifest and compare outputs byte for byte."""
    from .run import run_report

    run_dir = Path(run_dir).resolve()
    manifest_path = run_dir / "manifest.json"
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{run_dir}: no manifest.json (is this a pmereport run folder?)")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("status") != "complete":
        raise ValueError(f"{run_dir}: the run did not complete (status {manifest.get('status')!r})")
    result = Verification(run_dir)
    result.changed_inputs = changed_inputs(manifest)
    if result.changed_inputs:
        return result
    params = manifest["parameters"]
    produced = dt.date.fromisoformat(params["produced"])
    with tempfile.TemporaryDirectory(prefix="pmereport-verify-") as tmp:
        rerun = Path(tmp) / run_dir.name
        run_report(params["params_file"], data_dir=params.get("data_dir"), out_dir=rerun,
                   progress=progress, produced=produced, use_cache=False)  # really recompute
        before, after = output_hashes(run_dir), output_hashes(rerun)
        shutil.rmtree(rerun, ignore_errors=True)
    result.compared = len(before)
    result.different = sorted(p for p in before.keys() & after.keys() if before[p] != after[p])
    result.missing = sorted(before.keys() - after.keys())
    result.extra = sorted(after.keys() - before.keys())
    return result
