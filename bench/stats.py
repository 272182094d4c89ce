"""Small statistics: Wilson intervals, percentiles with distribution-free intervals, bootstrap."""

from __future__ import annotations

import math
from typing import Callable, Sequence, Tuple

import numpy as np

Z95 = 1.959963984540054
SEED = 20240601


def wilson(k: int, n: int, z: float = Z95) -> Tuple[float, float] | None:
    """Wilson score interval of the proportion k/n (None when n is 0)."""
    if n <= 0:
        return None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100, linear interpolation)."""
    return float(np.percentile(np.asarray(values, dtype=float), q))


def percentile_interval(values: Sequence[float], q: float, z: float = Z95) -> Tuple[float, float] | None:
    """Distribution-free ~95% interval of the q-th percentile from order statistics (normal approx.)."""
    n = len(values)
    if n < 2:
        return None
    ordered = sorted(values)
    p = q / 100.0
    spread = z * math.sqrt(n * p * (1 - p))
    lo = max(1, math.floor(n * p - spread))
    hi = min(n, math.ceil(n * p + spread) + 1)
    return float(ordered[lo - 1]), float(ordered[hi - 1])


def bootstrap_interval(
    stat: Callable[..., float], sizes: Sequence[int], rounds: int = 1000, seed: int = SEED
) -> Tuple[float, float] | None:
    """Percentile bootstrap 95% interval of ``stat``, called with one resampled index array per sample size."""
    if min(sizes, default=0) < 2:
        return None
    rng = np.random.default_rng(seed)
    draws = [stat(*(rng.integers(0, n, size=n) for n in sizes)) for _ in range(rounds)]
    return float(np.percentile(draws, 2.5)), float(np.percentile(draws, 97.5))


def macro_f1(truth: np.ndarray, pred: np.ndarray, labels: np.ndarray) -> float:
    """Unweighted mean of per-label F1 over ``labels`` (integer codes); 0 for a label with no tp."""
    scores = []
    for label in labels:
        tp = float(np.sum((truth == label) & (pred == label)))
        fp = float(np.sum((truth != label) & (pred == label)))
        fn = float(np.sum((truth == label) & (pred != label)))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores)) if scores else 0.0
