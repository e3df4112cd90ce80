"""Agreement measures: confusion counts, binary metrics, Spearman's rho, checked by hand."""

from __future__ import annotations

import math
import random

import polars as pl
import pytest

from flows.evaluate.agreement import Confusion, binary_metrics, spearman


def test_binary_metrics() -> None:
    m = binary_metrics([True, True, False, False], [True, False, False, False])
    assert m.accuracy == 0.75
    assert m.labelled == 2
    assert m.predicted == 1
    assert m.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)


def test_all_wrong_and_all_right() -> None:
    assert binary_metrics([True, False], [False, True]).macro_f1 == 0.0
    assert binary_metrics([True, False], [True, False]).macro_f1 == 1.0


def test_confusion_measures_by_hand() -> None:
    # tp 2, fp 1, fn 1, tn 4
    truth = [True, True, True, False, False, False, False, False]
    pred = [True, True, False, True, False, False, False, False]
    c = Confusion.of(truth, pred)
    assert (c.tp, c.fp, c.fn, c.tn) == (2, 1, 1, 4)
    assert (c.n, c.positives, c.predicted) == (8, 3, 3)
    assert c.precision == pytest.approx(2 / 3)
    assert c.recall == pytest.approx(2 / 3)
    assert c.f1 == pytest.approx(4 / 6)
    assert c.macro_f1 == pytest.approx((4 / 6 + 8 / 10) / 2)
    # observed 6/8; chance 3/8 * 3/8 + 5/8 * 5/8 = 34/64
    assert c.kappa == pytest.approx((6 / 8 - 34 / 64) / (1 - 34 / 64))


def test_confusion_edge_cases() -> None:
    nothing = Confusion.of([False, False], [False, False])
    assert (nothing.precision, nothing.recall, nothing.f1, nothing.macro_f1) == (0, 0, 0, 0.5)
    assert nothing.kappa == 1.0  # chance agreement is total
    assert Confusion.of([], []).kappa is None


def test_spearman_by_hand() -> None:
    # ranks of y with ties averaged: [0, 1, 2.5, 4, 2.5]; covariance 8; spreads √10 and √9.5
    assert spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(8 / math.sqrt(95))
    assert spearman([1, 2, 3, 4], [1, 2, 3, 4]) is None  # under 5 pairs
    assert spearman([1, 1, 1, 1, 1], [1, 2, 3, 4, 5]) is None  # no spread


def test_spearman_agrees_with_polars() -> None:
    rng = random.Random(3)
    for _ in range(20):
        n = rng.randint(5, 60)
        x = [float(rng.randint(0, 100)) for _ in range(n)]
        y = [float(rng.randint(0, 2)) for _ in range(n)]
        theirs = pl.DataFrame({"x": x, "y": y}).select(pl.corr("x", "y", method="spearman"))
        expected = theirs.item()
        ours = spearman(x, y)
        if expected is None or math.isnan(expected):
            assert ours is None
        else:
            assert ours == pytest.approx(expected)
