"""The Arrow fast path for numbers (contract/parse.py) gives what the pandas path gives."""
import math

import pandas as pd

from pmereport.contract.parse import TEXT, _parse_numbers


def _parsed(values, integer):
    return [None if pd.isna(v) else v for v in _parse_numbers(pd.Series(values, dtype=TEXT), integer)]


def test_plain_numbers_take_the_fast_path_and_parse():
    # worked by hand: "12" -> 12, blank stays blank, "-3" -> -3
    assert _parsed(["12", None, "-3"], integer=True) == [12, None, -3]
    assert _parsed(["2.5", "0"], integer=False) == [2.5, 0.0]


def test_a_column_the_fast_path_refuses_still_parses_cell_by_cell():
    # "1,000" is 1000 once the thousands comma goes; "c" (a DfE symbol) is not a number; "2.5"
    # is not a whole number, so it fails an int column
    assert _parsed(["1,000", "c", "7"], integer=True) == [1000, None, 7]
    assert _parsed(["2.5", "4"], integer=True) == [None, 4]
    assert math.isnan(_parse_numbers(pd.Series(["x"], dtype=TEXT), False).astype("float64")[0])
