"""The keys of rows already validated, kept compactly: a one-row-per-key rule across chunks.

A large file is validated chunk by chunk (contract/chunked.py). Within a chunk pandera finds a
row repeating an earlier row's key; across chunks this remembers the keys of earlier chunks: a
64-bit hash per row (``pd.util.hash_pandas_object``), sorted for look-up, and the key values
themselves in Arrow columns (about 40 bytes a row for attendance's four key columns) so that a
hash match is confirmed value by value: two different keys with the same hash are never taken
for a repeat. Blanks equal blanks, as in ``DataFrame.duplicated``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _hash_rows(keys: pd.DataFrame) -> np.ndarray:
    """One uint64 per row of ``keys``, equal for rows with equal values (blanks included)."""
    return pd.util.hash_pandas_object(keys, index=False).to_numpy(dtype=np.uint64)


def _arrow(keys: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(keys, preserve_index=False).replace_schema_metadata(None)


def _same_rows(a: pa.Table, b: pa.Table) -> np.ndarray:
    """Row by row, whether ``a`` and ``b`` hold the same values (a blank equals a blank)."""
    same = pa.array(np.ones(a.num_rows, dtype=bool))
    for x, y in zip(a.columns, b.columns):
        equal = pc.fill_null(pc.equal(x, y), False)
        same = pc.and_(same, pc.or_(equal, pc.and_(pc.is_null(x), pc.is_null(y))))
    return np.asarray(same, dtype=bool) if a.num_rows else np.zeros(0, dtype=bool)


class SeenKeys:
    """Keys added chunk by chunk (``add``); ``contains`` says which rows of a new chunk repeat one."""

    def __init__(self) -> None:
        self._hashes = np.empty(0, dtype=np.uint64)  # every key's hash, sorted
        self._rows = np.empty(0, dtype=np.int64)  # for each sorted hash, its key's row among the values
        self._values: list[pa.Table] = []  # the keys, chunk after chunk
        self._count = 0

    def contains(self, keys: pd.DataFrame) -> pd.Series:
        """True for each row of ``keys`` whose values were added before."""
        found = np.zeros(len(keys), dtype=bool)
        if self._count and len(keys):
            hashes = _hash_rows(keys)
            order = np.argsort(hashes)  # sorted needles: searchsorted is then several times faster
            first = np.empty(len(keys), dtype=np.int64)
            first[order] = np.searchsorted(self._hashes, hashes[order], side="left")
            matches = np.empty(len(keys), dtype=np.int64)
            matches[order] = np.searchsorted(self._hashes, hashes[order], side="right")
            matches -= first
            rows = np.repeat(np.arange(len(keys)), matches)  # every (row, earlier key of the same hash) pair
            if len(rows):
                step = np.arange(len(rows)) - np.repeat(np.cumsum(matches) - matches, matches)
                earlier = self._rows[np.repeat(first, matches) + step]
                stored = pa.concat_tables(self._values).take(pa.array(earlier))
                same = _same_rows(_arrow(keys.iloc[rows]), stored)
                found[rows[same]] = True
        return pd.Series(found, index=keys.index)

    def add(self, keys: pd.DataFrame) -> None:
        hashes = _hash_rows(keys)
        order = np.argsort(hashes, kind="stable")
        at = np.searchsorted(self._hashes, hashes[order], side="right")
        self._hashes = np.insert(self._hashes, at, hashes[order])
        self._rows = np.insert(self._rows, at, self._count + order)
        self._values.append(_arrow(keys))
        self._count += len(keys)
