"""What report notebooks call to put a table, figure or sentence into the report.

A notebook's ``parameters`` cell has ``run_dir = None``; papermill injects the run folder. Then::

    publish.start(run_dir, suppress_below=la["suppress_below"])
    publish_table(frame, "caseload", "Open cases", units={"cases": "count"}, period=..., source=...)

Each call displays the item in the notebook (what the report shows: only outputs made here go into
report.html/pdf) and, when there is a run folder, writes it there: ``tables/<name>.csv`` (tidy,
suppressed), ``figures/<name>.svg``, and a registry entry that ``run_report`` turns into
``tables.xlsx``. Without a run folder (JupyterLab, interactive) it only displays.

Audience (the report YAML's ``audience: board|internal``, injected as the notebook parameter
``audience``): a board report may only publish aggregates. ``publish_table`` refuses a frame
marked ``attrs["classification"] == "internal"`` (e.g. ``metrics.triggers.exceptions``) or holding
a ``pupil_id`` column unless ``start(..., audience="internal")`` (DOMAIN.md: board outputs never
show pupil-level rows).
"""
from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Mapping, Sequence

import pandas as pd

from ..present.alt_text import describe_figure, svg_with_title
from ..present.style import svg_bytes, svg_data_uri
from ..present.suppression import DEFAULT_SUPPRESS_BELOW
from ..present.tables import PublishedTable, prepare_table, to_html

REGISTRY = Path(".publish") / "registry.jsonl"  # inside the run folder; removed by run_report
# run_report gives each notebook its own registry file (notebooks run in parallel; one file each keeps
# the report's order fixed and tells which files a notebook published, for the notebook cache).
REGISTRY_ENV = "PMEREPORT_PUBLISH_REGISTRY"
REPORT_KEY = "pmereport"  # output metadata key: only outputs carrying it go into the report
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,40}")

AUDIENCES = ("board", "internal")
PUPIL_LEVEL_COLUMNS = ("pupil_id",)

_state: dict = {"run_dir": None, "suppress_below": DEFAULT_SUPPRESS_BELOW, "audience": "board"}


class PupilLevelError(ValueError):
    """A pupil-level frame was about to be published in a report that is not internal."""


def start(run_dir: str | Path | None = None, *, suppress_below: int = DEFAULT_SUPPRESS_BELOW,
          audience: str = "board") -> None:
    """Set where this notebook publishes (None: display only), the suppression threshold and the
    audience (``board``, the default: aggregates only; ``internal``: pupil-level rows allowed)."""
    if audience not in AUDIENCES:
        raise ValueError(f"publish: audience {audience!r} must be one of {', '.join(AUDIENCES)}")
    _state["run_dir"] = Path(run_dir) if run_dir else None
    _state["suppress_below"] = int(suppress_below)
    _state["audience"] = audience


def is_pupil_level(df: pd.DataFrame) -> bool:
    """True if ``df`` is marked internal or has a pseudonymous pupil id column."""
    return df.attrs.get("classification") == "internal" or any(c in df.columns for c in PUPIL_LEVEL_COLUMNS)


def check_audience(df: pd.DataFrame, name: str) -> None:
    """Refuse pupil-level rows unless this report's audience is internal."""
    if _state["audience"] != "internal" and is_pupil_level(df):
        why = ("is marked classification 'internal'" if df.attrs.get("classification") == "internal"
               else "has a pupil_id column")
        raise PupilLevelError(
            f"publish: table {name!r} {why}: pupil-level rows cannot go into a {_state['audience']} report. "
            "Publish an aggregate (e.g. trigger_counts) or set audience: internal in the report's YAML "
            "(internal reports only, e.g. parameters/exceptions.yaml).")


def _display(mimetype: str, content: str, kind: str, name: str | None = None) -> None:
    from IPython.display import display

    display({mimetype: content}, raw=True, metadata={REPORT_KEY: {"kind": kind, "name": name}})


def _check_name(name: str, folder: str, suffix: str) -> Path | None:
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(f"publish: name {name!r} must be lower-case letters, digits, '_' or '-' "
                         "(it becomes a file name and a sheet name)")
    run_dir = _state["run_dir"]
    if run_dir is None:
        return None
    path = run_dir / folder / f"{name}{suffix}"
    if path.exists():
        raise ValueError(f"publish: {path.name} was already published in this run; names must be unique")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def registry_path(run_dir: str | Path) -> Path:
    """This notebook's registry file: the one run_report names in the environment, else the default."""
    return Path(os.environ[REGISTRY_ENV]) if os.environ.get(REGISTRY_ENV) else Path(run_dir) / REGISTRY


