"""What a report run keeps between runs, so that a re-run only redoes what changed (issue 7).

Three stores under one cache folder (default ``.pmereport-cache`` beside the run folder; the
environment variable ``PMEREPORT_CACHE_DIR`` or ``run_report(cache_dir=...)`` moves it):

- ``data/<key>/``: a data folder's validated extracts (Parquet), quality.json and the manifest's
  input entries. The key is the sha256 of every input file's bytes, the data folder's path, the
  day of validation (dates after "today" are rejected, so a cached result holds for that day only)
  and the code of ``pmereport`` itself.
- ``notebooks/<key>/``: an executed notebook with the tables and figures it published. The key
  adds the notebook file, the parameters injected into it, the contents of every file or folder a
  parameter names (term dates, published DfE files), the run folder it was written for and the
  versions of the packages that draw the tables and charts.
- ``pdf/<key>.pdf``: report.pdf for a given report.html (WeasyPrint gives identical bytes for
  identical HTML, so the PDF of unchanged HTML need not be laid out again).

Anything that changes any input of a step changes its key, so a stale entry is never used; entries
are written to a temporary name and renamed, so a killed run never leaves half an entry; the
oldest entries beyond ``KEEP`` are removed. ``pmereport verify`` runs without the cache.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path

from .manifest import package_versions, sha256_file

CACHE_DIR_ENV = "PMEREPORT_CACHE_DIR"
DEFAULT_FOLDER = ".pmereport-cache"
KEEP = {"data": 3, "notebooks": 40, "pdf": 6}  # entries kept per store, most recently used first
LARGEST_HASHED_FOLDER = 500 * 1024 * 1024  # a parameter naming a bigger folder is keyed by sizes and times


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """sha256 of every file of the installed ``pmereport`` package (a code change is a new key)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by path relative to it."""
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def data_key(data_dir: Path, hashes: dict[str, str], today: dt.date) -> str:
    """The key of a data folder's validated extracts (see the module docstring)."""
    return _digest({"data_dir": str(data_dir.resolve()), "files": hashes, "today": today.isoformat(),
                    "code": code_version()})


def _named_paths(value, base: Path) -> dict[str, object]:
    """Files and folders named by string parameters (relative ones are relative to ``base``, the
    notebook's folder, where it runs), each with what identifies its contents."""
    found: dict[str, object] = {}
    if isinstance(value, dict):
        for item in value.values():
            found.update(_named_paths(item, base))
    elif isinstance(value, (list, tuple)):
        for item in value:
            found.update(_named_paths(item, base))
    elif isinstance(value, str) and value and len(value) < 4096 and "\n" not in value:
        path = (base / value).resolve() if not os.path.isabs(value) else Path(value)
        try:
            if path.is_file():
                found[str(path)] = sha256_file(path)
            elif path.is_dir():
                files = [p for p in path.rglob("*") if p.is_file()]
                if sum(p.stat().st_size for p in files) > LARGEST_HASHED_FOLDER:
                    found[str(path)] = sorted([str(p), p.stat().st_size, p.stat().st_mtime_ns] for p in files)
                else:
                    found[str(path)] = file_hashes(path)
        except OSError:  # not a path after all (or unreadable): the string itself is in the key
            pass
    return found


def notebook_key(notebook: Path, parameters: dict, data: str | None, run_dir: Path) -> str:
    """The key of one executed notebook (see the module docstring). ``parameters`` are the injected
    ones without ``run_dir`` (a temporary folder that differs every run; ``run_dir`` here is the
    final run folder, which the executed notebook names)."""
    without_data = {k: v for k, v in parameters.items() if k != "data_dir"}
    return _digest({"notebook": sha256_file(notebook), "parameters": parameters, "data": data,
                    "named_files": _named_paths(without_data, notebook.parent), "run_dir": str(run_dir),
                    "code": code_version(), "packages": package_versions()})


def pdf_key(html_text: str, stamp: dt.datetime) -> str:
    return _digest({"html": hashlib.sha256(html_text.encode()).hexdigest(), "stamp": stamp.isoformat(),
                    "packages": package_versions()})


class RunCache:
    """The cache folder of report runs; ``RunCache(None)`` is a cache that never hits nor stores."""

    def __init__(self, root: Path | None):
        self.root = Path(root).resolve() if root else None

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def _entry(self, store: str, key: str, suffix: str = "") -> Path | None:
        if self.root is None:
            return None
        return self.root / store / f"{key}{suffix}"

    def _hit(self, path: Path | None) -> Path | None:
        if path is None or not path.exists():
            return None
        os.utime(path)  # most recently used: the last to be pruned
        return path

    def data(self, key: str) -> Path | None:
        """The folder of a data folder's validated extracts, if stored."""
        return self._hit(self._entry("data", key))

    def notebook(self, key: str) -> Path | None:
        return self._hit(self._entry("notebooks", key))

    def pdf(self, key: str) -> Path | None:
        return self._hit(self._entry("pdf", key, ".pdf"))

    def staging(self, store: str) -> Path:
        """A new temporary folder inside ``store``, to fill and then ``commit``."""
        path = self.root / store / f".partial-{uuid.uuid4().hex}"
        path.mkdir(parents=True)
        return path

    def commit(self, staged: Path, store: str, key: str, suffix: str = "") -> None:
        """Rename a filled staging folder (or file) into place; another run may have got there first."""
        final = self.root / store / f"{key}{suffix}"
        try:
            os.replace(staged, final) if staged.is_file() else staged.rename(final)
        except OSError:  # the same entry, stored meanwhile by a concurrent run
            shutil.rmtree(staged, ignore_errors=True)
        self.prune(store)

    def store_pdf(self, key: str, pdf: Path) -> None:
        if self.root is None:
            return
        staged = self.staging("pdf") / "report.pdf"
        shutil.copyfile(pdf, staged)
        self.commit(staged, "pdf", key, ".pdf")
        shutil.rmtree(staged.parent, ignore_errors=True)

    def prune(self, store: str) -> None:
        """Remove the least recently used entries beyond ``KEEP[store]``, and stale staging folders."""
        folder = self.root / store
        entries = sorted((p for p in folder.iterdir() if not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP[store]:]:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
        day_ago = dt.datetime.now().timestamp() - 86400
        for partial in folder.glob(".partial-*"):
            if partial.stat().st_mtime < day_ago:
                shutil.rmtree(partial, ignore_errors=True)


def default_root(out: Path) -> Path:
    """Where the cache lives unless told: ``PMEREPORT_CACHE_DIR``, else beside the run folder."""
    return Path(os.environ[CACHE_DIR_ENV]) if os.environ.get(CACHE_DIR_ENV) else out.parent / DEFAULT_FOLDER
