"""EPITOME side check: pairs as turns, every task reported (skips without ../shared/eval)."""

from __future__ import annotations

import polars as pl
import pytest

from checks.rubric.rubric import load_rubric
from flows.evaluate.data import DEFAULT_EPITOME
from flows.evaluate.epitome import TASKS, evaluate, pairs_as_turns

needs_epitome = pytest.mark.skipif(not DEFAULT_EPITOME.is_dir(), reason="no shared/eval data")


def test_pairs_become_customer_then_agent_turns() -> None:
    pairs = pl.DataFrame(
        {"seeker_post": ["help me", "hi"], "response_post": ["what happened?", None]}
    )
    turns = pairs_as_turns(pairs)
    assert turns.height == 4
    first = turns.filter(pl.col("contact_id") == "e0").sort("turn")
    assert first["speaker"].to_list() == ["customer", "agent"]
    assert first["text"].to_list() == ["help me", "what happened?"]


@needs_epitome
def test_epitome_side_check_reports_every_task() -> None:
    results = evaluate(DEFAULT_EPITOME, load_rubric())
    assert set(results) == set(TASKS)
    for m in results.values():
        assert m.n > 1000
        assert 0.0 <= m.macro_f1 <= 1.0
        assert m.predicted > 0
