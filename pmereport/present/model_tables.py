"""Model output as report tables: the fit statistics of a trend model for the methodology section.

``models.trends.diagnostics`` gives one row per model (Poisson and negative binomial); here it
becomes a publishable frame with DfE's symbol ``z`` (not applicable) for the Poisson model's
dispersion alpha, and the units and headers every report uses for it.
"""
from __future__ import annotations

import pandas as pd

from ..models.trends import TrendFit, diagnostics
from .suppression import NOT_APPLICABLE

DIAGNOSTICS_UNITS = {"n": "number:0", "df_resid": "number:0", "deviance": "number:2", "pearson_chi2": "number:2",
                     "dispersion": "number:2", "aic": "number:1", "alpha": "number:4"}
DIAGNOSTICS_LABELS = {"model": "Model", "n": "Periods", "df_resid": "Residual df", "deviance": "Deviance",
                      "pearson_chi2": "Pearson chi-squared", "dispersion": "Pearson dispersion", "aic": "AIC",
                      "alpha": "NB alpha"}


def diagnostics_table(fit: TrendFit) -> pd.DataFrame:
    """Both models' fit statistics (columns of ``DIAGNOSTICS_UNITS``), the model used marked
    "(used)", alpha ``z`` for the Poisson model (it has none)."""
    frame = diagnostics(fit)
    frame["model"] = frame["model"] + frame["used"].map({True: " (used)", False: ""})
    frame["alpha"] = frame["alpha"].astype(object).where(frame["alpha"].notna(), NOT_APPLICABLE)
    return frame[["model", *DIAGNOSTICS_UNITS]].reset_index(drop=True)
