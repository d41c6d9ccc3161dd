"""Report runs: papermill execution, HTML/PDF/Excel export, the run manifest.

Front door for the CLI: ``run_report(params_path, data_dir=None, out_dir=None, progress=None)``.
Notebooks use ``pmereport.report.publish``.
"""
from __future__ import annotations


def run_report(*args, **kwargs):
    """See ``pmereport.report.run.run_report`` (imported lazily: papermill is slow to import)."""
    from .run import run_report as _run_report

    return _run_report(*args, **kwargs)


__all__ = ["run_report"]
