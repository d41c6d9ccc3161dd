"""PDF engine: a clear, actionable error when WeasyPrint cannot load; doctor() checks."""
import datetime as dt
import sys

import pytest

from pmereport.report import pdf


def test_missing_engine_says_how_to_fix_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint -> ImportError
    with pytest.raises(pdf.PdfEngineUnavailable) as info:
        pdf.write_pdf("<html></html>", tmp_path / "report.pdf")
    message = str(info.value)
    assert "report.html was written" in message
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation" in message
    assert "conda-forge weasyprint" in message
    assert not (tmp_path / "report.pdf").exists()


def test_doctor_reports_each_check(monkeypatch):
    checks = pdf.doctor()
    assert [c[0] for c in checks] == ["Jupyter kernel python3", "PDF engine (WeasyPrint + Pango)", "fonts for the PDF"]
    assert all(isinstance(ok, bool) and advice for _, ok, advice in checks)
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    engine = pdf.doctor()[1]
    assert engine[1] is False and "libpango" in engine[2]


def test_source_date_epoch_is_restored(monkeypatch):
    import datetime as dt
    import os

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with pdf._source_date_epoch(dt.datetime(2026, 11, 20)):
        assert os.environ["SOURCE_DATE_EPOCH"] == "1795132800"  # 2026-11-20T00:00:00Z (date -d ... +%s)
    assert "SOURCE_DATE_EPOCH" not in os.environ


# A stand-in for WeasyPrint's html5_ua.css around the rules lean_ua_stylesheet changes (WeasyPrint 70).
UA_SAMPLE = """ol { list-style-type: decimal }
::marker { font-variant-numeric: tabular-nums; white-space: pre; text-transform: none }
table { box-sizing: border-box }
::footnote-call { content: counter(footnote); vertical-align: super }
::footnote-marker { content: counter(footnote) ". " }
::note-call { content: counter(note); vertical-align: super }
::note-marker { content: counter(note) ". " }
::note-callback { content: " x" }
h1 { bookmark-level: 1 }
"""


def test_lean_ua_stylesheet_drops_note_rules_and_narrows_marker():
    # by hand: the five ::footnote-*/::note-* lines go, ::marker becomes li::marker, the rest stays
    assert pdf.lean_ua_stylesheet(UA_SAMPLE) == (
        "ol { list-style-type: decimal }\n"
        "li::marker { font-variant-numeric: tabular-nums; white-space: pre; text-transform: none }\n"
        "table { box-sizing: border-box }\n"
        "h1 { bookmark-level: 1 }\n")


def test_lean_ua_stylesheet_refuses_a_stylesheet_it_does_not_recognise():
    assert pdf.lean_ua_stylesheet(UA_SAMPLE.replace('::note-callback { content: " x" }\n', "")) is None  # 4 of 5
    assert pdf.lean_ua_stylesheet(UA_SAMPLE.replace("\n::marker {", "\n*::marker {")) is None


SAMPLE_REPORT = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>T</title>
<style>@page { size: A4; @bottom-center { content: "Page " counter(page) " of " counter(pages); } }
.pme-table table { border-collapse: collapse; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.notes { padding-left: 1.2em; } .contents a::after { content: leader(". ") target-counter(attr(href), page); }
.contents ol { list-style: none; }</style></head><body>
<nav class="contents"><ol><li><a href="#a">Section A</a></li></ol></nav>
<h1 id="a">Section A</h1><p>Some <strong>text</strong> and <em>more</em>.</p>
<ol><li>first</li><li>second</li></ol>
<div class="pme-table"><table><caption><span>Caption</span></caption>
<thead><tr><th scope="col">Measure</th><th scope="col">Count</th></tr></thead>
<tbody><tr><td>Open</td><td class="num">1,035</td></tr><tr><td>Closed</td><td class="num">c</td></tr></tbody>
</table><ul class="notes"><li>A note under the table.</li></ul></div></body></html>"""


def test_report_pdf_is_byte_identical_to_stock_weasyprint(tmp_path):
    # the lean stylesheet is only faster: stock WeasyPrint (the other implementation) gives the same bytes
    weasyprint = pytest.importorskip("weasyprint")
    assert pdf._html_class(weasyprint) is not weasyprint.HTML  # the lean stylesheet is in use here
    ours = pdf.write_pdf(SAMPLE_REPORT, tmp_path / "ours.pdf")
    with pdf._source_date_epoch(dt.datetime(2000, 1, 1)):
        weasyprint.HTML(string=SAMPLE_REPORT, base_url=str(tmp_path)).write_pdf(
            str(tmp_path / "stock.pdf"), pdf_variant=pdf.PDF_VARIANT)
    assert ours.read_bytes() == (tmp_path / "stock.pdf").read_bytes()


def test_preload_then_write_gives_the_same_pdf(tmp_path, monkeypatch):
    pytest.importorskip("weasyprint")
    monkeypatch.setattr(pdf, "_preloading", [])
    first = pdf.write_pdf(SAMPLE_REPORT, tmp_path / "first.pdf").read_bytes()
    pdf.preload()
    pdf.preload()  # a second call does not start a second thread
    assert len(pdf._preloading) == 1
    after = pdf.write_pdf(SAMPLE_REPORT, tmp_path / "after.pdf").read_bytes()
    assert not pdf._preloading[0].is_alive() and after == first


def test_preload_without_engine_leaves_the_error_to_write_pdf(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "_preloading", [])
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    pdf.preload()  # no exception from the thread's work
    with pytest.raises(pdf.PdfEngineUnavailable):
        pdf.write_pdf("<html></html>", tmp_path / "report.pdf")
