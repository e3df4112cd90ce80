"""Rapport's 0-100 scores on the graders' 0-2 scale."""

from __future__ import annotations

from flows.calibrate.scale import level_of


def test_levels_from_scores() -> None:
    assert [level_of(s) for s in (None, 0.0, 39.9, 40.0, 69.9, 70.0, 100.0)] == [
        None, 0, 0, 1, 1, 2, 2,
    ]  # fmt: skip
