"""Published comparators on real DfE files: values expected below were read off the CSVs by hand."""
from pathlib import Path

import pandas as pd
import pytest

from pmereport.io.published import read_published, time_period_label
from pmereport.metrics.comparators import compare_areas

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
OLD = REALDATA / "dfe-exclusion-statistics" / "clean_la_data.csv"
CSC = REALDATA / "dfe-csc-absence" / "absence_la.csv"
pytestmark = pytest.mark.skipif(not REALDATA.is_dir(), reason="shared/realdata not present")

# fixed_excl_rate, school_type Total, 2006/07 to 2016/17, from clean_la_data.csv rows
# "Leicestershire","Total" / "East Midlands","Total" / "England","Total"
LEICESTERSHIRE = [4.97, 4.42, 4.77, 4.02, 4.12, 3.82, 3.57, 2.87, 2.72, 2.83, 3.10]
EAST_MIDLANDS = [5.12, 4.89, 4.88, 4.37, 4.32, 4.07, 3.67, 3.65, 4.08, 4.36, 4.61]
ENGLAND = [5.65, 5.13, 4.88, 4.44, 4.33, 4.03, 3.51, 3.50, 3.88, 4.29, 4.76]
YEARS = ["2006/07", "2007/08", "2008/09", "2009/10", "2010/11", "2011/12", "2012/13", "2013/14", "2014/15",
         "2015/16", "2016/17"]


@pytest.fixture(scope="module")
def old():
    return read_published(OLD)


def series(frame, role, area=None):
    rows = frame[(frame["role"] == role) & ((frame["area"] == area) if area else True)]
    return rows.set_index("period")["value"]


def test_leicestershire_region_england_old_layout(old):
    out = compare_areas(old, "fixed_excl_rate", "Leicestershire", region="East Midlands",
                        filters={"school_type": "Total"})
    assert list(series(out, "Local authority").index) == YEARS
    assert list(series(out, "Local authority")) == pytest.approx(LEICESTERSHIRE)
    assert list(series(out, "Region")) == pytest.approx(EAST_MIDLANDS)
    assert list(series(out, "England")) == pytest.approx(ENGLAND)
    assert set(out["area"]) == {"Leicestershire", "East Midlands", "England"}
    assert list(out["role"][:3]) == ["Local authority", "Region", "England"]
    assert out["symbol"].isna().all()


def test_statistical_neighbours_carry_symbols_and_average(old):
    neighbours = ["Nottinghamshire", "Warwickshire", "Rutland"]
    out = compare_areas(old, "perm_excl_rate", "Leicestershire", neighbours=neighbours,
                        region="East Midlands", filters={"school_type": "Total"})
    y = out[out["period"] == "2009/10"].set_index("area")
    # 2009/10: Rutland published 'x'; Nottinghamshire 0.11, Warwickshire 0.10 -> mean 0.105 of 2 areas
    assert pd.isna(y.loc["Rutland", "value"]) and y.loc["Rutland", "symbol"] == "x"
    assert y.loc["Statistical neighbours", "value"] == pytest.approx(0.105)
    assert y.loc["Statistical neighbours", "areas"] == 2
    # 2016/17: 0.04, 0.08, 0.14 -> 0.0867 of 3
    y = out[out["period"] == "2016/17"].set_index("area")
    assert y.loc["Statistical neighbours", "value"] == pytest.approx(0.26 / 3)
    assert list(y["role"]) == ["Local authority", "Region", "England"] + ["Statistical neighbour"] * 3 + [
        "Statistical neighbours (mean)"]


def test_ees_layout_by_code_with_region_from_the_file():
    table = read_published(CSC)
    filters = {"social_care_group": "CINO at 31 March", "phase_type_grouping": "Total"}
    by_new_code = compare_areas(table, "pt_overall", "E10000018", neighbours=["Warwickshire"], filters=filters)
    by_old_code = compare_areas(table, "pt_overall", "855", neighbours=["937"], filters=filters)
    assert by_new_code.equals(by_old_code)
    y = by_new_code[by_new_code["period"] == "2024/25"].set_index("role")
    # absence_la.csv 202425 CINO Total: Leicestershire 16.4, East Midlands 17.3, England 17.4, Warwickshire 19.2
    assert y.loc["Local authority", ["area", "code", "value"]].tolist() == ["Leicestershire", "E10000018", 16.4]
    assert y.loc["Region", ["area", "code", "value"]].tolist() == ["East Midlands", "E12000004", 17.3]
    assert y.loc["England", ["area", "code", "value"]].tolist() == ["England", "E92000001", 17.4]
    assert y.loc["Statistical neighbour", "value"] == 19.2
    covid = by_new_code[by_new_code["period"] == "2019/20"]
    # 2019/20 is published as 'x' everywhere; the neighbour mean has no area to average
    assert (covid["symbol"].iloc[:4] == "x").all() and covid["value"].isna().all()
    assert covid["areas"].iloc[-1] == 0


def test_mostly_suppressed_columns_are_indicators_not_filters():
    table = read_published(CSC)
    assert table.filters == ["absence_terms", "social_care_group", "phase_type_grouping"]
    out = compare_areas(table, "pt_pupils_pa_50_exact", "Rutland",
                        filters={"social_care_group": "CINO at 31 March", "phase_type_grouping": "Total"})
    rutland = out[out["role"] == "Local authority"].set_index("period")
    # Rutland CINO Total, severe absence: 2024/25 'c', 2021/22 0, 2018/19 0
    assert rutland.loc["2024/25", "symbol"] == "c" and pd.isna(rutland.loc["2024/25", "value"])
    assert rutland.loc["2021/22", "value"] == 0


def test_national_only_file_is_read():
    table = read_published(REALDATA / "dfe-exclusion-statistics" / "nat_summary.csv")
    row = table.rows("National", time_period="200607", school_type="Total").iloc[0]
    assert row["headcount"] == 7_526_970 and row["fixed_excl_rate"] == 5.65   # first data row of the file


def test_clear_errors(old):
    with pytest.raises(ValueError, match="did you mean Leicestershire"):
        compare_areas(old, "fixed_excl_rate", "Leicestershre", region="East Midlands", filters={"school_type": "Total"})
    with pytest.raises(ValueError, match="pass region="):
        compare_areas(old, "fixed_excl_rate", "Leicestershire", filters={"school_type": "Total"})
    with pytest.raises(ValueError, match="choose filters= among .*school_type"):
        compare_areas(old, "fixed_excl_rate", "Leicestershire", region="East Midlands")
    with pytest.raises(ValueError, match="not an indicator"):
        compare_areas(old, "school_type", "Leicestershire", region="East Midlands")


def test_time_period_labels():
    assert time_period_label("201617") == "2016/17" and time_period_label(199900) == "1999/00"
    assert time_period_label("2025") == "2025" and time_period_label("202401") == "202401"
