"""Coaching picks: strengths and tips from findings, with masked quotes that prove them."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.coaching.coaching import Coaching, coach_agent, coach_agents, make_quote
from checks.transcripts.pii import mask_pii
from tests.flows.report.fixtures import (
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
    quotes = [q for p in (*c.went_well, *c.focus) for q in (p.quote, p.context) if q]
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
    # what the agent said back is the quote; the upset customer stands beside it as context
    assert missed.quote is not None and missed.quote.speaker == "agent"
    assert missed.context is not None and missed.context.speaker == "customer"
    assert missed.quote.turn > missed.context.turn


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


def test_strength_quote_comes_from_the_best_scored_contact() -> None:
    f = frames("2026-W47", [strong_agent()])
    c = coach_agent(f["scores"], f["findings"], turns=f["turns"])
    overall = dict(f["scores"].select("contact_id", "overall").iter_rows())
    for p in c.went_well:
        assert p.quote is not None
        best = max(overall[cid] for cid in p.contact_ids)
        assert overall[p.quote.contact_id] == best
        assert p.quote.contact_id == min(cid for cid in p.contact_ids if overall[cid] == best)


def test_without_turns_quotes_fall_back_to_the_masked_match() -> None:
    f = frames("2026-W47", [weak_agent()])
    c = coach_agent(f["scores"], f["findings"])
    quotes = [p.quote for p in (*c.went_well, *c.focus) if p.quote]
    assert quotes and all(q.before == "" and q.after == "" for q in quotes)
    texts = set(f["findings"]["text"].map_elements(mask_pii, return_dtype=pl.String))
    assert all(q.match in texts for q in quotes)


def test_findings_of_unscored_contacts_still_count() -> None:
    f = frames("2026-W47", [weak_agent()])
    extra = (
        f["findings"]
        .filter(pl.col("signal") == "dismissive")
        .with_columns(contact_id=pl.lit("c-9999"))
    )
    base = coach_agent(f["scores"], f["findings"], turns=f["turns"])
    more = coach_agent(f["scores"], pl.concat([f["findings"], extra]), turns=f["turns"])
    before = next(p for p in base.focus if p.key == "dismissive")
    after = next(p for p in more.focus if p.key == "dismissive")
    assert after.count == before.count + extra.height
    assert after.contact_ids == tuple(sorted({*before.contact_ids, "c-9999"}))


@pytest.mark.parametrize("criterion", ["empathy", "compassion"])
def test_no_strength_is_claimed_for_a_criterion_that_scored_low(criterion: str) -> None:
    f = frames("2026-W47", [strong_agent()])
    feeds = {
        "empathy": {"acknowledges_feeling", "reflects_problem", "explores"},
        "compassion": {"takes_ownership", "next_step", "confirms_resolution"},
    }[criterion]
    before = coach_agent(f["scores"], f["findings"], turns=f["turns"])
    assert {p.key for p in before.went_well} & feeds
    low = f["scores"].with_columns(pl.lit(20.0).alias(criterion))
    after = coach_agent(low, f["findings"], turns=f["turns"])
    assert not {p.key for p in after.went_well} & feeds
