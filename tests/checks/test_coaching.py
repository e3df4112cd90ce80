"""Coaching picks: strengths and tips from findings, with masked quotes that prove them."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.coaching import Coaching, coach_agent, make_quote
from checks.pii import mask_pii
from tests.flows.report_fixtures import (
    RAW_CARD,
    RAW_EMAIL,
    RAW_PHONE,
    A,
    frames,
    strong_agent,
    weak_agent,
)


def _coach(agent: A) -> Coaching:
    f = frames("2026-W47", [agent])
    return coach_agent(
        f["scores"], f["findings"], turns=f["turns"], contact_dates={"c-2001": "Mon 16 Nov"}
    )


def _all_quote_text(c: Coaching) -> str:
    quotes = [p.quote for p in (*c.went_well, *c.focus) if p.quote]
    quotes += [m.quote for m in (c.best, c.worst) if m and m.quote]
    return " ".join(q.before + q.match + q.after for q in quotes)


def test_weak_agent_gets_specific_tips_with_counts() -> None:
    c = _coach(weak_agent())
    keys = [p.key for p in c.focus]
    assert 1 <= len(c.focus) <= 3
    assert "missed_empathy" in keys
    missed = next(p for p in c.focus if p.key == "missed_empathy")
    assert "2 of 2" in missed.detail
    assert missed.contact_ids == ("c-2001", "c-2002")
    assert missed.quote is not None and missed.quote.speaker == "customer"


def test_broken_record_tip_counts_every_repeat() -> None:
    agent = weak_agent()
    agent.contacts = agent.contacts[:2]
    f = frames("2026-W47", [agent])
    findings = f["findings"].filter(pl.col("signal") == "empty_understand")
    scores = f["scores"].with_columns(opportunity=pl.lit("none"))
    c = coach_agent(scores, findings, turns=f["turns"])
    tip = next(p for p in c.focus if p.key == "empty_understand")
    assert "3 times in 2 contacts" in tip.detail
    assert tip.quote is not None and tip.quote.match.startswith("I understand")


def test_strong_agent_strengths_and_a_stretch_tip() -> None:
    c = _coach(strong_agent())
    assert 1 <= len(c.went_well) <= 3
    assert c.went_well[0].key in {"acknowledges_feeling", "reflects_problem"}
    assert all(p.quote is not None for p in c.went_well)
    assert len(c.focus) == 1 and c.focus[0].key.startswith("stretch_")
    assert c.best is not None and c.best.overall is not None
    assert c.worst is None or c.worst.overall is None or c.worst.overall <= c.best.overall


def test_quotes_are_masked() -> None:
    text = _all_quote_text(_coach(weak_agent())) + _all_quote_text(_coach(strong_agent()))
    for raw in (RAW_CARD, RAW_EMAIL, RAW_PHONE):
        assert raw not in text
    assert "[card]" in text or "[email]" in text


@pytest.mark.parametrize(
    ("turn_text", "start", "end", "matched", "quote"),
    [
        (
            "I hear you. So the refund is late.",
            12,
            33,
            "So the refund is late",
            ("I hear you. ", "So the refund is late", "."),
        ),
        ("mail me at jo@x.org, sorry!", 21, 26, "sorry", ("mail me at [email], ", "sorry", "!")),
        ("short", 0, 5, "short", ("", "short", "")),
        ("span out of range", 5, 99, "range", ("", "range", "")),
        # PII across the span edge: fall back to the masked match alone, never a fragment.
        ("call 555 201 3344 now", 9, 17, "201 3344", ("", "[phone]", "")),
    ],
)
def test_make_quote(
    turn_text: str, start: int, end: int, matched: str, quote: tuple[str, str, str]
) -> None:
    q = make_quote(
        contact_id="c-1",
        date="Mon",
        turn=0,
        speaker="agent",
        matched=matched,
        turn_text=turn_text,
        start=start,
        end=end,
    )
    assert (q.before, q.match, q.after) == quote


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet="abc 0123456789@.-", min_size=1, max_size=120),
    a=st.integers(0, 120),
    b=st.integers(0, 120),
)
def test_quote_pieces_never_show_more_than_the_masked_turn(text: str, a: int, b: int) -> None:
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    q = make_quote(
        contact_id="c",
        date="",
        turn=0,
        speaker="agent",
        matched=text[start:end] or "x",
        turn_text=text,
        start=start,
        end=end,
    )
    joined = (q.before + q.match + q.after).replace("…", "")
    if q.before or q.after:
        assert all(piece in mask_pii(text) for piece in joined.split("…") if piece)
    assert mask_pii(q.match) == q.match
