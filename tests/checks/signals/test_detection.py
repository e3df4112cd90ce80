"""Detection in context: agent negativity rising with the customer's counts as agent distress."""

from __future__ import annotations

from checks.rubric.rubric import Rubric
from tests.checks.factories import contact, found, score


def test_agent_negativity_rising_with_customer_counts_as_agent_distress(rubric: Rubric) -> None:
    c = contact(
        ("c", "This is horrible, I am furious, everything is ruined."),
        ("a", "Honestly it is hopeless here, I feel dreadful and miserable today."),
    )
    assert found(score(rubric, c), "agent_distress", turn=1)
