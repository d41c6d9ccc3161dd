"""Disclosure control of a whole board paper (issue 6, "Done when"): run the CME monitoring board
paper on the `small` synthetic data (a dozen schools: small counts are everywhere) and look for
what must never leave the team in report.pdf, report.html, tables.xlsx and tables/*.csv.

What the tests check, and the rule they apply:

* **No pupil id** (the synthetic ids are ``P`` + 7 digits, checked against the data) anywhere in
  the PDF's text, the HTML, any cell of tables.xlsx or any CSV.
* **No small count in a table.** A count column is one whose header gives the unit ``(number)``
  (``present.tables.UNITS["count"]``: every count column is published with it; a few statistics
  share the header, so only whole numbers are taken as counts). In every table of
  tables.xlsx and of report.html (which report.pdf renders, page for page), no count cell holds
  1 to ``suppress_below - 1``: each is 0, at least the threshold, or a symbol (``c``...).
* **No small count in the prose.** Outside tables (headings, sentences generated from the numbers,
  captions, notes), every whole number from 1 to ``suppress_below - 1`` must be one of the kinds
  that are not counts of children: a date's day ("1 September 2026"), a number of schools, weeks,
  days, months, terms, occasions, sessions or years (units of time or of institutions), a label
  ("Year 3", "key stage 4", "level 2", a trigger code such as ATT01), a model statistic
  ("where 1 means"), the statement of the rule itself ("counts of 1 to 4"), a page number, or a
  change between two published counts ("up 3 (0.4%)": it reveals nothing the two counts do not). A
  number written as a decimal or a percentage is a rate, not a count. Anything else fails, with
  the sentence around it.
"""
from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
PUPIL_ID = re.compile(r"P\d{7}")
MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
          "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
NOT_CHILDREN_AFTER = re.compile(
    rf"^\s*(?:(?:{MONTHS})\b|(?:schools?|weeks?|days?|school days?|months?|month\(s\)|terms?|occasions?|"
    r"sessions?|years?|hours?|h\b|dp\b|decimal|means|standard|separate occasions|or more)\b|to \d)", re.I)
NOT_CHILDREN_BEFORE = re.compile(
    r"(?:\b(?:Year|stage|KS|level|Page|of|Tier|step|Stage|phase|Level|group|week|day|days|weeks|"
    r"occasions|suspensions|school day|between|and|up|down)\s*:?\s*$|\b1 to\s*$|(?:\. ){2,}\s*$)", re.I)
NUMBER = re.compile(r"(?<![\w.,:/£$-])(\d{1,3}(?:,\d{3})*)(?![\d,]*\.\d)(?![\w%/-])")


def prose_small_counts(text: str, suppress_below: int) -> list[str]:
    """Whole numbers 1 to ``suppress_below - 1`` in ``text`` that the module docstring's rule does
    not explain as something other than a count of children; each with its context."""
    hits = []
    for m in NUMBER.finditer(text):
        value = int(m.group(1).replace(",", ""))
        if not 1 <= value < suppress_below:
            continue
        before, after = text[max(0, m.start() - 30):m.start()], text[m.end():m.end() + 30]
        if NOT_CHILDREN_AFTER.match(after) or NOT_CHILDREN_BEFORE.search(before):
            continue
        hits.append(f"...{before}[{m.group(1)}]{after}...".replace("\n", " "))
    return hits


def test_prose_rule_flags_a_small_count_and_passes_what_is_not_one():
    # Worked by hand: "3 children" is a count of children below 5; the others are a date's day,
    # a number of schools, a label, the rule, a decimal rate and a percentage.
    assert prose_small_counts("There were 3 children missing education.", 5) == [
        "...There were [3] children missing education...."]
    assert prose_small_counts("At 1 September 2026, 2 schools in Year 4 (counts of 1 to 4 are c); "
                              "a rate of 3.25 and 4% of pupils.", 5) == []


