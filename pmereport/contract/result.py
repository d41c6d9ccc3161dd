"""The outcome of validating one extract (kept rows, issues, row accounting).

Apart from contract/validate.py (which imports pandera) so that reading validated data back from
the run cache (contract/dataset.py, in every notebook kernel) does not import the validator.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class ExtractResult:
    """The outcome of validating one extract: kept rows (typed), and every issue found."""

    extract: str
    files: list[str]
    rows_read: int
    data: pd.DataFrame  # kept rows, typed, with _source_file / _source_row
    issues: pd.DataFrame  # one row per (row, column, rule) problem; row is None for file-level ones
    file_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # handled, but the user should know (rows skipped...)

    @property
    def rows_kept(self) -> int:
        return len(self.data)

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - self.rows_kept

    @property
    def ok(self) -> bool:
        return not self.file_errors and self.issues.empty

    def accounting(self) -> dict:
        """Row accounting for quality.json: read = kept + rejected, and reasons by rule."""
        by_rule = (self.issues.dropna(subset=["row"]).groupby(["column", "rule"]).size()
                   .rename("rows").reset_index().to_dict("records")) if not self.issues.empty else []
        return {"extract": self.extract, "files": self.files, "rows_read": self.rows_read,
                "rows_kept": self.rows_kept, "rows_rejected": self.rows_rejected,
                "file_errors": self.file_errors, "notes": self.notes, "rejections_by_rule": by_rule}
