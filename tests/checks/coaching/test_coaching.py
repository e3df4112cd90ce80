"""Coaching a week: tips and strengths per agent, masked quotes, every agent at once."""

from __future__ import annotations

import polars as pl

from checks.coaching.coaching import (
    Coaching,
    coach_agent,
    coach_agents,
    strength_criterion,
    twin_strength,
)
from tests.flows.report.fixtures import (
    RAW_CARD,
    RAW_EMAIL,
    RAW_PHONE,
    A,
    frames,
    strong_agent,
    weak_agent,
)


def coach(agent: A) -> Coaching:
    """Coaching of one fixture agent's week, with one contact dated."""
    f = frames("2026-W47", [agent])
    return coach_agent(
        f["scores"], f["findings"], turns=f["turns"], contact_dates={"c-2001": "Mon 16 Nov"}
    )


def _all_quote_text(c: Coaching) -> str:
    quotes = [q for p in (*c.went_well, *c.focus) for q in (p.quote, p.context) if q]
    return " ".join(q.before + q.match + q.after for q in quotes)


def test_weak_agent_gets_specific_tips_with_counts() -> None:
    c = coach(weak_agent())
    keys = [p.key for p in c.focus]
    assert 1 <= len(c.focus) <= 3
    assert "missed_empathy" in keys
    missed = next(p for p in c.focus if p.key == "missed_empathy")
    assert "2 of 2" in missed.detail
    assert missed.contact_ids == ("c-2001", "c-2002")
    # what the agent said back is the quote; the upset customer stands beside it as context
    assert missed.quote is not None
    assert missed.quote.speaker == "agent"
    assert missed.context is not None
    assert missed.context.speaker == "customer"
    assert missed.quote.turn > missed.context.turn


def test_strong_agent_strengths_and_a_stretch_tip() -> None:
    c = coach(strong_agent())
    assert 1 <= len(c.went_well) <= 3
    assert c.went_well[0].key in {"acknowledges_feeling", "reflects_problem"}
    assert all(p.quote is not None for p in c.went_well)
    assert len(c.focus) == 1
    assert c.focus[0].key.startswith("stretch_")


def test_quotes_are_masked() -> None:
    text = _all_quote_text(coach(weak_agent())) + _all_quote_text(coach(strong_agent()))
    for raw in (RAW_CARD, RAW_EMAIL, RAW_PHONE):
        assert raw not in text
    assert "[card]" in text or "[email]" in text


def test_all_agents_at_once_equals_one_at_a_time() -> None:
    f = frames("2026-W47", [strong_agent(), weak_agent()])
    dates = {"c-2001": "Mon 16 Nov", "c-1001": "Tue 17 Nov"}
    together = coach_agents(f["scores"], f["findings"], turns=f["turns"], contact_dates=dates)
    assert set(together) == set(f["scores"]["agent_id"])
    for aid, coaching in together.items():
        alone = coach_agent(
            f["scores"].filter(pl.col("agent_id") == aid),
            f["findings"].filter(pl.col("agent_id") == aid),
            turns=f["turns"].filter(pl.col("agent_id") == aid),
            contact_dates=dates,
        )
        assert coaching == alone
        own = set(f["scores"].filter(pl.col("agent_id") == aid)["contact_id"])
        for p in (*coaching.went_well, *coaching.focus):
            assert set(p.contact_ids) <= own


def test_no_card_shows_a_tip_beside_its_twin_strength() -> None:
    for agent in (strong_agent(), weak_agent()):
        c = coach(agent)
        twins = {twin_strength(p.key) for p in c.focus}
        assert not twins & {p.key for p in c.went_well}


def test_twins_and_criteria_of_the_table() -> None:
    assert twin_strength("no_ownership") == "takes_ownership"
    assert twin_strength("dismissive") is None
    assert twin_strength("stretch_empathy") is None
    assert strength_criterion("warmth") == "hospitality"
