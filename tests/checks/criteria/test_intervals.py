"""90% intervals for small samples of bounded scores, and when a change is only noise."""

from __future__ import annotations

import random

import pytest

from checks.criteria.intervals import (
    MIN_CONTACTS,
    TOO_FEW,
    change_verdict,
    describe_change,
    half_width_at,
    interval,
    sample_size_for,
    t_quantile,
)


def _beta_scores(rng: random.Random, mean: float, spread: float, n: int) -> list[float]:
    """n contact scores on 0-100 from a beta distribution with the given mean and sd."""
    m = mean / 100
    v = (spread / 100) ** 2
    k = m * (1 - m) / v - 1
    return [100 * rng.betavariate(m * k, (1 - m) * k) for _ in range(n)]


@pytest.mark.parametrize(
    ("true_mean", "spread", "n"),
    [(50.0, 20.0, 5), (75.0, 15.0, 5), (85.0, 12.0, 8), (40.0, 25.0, 12), (60.0, 18.0, 3)],
)
def test_intervals_cover_the_true_mean_about_90_percent_of_the_time(
    true_mean: float, spread: float, n: int
) -> None:
    rng = random.Random(f"{true_mean}-{spread}-{n}")
    draws = 3000
    covered = 0
    for _ in range(draws):
        iv = interval(_beta_scores(rng, true_mean, spread, n))
        assert iv is not None
        assert 0.0 <= iv.low <= iv.mean <= iv.high <= 100.0
        covered += iv.low <= true_mean <= iv.high
    assert 0.86 <= covered / draws <= 0.96


def test_weighted_intervals_cover_a_stratified_population_mean() -> None:
    # Two strata (upset customers score lower); 2 of 5 drawn from the small upset stratum.
    rng = random.Random(7)
    upset = _beta_scores(rng, 45.0, 20.0, 6)
    calm = _beta_scores(rng, 75.0, 15.0, 24)
    truth = (sum(upset) + sum(calm)) / 30
    draws, covered = 3000, 0
    for _ in range(draws):
        u, c = rng.sample(upset, 2), rng.sample(calm, 3)
        iv = interval([*u, *c], [3.0, 3.0, 8.0, 8.0, 8.0])
        assert iv is not None
        covered += iv.low <= truth <= iv.high
    assert 0.85 <= covered / draws <= 0.99


def test_too_few_contacts_give_no_interval_and_missing_values_do_not_count() -> None:
    assert interval([]) is None
    assert interval([80.0, 90.0]) is None
    assert interval([80.0, None, 90.0, None]) is None
    iv = interval([80.0, None, 90.0, 70.0])
    assert iv is not None
    assert iv.n == MIN_CONTACTS
    assert iv.mean == pytest.approx(80.0)


def test_identical_scores_do_not_claim_certainty() -> None:
    iv = interval([100.0] * 5)
    assert iv is not None
    assert iv.high == 100.0
    assert iv.low < 95.0


def test_more_contacts_narrow_the_interval() -> None:
    rng = random.Random(3)
    values = _beta_scores(rng, 60.0, 20.0, 40)
    small, large = interval(values[:5]), interval(values)
    assert small is not None
    assert large is not None
    assert large.high - large.low < small.high - small.low


def test_bad_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="weights"):
        interval([1.0, 2.0, 3.0], [1.0])
    with pytest.raises(ValueError, match="positive"):
        interval([1.0, 2.0, 3.0], [1.0, 0.0, 1.0])


def test_t_quantiles_match_known_values_and_decrease() -> None:
    assert t_quantile(4) == pytest.approx(2.132, abs=1e-3)
    assert t_quantile(60) == pytest.approx(1.671, abs=1e-3)
    assert t_quantile(10_000) == pytest.approx(1.645, abs=1e-3)
    values = [t_quantile(df) for df in range(1, 200)]
    assert values == sorted(values, reverse=True)


def test_a_change_inside_the_noise_is_called_so() -> None:
    before = interval([40.0, 50.0, 30.0, 70.0, 30.0])
    small = interval([44.0, 52.0, 38.0, 70.0, 40.0])
    big = interval([80.0, 85.0, 90.0, 82.0, 88.0])
    assert change_verdict(small, before) == "within_noise"
    assert describe_change(small, before).endswith("within noise")
    assert change_verdict(big, before) == "up"
    assert describe_change(big, before) == "up 41 points: more than the noise"
    assert change_verdict(before, big) == "down"
    assert change_verdict(None, before) == "too_few"
    assert describe_change(None, before) == f"change: {TOO_FEW}"
    assert describe_change(small, None, had_previous=False) == "first week on file"


def test_sample_size_reaches_the_asked_width() -> None:
    for spread in (10.0, 20.0, 30.0):
        for half in (5.0, 10.0):
            n = sample_size_for(spread, half)
            assert half_width_at(spread, n) <= half
            assert n == MIN_CONTACTS or half_width_at(spread, n - 1) > half
    assert sample_size_for(20.0, 5.0) > sample_size_for(20.0, 10.0)
