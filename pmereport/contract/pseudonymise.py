"""Turn a raw extract folder into a pseudonymised one that meets the data contract (issue 8).

What each kind of direct identifier becomes (docs/pseudonymisation.md; ICO anonymisation guidance
and data contract v1: "no names, UPNs, addresses or dates of birth"):

- **UPN** (a column named ``upn``/``unique_pupil_number``, or a ``pupil_id`` column holding UPNs)
  -> ``pupil_id`` = the first 16 hex digits of HMAC-SHA256(key, UPN upper-cased and trimmed). The
  same UPN and key give the same ``pupil_id`` in every extract and month, so episodes still link;
  without the key the UPN cannot be recovered or checked by trying candidate UPNs.
- **date of birth** -> ``birth_month`` (``YYYY-MM``).
- **full postcode** -> ``postcode_district`` (the outward code: ``LE1 6AB`` -> ``LE1``).
- **names, addresses, phone numbers, emails, other national identifiers** -> dropped.

The key is read from a file the user keeps; it is never written to the output folder. The
summary ``pseudonymisation.json`` holds a key *check value* (HMAC of a fixed text) so a later month
can be checked to have used the same key. Columns are recognised with the identifier guard
(``contract/identifiers.py``), and the output is checked with it again before anything is written.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..io.readers import ReadError, find_extract_files, read_table
from .extracts import EXTRACTS
from .identifiers import _normalised, find_identifier_columns, kind_by_name

MIN_KEY_BYTES = 16
PSEUDONYM_HEX_DIGITS = 16  # 64 bits: a clash among a county's ~10^6 pupils has odds of about 3 in 10^8
KEY_CHECK_TEXT = b"pmereport key check"
SUMMARY_FILE = "pseudonymisation.json"
UPN_COLUMN = re.compile(r"^(upn|unique_pupil_number)$")
UPN_KIND = "a UPN or another national identifier"
POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2})$")


class PseudonymiseError(ValueError):
    """The folder or key cannot be pseudonymised; the message names the file, row and column."""


@dataclass
class FileSummary:
    source: str
    output: str
    rows: int
    hashed: list[str] = field(default_factory=list)
    to_birth_month: list[str] = field(default_factory=list)
    to_postcode_district: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def load_key(path: str | Path) -> bytes:
    """The secret key from ``path`` (its bytes, without a trailing newline); at least 16 bytes."""
    path = Path(path)
    if not path.is_file():
        raise PseudonymiseError(f"key file not found: {path}")
    key = path.read_bytes().rstrip(b"\r\n")
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymiseError(f"{path}: the key is {len(key)} bytes; use at least {MIN_KEY_BYTES} random bytes "
                                "(e.g. python -c \"import secrets; print(secrets.token_hex(32))\" > key.txt)")
    return key


def pseudonym(key: bytes, upn: str) -> str:
    """``pupil_id`` for a UPN: HMAC-SHA256 of the trimmed, upper-cased UPN, first 16 hex digits."""
    digest = hmac.new(key, upn.strip().upper().encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX_DIGITS]


def key_check(key: bytes) -> str:
    """A value that identifies the key without revealing it (compare months' summaries)."""
    return hmac.new(key, KEY_CHECK_TEXT, hashlib.sha256).hexdigest()[:12]


def birth_month(value: str) -> str | None:
    """``YYYY-MM`` from a date of birth written ``YYYY-MM-DD`` (Excel cells may add a time) or
    ``DD/MM/YYYY``; None when it is neither."""
    value = value.strip()
    for text, fmt in ((value[:10], "%Y-%m-%d"), (value, "%d/%m/%Y")):
        try:
            return dt.datetime.strptime(text, fmt).strftime("%Y-%m")
        except ValueError:
            continue
    return None


def postcode_district(value: str) -> str | None:
    """The outward code of a full UK postcode (``le1 6ab`` -> ``LE1``); None when it is not one."""
    compact = re.sub(r"\s+", "", value).upper()
    return compact[:-3] if POSTCODE.match(compact) else None


def _convert(frame: pd.DataFrame, column: str, convert, label: str, what: str) -> pd.Series:
    """``convert`` every non-blank value; a value it cannot read is an error naming file, row, column."""
    values = frame[column].fillna("").astype(str)
    out = values.map(lambda v: convert(v) if v.strip() else "")
    bad = out.isna()
    if bad.any():
        first = bad.idxmax()
        raise PseudonymiseError(f"{label}, row {frame.loc[first, '_source_row']}, column '{column}': "
                                f"{values[first]!r} is not {what} ({int(bad.sum())} such value(s) in the column)")
    return out


def pseudonymise_frame(frame: pd.DataFrame, name: str, key: bytes, label: str,
                       today: dt.date | None = None) -> tuple[pd.DataFrame, FileSummary]:
    """One extract's raw frame (from ``read_table``) -> its pseudonymised frame and what was done."""
    extract = EXTRACTS[name]
    summary = FileSummary(source=label, output="", rows=len(frame))
    frame = frame.copy()
    contract = set(extract.columns)
    for column in list(frame.columns):
        kind = None if column in contract or column.startswith("_source_") else kind_by_name(column)
        if kind is None:
            continue
        if kind == UPN_KIND and UPN_COLUMN.match(_normalised(column)) and "pupil_id" not in frame.columns:
            frame["pupil_id"] = _convert(frame, column, lambda v: pseudonym(key, v), label, "a UPN")
            summary.hashed.append(f"{column} -> pupil_id")
        elif kind == "a date of birth" and "birth_month" not in frame.columns:
            frame["birth_month"] = _convert(frame, column, birth_month, label, "a date (YYYY-MM-DD or DD/MM/YYYY)")
            summary.to_birth_month.append(f"{column} -> birth_month")
        elif kind == "a full postcode" and "postcode_district" not in frame.columns:
            frame["postcode_district"] = _convert(frame, column, postcode_district, label, "a full UK postcode")
            summary.to_postcode_district.append(f"{column} -> postcode_district")
        else:
            summary.dropped.append(f"{column} ({kind})")
        frame = frame.drop(columns=column)
    for found in find_identifier_columns(frame, extract, today):  # recognised by their values
        if found.column == "pupil_id" and found.kind == UPN_KIND:
            frame["pupil_id"] = _convert(frame, "pupil_id", lambda v: pseudonym(key, v), label, "a UPN")
            summary.hashed.append("pupil_id (held UPNs) -> pupil_id")
        elif found.in_contract:
            raise PseudonymiseError(f"{found.message(label)}. pmereport cannot pseudonymise this column: fix it at source")
        else:
            frame = frame.drop(columns=found.column)
            summary.dropped.append(f"{found.column} ({found.kind}; by {found.evidence})")
    left = find_identifier_columns(frame, extract, today)
    if left:  # cannot happen unless the rules above miss a case: never write identifiers
        raise PseudonymiseError("; ".join(f.message(label) for f in left))
    return frame, summary


def pseudonymise_folder(raw_dir: str | Path, out_dir: str | Path, key: bytes,
                        today: dt.date | None = None) -> list[FileSummary]:
    """Pseudonymise every extract file of ``raw_dir`` into ``out_dir`` (CSV, UTF-8, same names;
    a folder of monthly returns stays a folder) and write ``pseudonymisation.json``.

    Files that are not extracts are not copied (listed in the summary). Nothing is written when
    any file fails: the error names the file, row and column.
    """
    raw_dir, out_dir = Path(raw_dir).resolve(), Path(out_dir).resolve()
    if not raw_dir.is_dir():
        raise PseudonymiseError(f"raw data folder not found: {raw_dir}")
    if out_dir == raw_dir:
        raise PseudonymiseError(f"{out_dir}: write the pseudonymised extracts to another folder than the raw ones")
    results: list[tuple[Path, pd.DataFrame, FileSummary]] = []
    used: set[Path] = set()
    for name, extract in EXTRACTS.items():
        try:
            paths = find_extract_files(raw_dir, name, folder_allowed=extract.folder)
        except ReadError as exc:
            raise PseudonymiseError(str(exc)) from None
        for path in paths:
            try:
                raw = read_table(path, expected_columns=extract.columns)
            except ReadError as exc:
                raise PseudonymiseError(str(exc)) from None
            frame, summary = pseudonymise_frame(raw, name, key, str(path), today)
            target = out_dir / path.relative_to(raw_dir).with_suffix(".csv")
            summary.output = str(target.relative_to(out_dir))
            results.append((target, frame, summary))
            used.add(path if path.parent == raw_dir else path.parent)
    if not results:
        raise PseudonymiseError(f"{raw_dir}: no extract files found (cases.csv, pme_returns.csv, ...)")
    for target, frame, _ in results:
        target.parent.mkdir(parents=True, exist_ok=True)
        frame.drop(columns=[c for c in frame.columns if c.startswith("_source_")]).to_csv(
            target, index=False, encoding="utf-8")
    summaries = [s for _, _, s in results]
    not_copied = sorted(p.name for p in raw_dir.iterdir() if p not in used and not p.name.startswith("."))
    (out_dir / SUMMARY_FILE).write_text(json.dumps({
        "method": f"pupil_id = HMAC-SHA256(key, UPN)[:{PSEUDONYM_HEX_DIGITS} hex]; dates of birth to month; "
                  "postcodes to outward code; names, addresses, phones, emails dropped",
        "key_check": key_check(key), "files": [s.__dict__ for s in summaries], "not_copied": not_copied,
    }, indent=2), encoding="utf-8")
    return summaries
