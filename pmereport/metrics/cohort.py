"""Who is open when: cohort snapshots of CME/PME case episodes."""
from __future__ import annotations

import pandas as pd


def open_on(cases: pd.DataFrame, on) -> pd.DataFrame:
    """Case episodes open at the end of day ``on``: referred on or before it, and not closed by it.

    A case closed on ``on`` itself is not open at the end of that day (so a case referred and
    closed on the same day is never in a snapshot).
    """
    on = pd.Timestamp(on)
    referred = cases["referral_date"] <= on
    not_closed = cases["closure_date"].isna() | (cases["closure_date"] > on)
    return cases[referred & not_closed]
