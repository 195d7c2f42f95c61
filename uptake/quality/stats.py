"""The little statistics the inspections and the rules need, written from their definitions."""

from __future__ import annotations

import math
from statistics import median

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% by default), as fractions in [0, 1].

    Wilson (1927): the set of p for which |p̂ − p| ≤ z·√(p(1 − p)/n), solved for p:
    centre (p̂ + z²/2n) / (1 + z²/n), half-width z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²).
    Unlike p̂ ± z·√(p̂(1 − p̂)/n) it stays inside [0, 1] and is honest for small samples and
    for 0 or n successes (8 of 10 → 0.490–0.943; 0 of 10 → 0–0.278).
    """
    if n <= 0:
        raise ValueError("the sample must have at least one member")
    if not 0 <= successes <= n:
        raise ValueError("successes must lie between 0 and n")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def modified_z(value: float, reference: list[float], floor: float) -> float | None:
    """Iglewicz and Hoaglin's modified z-score of ``value`` against ``reference``.

    M = 0.6745 · (x − median) / MAD, MAD the median absolute deviation from the median.
    The MAD is floored at ``floor`` (the smallest spread that means something for the data:
    daily increases move in whole people, and a unit whose every increase was identical has
    MAD 0). None when the reference is too short to say anything (fewer than 3 values).
    """
    if len(reference) < 3:
        return None
    centre = median(reference)
    mad = median(abs(x - centre) for x in reference)
    return 0.6745 * (value - centre) / max(mad, floor)
