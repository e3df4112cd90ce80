"""The evaluation against human labels meets its targets (skipped without the data)."""

from __future__ import annotations

import polars as pl
import pytest

from checks.rubric import load_rubric
from flows.evaluate import DEFAULT_DIR, TARGETS, binary_metrics, evaluate, main, pairs_as_turns


def test_binary_metrics() -> None:
    m = binary_metrics([True, True, False, False], [True, False, False, False])
    assert m.accuracy == 0.75
    assert m.labelled == 2 and m.predicted == 1
    assert m.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)


def test_all_wrong_and_all_right() -> None:
    assert binary_metrics([True, False], [False, True]).macro_f1 == 0.0
    assert binary_metrics([True, False], [True, False]).macro_f1 == 1.0


def test_pairs_become_customer_then_agent_turns() -> None:
    pairs = pl.DataFrame(
        {"seeker_post": ["help me", "hi"], "response_post": ["what happened?", None]}
    )
    turns = pairs_as_turns(pairs)
    assert turns.height == 4
    first = turns.filter(pl.col("contact_id") == "e0").sort("turn")
    assert first["speaker"].to_list() == ["customer", "agent"]
    assert first["text"].to_list() == ["help me", "what happened?"]


needs_data = pytest.mark.skipif(not DEFAULT_DIR.is_dir(), reason="no shared/eval data here")


@needs_data
def test_targets_are_met() -> None:
    results = evaluate(DEFAULT_DIR, load_rubric())
    for signal, target in TARGETS.items():
        assert results[signal].macro_f1 >= target, (signal, results[signal])
        assert results[signal].n > 1000


def test_main_reports_missing_folder(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path) + "/nope"]) == 2
    assert "no evaluation data" in capsys.readouterr().err
