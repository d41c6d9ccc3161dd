"""report.pdf from report.html with WeasyPrint (A4, page numbers from the print CSS).

DESIGN.md section 3: nbconvert's LaTeX and webpdf routes either need TeX or print US Letter;
WeasyPrint renders our HTML to A4 and gives byte-identical PDFs for identical HTML. It needs the
Pango library, which pip cannot install: ``doctor()`` and ``PdfEngineUnavailable`` say how to fix it.

Speed (issue 7; figures in bench/RESULTS-pack-notes.md, "PDF rendering"): WeasyPrint's own
user-agent stylesheet gives every element six pseudo-elements (``::marker`` and five for CSS
footnotes and notes), whose styles it computes one by one: 18,000 of the 19,600 style computations
of the county pack. The report has no footnotes or notes and its only list markers are on ``li``,
so the PDF is made with that stylesheet narrowed to those (``lean_ua_stylesheet``): the PDF bytes
are the same, the styles take half the time.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

FIX_PANGO = ("install Pango and a font: on Debian/Ubuntu `sudo apt-get install libpango-1.0-0 "
             "libpangoft2-1.0-0 fonts-liberation`; with Anaconda (e.g. on Windows) "
             "`conda install -c conda-forge weasyprint` (environment.yml does this)")


PDF_VARIANT = "pdf/ua-1"  # tagged, accessible PDF (WeasyPrint >= 59)


class PdfEngineUnavailable(RuntimeError):
    """WeasyPrint cannot be loaded (usually: Pango is missing). The HTML report is still written."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: a shared library (Pango) could not be loaded
        raise PdfEngineUnavailable(f"cannot make report.pdf: WeasyPrint does not load ({exc}). "
                                   f"report.html was written. To fix: {FIX_PANGO}.") from exc
    return weasyprint


@contextlib.contextmanager
def _source_date_epoch(stamp: dt.datetime):
    """Set SOURCE_DATE_EPOCH while the PDF is written, then restore it.

    Measured: without it two identical runs gave different PDFs. When HarfBuzz's subsetter is
    missing (as on Debian 12), WeasyPrint subsets fonts with fontTools, which writes "now" into
    each embedded font's ``head.modified``; fontTools uses SOURCE_DATE_EPOCH instead when set
    (reproducible-builds.org convention).
    """
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(stamp.replace(tzinfo=dt.timezone.utc).timestamp()))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


# Rules of WeasyPrint's html5_ua.css that only matter for CSS footnotes and notes (``float: footnote``),
# which the report does not use, and the ``::marker`` rule, which only ``li`` needs here.
UA_NOTE_RULES = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n", re.M)
UA_MARKER_RULE = "\n::marker {"


def lean_ua_stylesheet(ua_text: str) -> str | None:
    """WeasyPrint's user-agent stylesheet without the footnote and note pseudo-element rules and with
    ``::marker`` narrowed to ``li::marker``; None if the text does not have the rules this expects
    (another WeasyPrint version): then the stock stylesheet is used, slower but the same."""
    lean, notes_removed = UA_NOTE_RULES.subn("", ua_text)
    if notes_removed != 5 or lean.count(UA_MARKER_RULE) != 1:
        return None
    return lean.replace(UA_MARKER_RULE, "\nli::marker {")


@functools.lru_cache(maxsize=1)
def _html_class(weasyprint):
    """``weasyprint.HTML``, or a subclass using the lean user-agent stylesheet when it can be made
    (made once per process: parsing the stylesheet takes about 0.04 s)."""
    try:
        from weasyprint.css.counters import CounterStyle
        from weasyprint.html import UA
    except ImportError:  # a WeasyPrint whose internals moved: the stock stylesheet still works
        return weasyprint.HTML
    lean = lean_ua_stylesheet(UA) if hasattr(weasyprint.HTML, "_ua_stylesheets") else None
    if lean is None:
        return weasyprint.HTML
    # counter_style: a throwaway; WeasyPrint takes the counter styles from its own parsed sheet
    sheet = weasyprint.CSS(string=lean, counter_style=CounterStyle())

    class LeanHTML(weasyprint.HTML):
        def _ua_stylesheets(self, forms=False):
            return [sheet] if not forms else super()._ua_stylesheets(forms)

    return LeanHTML


_preloading: list[threading.Thread] = []


def _warm_up() -> None:
    try:
        weasyprint = _weasyprint()
        _html_class(weasyprint)
        weasyprint.HTML(string="<p>.</p>").render()  # loads fontconfig's font list and Pango
    except Exception:  # noqa: BLE001 - write_pdf meets the same error in the caller's thread and reports it
        pass


def preload() -> None:
    """Import WeasyPrint and set it up (about 0.5 CPU-s, 1 s or more of wall time on a busy machine)
    in a background thread, e.g. while the notebooks run, so that ``write_pdf`` does not wait for it
    later. ``write_pdf`` waits for the preload to finish before it starts."""
    if not _preloading:
        thread = threading.Thread(target=_warm_up, name="pmereport-pdf-preload", daemon=True)
        _preloading.append(thread)
        thread.start()


def write_pdf(html_text: str, pdf_path: str | Path, stamp: dt.datetime | None = None) -> Path:
    """Render the report HTML (self-contained) to an A4 PDF at ``pdf_path``.

    ``stamp`` (default 2000-01-01) is the time written into embedded fonts, so identical HTML
    gives identical PDF bytes. The PDF is tagged (PDF/UA-1: headings, tables and image alt text
    are marked up for screen readers), as public-sector documents must be accessible.
    """
    for thread in _preloading:  # never two threads in Pango at once
        thread.join()
    html_class = _html_class(_weasyprint())
    pdf_path = Path(pdf_path)
    with _source_date_epoch(stamp or dt.datetime(2000, 1, 1)):
        html_class(string=html_text, base_url=str(pdf_path.parent)).write_pdf(
            str(pdf_path), pdf_variant=PDF_VARIANT)
    return pdf_path


def _check_kernel() -> tuple[bool, str]:
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        specs = KernelSpecManager().find_kernel_specs()
    except Exception as exc:  # jupyter_client missing or broken
        return False, f"jupyter_client does not work ({exc}); reinstall pmereport's environment"
    if "python3" not in specs:
        return False, (f"no Jupyter kernel named python3 (found: {', '.join(specs) or 'none'}); run "
                       f"`{sys.executable} -m ipykernel install --user --name python3`")
    return True, f"python3 kernel at {specs['python3']}"


def _check_weasyprint() -> tuple[bool, str]:
    try:
        weasyprint = _weasyprint()
    except PdfEngineUnavailable as exc:
        return False, str(exc)
    return True, f"WeasyPrint {weasyprint.__version__} loads"


def _check_fonts() -> tuple[bool, str]:
    if shutil.which("fc-list") is None:
        return True, "fc-list not found: cannot check fonts here (normal on Windows)"
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    for family in ("Liberation Sans", "DejaVu Sans", "Arial"):
        if family in listed:
            return True, f"font {family} found"
    return False, "no Liberation Sans, DejaVu Sans or Arial font: install fonts-liberation"


def doctor() -> list[tuple[str, bool, str]]:
    """Checks for a working report run: (check, ok, advice or what was found)."""
    return [("Jupyter kernel python3", *_check_kernel()),
            ("PDF engine (WeasyPrint + Pango)", *_check_weasyprint()),
            ("fonts for the PDF", *_check_fonts())]
