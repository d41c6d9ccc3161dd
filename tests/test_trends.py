"""Trend GLMs on data simulated with known coefficients (seeded): the fitted confidence intervals
cover the true values, the overdispersion test picks the right family, forecasts' prediction
intervals hold about the stated share of new simulated counts."""
import numpy as np
import pandas as pd
import pytest

from pmereport.metrics.exclusions import exclusion_rates
from pmereport.models.trends import (cameron_trivedi, diagnostics, fit_trend, forecast, monthly_series,
                                     next_terms, rate_ratios, residuals, termly_series)

TERMS = ["AUT", "SPR", "SUM"]
# True model: 0.8 suspensions per 100 pupils in Autumn at the start, rising 6% a year (log 0.058),
# Spring 10% lower than Autumn, Summer 25% lower.
TRUE = {"intercept": np.log(0.008), "years": 0.058, "SPR": np.log(0.9), "SUM": np.log(0.75)}


def simulate(seed, n_years=10, alpha=None, step=None, break_year=None, headcount=60_000):
    """Termly counts for ``n_years`` academic years from the true model; NB2 when ``alpha`` is given."""
    rng = np.random.default_rng(seed)
    rows = []
    for y in range(n_years):
        for term, month in zip(TERMS, [9, 1, 5]):
            start = pd.Timestamp(2010 + y + (month < 9), month, 1)
            rows.append({"academic_year": f"{2010 + y}/{str(2011 + y)[-2:]}", "term": term,
                         "period_start": start, "headcount": headcount + 500 * y})
    data = pd.DataFrame(rows)
    years = (data["period_start"] - data["period_start"].min()).dt.days / 365.25
    log_mu = (np.log(data["headcount"]) + TRUE["intercept"] + TRUE["years"] * years
              + data["term"].map({"AUT": 0.0, "SPR": TRUE["SPR"], "SUM": TRUE["SUM"]}))
    if step is not None:
        log_mu += step * (data["period_start"] >= pd.Timestamp(break_year, 9, 1))
    mu = np.exp(log_mu)
    if alpha is None:
        data["count"] = rng.poisson(mu)
    else:
        size = 1 / alpha
        data["count"] = rng.negative_binomial(size, size / (size + mu))
    return data


def coefficient(fit, term):
    rr = rate_ratios(fit).set_index("term")
    return rr.loc[term]


def test_poisson_data_recovered_and_poisson_chosen():
    fit = fit_trend(simulate(seed=1), season="term")
    assert fit.family == "poisson" and "Poisson model is used" in fit.reason
    assert not fit.overdispersion.overdispersed
    # each 95% CI (as rate ratios) covers the true rate ratio
    for term, true in [("trend (per year)", TRUE["years"]), ("term = SPR", TRUE["SPR"]), ("term = SUM", TRUE["SUM"])]:
        row = coefficient(fit, term)
        assert row["lower"] <= np.exp(true) <= row["upper"], term
    intercept_ci = fit.result.conf_int().loc["Intercept"]
    assert intercept_ci[0] <= TRUE["intercept"] <= intercept_ci[1]
    # Pearson chi2/df near 1 for Poisson data (30 rows, 26 df: between 0.4 and 1.9 with 99% probability)
    assert 0.4 < fit.overdispersion.pearson_dispersion < 1.9


def test_negative_binomial_data_recovered_and_nb_chosen():
    fit = fit_trend(simulate(seed=2, n_years=12, alpha=0.02), season="term")
    assert fit.family == "negative binomial" and "negative binomial model is used" in fit.reason
    assert fit.overdispersion.overdispersed and fit.overdispersion.p_value < 0.05
    assert fit.alpha_ci[0] <= 0.02 <= fit.alpha_ci[1]
    for term, true in [("trend (per year)", TRUE["years"]), ("term = SPR", TRUE["SPR"]), ("term = SUM", TRUE["SUM"])]:
        row = coefficient(fit, term)
        assert row["lower"] <= np.exp(true) <= row["upper"], term
    # alpha 0.02 with about 450 a term: variance 450 + 0.02 * 450^2 = 4500, ten times the mean
    assert fit.overdispersion.pearson_dispersion > 3
    table = diagnostics(fit)
    assert list(table["model"]) == ["poisson", "negative binomial"] and list(table["used"]) == [False, True]
    assert table.loc[1, "aic"] < table.loc[0, "aic"]


