"""report.html: no code, no prompts, no stray outputs, no external links; cover and contents."""
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pmereport.report.html import Cover, build_html, external_links
from pmereport.report.publish import REPORT_KEY

COVER = Cover(la_name="Shire County Council", title="Board report", period="Position at 31 October 2026",
              produced="20 November 2026", marking="OFFICIAL-SENSITIVE", contact="cme.team@shire.example",
              source_note="Case extract")
PUBLISHED_TABLE = '<div class="pme-table"><table><caption>Open cases</caption><tr><td>42</td></tr></table></div>'


def executed_notebook():
    """What papermill gives back: code cells with inputs and several kinds of output."""
    return new_notebook(cells=[
        new_code_cell("data_dir = 'x'", metadata={"tags": ["parameters"]}, execution_count=1),
        new_markdown_cell("# Caseload\n\nSome **prose**.\n\n## Reasons\n\nMore prose."),
        new_code_cell("print('debug output')", execution_count=2,
                      outputs=[new_output("stream", name="stdout", text="debug output\n")]),
        new_code_cell("cases.head()", execution_count=3, outputs=[new_output(
            "execute_result", data={"text/html": "<table><td>PUPIL0001</td></table>", "text/plain": "PUPIL0001"},
            execution_count=3)]),
        new_code_cell("publish_table(...)", execution_count=4, outputs=[new_output(
            "display_data", data={"text/html": PUBLISHED_TABLE}, metadata={REPORT_KEY: {"kind": "table"}})]),
        new_code_cell("import warnings", execution_count=5,
                      outputs=[new_output("stream", name="stderr", text="UserWarning: careful\n")]),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


def test_only_prose_and_published_outputs_reach_the_report():
    html = build_html([executed_notebook()], COVER)
    assert PUBLISHED_TABLE in html
    assert "<strong>prose</strong>" in html
    for leaked in ("data_dir = ", "print(", "debug output", "PUPIL0001", "cases.head", "publish_table(",
                   "UserWarning", "In&nbsp;[", "In [", "Out["):
        assert leaked not in html, leaked


def test_self_contained_no_scripts_or_external_links():
    html = build_html([executed_notebook()], COVER)
    assert external_links(html) == []
    assert "<script" not in html.lower()
    assert "require.js" not in html and "mathjax" not in html.lower()
    # the checker itself finds links off the page
    assert external_links('<img src="https://cdn.example/x.js"><a href="//x.org">') != []


def test_cover_contents_and_print_css():
    html = build_html([executed_notebook(), executed_notebook()], COVER)
    for text in ("Shire County Council", "Board report", "Position at 31 October 2026", "20 November 2026",
                 "OFFICIAL-SENSITIVE", "cme.team@shire.example"):
        assert text in html
    # contents: h1 and h2 of both notebooks, with ids made unique per notebook
    assert html.count('<a href="#s1-Caseload">Caseload</a>') == 1
    assert '<a href="#s2-Reasons">Reasons</a>' in html
    assert 'id="s2-Reasons"' in html
    assert "anchor-link" not in html and "¶" not in html
    assert "size: A4" in html
    assert 'content: "Page " counter(page) " of " counter(pages)' in html
    assert "break-inside: avoid" in html


def test_html_is_deterministic():
    assert build_html([executed_notebook()], COVER) == build_html([executed_notebook()], COVER)


def test_notebook_in_repo_is_committed_without_outputs():
    from pathlib import Path
    nb = nbformat.read(Path(__file__).parent.parent / "notebooks" / "board.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])


def test_internal_cover_says_it_holds_pupil_level_information():
    import dataclasses
    board = build_html([executed_notebook()], COVER)
    internal = build_html([executed_notebook()], dataclasses.replace(COVER, internal=True))
    assert "INTERNAL: contains pupil-level information" in internal
    assert "contains no pupil-level information" not in internal
    assert "INTERNAL" not in board and "contains no pupil-level information" in board
