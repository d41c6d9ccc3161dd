"""Published DfE exclusion rates (clean_la_data.csv, 2006/07 to 2016/17) recomputed from the published
counts and headcount, per 100 pupils, rounded half-up to the published 2 decimal places.

What the file holds (7,122 rows: 44 national, 441 regional, 6,637 LA) and what we found:
* Every local-authority row with a numeric count reproduces its published rate exactly.
* The national and regional rows publish counts and headcounts rounded to the nearest 5 (every one
  of them is a multiple of 5, against about 20% of LA rows), while DfE computed their rates from the
  unrounded counts. So a few of their rates cannot be recomputed from the file: 90 permanent
  exclusion rates, 92 suspension rates and 97 "one or more" rates (all regional, apart from 1 + 2
  national special-school rows). Each of these is within what +/-2.5 on the count and on the
  headcount allows, which the test checks row by row.
* Seven LA permanent-exclusion counts are fractional as published (Brent 2009/10 total 45.9412 and
  secondary 40.9412, Lincolnshire 2009/10 124.079 and 99.0792, Hounslow 2007/08 74.0003, 5.00001,
  69.0003); their rates reproduce from the fractional counts, so they are compared like the rest.
* Rows skipped: a count suppressed as ``x`` (858 permanent, 70 suspension, 114 one-or-more rows), or
  a headcount of 0 with the rate published as ``.`` (15, 18, 18 rows: the 2006/07 "NULL" line and
  the LAs created in April 2009, which had no 2008/09 census headcount).
"""
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from pmereport.io.published import read_published
from pmereport.metrics.exclusions import per_100

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
FILE = REALDATA / "dfe-exclusion-statistics" / "clean_la_data.csv"
pytestmark = pytest.mark.skipif(not FILE.is_file(), reason="shared/realdata not present")

# count column, published rate column, rows skipped (suppressed count, zero headcount),
# rows compared, rows inconsistent (national/regional, counts rounded to 5)
CASES = [
    ("perm_excl", "perm_excl_rate", 858, 15, 6249, 90),
    ("fixed_excl", "fixed_excl_rate", 70, 18, 7034, 92),
    ("one_plus_fixed", "one_or_more_fixed_excl_rate", 114, 18, 6990, 97),
]


def round_half_up(value: Decimal, dp: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP)


def exact_rate(count: float, headcount: float, dp: int = 2) -> float:
    """count per 100 of headcount, in exact decimal arithmetic, rounded half-up."""
    return float(round_half_up(Decimal(repr(float(count))) * 100 / Decimal(int(headcount)), dp))


@pytest.fixture(scope="module")
def table():
    return read_published(FILE)


def test_file_shape(table):
    levels = table.data["geographic_level"].value_counts().to_dict()
    assert levels == {"Local authority": 6637, "Regional": 441, "National": 44}


def test_half_up_rounding_helper():
    assert exact_rate(1, 8) == 12.5 and exact_rate(1, 800) == 0.13   # 0.125 -> 0.13 (banker's: 0.12)
    assert round(0.125, 2) == 0.12


@pytest.mark.parametrize("count,rate,n_suppressed,n_zero_headcount,n_compared,n_inconsistent", CASES)
def test_published_rates_reproduced(table, count, rate, n_suppressed, n_zero_headcount, n_compared, n_inconsistent):
    data, symbols = table.data, table.symbols
    suppressed = data[count].isna()
    assert n_suppressed == suppressed.sum() and set(symbols.loc[suppressed, count]) == {"x"}
    zero = ~suppressed & (data["headcount"] == 0)
    assert zero.sum() == n_zero_headcount and set(symbols.loc[zero, rate]) == {"."}
    rows = data[~suppressed & ~zero]
    assert len(rows) == n_compared

    # the library's definition (unrounded), then half-up to 2 dp; cross-checked with exact decimals
    unrounded = per_100(rows[count], rows["headcount"])
    recomputed = unrounded.map(lambda x: float(round_half_up(Decimal(repr(x)), 2)))
    exact = pd.Series([exact_rate(c, h) for c, h in zip(rows[count], rows["headcount"])], index=rows.index)
    assert (recomputed == exact).all()

    differs = rows[(exact - rows[rate]).abs() > 1e-9]
    assert len(differs) == n_inconsistent
    la = rows["geographic_level"] == "Local authority"
    assert la.sum() > 5700 and not differs["geographic_level"].eq("Local authority").any()

    # why: national and regional counts are published rounded to 5; rates use the unrounded counts
    assert (differs[[count, "headcount"]] % 5 == 0).all().all()
    low = 100 * (differs[count] - 2.5).clip(lower=0) / (differs["headcount"] + 2.5)
    high = 100 * (differs[count] + 2.5) / (differs["headcount"] - 2.5)
    assert ((differs[rate] >= low - 0.005) & (differs[rate] <= high + 0.005)).all()


def test_fractional_permanent_exclusion_counts_are_kept(table):
    d = table.data
    fractional = d[d["perm_excl"].notna() & (d["perm_excl"] % 1 != 0)]
    assert len(fractional) == 7
    brent = fractional[(fractional["la_name"] == "Brent") & (fractional["school_type"] == "Secondary")].iloc[0]
    # 40.9412 / 17,977 x 100 = 0.2277 -> 0.23, as published (truncating to 40 would give 0.22)
    assert exact_rate(brent["perm_excl"], brent["headcount"]) == brent["perm_excl_rate"] == 0.23


def test_leicestershire_2016_17_by_hand(table):
    row = table.rows("Local authority", time_period="201617", la_name="Leicestershire", school_type="Total").iloc[0]
    # 2,996 suspensions / 96,533 pupils = 3.1036 per 100 -> 3.10; 1,652 / 96,533 = 1.7113 -> 1.71;
    # 28 / 96,533 = 0.0290 -> 0.03
    assert exact_rate(row["fixed_excl"], row["headcount"]) == row["fixed_excl_rate"] == 3.10
    assert exact_rate(row["one_plus_fixed"], row["headcount"]) == row["one_or_more_fixed_excl_rate"] == 1.71
    assert exact_rate(row["perm_excl"], row["headcount"]) == row["perm_excl_rate"] == 0.03
