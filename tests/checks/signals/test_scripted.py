# ruff: noqa: E501
"""Scripted lines: the same sentence in most of one agent's contacts."""

from __future__ import annotations

from checks.rubric.rubric import Rubric
from tests.checks.factories import contact, found, score


def test_scripted_line_across_contacts(rubric: Rubric) -> None:
    line = "I completely understand how stressful this must be for you."
    contacts = [
        contact(("c", f"Problem number {i} with my bill."), ("a", f"{line} Let me look at item {i}."), cid=f"c-{i}")
        for i in range(4)
    ]  # fmt: skip
    batch = score(rubric, *contacts)
    assert found(batch, "scripted_line") == [line] * 4


def test_scripted_line_needs_most_contacts(rubric: Rubric) -> None:
    line = "I completely understand how stressful this must be for you."
    contacts = [
        contact(("c", "My bill is wrong."), ("a", line if i < 2 else "Let me check."), cid=f"c-{i}")
        for i in range(6)
    ]
    assert found(score(rubric, *contacts), "scripted_line") == []


def test_scripted_line_is_per_agent(rubric: Rubric) -> None:
    line = "I completely understand how stressful this must be for you."
    contacts = [
        contact(("c", "My bill is wrong."), ("a", line), cid=f"c-{i}", agent=f"a-{i}")
        for i in range(4)
    ]
    assert found(score(rubric, *contacts), "scripted_line") == []