def test_overdispersion_test_decides_over_many_seeds():
    # Poisson data: the 5% one-sided test should wrongly pick NB in about 1 in 20 series;
    # NB data with alpha = 0.02 (variance ten times the mean) should be caught every time.
    poisson_nb = sum(fit_trend(simulate(seed=s), season="term", family="poisson").overdispersion.overdispersed
                     for s in range(100, 140))
    nb_nb = sum(fit_trend(simulate(seed=s, alpha=0.02), season="term", family="poisson").overdispersion.overdispersed
                for s in range(200, 220))
    assert poisson_nb <= 6      # binomial(40, 0.05): P(> 6) < 0.5%
    assert nb_nb == 20


def test_cameron_trivedi_by_hand():
    # For y = [0, 4] fitted mu = [2, 2]: ((y-mu)^2 - y)/mu = [2, 0]; regress on mu = [2, 2] without a
    # constant: alpha = (2*2 + 0*2) / (2^2 + 2^2) = 0.5
    class Fitted:
        fittedvalues = np.array([2.0, 2.0])
        pearson_chi2, df_resid = 4.0, 1.0
    test = cameron_trivedi(Fitted(), [0, 4])
    assert test.alpha == pytest.approx(0.5) and test.pearson_dispersion == 4.0


def test_interrupted_time_series_recovers_the_step():
    data = simulate(seed=3, n_years=10, step=-0.3, break_year=2015)
    fit = fit_trend(data, season="term", break_at="2015-09-01")
    step = coefficient(fit, "step at break")
    assert step["lower"] <= np.exp(-0.3) <= step["upper"] and step["upper"] < 1
    slope = coefficient(fit, "change in trend after break (per year)")
    assert slope["lower"] <= 1 <= slope["upper"]   # no true change of slope


def test_rate_ratios_for_a_characteristic():
    rng = np.random.default_rng(4)
    rows = []
    for y in range(6):
        for sen, headcount, rr in [("N", 50_000, 1.0), ("K", 7_000, 3.0), ("E", 2_000, 5.0)]:
            rows.append({"academic_year": f"{2018 + y}/{19 + y}", "sen_status": sen, "headcount": headcount,
                         "count": rng.poisson(headcount * 0.02 * rr * np.exp(0.03 * y))})
    fit = fit_trend(pd.DataFrame(rows), time="academic_year", season=None, covariates={"sen_status": "N"})
    rr = rate_ratios(fit).set_index("term")
    assert rr.loc["sen_status = K", "lower"] <= 3.0 <= rr.loc["sen_status = K", "upper"]
    assert rr.loc["sen_status = E", "lower"] <= 5.0 <= rr.loc["sen_status = E", "upper"]
    assert rr.loc["trend (per year)", "lower"] <= np.exp(0.03) <= rr.loc["trend (per year)", "upper"]


@pytest.mark.parametrize("alpha", [None, 0.02])
def test_forecast_prediction_intervals_cover_new_counts(alpha):
    """Over 20 simulated histories, the 95% prediction interval of each of the next three terms
    holds on average 90-99% of new counts drawn from the true model (measured: 95.1% Poisson,
    93.7% NB over 40 histories; NB runs a little narrow because alpha's MLE is biased low)."""
    coverage = []
    for seed in range(300, 320):
        history = simulate(seed=seed, n_years=10, alpha=alpha)
        fit = fit_trend(history, season="term", family="poisson" if alpha is None else "negbin")
        future = next_terms(history, 3)
        predicted = forecast(fit, future, level=0.95, seed=1)
        # the true means of the next three terms, from the true model
        years = (future["period_start"] - history["period_start"].min()).dt.days / 365.25
        true_mu = np.exp(np.log(future["headcount"]) + TRUE["intercept"] + TRUE["years"] * years
                         + future["term"].map({"AUT": 0.0, "SPR": TRUE["SPR"], "SUM": TRUE["SUM"]})).values
        rng = np.random.default_rng(seed)
        if alpha is None:
            new = rng.poisson(true_mu, size=(2000, 3))
        else:
            new = rng.negative_binomial(1 / alpha, (1 / alpha) / (1 / alpha + true_mu), size=(2000, 3))
        coverage.append(((new >= predicted["pi_lower"].values) & (new <= predicted["pi_upper"].values)).mean())
        # the PI is wider than the mean's CI, and rates are per 100 of the headcount
        assert (predicted["pi_upper"] > predicted["expected_upper"]).all()
        assert (predicted["pi_lower"] < predicted["expected_lower"]).all()
        assert predicted["expected_rate"].values == pytest.approx(100 * predicted["expected"] / future["headcount"])
    assert 0.90 < np.mean(coverage) < 0.99, np.mean(coverage)


