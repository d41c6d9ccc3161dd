"""Byte-reproducible .xlsx files.

openpyxl stamps the current time into ``docProps/core.xml`` and into every zip entry, so two
identical workbooks differ byte for byte. ``reproducible_xlsx`` re-packs a saved workbook with
fixed entry dates and the core properties' created/modified times set to ``stamp``.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def reproducible_xlsx(data: bytes, stamp: dt.datetime, entry_date: tuple = ZIP_EPOCH) -> bytes:
    """The same workbook with fixed zip entry dates and core properties dated ``stamp``."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _CORE_TIMES.sub(lambda m: m.group(1) + iso + m.group(3), content)
            entry = zipfile.ZipInfo(item.filename, date_time=entry_date)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()
