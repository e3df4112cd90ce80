"""Agreement figures against scikit-learn's independent implementation of Cohen's kappa."""

from __future__ import annotations

import random

import pytest
from sklearn.metrics import cohen_kappa_score

from checks.calibration.agreement import (
    agreement,
    bootstrap,
    cohen_kappa,
    mean_bias,
    paired,
    raw_agreement,
)


def readers(seed: int, n: int, scale: tuple[int, ...], noise: float) -> tuple[list[int], list[int]]:
    rng = random.Random(seed)
    first = [rng.choice(scale) for _ in range(n)]
    second = [v if rng.random() > noise else rng.choice(scale) for v in first]
    return first, second


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("scale", "weighting"), [((0, 1, 2), "quadratic"), ((0, 1), "none")])
def test_kappa_equals_scikit_learn(seed: int, scale: tuple[int, ...], weighting: str) -> None:
    first, second = readers(seed, 30 + seed * 7, scale, noise=0.2 + seed * 0.1)
    ours = cohen_kappa(list(zip(first, second, strict=True)), scale, weighting)  # type: ignore[arg-type]
    oracle = cohen_kappa_score(
        first, second, labels=list(scale), weights=None if weighting == "none" else weighting
    )
    assert ours == pytest.approx(oracle, abs=1e-12)


def test_quadratic_kappa_uses_the_whole_scale_even_when_a_level_is_unused() -> None:
    first, second = [0, 2, 2, 0, 2], [0, 2, 0, 0, 2]
    ours = cohen_kappa(list(zip(first, second, strict=True)), (0, 1, 2), "quadratic")
    assert ours == pytest.approx(
        cohen_kappa_score(first, second, labels=[0, 1, 2], weights="quadratic")
    )


def test_kappa_is_undefined_when_chance_explains_everything() -> None:
    assert cohen_kappa([(1, 1), (1, 1)], (0, 1)) is None
    assert cohen_kappa([], (0, 1)) is None


def test_items_with_na_on_either_side_are_left_out() -> None:
    pairs = paired([2, None, 1, 0], [2, 1, None, 1])
    assert pairs == [(2, 2), (0, 1)]
    assert raw_agreement(pairs) == 0.5
    assert mean_bias(pairs) == -0.5


def test_value_outside_the_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="outside the scale"):
        cohen_kappa([(0, 3)], (0, 1, 2))


def test_bootstrap_interval_is_reproducible_and_brackets_the_estimate() -> None:
    first, second = readers(11, 40, (0, 1, 2), noise=0.4)
    result = agreement(first, second, (0, 1, 2), "quadratic", samples=400, seed=3)
    again = agreement(first, second, (0, 1, 2), "quadratic", samples=400, seed=3)
    assert result == again
    assert result.n == 40
    assert result.kappa is not None
    assert result.kappa_ci is not None
    assert result.kappa_ci.low < result.kappa < result.kappa_ci.high
    assert result.agreement_ci is not None
    assert result.agreement is not None
    assert 0 <= result.agreement_ci.low <= result.agreement <= result.agreement_ci.high <= 1


def test_bootstrap_gives_no_interval_for_one_item() -> None:
    assert bootstrap([(1, 1)], raw_agreement) is None
