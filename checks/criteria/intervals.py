"""How sure a week's score is: 90% intervals from a few sampled contacts, and whether a change
from last week stands out from the noise.

The method is a Student t interval around the (weighted) mean, clipped to 0-100. Five contacts
that happen to score alike would give a t interval of zero width, which no one should believe,
so the spread is shrunk toward a typical within-agent spread (``PRIOR_SD``) with the weight of
one contact; with more contacts the data soon dominate. A percentile bootstrap was rejected:
with five values it resamples too few distinct means, and in simulation its 90% intervals held
the true mean only ~79% of the time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

LEVEL: Final = 0.90
MIN_CONTACTS: Final = 3  # below this a criterion or a week says TOO_FEW instead of a number
TOO_FEW: Final = "too few contacts to tell"
# Spread of one agent's contact scores around their week mean in a typical week (points), used
# as one pseudo-contact's worth of spread so identical scores do not claim certainty.
PRIOR_SD: Final = 15.0
_Z95: Final = 1.6448536269514722
# One-sided 95% quantiles of Student's t (a two-sided 90% interval), degrees of freedom 1-30.
_T95: Final = (
    6.3138, 2.9200, 2.3534, 2.1318, 2.0150, 1.9432, 1.8946, 1.8595, 1.8331, 1.8125,
    1.7959, 1.7823, 1.7709, 1.7613, 1.7531, 1.7459, 1.7396, 1.7341, 1.7291, 1.7247,
    1.7207, 1.7171, 1.7139, 1.7109, 1.7081, 1.7056, 1.7033, 1.7011, 1.6991, 1.6973,
)  # fmt: skip

ChangeVerdict = Literal["too_few", "within_noise", "up", "down"]


@dataclass(frozen=True, slots=True)
class Interval:
    """A week mean with its 90% interval (clipped to 0-100), standard error and contacts."""

    mean: float
    low: float
    high: float
    se: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the interval's width before clipping (the ± a reader sees)."""
        return t_quantile(self.n - 1) * self.se

    def label(self) -> str:
        """The interval as a reader sees it, e.g. ``61–83``."""
        return f"{self.low:.0f}–{self.high:.0f}"


def t_quantile(df: int) -> float:
    """The t value of a two-sided 90% interval with ``df`` degrees of freedom."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, not {df}")
    if df <= len(_T95):
        return _T95[df - 1]
    # Cornish-Fisher expansion around the normal quantile: within 1e-4 beyond 30 df.
    z = _Z95
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def interval(
    values: Sequence[float | None], weights: Sequence[float] | None = None
) -> Interval | None:
    """The 90% interval of the (weighted) mean of ``values``; None with fewer than
    MIN_CONTACTS values (missing values, N/A criteria, are left out with their weights)."""
    ws = [1.0] * len(values) if weights is None else [float(w) for w in weights]
    if len(ws) != len(values):
        raise ValueError(f"{len(values)} values but {len(ws)} weights")
    pairs = [(float(v), w) for v, w in zip(values, ws, strict=True) if v is not None]
    n = len(pairs)
    if n < MIN_CONTACTS:
        return None
    if any(not (w > 0 and math.isfinite(w)) for _, w in pairs):
        raise ValueError("every weight must be a positive finite number")
    total = sum(w for _, w in pairs)
    mean = sum(v * w for v, w in pairs) / total
    # Variance of a weighted (ratio) mean; with equal weights it is s² / n.
    var_mean = n / (n - 1) * sum((w / total) ** 2 * (v - mean) ** 2 for v, w in pairs)
    s2 = var_mean * n  # the per-contact spread this implies
    s2 = (PRIOR_SD**2 + (n - 1) * s2) / n  # one pseudo-contact of typical spread
    se = math.sqrt(s2 / n)
    half = t_quantile(n - 1) * se
    return Interval(mean, max(0.0, mean - half), min(100.0, mean + half), se, n)


def change_verdict(now: Interval | None, before: Interval | None) -> ChangeVerdict:
    """Whether the change from ``before`` to ``now`` stands out from the sampling noise: the
    90% interval of the difference (Welch, the smaller week's degrees of freedom) excludes 0."""
    if now is None or before is None:
        return "too_few"
    diff = now.mean - before.mean
    se = math.hypot(now.se, before.se)
    if abs(diff) <= t_quantile(min(now.n, before.n) - 1) * se:
        return "within_noise"
    return "up" if diff > 0 else "down"


def describe_change(
    now: Interval | None, before: Interval | None, *, had_previous: bool = True
) -> str:
    """The words for a week-over-week change, e.g. ``up 4 points: within noise``; the cards,
    the team summary and any message quoting a change should all use this wording."""
    if not had_previous:
        return "first week on file"
    if now is None or before is None:
        return f"change: {TOO_FEW}"
    points = round(now.mean - before.mean)
    if change_verdict(now, before) == "within_noise":
        return "no change" if points == 0 else f"{_moved(points)}: within noise"
    return f"{_moved(points)}: more than the noise"


def _moved(points: int) -> str:
    return f"{'up' if points > 0 else 'down'} {abs(points)} point{'s' if abs(points) != 1 else ''}"


def sample_size_for(spread: float, half_width: float, *, largest: int = 10_000) -> int:
    """The fewest contacts whose 90% interval is at most ±``half_width`` for a per-contact
    spread (standard deviation) of ``spread`` points."""
    if half_width <= 0:
        raise ValueError(f"the half-width must be positive, not {half_width}")
    n = MIN_CONTACTS
    while n < largest:
        s2 = (PRIOR_SD**2 + (n - 1) * spread**2) / n
        if t_quantile(n - 1) * math.sqrt(s2 / n) <= half_width:
            return n
        n += 1
    return largest


def half_width_at(spread: float, n: int) -> float:
    """The ± of a 90% interval with ``n`` contacts of per-contact spread ``spread``."""
    if n < MIN_CONTACTS:
        return math.inf
    s2 = (PRIOR_SD**2 + (n - 1) * spread**2) / n
    return t_quantile(n - 1) * math.sqrt(s2 / n)
