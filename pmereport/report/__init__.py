"""Report runs: papermill execution, HTML/PDF/Excel export, the run manifest.

Front door for the CLI::

    from pmereport.report import run_report
    run_dir = run_report(params_path, data_dir=None, out_dir=None, progress=print, produced=None)

Writing a report notebook (see notebooks/board.ipynb):

* The first code cell is tagged ``parameters`` and declares at least ``data_dir``,
  ``period_end`` (ISO text) and ``run_dir = None``; it may declare ``la`` (the LA settings dict)
  and ``suppress_below``, which ``run_report`` fills from the LA settings, and any parameter the
  YAML gives under the notebook. A name the YAML gives and the notebook lacks fails the run.
* Then ``publish.start(run_dir, suppress_below=suppress_below)``, and for every item of the board
  paper ``publish_table`` / ``publish_figure`` / ``publish_text`` (``pmereport.report.publish``).
  Only those outputs and the markdown cells reach report.html/pdf: code, prints, warnings and
  any other output (e.g. a frame of pupil rows) never do.
* Markdown headings (#, ##) make the contents list. State definitions and count rules in prose.
"""
from __future__ import annotations


def run_report(*args, **kwargs):
    """See ``pmereport.report.run.run_report`` (imported lazily: papermill is slow to import)."""
    from .run import run_report as _run_report

    return _run_report(*args, **kwargs)


__all__ = ["run_report"]
