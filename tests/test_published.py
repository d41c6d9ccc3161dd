"""Published DfE files in ../shared/realdata are read and reproduce the published headline figures
(the figures are quoted in shared/realdata/README.md from the DfE statistical releases)."""
from pathlib import Path

import pytest

from pmereport.io.published import read_published

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
pytestmark = pytest.mark.skipif(not REALDATA.is_dir(), reason="shared/realdata not present")


def test_exclusions_england_2016_17_old_layout():
    t = read_published(REALDATA / "dfe-exclusion-statistics" / "clean_la_data.csv")
    england = t.rows("National", time_period="201617", school_type="Total").iloc[0]
    # SFR 2016/17: headcount 8,025,075; 7,720 permanent exclusions (0.10); 381,865 suspensions (4.76);
    # 183,475 pupils with one or more suspensions (2.29%).
    assert england["headcount"] == 8_025_075
    assert england["perm_excl"] == 7_720 and england["perm_excl_rate"] == pytest.approx(0.10)
    assert england["fixed_excl"] == 381_865 and england["fixed_excl_rate"] == pytest.approx(4.76)
    assert england["one_plus_fixed"] == 183_475
    assert "school_type" in t.filters and "headcount" in t.indicators


def test_symbols_are_kept_beside_missing_numbers():
    t = read_published(REALDATA / "dfe-exclusion-statistics" / "reasons.csv")
    primary = t.rows("National", time_period="201617", school_type="State-funded primary").index[0]
    # the published primary row has 'x' for permanent exclusions for drug and alcohol
    assert t.symbols.at[primary, "perm_drug_alcohol"] == "x"
    assert t.data["perm_drug_alcohol"].isna()[primary]
    assert t.data.at[primary, "perm_physical_pupils"] == 160


def test_absence_2016_17_and_2018_19_ees_layout():
    nat = read_published(REALDATA / "dfe-absence" / "absence_natcharacteristics.csv")
    total = nat.rows("National", time_period="201617", school_type="Total", characteristic="Total").iloc[0]
    assert total["sess_overall_percent"] == pytest.approx(4.7)      # published overall absence 4.7%
    assert total["sess_unauthorised_percent"] == pytest.approx(1.3)  # unauthorised 1.3%
    assert total["enrolments_pa_10_exact_percent"] == pytest.approx(10.8)  # persistent absence 10.8%
    # 2018/19 from the three-term nat/reg/la file: recompute the published rates from the counts
    three = read_published(REALDATA / "dfe-absence" / "absence_3term_nat_reg_la_200607_201819.csv")
    rows = three.rows("National", time_period="201819", school_type="Total")
    assert len(rows) == 1
    row = rows.iloc[0]
    assert round(100 * row["sess_overall"] / row["sess_possible"], 1) == 4.7
    assert round(100 * row["enrolments_pa_10_exact"] / row["enrolments"], 1) == 10.9


def test_ees_attendance_week_file_levels_and_filters():
    t = read_published(REALDATA / "dfe-attendance-2024-25" / "week_29_persistent_absence.csv")
    assert set(t.data["geographic_level"]) == {"National", "Regional", "Local authority"}
    assert "education_phase" in t.filters and t.indicators == ["persistent_absence_percent"]