def test_forecast_mean_interval_covers_the_true_mean():
    history = simulate(seed=5, n_years=10)
    fit = fit_trend(history, season="term")
    future = next_terms(history, 3)
    predicted = forecast(fit, future)
    years = (future["period_start"] - history["period_start"].min()).dt.days / 365.25
    true_mu = np.exp(np.log(future["headcount"]) + TRUE["intercept"] + TRUE["years"] * years
                     + future["term"].map({"AUT": 0.0, "SPR": TRUE["SPR"], "SUM": TRUE["SUM"]}))
    assert ((predicted["expected_lower"] <= true_mu) & (true_mu <= predicted["expected_upper"])).all()


def test_next_terms_roll_over_the_academic_year():
    history = simulate(seed=7, n_years=2)
    future = next_terms(history, 4)
    assert list(future["academic_year"]) == ["2012/13"] * 3 + ["2013/14"]
    assert list(future["term"]) == ["AUT", "SPR", "SUM", "AUT"]
    assert list(future["period_start"].dt.strftime("%Y-%m")) == ["2012-09", "2013-01", "2013-05", "2013-09"]
    assert (future["headcount"] == 60_500).all()  # the 2011/12 headcount carried forward


def test_series_from_rates_and_residuals():
    census = pd.DataFrame({"school_urn": [100001, 100001], "academic_year": ["2022/23", "2023/24"], "ncy": [9, 9],
                           "headcount": [500, 520], "headcount_fsm": [50, 50], "headcount_sen_support": [40, 40],
                           "headcount_ehcp": [5, 5]})
    dates = ["2022-10-03", "2022-10-10", "2023-02-06", "2023-06-05", "2023-11-13", "2024-03-04", "2024-03-11"]
    exclusions = pd.DataFrame({"exclusion_id": [f"E{i}" for i in range(7)], "pupil_id": [f"P{i}" for i in range(7)],
                               "school_urn": 100001, "start_date": pd.to_datetime(dates), "category": "SUSP",
                               "sessions": 2})
    terms = termly_series(exclusion_rates(exclusions, census, by=["academic_year", "term"]))
    # 2022/23: Autumn 2, Spring 1, Summer 1; 2023/24: Autumn 1, Spring 2, Summer 0
    assert list(terms["count"]) == [2, 1, 1, 1, 2, 0]
    assert list(terms["headcount"]) == [500] * 3 + [520] * 3
    months = monthly_series(exclusion_rates(exclusions, census, by=["academic_year", "month"]))
    assert len(months) == 24 and months["count"].sum() == 7
    assert months.loc[months["month"] == "2024-03", "count"].item() == 2
    assert months.loc[months["month"] == "2024-03", "month_of_year"].item() == 3
    fit = fit_trend(terms, season="term")
    res = residuals(fit)
    assert list(res["observed"]) == [2, 1, 1, 1, 2, 0]
    # Pearson residual (y - mu) / sqrt(mu) for a Poisson fit
    assert res["pearson"].values == pytest.approx(((res["observed"] - res["fitted"]) / np.sqrt(res["fitted"])).values)


def test_monthly_seasonality_with_september_reference():
    rng = np.random.default_rng(8)
    starts = pd.date_range("2016-09-01", periods=72, freq="MS")
    data = pd.DataFrame({"period_start": starts, "month_of_year": starts.month, "headcount": 40_000})
    # August is a holiday month: true rate ratio 0.1 against September
    effect = np.where(starts.month == 8, np.log(0.1), 0.0)
    data["count"] = rng.poisson(40_000 * 0.002 * np.exp(effect))
    fit = fit_trend(data, season="month_of_year")
    rr = rate_ratios(fit).set_index("term")
    assert "month_of_year = 8" in rr.index and "month_of_year = 9" not in rr.index  # September is the reference
    assert rr.loc["month_of_year = 8", "lower"] <= 0.1 <= rr.loc["month_of_year = 8", "upper"]


def test_bad_exposure_is_named():
    data = simulate(seed=9, n_years=2)
    data.loc[3, "headcount"] = 0
    with pytest.raises(ValueError, match="row 3: headcount must be a positive number"):
        fit_trend(data)
    with pytest.raises(ValueError, match="family must be"):
        fit_trend(simulate(seed=9, n_years=2), family="gamma")


def test_diagnostic_plot_shows_observed_fitted_and_residuals():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from pmereport.models.trends import diagnostic_plot
    fit = fit_trend(simulate(seed=10, n_years=3), season="term")
    fig, axes = plt.subplots(2, 1)
    diagnostic_plot(axes, fit)
    labels = [line.get_label() for line in axes[0].get_lines()]
    assert labels == ["Observed", "Fitted (poisson)"]
    plotted = axes[1].get_lines()[1].get_ydata()
    assert len(plotted) == 9 and plotted == pytest.approx(fit.result.resid_pearson.values)
    plt.close(fig)
