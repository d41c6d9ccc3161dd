"""Half-up rounding (DfE convention), checked against hand-rounded values."""
import math

import pytest

from pmereport.present.rounding import format_number, round_half_up


@pytest.mark.parametrize("value, decimals, expected", [
    (2.5, 0, 3),        # halves go up; Python's round(2.5) gives 2 (banker's rounding)
    (-2.5, 0, -3),      # and away from zero for negatives
    (0.5, 0, 1),        # round(0.5) == 0 in Python
    (1.5, 0, 2),
    (2.4999, 0, 2),
    (0.125, 2, 0.13),   # round(0.125, 2) == 0.12 in Python
    (1.005, 2, 1.01),   # the binary float 1.005 is 1.00499...; the decimal text rounds up
    (2.675, 2, 2.68),   # round(2.675, 2) == 2.67 in Python
    (45.45, 1, 45.5),
    (-0.05, 1, -0.1),
    (7, 0, 7),
])
def test_round_half_up(value, decimals, expected):
    result = round_half_up(value, decimals)
    assert result == expected
    assert isinstance(result, int if decimals == 0 else float)


def test_missing_values_pass_through():
    assert math.isnan(round_half_up(float("nan"), 1))
    assert round_half_up(None, 1) is None


def test_format_number_has_separators_and_fixed_decimals():
    assert format_number(12345.65, 1) == "12,345.7"  # .65 -> .7 half up
    assert format_number(1234567, 0) == "1,234,567"
    assert format_number(62.5, 1) == "62.5"
    assert format_number(3, 1) == "3.0"
