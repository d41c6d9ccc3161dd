"""Validate a large CSV extract chunk by chunk, so that memory holds one chunk (issue 7).

A report run validates its data folder once into a Parquet cache (contract/dataset.py). Read
whole, a county's two-million-row attendance file needed 2 GB; read ``chunk_rows`` rows at a time
(``io.readers.CsvChunks``) and checked by the same per-row phases as the whole file
(``validate._check_rows``), it needs a few hundred MB, and gives the same kept rows, issues,
accounting and notes:

- a one-row-per-key rule (``Rule.one_row_per``) rejects a row whose key an earlier row of the
  file had, among rows that parsed: pandera within the chunk, ``SeenKeys`` across chunks (the
  rule's check is extended with "or seen in an earlier chunk", so pandera reports it exactly as
  it reports a repeat within the chunk);
- identifier screening looks at each column's first non-blank values in the file, gathered
  across chunks until there are as many as ``identifiers._sample`` looks at.

Only a single CSV file of at least ``min_bytes`` is validated in chunks, for an extract with no
``unique`` field; anything unusual (a file the chunked reader declines, a screening error such as
identifiers or a missing column) raises ``NotChunkable``, and the caller validates the file whole
(``validate.load_extract``), which gives the proven result or message.
"""
from __future__ import annotations

import datetime as dt
import gc
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import pandas as pd

from ..io.parquet_chunks import ParquetChunkWriter
from ..io.readers import CsvChunks, NotChunkable, ReadError, find_extract_files
from .extracts import EXTRACTS
from . import identifiers
from .seen_keys import SeenKeys
from .spec import Extract, Rule
from .validate import _check_rows, _issue_frame, _kept_and_issues, screen_columns

CHUNK_MIN_BYTES = 32 * 2**20  # smaller files are validated whole: they fit in memory comfortably
# On data-large (two million attendance rows) validate_to_cache peaked at 0.55 GB with 100,000-row
# chunks, 0.71 GB with 200,000 and 0.9 GB with 400,000, for about the same CPU time.
CHUNK_ROWS = 100_000


@dataclass
class ChunkedSummary:
    """What validating an extract in chunks gives besides its kept rows (written chunk by chunk)."""

    extract: str
    files: list[str]
    rows_read: int
    rows_kept: int
    issues: pd.DataFrame
    notes: list[str]
    file_errors: list[str] = field(default_factory=list)


def chunkable_file(data_dir: str | Path, extract: Extract, min_bytes: int) -> Path:
    """The extract's file when it may be validated in chunks; raises NotChunkable otherwise."""
    if any(f.unique for f in extract.fields):
        raise NotChunkable(f"extract '{extract.name}' has a unique field")
    try:
        paths = find_extract_files(data_dir, extract.name, folder_allowed=extract.folder)
    except ReadError as exc:
        raise NotChunkable(str(exc)) from None
    if len(paths) != 1 or paths[0].parent != Path(data_dir) or paths[0].suffix.lower() != ".csv":
        raise NotChunkable(f"extract '{extract.name}' is not one CSV file")
    if paths[0].stat().st_size < min_bytes:
        raise NotChunkable(f"{paths[0]}: smaller than {min_bytes} bytes")
    return paths[0]


def _also_earlier(rule: Rule, earlier: SeenKeys) -> Callable[[pd.DataFrame], pd.Series]:
    def check(d: pd.DataFrame) -> pd.Series:
        return rule.check(d) & ~earlier.contains(d[list(rule.key)])
    return check


class _FirstValues:
    """Each column's first ``identifiers.SAMPLE_SCAN`` non-null values, gathered chunk by chunk:
    what identifier screening (``identifiers._sample``) looks at in the whole file."""

    def __init__(self, columns: list[str]):
        self.parts: dict[str, list[pd.Series]] = {c: [] for c in columns}
        self.counts = dict.fromkeys(columns, 0)

    def add(self, chunk: pd.DataFrame) -> None:
        for c, parts in self.parts.items():
            if self.counts[c] < identifiers.SAMPLE_SCAN:
                values = chunk[c].dropna().head(identifiers.SAMPLE_SCAN - self.counts[c])
                parts.append(values)
                self.counts[c] += len(values)

    @property
    def complete(self) -> bool:
        return all(n >= identifiers.SAMPLE_SCAN for n in self.counts.values())

    def frame(self) -> pd.DataFrame:
        """The values as a frame with the file's columns (shorter columns padded with blanks)."""
        return pd.DataFrame({c: pd.concat(parts, ignore_index=True) if parts else pd.Series(dtype=object)
                             for c, parts in self.parts.items()})


