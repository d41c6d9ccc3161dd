"""Write frames one after another into one Parquet file (a large extract validated in chunks).

The file reads back (``pd.read_parquet``) as the frames' concatenation would after
``DataFrame.to_parquet(index=False)``: the same columns, dtypes and values. The schema is fixed by
the first frame (with its pandas metadata, which restores nullable dtypes on reading); a column
that is entirely empty in the first frame, and so has no type yet, is written as text (it can only
be a text column of the extract, every other column being typed).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


class ParquetChunkWriter:
    """Frames of the same columns appended to ``path``; ``close`` finishes the file, ``discard``
    removes whatever was written."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._writer: pq.ParquetWriter | None = None

    def write(self, frame: pd.DataFrame) -> None:
        if self._writer is None:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            schema = pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema],
                               metadata=table.schema.metadata)
            self._writer = pq.ParquetWriter(self.path, schema)
            table = table.cast(schema)
        else:
            table = pa.Table.from_pandas(frame, schema=self._writer.schema, preserve_index=False)
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)
