"""What agents and customers say: each style shows its habit, no two contacts read alike."""

from __future__ import annotations

from collections import Counter

import pytest

from checks.transcripts.transcript import Contact
from flows.examples.generate import PERSONAS
from flows.examples.phrases import PHRASES
from tests.flows.examples.fixtures import agent_text


def test_no_two_contacts_read_alike(week: list[Contact]) -> None:
    agent_texts = [agent_text(c) for c in week]
    customer_texts = ["\n".join(t.text for t in c.turns if t.speaker == "customer") for c in week]
    assert len(set(agent_texts)) == len(week)
    assert len(set(customer_texts)) == len(week)
    hellos = set(PHRASES.customer_hello)
    openings = Counter(
        next(t.text for t in c.turns if t.speaker == "customer" and t.text not in hellos)
        for c in week
    )
    assert openings.most_common(1)[0][1] <= 3


@pytest.mark.parametrize(
    ("style", "needles", "at_least"),
    [
        ("scripted", (PHRASES.script_line,), 0.6),
        ("broken_record", ("I understand", "I hear you"), 0.9),
        ("overload", ("sorry", "apologise"), 0.9),
        ("dismissive", ("policy", "Calm down", "nothing I can do", "Have you", "terms"), 0.5),
    ],
)
def test_each_style_shows_its_habit(
    week: list[Contact], style: str, needles: tuple[str, ...], at_least: float
) -> None:
    agent = next(p for p in PERSONAS if p.style == style).agent_id
    mine = [c for c in week if c.agent_id == agent]
    share = sum(any(n in agent_text(c) for n in needles) for c in mine) / len(mine)
    assert share >= at_least
    if style == "scripted":
        others = {c.agent_id for c in week if PHRASES.script_line in agent_text(c)}
        assert others == {agent}
