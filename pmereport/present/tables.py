"""Report tables: suppress, round and label a frame once; then show it as HTML or write it out.

``prepare_table`` turns an analysis frame into a ``PublishedTable`` (disclosure control applied,
numbers rounded half-up, symbols in place, units in the headers). The same object feeds the
report's HTML, ``tables/<name>.csv`` and the sheets of ``tables.xlsx``, so the three agree.
"""
from __future__ import annotations

import datetime as dt
import html
import math
from dataclasses import asdict, dataclass, field
from typing import Mapping, Sequence

import pandas as pd

from .rounding import format_number, round_half_up
from .suppression import DEFAULT_SUPPRESS_BELOW, LOW, NOT_AVAILABLE, SUPPRESSED, SYMBOLS, is_symbol
from .suppression import suppress as suppress_table


@dataclass(frozen=True)
class Unit:
    """How a numeric column is published: header text, decimal places, scale (share -> %)."""

    key: str
    header: str
    decimals: int
    scale: float = 1.0


UNITS = {
    "count": Unit("count", "number", 0),
    "share": Unit("share", "%", 1, 100.0),  # a fraction 0-1, published as a percentage
    "percent": Unit("percent", "%", 1),  # already 0-100
    "rate_per_100": Unit("rate_per_100", "per 100 pupils", 2),  # DfE exclusion rates: 2 dp
    "hours": Unit("hours", "hours", 1),
    "days": Unit("days", "school days", 1),
    "calendar_days": Unit("calendar_days", "calendar days", 0),
    "rate_per_1000": Unit("rate_per_1000", "per 1,000 pupils", 1),
    "ratio": Unit("ratio", "ratio", 2),  # relative rates, hazard ratios
    "points": Unit("points", "percentage points", 1),  # a change in a percentage
    "p_value": Unit("p_value", "probability", 3),
    "weeks": Unit("weeks", "weeks", 1),
    "number": Unit("number", "number", 1),
    "ratio": Unit("ratio", "ratio", 2),  # e.g. a rate ratio (1.00 = the same rate)
}
TOTAL_LABEL = "Total"


def parse_unit(spec: str) -> Unit:
    """``"count"``, ``"share"``, ... or ``"percent:0"`` to change the decimal places."""
    key, _, decimals = str(spec).partition(":")
    if key not in UNITS:
        raise ValueError(f"unknown unit {spec!r}: use one of {', '.join(UNITS)} (optionally ':<decimals>')")
    unit = UNITS[key]
    return Unit(unit.key, unit.header, int(decimals), unit.scale) if decimals else unit


@dataclass
class PublishedTable:
    """A table as it leaves the team: suppressed, rounded, with its title, units and source."""

    name: str
    title: str
    period: str
    source: str
    columns: list[str]  # tidy column names (CSV header)
    headers: list[str]  # display headers, units included
    units: list[str | None]  # unit key per column (None for labels)
    decimals: list[int | None]
    rows: list[list]  # numbers as int/float, labels as text, symbols as text
    notes: list[str] = field(default_factory=list)
    total_rows: list[int] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=self.columns)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "PublishedTable":
        return cls(**data)

    def value(self, row_label, column: str):
        """The published value in the row whose first column is ``row_label`` (a symbol if hidden)."""
        index = self.columns.index(column) if column in self.columns else self.columns.index(f"{column}_percent")
        for row in self.rows:
            if row[0] == row_label:
                return row[index]
        raise KeyError(f"table {self.name!r} has no row {row_label!r}")

    def is_suppressed(self, row_label, column: str) -> bool:
        """True if that cell is published as ``c`` (for linking tables: see ``prepare_table(hide=)``)."""
        return self.value(row_label, column) == SUPPRESSED

    def symbols_used(self) -> list[str]:
        used = {v for row in self.rows for v in row if is_symbol(v)}
        return [s for s in SYMBOLS if s in used]


