"""PDF engine: a clear, actionable error when WeasyPrint cannot load; doctor() checks."""
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
