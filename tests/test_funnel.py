"""Funnel limits on small examples worked out by hand (Spiegelhalter 2005; FunnelPlotR's method)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from pmereport.models.funnel import additive_tau2, funnel, funnel_plot, units_above, winsorised_phi  # noqa: E402

FOUR = pd.DataFrame({"school_urn": [1, 2, 3, 4], "pupils_rtt": [7, 4, 6, 3], "roll": [100, 200, 400, 300]})
Z998 = 3.090232   # standard normal 99.9% point (tables)


def test_four_schools_normal_limits_by_hand():
    # target = (7+4+6+3) / (100+200+400+300) = 20/1000 = 0.02; V = 0.02 x 0.98 = 0.0196
    # n=100: sd = sqrt(0.0196/100) = 0.014   -> 95%: 0.02 +/- 0.027439 = [0 (clipped), 0.047439]
    #                                          99.8%: 0.02 + 0.043263 = 0.063263
    # n=200: sd = 0.0098995 -> 95% upper 0.02 + 0.019403 = 0.039403
    # n=400: sd = 0.007     -> 95%: [0.006280, 0.033720]; 99.8%: [0 (0.02-0.021632 < 0), 0.041632]
    # n=300: sd = 0.0080829 -> 95% lower 0.02 - 0.015842 = 0.004158
    # school 1 at 7/100 = 0.07 is above 0.063263: above the 99.8% limit; the others are inside.
    result = funnel(FOUR, events="pupils_rtt", size="roll", data_type="proportion", per=100)
    u = result.units.set_index("unit")
    assert result.target == pytest.approx(0.02)
    assert u.loc[1, "upper_95"] == pytest.approx(4.7439, abs=1e-4) and u.loc[1, "lower_95"] == 0
    assert u.loc[1, "upper_99.8"] == pytest.approx(6.3263, abs=1e-4)
    assert u.loc[2, "upper_95"] == pytest.approx(3.9403, abs=1e-4)
    assert u.loc[3, "lower_95"] == pytest.approx(0.6280, abs=1e-4)
    assert u.loc[3, "upper_95"] == pytest.approx(3.3720, abs=1e-4)
    assert u.loc[3, "lower_99.8"] == 0 and u.loc[3, "upper_99.8"] == pytest.approx(4.1632, abs=1e-4)
    assert u.loc[4, "lower_95"] == pytest.approx(0.4158, abs=1e-4)
    assert list(u["rate"]) == pytest.approx([7.0, 2.0, 1.5, 1.0])
    assert list(u["position"]) == ["above 99.8%", "within", "within", "within"]
    assert list(units_above(result)["unit"]) == [1]
    assert list(units_above(result, 0.95)["unit"]) == [1]


def test_rate_limits_and_exact_poisson_by_hand():
    # as a Poisson rate: sd = sqrt(0.02/100) = 0.0141421 at n=100 -> upper 95% 0.02 + 0.027718 = 0.047718
    normal = funnel(FOUR, events="pupils_rtt", size="roll", data_type="rate", per=1).units.set_index("unit")
    assert normal.loc[1, "upper_95"] == pytest.approx(0.047718, abs=1e-6)
    # exact at n=100: Poisson mean 2. F(4) = e^-2 (1+2+2+4/3+2/3) = 0.947347, F(5) = F(4) + e^-2 4/15
    # = 0.983436, so r = 5 and alpha = (0.983436-0.975)/(0.983436-0.947347) = 0.23376;
    # upper limit (5 - 0.23376)/100 = 0.0476624
    exact = funnel(FOUR, events="pupils_rtt", size="roll", data_type="rate", method="exact", per=1)
    assert exact.units.set_index("unit").loc[1, "upper_95"] == pytest.approx(0.0476624, abs=1e-6)


def test_exact_and_normal_agree_for_large_schools():
    big = pd.DataFrame({"school_urn": [1, 2], "e": [5000, 5200], "n": [100_000, 100_000]})
    for data_type in ["proportion", "rate"]:
        a = funnel(big, "e", "n", data_type=data_type, method="normal").units
        b = funnel(big, "e", "n", data_type=data_type, method="exact").units
        for column in ["lower_95", "upper_95", "lower_99.8", "upper_99.8"]:
            assert a[column].values == pytest.approx(b[column].values, rel=2e-3)


SPREAD = pd.DataFrame({"school_urn": ["A", "B", "C", "D"], "susp": [64, 16, 16, 4], "pupils": [100] * 4})


def test_overdispersion_phi_and_tau2_by_hand():
    # Rates 0.64, 0.16, 0.16, 0.04; target 100/400 = 0.25. Square-root scale: 0.8, 0.4, 0.4, 0.2
    # against sqrt(0.25) = 0.5, s = 1/(2 sqrt(100)) = 0.05, so z = 6, -2, -2, -6.
    # No winsorising: phi = (36+4+4+36)/4 = 20.
    # 10% winsorising (R/numpy type-7 quantiles of [-6,-2,-2,6]): q10 = -6 + 0.3 x 4 = -4.8,
    # q90 = -2 + 0.7 x 8 = 3.6 -> z = 3.6, -2, -2, -4.8 -> phi = (12.96+4+4+23.04)/4 = 11.
    assert winsorised_phi([6, -2, -2, -6], trim=0) == pytest.approx(20)
    assert winsorised_phi([6, -2, -2, -6], trim=0.1) == pytest.approx(11)
    # tau2: w = 1/s^2 = 400 each; sum w = 1600, sum w^2 / sum w = 400 -> (4 x 11 - 3)/1200 = 41/1200
    assert additive_tau2(11, [100] * 4) == pytest.approx(41 / 1200)
    additive = funnel(SPREAD, "susp", "pupils", data_type="rate", overdispersion="additive", per=1)
    assert additive.phi == pytest.approx(11) and additive.tau2 == pytest.approx(41 / 1200)
    # additive 95% limits at n=100: sqrt(0.0025 + 0.0341667) = 0.191485; 0.5 +/- 1.959964 x 0.191485
    # = 0.5 +/- 0.375305 -> [0.124695^2, 0.875305^2] = [0.015549, 0.766158]
    u = additive.units.set_index("unit")
    assert u.loc["A", "lower_95"] == pytest.approx(0.015549, abs=1e-5)
    assert u.loc["A", "upper_95"] == pytest.approx(0.766158, abs=1e-5)
    # multiplicative: 0.25 +/- 1.959964 sqrt(11 x 0.25 / 100) = 0.25 +/- 1.959964 x 0.165831 = 0.25 +/- 0.325023
    multiplicative = funnel(SPREAD, "susp", "pupils", data_type="rate", overdispersion="multiplicative", per=1)
    m = multiplicative.units.set_index("unit")
    assert m.loc["A", "upper_95"] == pytest.approx(0.575023, abs=1e-5) and m.loc["A", "lower_95"] == 0
    # without adjustment school A (0.64) is far above the 99.8% limit (0.25 + 3.09 x 0.05 = 0.4045);
    # with the additive adjustment (99.8%: 0.5 + 3.090232 x 0.191485 = 1.091734 -> 1.191883) it is not
    assert funnel(SPREAD, "susp", "pupils", per=1).units.set_index("unit").loc["A", "upper_99.8"] == pytest.approx(
        0.25 + Z998 * 0.05, abs=1e-5)
    assert u.loc["A", "upper_99.8"] == pytest.approx(1.191883, abs=1e-5)
    assert list(additive.units["position"]) == ["within"] * 4


def test_target_override_and_bad_input():
    result = funnel(FOUR, "pupils_rtt", "roll", data_type="proportion", target=0.05)
    # against a 5% benchmark: n=100 sd = sqrt(0.0475/100) = 0.021794 -> 95% upper 0.05+0.042716 = 9.2716 per 100
    assert result.units.set_index("unit").loc[1, "upper_95"] == pytest.approx(9.2716, abs=1e-4)
    with pytest.raises(ValueError, match="unit 2: roll must be positive"):
        funnel(FOUR.assign(roll=[100, 0, 400, 300]), "pupils_rtt", "roll")
    with pytest.raises(ValueError, match="exceeds"):
        funnel(FOUR.assign(pupils_rtt=[700, 4, 6, 3]), "pupils_rtt", "roll", data_type="proportion")


def test_funnel_plot_draws_labelled_limits():
    result = funnel(FOUR, events="pupils_rtt", size="roll", data_type="proportion")
    fig, ax = plt.subplots()
    funnel_plot(ax, result)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "95% limits" in labels and "99.8% limits" in labels and "Overall rate" in labels
    assert [t.get_text() for t in ax.texts] == ["1"]   # only the school above 99.8% is labelled
    curve = result.curve()
    assert curve["size"].min() <= 100 and curve["size"].max() >= 400
    assert (np.diff(curve["upper_95"]) <= 1e-12).all()  # the funnel narrows as schools grow
    plt.close(fig)


def test_funnel_of_school_suspension_rates_from_the_extract():
    from pmereport.metrics.exclusions import exclusion_rates
    census = pd.DataFrame({"school_urn": [100001, 100002, 100003], "academic_year": "2023/24", "ncy": 9,
                           "headcount": [100, 400, 500], "headcount_fsm": 0, "headcount_sen_support": 0,
                           "headcount_ehcp": 0})
    # school 100001: 12 suspensions; 100002: 8; 100003: none (it must still be in the funnel)
    urns = [100001] * 12 + [100002] * 8
    exclusions = pd.DataFrame({"exclusion_id": [f"E{i}" for i in range(20)], "pupil_id": [f"P{i}" for i in range(20)],
                               "school_urn": urns, "start_date": pd.Timestamp("2023-11-06"), "category": "SUSP",
                               "sessions": 2})
    rates = exclusion_rates(exclusions, census, by=["academic_year", "school_urn"])
    result = funnel(rates, events="susp", size="headcount", data_type="rate")
    # target 20/1000 = 0.02 per pupil; n=100: 99.8% upper 0.02 + 3.090232 sqrt(0.02/100) = 0.063703
    # -> 6.3703 per 100; school 100001 at 12 per 100 is above it. n=500 lower 95%: 0.02 - 1.959964 x
    # sqrt(0.02/500) = 0.007604 -> school 100003 at 0 is below 95%, and below 99.8% (0.02 - 0.019544 = 0.000456)
    u = result.units.set_index("unit")
    assert u.loc[100001, "upper_99.8"] == pytest.approx(6.3703, abs=1e-4)
    assert list(u["position"]) == ["above 99.8%", "within", "below 99.8%"]
    assert list(units_above(result)["unit"]) == [100001]
