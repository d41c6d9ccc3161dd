"""Run the bad-input corpus and write its summary into docs/bad-inputs.md.

    PYTHONPATH=$PWD python tests/bad_inputs/summary.py      (from the repository root)

The part of docs/bad-inputs.md between the two markers is generated; the rest is prose.
``tests/test_bad_inputs.py`` checks the committed table is the one the corpus gives today.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from bad_inputs import Outcome, run_corpus, summary  # noqa: E402

DOC = TESTS.parent / "docs" / "bad-inputs.md"
BEGIN, END = "<!-- corpus summary: begin (generated) -->", "<!-- corpus summary: end -->"
MAX_MESSAGE = 230


def _cell(text: str, workdir: Path, case: str) -> str:
    text = text.replace(str(workdir / case) + "/", "").replace(str(workdir / case), "DATA")
    text = text.replace("|", "/").replace("\n", " ")
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


def render(outcomes: list[Outcome], workdir: Path) -> str:
    """The generated block: totals, then one line per case with what the user is told."""
    totals = summary(outcomes)
    lines = [BEGIN, "", "| | files |", "|---|---:|"] + [f"| {k} | {v} |" for k, v in totals.items()]
    lines += ["", "| case | problem | extract | outcome | rows read / kept / rejected | what the user is told (first) |",
              "|---|---|---|---|---|---|"]
    for o in outcomes:
        r = o.result
        counts = "" if r is None else f"{r.rows_read} / {r.rows_kept} / {r.rows_rejected}"
        first = o.detail.split(" | ")[0]
        status = o.got if o.passed else f"**{o.got} (expected {o.case.expect})**"
        lines.append(f"| {o.case.name} | {o.case.problem} | {o.case.extract} | {status} | {counts} | "
                     f"{_cell(first, workdir, o.case.name)} |")
    return "\n".join(lines + ["", END])


def update_doc(block: str, doc: Path = DOC) -> None:
    text = doc.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    doc.write_text(text[:start] + block + text[end:])


def committed_block(doc: Path = DOC) -> str:
    text = doc.read_text()
    return text[text.index(BEGIN):text.index(END) + len(END)]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        outcomes = run_corpus(workdir)
        block = render(outcomes, workdir)
    update_doc(block)
    totals = summary(outcomes)
    print("\n".join(f"{k}: {v}" for k, v in totals.items()))
    print(f"written to {DOC}")
    return 0 if totals["silent losses"] == 0 and totals["tracebacks"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