def _register(entry: dict) -> None:
    path = registry_path(_state["run_dir"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, sort_keys=True) + "\n")


def publish_table(df: pd.DataFrame, name: str, title: str, *, units: Mapping[str, str], period: str,
                  source: str, notes: Sequence[str] | None = None, suppress: bool = True,
                  labels: Mapping[str, str] | None = None,
                  derived: Mapping[str, str] | None = None, lines: str = "both",
                  hide: Mapping[str, Sequence] | None = None) -> PublishedTable:
    """Show ``df`` as a report table and (in a run) write ``tables/<name>.csv`` and register it.

    ``units`` maps numeric columns to units (``present.tables.UNITS``: count, share, percent,
    rate_per_100, hours, days...). ``suppress`` applies disclosure control (see
    ``present.suppression``); turn it off only for already-published figures (e.g. England).
    ``labels`` gives display headers; ``derived`` which count each share comes from; ``lines="rows"``
    for a time series whose column sums are meaningless; ``hide`` ({count column: [row labels]})
    to suppress a count that another table of the report suppresses (linked tables).
    """
    check_audience(df, name)
    path = _check_name(name, "tables", ".csv")
    table = prepare_table(df, name, title, units=units, period=period, source=source, notes=notes,
                          labels=labels, suppress=suppress, suppress_below=_state["suppress_below"],
                          derived=derived, lines=lines, hide=hide)
    _display("text/html", to_html(table), "table", name)
    if path is not None:
        table.to_frame().to_csv(path, index=False, lineterminator="\n")
        _register({"kind": "table", "table": table.to_dict(), "pupil_level": is_pupil_level(df)})
    return table


def publish_figure(fig, name: str, title: str, *, period: str, source: str,
                   notes: Sequence[str] | None = None, alt: str | None = None) -> None:
    """Show ``fig`` (matplotlib) with its title, period and source, write ``figures/<name>.svg``.

    ``alt`` is the text alternative (the ``<img alt>`` of the report and the SVG's ``<title>`` /
    ``<desc>``); by default ``present.alt_text.describe_figure`` writes it from the chart's axes.
    The figure is closed afterwards so the notebook does not also show it a second time.
    """
    import matplotlib.pyplot as plt

    path = _check_name(name, "figures", ".svg")
    alt = alt or describe_figure(fig, title, period, source)
    svg = svg_with_title(svg_bytes(fig), title, alt)
    plt.close(fig)
    esc = html.escape
    note_items = "".join(f"<li>{esc(n)}</li>" for n in (notes or []) if n)
    block = (f'<figure class="pme-figure" id="figure-{esc(name)}">'
             f'<figcaption><span class="title">{esc(title)}</span><span class="period">{esc(period)}</span>'
             f'</figcaption><img src="{svg_data_uri(svg)}" alt="{esc(alt)}"/>'
             f'<p class="source">Source: {esc(source)}</p>'
             + (f'<ul class="notes">{note_items}</ul>' if note_items else "") + "</figure>")
    _display("text/html", block, "figure", name)
    if path is not None:
        path.write_bytes(svg)
        _register({"kind": "figure", "name": name, "title": title, "period": period, "source": source,
                   "file": f"figures/{name}.svg"})


def publish_text(markdown: str) -> None:
    """A paragraph of the report written by code (e.g. with a computed, suppressed figure)."""
    _display("text/markdown", markdown, "text")


def read_registry(run_dir: str | Path, files: Sequence[str | Path] | None = None) -> list[dict]:
    """Every item published into ``run_dir``, in order (tables as ``PublishedTable``): from the
    registry ``files`` in the order given (one per notebook), or the default registry file."""
    items = []
    for path in files if files is not None else [Path(run_dir) / REGISTRY]:
        path = Path(path)
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry["kind"] == "table":
                entry["table"] = PublishedTable.from_dict(entry["table"])
            items.append(entry)
    return items


def published_files(registry_file: str | Path) -> list[str]:
    """The files (relative to the run folder) a notebook's registry says it wrote:
    tables/<name>.csv and figures/<name>.svg."""
    path = Path(registry_file)
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    return [f"tables/{e['table']['name']}.csv" if e["kind"] == "table" else e["file"] for e in entries]


__all__ = ["start", "check_audience", "is_pupil_level", "PupilLevelError", "publish_table", "publish_figure", "publish_text", "read_registry", "published_files",
           "registry_path", "REGISTRY_ENV", "REPORT_KEY"]
