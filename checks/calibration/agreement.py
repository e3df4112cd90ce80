"""Agreement between two readers of the same items: raw agreement, Cohen's kappa (quadratic-
weighted on an ordered scale), mean bias, and bootstrap 95 % intervals. Pure: no I/O."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

Value = int | bool
Weighting = Literal["none", "quadratic"]

BOOTSTRAP_SAMPLES: Final = 1000
# Fewer resamples with a defined statistic than this share, and the interval is not given:
# an interval over a handful of resamples would look more certain than it is.
MIN_DEFINED_SHARE: Final = 0.5


@dataclass(frozen=True, slots=True)
class Interval:
    """A 95 % bootstrap percentile interval."""

    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Agreement:
    """Two readers over the items both gave a value: how often they agree, how far beyond
    chance (kappa), and which way the first leans (bias = mean of first minus second)."""

    n: int
    agreement: float | None
    kappa: float | None
    bias: float | None
    agreement_ci: Interval | None
    kappa_ci: Interval | None
    bias_ci: Interval | None


def paired(
    first: Sequence[Value | None], second: Sequence[Value | None]
) -> list[tuple[Value, Value]]:
    """The items both readers gave a value (N/A on either side leaves the item out)."""
    if len(first) != len(second):
        raise ValueError(f"readings differ in length: {len(first)} and {len(second)}")
    return [(a, b) for a, b in zip(first, second, strict=True) if a is not None and b is not None]


def raw_agreement(pairs: Sequence[tuple[Value, Value]]) -> float | None:
    """Share of items where both readers gave the same value (None without items)."""
    if not pairs:
        return None
    return sum(int(a) == int(b) for a, b in pairs) / len(pairs)


def mean_bias(pairs: Sequence[tuple[Value, Value]]) -> float | None:
    """Mean of first minus second (on a yes/no item: the difference in how often each says
    yes); None without items."""
    if not pairs:
        return None
    return sum(int(a) - int(b) for a, b in pairs) / len(pairs)


def cohen_kappa(
    pairs: Sequence[tuple[Value, Value]],
    scale: Sequence[Value],
    weighting: Weighting = "none",
) -> float | None:
    """Cohen's kappa over a fixed scale of categories, in order (quadratic weights use the
    categories' positions on it); None when chance agreement is total or there are no items."""
    index = {int(v): i for i, v in enumerate(scale)}
    k = len(scale)
    observed = [[0] * k for _ in range(k)]
    for a, b in pairs:
        try:
            observed[index[int(a)]][index[int(b)]] += 1
        except KeyError:
            raise ValueError(f"value outside the scale {list(scale)}: {a!r} or {b!r}") from None
    n = len(pairs)
    if not n:
        return None
    rows = [sum(observed[i]) for i in range(k)]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]

    def weight(i: int, j: int) -> float:
        if weighting == "quadratic":
            return float((i - j) ** 2)
        return 0.0 if i == j else 1.0

    disagreement = sum(weight(i, j) * observed[i][j] for i in range(k) for j in range(k))
    expected = sum(weight(i, j) * rows[i] * cols[j] / n for i in range(k) for j in range(k))
    if expected == 0:
        return None
    return 1.0 - disagreement / expected


def bootstrap(
    pairs: Sequence[tuple[Value, Value]],
    statistic: Callable[[Sequence[tuple[Value, Value]]], float | None],
    *,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = 0,
) -> Interval | None:
    """95 % percentile interval of a statistic over items resampled with replacement (None
    with fewer than two items, or when the statistic is undefined in too many resamples)."""
    n = len(pairs)
    if n < 2:
        return None
    rng = random.Random(seed)
    values: list[float] = []
    for _ in range(samples):
        value = statistic([pairs[rng.randrange(n)] for _ in range(n)])
        if value is not None:
            values.append(value)
    if len(values) < samples * MIN_DEFINED_SHARE:
        return None
    values.sort()
    return Interval(_percentile(values, 0.025), _percentile(values, 0.975))


def _percentile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def agreement(
    first: Sequence[Value | None],
    second: Sequence[Value | None],
    scale: Sequence[Value],
    weighting: Weighting = "none",
    *,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = 0,
) -> Agreement:
    """Every agreement figure of two readers over the same items, with intervals."""
    pairs = paired(first, second)

    def kappa(p: Sequence[tuple[Value, Value]]) -> float | None:
        return cohen_kappa(p, scale, weighting)

    return Agreement(
        n=len(pairs),
        agreement=raw_agreement(pairs),
        kappa=kappa(pairs),
        bias=mean_bias(pairs),
        agreement_ci=bootstrap(pairs, raw_agreement, samples=samples, seed=seed),
        kappa_ci=bootstrap(pairs, kappa, samples=samples, seed=seed),
        bias_ci=bootstrap(pairs, mean_bias, samples=samples, seed=seed),
    )