def _humanise(column: str) -> str:
    text = column.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _label_value(value):
    if pd.api.types.is_scalar(value) and pd.isna(value):  # None, NaN, NaT, pd.NA
        return ""
    if isinstance(value, (pd.Timestamp, dt.date)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _publish_value(value, unit: Unit):
    """Round half-up (after scaling); 'low' for a non-zero value that rounds to 0; 'x' if missing."""
    if is_symbol(value):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return NOT_AVAILABLE
    number = float(value) * unit.scale
    rounded = round_half_up(number, unit.decimals)
    if rounded == 0 and number != 0:
        return LOW
    return rounded


def _hide_shares_of_hidden_totals(table: pd.DataFrame, label_column: str, derived: Mapping[str, str]) -> pd.DataFrame:
    """A share and its count together give the denominator (count / share): so when the Total
    row's count is suppressed, every share computed from that count column is suppressed too."""
    totals = table[label_column] == TOTAL_LABEL
    for share, count in derived.items():
        if (table.loc[totals, count] == SUPPRESSED).any():
            table[share] = SUPPRESSED
    return table


def prepare_table(frame: pd.DataFrame, name: str, title: str, *, units: Mapping[str, str], period: str,
                  source: str, notes: Sequence[str] | None = None, labels: Mapping[str, str] | None = None,
                  suppress: bool = True, suppress_below: int = DEFAULT_SUPPRESS_BELOW,
                  derived: Mapping[str, str] | None = None, lines: str = "both",
                  hide: Mapping[str, Sequence] | None = None) -> PublishedTable:
    """Apply disclosure control and rounding to ``frame`` and describe it for publication.

    ``units`` maps each numeric column to a unit (see ``UNITS``); other columns are labels.
    With ``suppress`` (the default), the ``count`` columns are suppressed (primary and secondary,
    see ``present.suppression``) and every ``share``/``percent`` column is suppressed where its
    count is: with one count column that is the count in the same row; with several, say which
    with ``derived`` ({share column: count column}). If the Total row's count is suppressed, all
    its shares are (a count and its share reveal the total). Rows whose first label is "Total" are shown
    as totals (they are part of the suppression grid, like any row). ``lines="rows"`` for a time
    series (see ``present.suppression.secondary_mask``). ``hide`` ({count column: [row labels]},
    matched on the first column) suppresses cells another table of the report suppresses, e.g.
    ``hide={"count": ["Total"]}`` when the total is a count hidden elsewhere.
    """
    unknown = [c for c in units if c not in frame.columns]
    if unknown:
        raise KeyError(f"table {name!r}: units given for missing column(s) {unknown}")
    parsed = {c: parse_unit(u) for c, u in units.items()}
    count_columns = [c for c, u in parsed.items() if u.key == "count"]
    share_columns = [c for c, u in parsed.items() if u.key in ("share", "percent")]
    if derived is None:
        if len(count_columns) > 1 and share_columns:
            raise ValueError(f"table {name!r}: several count columns; say which count each share "
                             "comes from with derived={share: count}")
        derived = {s: count_columns[0] for s in share_columns} if count_columns else {}
    table = frame.reset_index(drop=True)
    if suppress:
        keys = list(table.iloc[:, 0])
        unknown_rows = [label for labels_ in (hide or {}).values() for label in labels_ if label not in keys]
        if unknown_rows:
            raise KeyError(f"table {name!r}: hide names row(s) {unknown_rows} not in its first column")
        positions = {c: [keys.index(label) for label in labels_] for c, labels_ in (hide or {}).items()}
        table = suppress_table(table, count_columns, derived=derived, suppress_below=suppress_below,
                               lines=lines, hide=positions)
    label_columns = [c for c in table.columns if c not in parsed]
    first_label = label_columns[0] if label_columns else None
    if suppress and first_label:
        table = _hide_shares_of_hidden_totals(table, first_label, derived)
    rows = []
    for record in table.itertuples(index=False, name=None):
        rows.append([_publish_value(v, parsed[c]) if c in parsed else _label_value(v)
                     for c, v in zip(table.columns, record)])
    total_rows = ([i for i, row in enumerate(rows) if row[list(table.columns).index(first_label)] == TOTAL_LABEL]
                  if first_label else [])
    labels = labels or {}
    columns, headers = [], []
    for c in table.columns:
        unit = parsed.get(c)
        tidy = f"{c}_percent" if unit and unit.key == "share" and not c.endswith("percent") else c
        columns.append(tidy)
        text = labels.get(c, _humanise(c))
        headers.append(f"{text} ({unit.header})" if unit else text)
    all_notes = list(notes or [])
    if suppress and count_columns:
        all_notes.append(f"Counts of 1 to {suppress_below - 1} are shown as c, with other counts "
                         "where needed so that they cannot be worked out from totals (in this table or "
                         "another); percentages of a suppressed count or total are suppressed too. "
                         "0 means none.")
    return PublishedTable(name=name, title=title, period=period, source=source, columns=columns,
                          headers=headers, units=[parsed[c].key if c in parsed else None for c in table.columns],
                          decimals=[parsed[c].decimals if c in parsed else None for c in table.columns],
                          rows=rows, notes=all_notes, total_rows=total_rows)


def with_total_row(frame: pd.DataFrame, label_column: str, sum_columns: Sequence[str],
                   label: str = TOTAL_LABEL) -> pd.DataFrame:
    """``frame`` with a last row labelled ``label`` holding the sums of ``sum_columns``
    (counts, and shares of the same total, which sum to 1); other columns are left blank."""
    total = {c: frame[c].sum() for c in sum_columns}
    total[label_column] = label
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def display_value(value, decimals: int | None) -> str:
    """A cell as the reader sees it: thousands separators, fixed decimals, symbols as they are."""
    if decimals is None or isinstance(value, str):
        return str(value)
    return format_number(value, decimals)


LONG_TABLE_ROWS = 30  # a table longer than this may break across pages (its header repeats)


def to_html(table: PublishedTable) -> str:
    """Clean, deterministic HTML: a captioned table, then units, source and notes. A table of more
    than ``LONG_TABLE_ROWS`` rows is marked ``long`` (print CSS lets it break across pages rather
    than leaving a page blank before it)."""
    esc = html.escape
    head = "".join(f'<th scope="col" class="{"num" if u else "label"}">{esc(h)}</th>'
                   for h, u in zip(table.headers, table.units))
    body = []
    for i, row in enumerate(table.rows):
        cells = []
        for value, unit, decimals in zip(row, table.units, table.decimals):
            text = esc(display_value(value, decimals))
            if unit is None:
                cells.append(f'<td class="label">{text}</td>')
            elif is_symbol(value):
                cells.append(f'<td class="num symbol" title="{esc(SYMBOLS[value])}">{text}</td>')
            else:
                cells.append(f'<td class="num">{text}</td>')
        css = ' class="total"' if i in table.total_rows else ""
        body.append(f"<tr{css}>{''.join(cells)}</tr>")
    notes = "".join(f"<li>{esc(n)}</li>" for n in table.notes)
    symbols = [s for s in table.symbols_used() if s != SUPPRESSED]
    notes += "".join(f"<li>{esc(s)}: {esc(SYMBOLS[s])}.</li>" for s in symbols)
    kind = "pme-table long" if len(table.rows) > LONG_TABLE_ROWS else "pme-table"
    return (f'<div class="{kind}" id="table-{esc(table.name)}">'
            f'<table><caption><span class="title">{esc(table.title)}</span>'
            f'<span class="period">{esc(table.period)}</span></caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f'<p class="source">Source: {esc(table.source)}</p>'
            + (f'<ul class="notes">{notes}</ul>' if notes else "") + "</div>")


__all__ = ["Unit", "UNITS", "PublishedTable", "parse_unit", "prepare_table", "with_total_row", "display_value",
           "to_html"]
