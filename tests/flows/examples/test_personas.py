"""The personas: styles, teams and expectations, cycling for more agents."""

from __future__ import annotations

from collections import Counter

from checks.transcripts.transcript import CRITERIA, SIGNALS, Contact
from flows.examples.generate import PERSONAS
from flows.examples.personas import EXPECT_KEYS, STYLES, personas_for


def test_personas_and_teams(week: list[Contact]) -> None:
    assert len(PERSONAS) == 8
    assert {p.style for p in PERSONAS} == set(STYLES)
    assert len({p.team for p in PERSONAS}) == 2
    assert len({p.agent_id for p in PERSONAS}) == len({p.name for p in PERSONAS}) == 8
    by_id = {p.agent_id: p for p in PERSONAS}
    for c in week:
        p = by_id[c.agent_id or ""]
        assert (c.agent_name, c.team) == (p.name, p.team)
    known = set(CRITERIA) | set(SIGNALS) | {"overall"}
    for p in PERSONAS:
        assert p.description
        assert set(p.expect) <= set(EXPECT_KEYS)
        assert all(name in known for names in p.expect.values() for name in names)


def test_persona_expectations_are_consistent() -> None:
    for key in ("highest", "lowest"):
        named = Counter(n for p in PERSONAS for n in p.expect.get(key, ()))
        assert all(v == 1 for v in named.values()), key
    for p in PERSONAS:
        assert not set(p.expect.get("flags", ())) & set(p.expect.get("rare", ()))
        assert not set(p.expect.get("high", ())) & set(p.expect.get("low", ()))


def test_personas_for_more_agents_keeps_styles_cycling() -> None:
    many = personas_for(20)
    assert [p.agent_id for p in many[:3]] == ["a-001", "a-002", "a-003"]
    assert len({p.name for p in many}) == 20
    assert [p.style for p in many[8:16]] == [p.style for p in PERSONAS]
