"""Load a whole data folder: every extract validated, with its row accounting kept beside it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..io.readers import SOURCE_COLUMNS
from .codes import PME_GROUP_TO_REASON
from .extracts import EXTRACTS
from .validate import ExtractResult, validate_folder


@dataclass
class Dataset:
    """The validated extracts of one data folder. Attribute per extract: the kept rows, typed."""

    data_dir: Path
    results: dict[str, ExtractResult]

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in EXTRACTS:
            result = self.results.get(name)
            if result is None:
                raise AttributeError(f"extract '{name}' is not in {self.data_dir}")
            frame = result.data.drop(columns=[c for c in SOURCE_COLUMNS if c in result.data])
            if "pme_group" in frame:
                frame = frame.assign(reason=frame["pme_group"].map(PME_GROUP_TO_REASON))
            return frame
        raise AttributeError(name)

    def has(self, name: str) -> bool:
        return name in self.results

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results.values())

    def issues(self) -> pd.DataFrame:
        frames = [r.issues for r in self.results.values() if not r.issues.empty]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            columns=["extract", "file", "row", "column", "rule", "message", "value"])

    def quality(self) -> dict:
        """Validation results and row accounting for every input (quality.json)."""
        return {"ok": self.ok, "extracts": {n: r.accounting() for n, r in self.results.items()}}


def load(data_dir: str | Path) -> Dataset:
    """Read and validate every extract in ``data_dir`` (see docs/data-dictionary.md)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data folder not found: {data_dir}")
    return Dataset(data_dir, validate_folder(data_dir))
