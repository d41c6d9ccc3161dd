"""Generate the data dictionary (docs/data-dictionary.md) from the contract, so it cannot drift.

``python -m pmereport.contract.dictionary > docs/data-dictionary.md`` rewrites it; a test checks the
committed file equals what this module produces.
"""
from __future__ import annotations

from .extracts import EXTRACTS
from .spec import Extract, Field

HEADER = """# Data dictionary: pmereport data contract v1

Generated from `pmereport/contract/extracts.py` by `python -m pmereport.contract.dictionary`; do not
edit by hand. A data folder holds one file per extract (`NAME.csv` or `NAME.xlsx`; the monthly PME
return may instead be a folder `pme_returns/` of monthly files). CSV may be UTF-8 (with or without
a byte-order mark) or Windows-1252. Dates are `YYYY-MM-DD` (or `DD/MM/YYYY`, or Excel date cells);
months are `YYYY-MM`. Column names are matched ignoring case and surrounding spaces. All data is
pseudonymous: no names, addresses, dates of birth or UPNs.

Every row read is either kept or rejected with its reasons (file, row, column, rule):
rows read = rows kept + rows rejected. `pmereport validate DATA_DIR` prints the report.

Rule codes for single fields: `FIELD_TYPE` (value does not parse as the type), `FIELD_REQUIRED`
(blank where a value is required), `FIELD_CODE` (not an allowed code), `FIELD_MIN` / `FIELD_MAX`
(out of range), `FIELD_PATTERN` (wrong format), `FIELD_UNIQUE` (repeated where it must be unique;
the first occurrence is kept). File-level: `FILE_READ`, `FILE_COLUMNS` (a required column is missing).
"""


def _allowed(f: Field) -> str:
    parts = []
    if f.codes:
        parts.append("; ".join(f"`{k}` {v}" for k, v in f.codes.items()))
    if f.minimum is not None or f.maximum is not None:
        lo = "" if f.minimum is None else f"{f.minimum:g}"
        hi = "" if f.maximum is None else f"{f.maximum:g}"
        parts.append(f"{lo} to {hi}" if lo and hi else (f">= {lo}" if lo else f"<= {hi}"))
    if f.pattern:
        parts.append(f"pattern `{f.pattern}`")
    if f.unique:
        parts.append("unique")
    return "; ".join(parts)


def _extract_section(e: Extract) -> str:
    where = f"`{e.name}.csv` / `{e.name}.xlsx`" + (f", or a folder `{e.name}/` of files" if e.folder else "")
    lines = [f"## {e.title} (`{e.name}`)", "", e.description, "",
             f"File: {where}. " + ("Optional extract." if e.optional else "Required extract."), "",
             "| column | type | required | blank allowed | description | allowed values |",
             "|---|---|---|---|---|---|"]
    for f in e.fields:
        lines.append(f"| `{f.name}` | {f.type} | {'yes' if f.required else 'no'} | "
                     f"{'yes' if f.nullable else 'no'} | {f.description} | {_allowed(f)} |")
    if e.rules:
        lines += ["", "Cross-field rules:", "", "| rule | columns | rule text | source |", "|---|---|---|---|"]
        for r in e.rules:
            lines.append(f"| `{r.code}` | {', '.join(f'`{c}`' for c in r.columns)} | {r.message} | {r.source} |")
    return "\n".join(lines)


def data_dictionary() -> str:
    """The whole data dictionary as Markdown."""
    return HEADER + "\n" + "\n\n".join(_extract_section(e) for e in EXTRACTS.values()) + "\n"


if __name__ == "__main__":
    print(data_dictionary(), end="")