def _html_tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    tables = []
    for block in re.findall(r"<table>(.*?)</table>", text, re.S):
        headers = [html_lib.unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", block, re.S)]
        rows = [[html_lib.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
                for r in re.findall(r"<tr[^>]*>(.*?)</tr>", block.split("<tbody>")[-1], re.S)]
        tables.append((headers, rows))
    return tables


def _small(cell, threshold: int) -> bool:
    text = str(cell).replace(",", "").strip()
    return text.isdigit() and 1 <= int(text) < threshold


@pytest.fixture(scope="module")
def board_run(small_data, tmp_path_factory):
    from pmereport.report.run import run_report

    base = tmp_path_factory.mktemp("disclosure")
    out = run_report(ROOT / "parameters" / "cme-board.yaml", data_dir=small_data, out_dir=base / "run",
                     produced=dt.date(2026, 11, 20))
    la = yaml.safe_load((ROOT / "parameters" / "la.yaml").read_text(encoding="utf-8"))
    pdf_text = subprocess.run(["pdftotext", "-layout", str(out / "report.pdf"), "-"], check=True,
                              capture_output=True, text=True).stdout
    return {"out": out, "data": small_data, "threshold": int(la["suppress_below"]), "pdf_text": pdf_text,
            "html": (out / "report.html").read_text(encoding="utf-8")}


pytestmark = pytest.mark.slow


def test_small_data_has_small_counts_to_hide(board_run):
    # The test means something only if the data hold counts below the threshold and the paper
    # suppressed some: 'c' cells in tables.xlsx.
    cells = [c.value for ws in load_workbook(board_run["out"] / "tables.xlsx").worksheets
             for row in ws.iter_rows() for c in row]
    assert cells.count("c") >= 5


def test_no_pupil_id_anywhere(board_run):
    ids = pd.read_csv(board_run["data"] / "cases.csv", dtype=str)["pupil_id"]
    assert ids.str.fullmatch(PUPIL_ID.pattern).all()  # the pattern does match this data's ids
    assert not PUPIL_ID.search(board_run["pdf_text"])
    assert not PUPIL_ID.search(board_run["html"])
    for ws in load_workbook(board_run["out"] / "tables.xlsx").worksheets:
        for row in ws.iter_rows():
            assert not any(isinstance(c.value, str) and PUPIL_ID.search(c.value) for c in row), ws.title
    for csv in (board_run["out"] / "tables").glob("*.csv"):
        assert not PUPIL_ID.search(csv.read_text(encoding="utf-8")), csv.name


def test_no_small_count_in_any_xlsx_count_column(board_run):
    threshold, checked = board_run["threshold"], 0
    for ws in load_workbook(board_run["out"] / "tables.xlsx").worksheets[3:]:  # after Cover, Contents, Notes
        headers = [c.value for c in ws[7]]  # table header row (excel.py layout)
        for column, header in enumerate(headers, start=1):
            if not (isinstance(header, str) and header.endswith("(number)")):
                continue
            for row in range(8, ws.max_row + 1):
                value = ws.cell(row=row, column=column).value
                assert not (isinstance(value, (int, float)) and float(value).is_integer() and 1 <= value < threshold), \
                    f"{ws.title}!{ws.cell(row=row, column=column).coordinate} ({header}) = {value}"
                checked += 1
    assert checked > 200  # enough count cells were looked at (284 in tables.xlsx on this data)


def test_no_small_count_in_any_html_table_count_column(board_run):
    threshold, checked = board_run["threshold"], 0
    tables = _html_tables(board_run["html"])
    assert len(tables) >= 20
    for headers, rows in tables:
        for i, header in enumerate(headers):
            if header.endswith("(number)"):
                for row in rows:
                    assert not _small(row[i], threshold), f"{header}: {row}"
                    checked += 1
    assert checked > 200  # enough count cells were looked at (284 in tables.xlsx on this data)


def test_no_small_count_in_the_prose(board_run):
    html = re.sub(r"<table>.*?</table>", " ", board_run["html"], flags=re.S)  # table cells: checked above
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<img [^>]*alt="([^"]*)"[^>]*>', r" \1 ", html)  # alt text is prose too
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", html))
    text = re.sub(r"\s+", " ", text)
    assert "Executive summary" in text
    assert prose_small_counts(text, board_run["threshold"]) == []
