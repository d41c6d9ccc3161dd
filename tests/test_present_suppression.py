"""Disclosure control on hand-worked tables (rule in pmereport/present/suppression.py)."""
import pandas as pd
import pytest

from pmereport.present.suppression import primary_mask, secondary_mask, suppress

c = "c"


def test_primary_small_counts_become_c_and_zero_stays_zero():
    table = pd.DataFrame({"group": list("ABCDE"), "n": [0, 1, 4, 5, 10]})
    # 1 and 4 are below 5 -> c; 0 is shown; two cells hidden in the column, so no complement needed.
    assert suppress(table, ["n"])["n"].tolist() == [0, c, c, 5, 10]


def test_threshold_is_a_parameter():
    table = pd.DataFrame({"n": [5, 9, 10, 30]})
    # below 10: 5 and 9 hidden (two in the column: enough)
    assert suppress(table, ["n"], suppress_below=10)["n"].tolist() == [c, c, 10, 30]


def test_secondary_in_a_column_hides_the_next_smallest():
    table = pd.DataFrame({"reason": ["A", "B", "C", "Total"], "n": [3, 8, 20, 31]})
    # 3 alone would be 31 - 8 - 20: hide the next smallest non-zero count, 8.
    assert suppress(table, ["n"])["n"].tolist() == [c, c, 20, 31]


def test_zero_is_never_the_complement():
    table = pd.DataFrame({"n": [2, 0, 9]})
    # 2 is hidden; 0 cannot protect it, so 9 is hidden and 0 stays 0.
    assert suppress(table, ["n"])["n"].tolist() == [c, 0, c]


def test_secondary_in_rows_and_columns_of_a_grid_with_totals():
    grid = pd.DataFrame({"x": [2, 7, 9], "y": [10, 9, 19], "total": [12, 16, 28]}, index=["A", "B", "Total"])
    # By hand: A.x=2 primary. Row A has one hidden -> hide A.y (10 < 12).
    # Column x has one hidden -> hide B.x (7 < 9). Column y has one hidden (A.y) -> hide B.y (9 < 19).
    # Row B now has two, column total none: done. The four hidden cells satisfy
    # A.x+A.y=12, B.x+B.y=16, A.x+B.x=9, A.y+B.y=19: rank 3, so no cell can be solved for.
    out = suppress(grid.reset_index(names="row"), ["x", "y", "total"])
    assert out[["x", "y", "total"]].values.tolist() == [[c, c, 12], [c, c, 16], [9, 19, 28]]


def test_rows_only_for_time_series():
    months = pd.DataFrame({"month": ["Sep", "Oct"], "cme": [0, 5], "pme": [3, 6], "total": [3, 11]})
    # Sep: PME 3 and total 3 are both primary -> two hidden in the row; 0 stays.
    # With lines="rows" the columns are not checked (month sums are meaningless), so Oct is shown.
    rows = suppress(months, ["cme", "pme", "total"], lines="rows")
    assert rows[["cme", "pme", "total"]].values.tolist() == [[0, c, c], [5, 6, 11]]
    # With both: column pme has one hidden -> hide 6; column total one hidden -> hide 11.
    both = suppress(months, ["cme", "pme", "total"])
    assert both[["cme", "pme", "total"]].values.tolist() == [[0, c, c], [5, c, c]]


def test_shares_of_suppressed_counts_are_suppressed_and_comparators_are_not():
    table = pd.DataFrame({"reason": ["A", "B", "C"], "n": [3, 8, 20], "share": [3 / 31, 8 / 31, 20 / 31],
                          "england": [0.1, 0.3, 0.6]})
    out = suppress(table, ["n"], derived={"share": "n"})
    assert out["n"].tolist() == [c, c, 20]
    assert out["share"].tolist() == [c, c, pytest.approx(20 / 31)]
    assert out["england"].tolist() == [0.1, 0.3, 0.6]


def test_masks_directly():
    counts = pd.DataFrame({"n": [1, 6, 7]})
    assert primary_mask(counts)["n"].tolist() == [True, False, False]
    assert secondary_mask(counts, primary_mask(counts))["n"].tolist() == [True, True, False]


def test_unknown_column_is_a_clear_error():
    with pytest.raises(KeyError, match="no column"):
        suppress(pd.DataFrame({"n": [1]}), ["count"])
