"""Load a whole data folder: every extract validated, with its row accounting kept beside it."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..io.readers import SOURCE_COLUMNS
from .codes import PME_GROUP_TO_REASON
from .extracts import EXTRACTS
from .result import ExtractResult  # not .validate: reading the cache needs no validator (pandera)


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
            if isinstance(result, CachedExtractResult):
                frame = result.kept_columns()
            else:
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


# A report run validates the data once and shares the result with its notebooks through this
# folder (Parquet), named in the environment the notebook kernels inherit.
CACHE_ENV = "PMEREPORT_DATASET_CACHE"


def fingerprint(data_dir: Path) -> list:
    """What identifies a data folder's contents cheaply: every file's path, size and mtime."""
    return sorted([str(p.relative_to(data_dir)), p.stat().st_size, p.stat().st_mtime_ns]
                  for p in data_dir.rglob("*") if p.is_file())


def _save_result(r, folder: Path, kept_written: bool = False) -> dict:
    """Write one validated extract (kept rows, unless ``kept_written`` already, and issues) to
    ``folder``; returns its meta entry. ``r`` is an ExtractResult, or with ``kept_written`` the
    summary of an extract validated in chunks (contract/chunked.py)."""
    if not kept_written:
        r.data.to_parquet(folder / f"{r.extract}.parquet", index=False)
    r.issues.astype({"row": "Int64", "value": "string"}).to_parquet(folder / f"{r.extract}.issues.parquet",
                                                                   index=False)
    return {"files": r.files, "rows_read": r.rows_read, "rows_kept": r.rows_kept,
            "file_errors": r.file_errors, "notes": r.notes}


def _write_meta(data_dir: Path, folder: Path, extracts: dict) -> None:
    meta = {"data_dir": str(data_dir.resolve()), "fingerprint": fingerprint(data_dir), "extracts": extracts}
    (folder / "meta.json").write_text(json.dumps(meta))  # last: a folder without it is not a cache


def save_cache(ds: Dataset, folder: Path) -> None:
    """Write a validated dataset to ``folder`` so that ``load`` can reuse it without re-validating."""
    folder.mkdir(parents=True, exist_ok=True)
    _write_meta(ds.data_dir, folder, {name: _save_result(r, folder) for name, r in ds.results.items()})


def validate_to_cache(data_dir: str | Path, folder: Path, *, today=None, chunk_rows: int | None = None,
                      chunk_min_bytes: int | None = None, progress=None) -> Dataset:
    """Validate ``data_dir`` extract by extract straight into the cache ``folder``; each extract's
    rows are written and let go before the next is read, so the memory held at once is one
    extract's, not the folder's (issue 7: the largest extract, attendance, is 85% of a county's
    bytes). A CSV file of at least ``chunk_min_bytes`` is validated ``chunk_rows`` rows at a time
    (contract/chunked.py; defaults there), with the same result as read whole. ``progress``, if
    given, is called with a line per extract (rows read, kept, seconds). Returns the dataset as
    read back lazily from the cache (``CachedExtractResult``)."""
    import time

    from .chunked import validate_extract_to_parquet
    from .validate import load_extract

    data_dir = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    options = {k: v for k, v in (("chunk_rows", chunk_rows), ("min_bytes", chunk_min_bytes)) if v is not None}
    extracts = {}
    for name in EXTRACTS:
        started = time.perf_counter()
        summary = validate_extract_to_parquet(data_dir, name, folder / f"{name}.parquet", today=today, **options)
        if summary is not None:
            extracts[name] = _save_result(summary, folder, kept_written=True)
        else:
            result = load_extract(data_dir, name, today=today)
            if result is None:
                continue  # an optional extract that is not there
            extracts[name] = _save_result(result, folder)
            del result
        if progress:
            m = extracts[name]
            progress(f"  {name}: {m['rows_read']:,} rows read, {m['rows_kept']:,} kept"
                     f"{' (in chunks)' if summary is not None else ''} in {time.perf_counter() - started:.1f} s")
    _write_meta(data_dir, folder, extracts)
    return Dataset(data_dir, {name: CachedExtractResult(name, m, folder) for name, m in extracts.items()})


def read_cached_rows(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Kept rows from a cache Parquet file, text columns as Arrow-backed strings
    (``string[pyarrow]``): the same values and string semantics as the validator's
    ``string[python]``, but stored in Arrow buffers instead of one Python object per cell.
    Measured on the large bench's attendance (2 million rows): 889 -> 239 MB in the kernel,
    read 1.3 -> 0.7 s (bench/RESULTS-pack-notes.md)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow_strings = {pa.string(): pd.StringDtype("pyarrow"), pa.large_string(): pd.StringDtype("pyarrow")}
    return pq.read_table(path, columns=columns).to_pandas(types_mapper=arrow_strings.get)


class CachedExtractResult(ExtractResult):
    """An ``ExtractResult`` read back from the cache, whose rows are read from Parquet only when
    first used: a notebook that needs three extracts holds three in memory, not all of them."""

    def __init__(self, name: str, m: dict, folder: Path):
        self.extract, self.files, self.rows_read = name, m["files"], m["rows_read"]
        self.file_errors, self.notes = m["file_errors"], m.get("notes", [])
        self._rows_kept, self._folder = m["rows_kept"], folder
        self._data = self._kept = self._issues = None

    @property
    def data(self) -> pd.DataFrame:
        if self._data is None:
            self._data = read_cached_rows(self._folder / f"{self.extract}.parquet")
        return self._data

    def kept_columns(self) -> pd.DataFrame:
        """The kept rows without the source file and row columns (what ``Dataset`` gives)."""
        if self._data is not None:
            return self._data.drop(columns=[c for c in SOURCE_COLUMNS if c in self._data])
        if self._kept is None:
            import pyarrow.parquet as pq

            path = self._folder / f"{self.extract}.parquet"
            columns = [c for c in pq.read_schema(path).names if c not in SOURCE_COLUMNS]
            self._kept = read_cached_rows(path, columns=columns)
        return self._kept

    @property
    def issues(self) -> pd.DataFrame:
        if self._issues is None:
            issues = pd.read_parquet(self._folder / f"{self.extract}.issues.parquet").astype(
                {"row": "object", "value": "object"})
            self._issues = issues.where(issues.notna(), None)
        return self._issues

    @property
    def rows_kept(self) -> int:
        return self._rows_kept


def _load_cache(data_dir: Path, folder: Path) -> Dataset | None:
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        return None
    meta = json.loads(meta_path.read_text())
    if meta["data_dir"] != str(data_dir.resolve()) or meta["fingerprint"] != json.loads(
            json.dumps(fingerprint(data_dir))):
        return None
    results = {name: CachedExtractResult(name, m, folder) for name, m in meta["extracts"].items()}
    return Dataset(data_dir, results)


def load(data_dir: str | Path, cache_dir: str | Path | None = None, *, drop_identifiers: bool = False,
         today=None) -> Dataset:
    """Read and validate every extract in ``data_dir`` (see docs/data-dictionary.md).

    ``drop_identifiers`` drops columns holding direct identifiers instead of refusing the file
    (docs/pseudonymisation.md); ``today`` is the day dates are checked against (default: today).

    Inside a report run the validated data is reused from the run's cache (``cache_dir``, or the
    folder named by the PMEREPORT_DATASET_CACHE environment variable) when the data folder's files
    are unchanged; otherwise everything is read and validated afresh.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data folder not found: {data_dir}")
    cache_dir = cache_dir or os.environ.get(CACHE_ENV)
    if cache_dir:
        cached = _load_cache(data_dir, Path(cache_dir))
        if cached is not None:
            return cached
    from .validate import validate_folder

    return Dataset(data_dir, validate_folder(data_dir, today=today, drop_identifiers=drop_identifiers))