def _screen(sample: _FirstValues, extract: Extract, path: Path, today: dt.date) -> list[str]:
    """``screen_columns`` on the file's first values: its notes, or NotChunkable on any error (the
    whole-file path then gives the refusal)."""
    _, errors, notes = screen_columns(sample.frame(), extract, str(path), today)
    if errors:
        raise NotChunkable(f"{path}: {errors[0][2]}")
    return notes


def validate_extract_in_chunks(data_dir: str | Path, name: str, write_chunk: Callable[[pd.DataFrame], None], *,
                               today: dt.date | None = None, chunk_rows: int = CHUNK_ROWS,
                               min_bytes: int = CHUNK_MIN_BYTES) -> ChunkedSummary:
    """Validate extract ``name`` of ``data_dir`` chunk by chunk, handing each chunk's kept rows
    (typed, as ``load_extract`` keeps them) to ``write_chunk``; returns the rest of the result.

    Raises NotChunkable, before or after some chunks were written, when the extract is not one to
    validate in chunks or the file is unusual: the caller then discards what was written and
    validates the extract whole.
    """
    today = today or dt.date.today()
    extract = EXTRACTS[name]
    path = chunkable_file(data_dir, extract, min_bytes)
    earlier = {r.code: SeenKeys() for r in extract.rules if r.key}
    checked = replace(extract, rules=[replace(r, check=_also_earlier(r, earlier[r.code])) if r.key else r
                                      for r in extract.rules])
    chunks = CsvChunks(path, extract.columns, chunk_rows)
    with _collecting_each_chunk():
        rows_read, rows_kept, issues, screen_notes = _validate_chunks(chunks, extract, checked, earlier, write_chunk,
                                                                      today)
    return ChunkedSummary(extract.name, [str(path)], rows_read, rows_kept, issues, chunks.notes + screen_notes)


@contextmanager
def _collecting_each_chunk():
    """Objects that exist before the chunks (modules, the caller's data) are set aside
    (``gc.freeze``) while the chunks are validated: the cycle collection after each chunk then
    looks at that chunk's objects only (on data-large, 0.16 s of collections instead of 1.1 s)."""
    if gc.get_freeze_count():  # the caller froze objects itself: leave them as they are
        yield
        return
    gc.collect()  # garbage frozen now would stay until the end (an earlier extract's frames, say)
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _validate_chunks(chunks: CsvChunks, extract: Extract, checked: Extract, earlier: dict[str, SeenKeys],
                     write_chunk: Callable[[pd.DataFrame], None], today: dt.date):
    """The loop of ``validate_extract_in_chunks``: (rows read, rows kept, issues, screening notes)."""
    sample, screen_notes, issues = None, None, []
    rows_read = rows_kept = 0
    for raw in chunks:
        if screen_notes is None:
            sample = sample or _FirstValues([c for c in raw.columns if not c.startswith("_source_")])
            sample.add(raw)
            if sample.complete:
                screen_notes = _screen(sample, extract, chunks.path, today)
        typed, records, parsed = _check_rows(raw, checked, today)
        for rule in checked.rules:
            if rule.key:
                earlier[rule.code].add(typed.loc[parsed, list(rule.key)])
        kept, chunk_issues = _kept_and_issues(raw, extract, typed, records)
        write_chunk(kept)
        rows_read, rows_kept = rows_read + len(raw), rows_kept + len(kept)
        if len(chunk_issues):
            issues.append(chunk_issues)
        del raw, typed, records, parsed, kept
        gc.collect()  # accessors cached on a frame (pandera's, .str) make cycles that hold the chunk
    if screen_notes is None:
        screen_notes = _screen(sample, extract, chunks.path, today)
    issues = pd.concat(issues, ignore_index=True) if issues else _issue_frame([])
    return rows_read, rows_kept, issues, screen_notes


def validate_extract_to_parquet(data_dir: str | Path, name: str, target: Path, **options) -> ChunkedSummary | None:
    """``validate_extract_in_chunks`` writing the kept rows to the Parquet file ``target``; None
    (and no file left at ``target``) when the extract is to be validated whole instead."""
    writer = ParquetChunkWriter(target)
    try:
        summary = validate_extract_in_chunks(data_dir, name, writer.write, **options)
    except NotChunkable:
        writer.discard()
        return None
    except BaseException:
        writer.discard()
        raise
    writer.close()
    return summary
