"""The cheap pre-screen for upset customers that stratified sampling uses."""

from __future__ import annotations

import polars as pl

from checks.rubric.rubric import load_rubric
from checks.signals.distress_screen import distressed_contacts


def _turns(rows: list[tuple[str, int, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["contact_id", "turn", "speaker", "text"], orient="row")


def test_finds_upset_customers_with_the_rubrics_own_phrases() -> None:
    turns = _turns(
        [
            ("upset", 0, "customer", "This is ridiculous, my card was blocked again"),
            ("upset", 1, "agent", "Let me look."),
            ("calm", 0, "customer", "Hi, can I change my delivery address?"),
            ("agent-only", 0, "customer", "Hello"),
            ("agent-only", 1, "agent", "I know how frustrating that is"),
            ("negated", 0, "customer", "I'm not frustrated, just asking"),
            ("worried", 0, "customer", "hello"),
            ("worried", 2, "customer", "i'm really worried about the payment"),
        ]
    )
    assert distressed_contacts(turns, load_rubric()).to_list() == ["upset", "worried"]


def test_nothing_to_screen() -> None:
    empty = _turns([])
    assert distressed_contacts(empty, load_rubric()).is_empty()
