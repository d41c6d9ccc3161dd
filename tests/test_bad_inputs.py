"""The bad-input corpus (issue 8, item 1): every broken extract gives a clear file error, clear
row rejections or a note; none gives a traceback or loses a row without a word."""
import pytest

from bad_inputs import CORPUS, run_case, run_corpus, summary
from bad_inputs.summary import committed_block, render


@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_bad_input_gives_a_clear_outcome(case, tmp_path):
    outcome = run_case(case, tmp_path / case.name)
    assert outcome.got != "traceback", outcome.detail
    assert outcome.got == case.expect, f"expected {case.expect}, got {outcome.got}: {outcome.detail}"
    assert outcome.clear, f"unclear: {outcome.detail}"
    assert not outcome.silent_loss, outcome.detail


def test_corpus_summary(tmp_path):
    outcomes = run_corpus(tmp_path)
    totals = summary(outcomes)
    print("\n".join(f"{k}: {v}" for k, v in totals.items()))
    assert totals["files tried"] == len(CORPUS) >= 40
    assert totals["silent losses"] == 0
    assert totals["tracebacks"] == 0
    assert totals["unclear messages"] == 0 and totals["not as expected"] == 0
    # the table in docs/bad-inputs.md is the one the corpus gives (regenerate: tests/bad_inputs/summary.py)
    assert render(outcomes, tmp_path) == committed_block()
    assert (totals["clear file errors"] + totals["clear row rejections"] + totals["accepted with a note"]
            + totals["accepted correctly"]) == totals["files tried"]
