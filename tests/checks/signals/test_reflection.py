"""Reflection: the agent plays back the customer's earlier words, not later ones."""

from __future__ import annotations

from checks.rubric.rubric import Rubric
from tests.checks.factories import contact, found, score


def test_broken_record_needs_no_reflection_in_turn(rubric: Rubric) -> None:
    c = contact(
        ("c", "My refund for the broken kettle never came back to my card."),
        ("a", "I understand, so the kettle refund never reached your card."),
    )
    assert found(score(rubric, c), "empty_understand") == []


def test_reflection_uses_earlier_customer_words(rubric: Rubric) -> None:
    c = contact(
        ("c", "The router keeps dropping the wifi connection every evening."),
        ("a", "Right, the router drops your wifi connection in the evenings."),
    )
    batch = score(rubric, c)
    assert len(found(batch, "reflects_problem", turn=1)) == 1


def test_reflection_ignores_later_customer_words(rubric: Rubric) -> None:
    c = contact(
        ("a", "Right, the router drops your wifi connection in the evenings."),
        ("c", "The router keeps dropping the wifi connection every evening."),
    )
    assert found(score(rubric, c), "reflects_problem") == []
