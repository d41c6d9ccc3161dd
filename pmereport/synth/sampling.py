"""Small random-sampling helpers shared by the generator's modules (numpy Generator only)."""
from __future__ import annotations

from typing import Mapping

import numpy as np


def choose(rng: np.random.Generator, shares: Mapping[str, float], size: int) -> np.ndarray:
    """``size`` codes drawn with the given shares (normalised); keys in the mapping's order."""
    keys = list(shares)
    p = np.array([shares[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=size, p=p / p.sum())]


def weighted_without_replacement(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` items drawn without replacement with chance proportional to ``weights``
    (Efraimidis-Spirakis keys). Fewer than ``k`` come back if fewer have a positive weight."""
    positive = np.flatnonzero(weights > 0)
    k = min(k, len(positive))
    if k == 0:
        return np.array([], dtype=np.int64)
    keys = np.log(rng.random(len(positive))) / weights[positive]
    top = np.argpartition(-keys, k - 1)[:k]
    return positive[top[np.argsort(-keys[top], kind="stable")]]


def uniform_days(rng: np.random.Generator, low: int, high: int, size: int) -> np.ndarray:
    """Whole numbers of days, uniform on [low, high]."""
    return rng.integers(low, high + 1, size=size)
