"""Tips: chosen from the table by their evidence, ranked by severity, the stretch goal last."""

from __future__ import annotations

import polars as pl

from checks.coaching.coaching import coach_agent
from checks.coaching.points import CoachingPoint
from checks.coaching.quotes import Quote
from checks.coaching.tips import strength_outweighs, stretch_tip, tip_candidates, with_reply
from checks.coaching.week import AgentWeek, Evidence, Reply
from tests.flows.report.fixtures import frames, weak_agent


def test_broken_record_tip_counts_every_repeat() -> None:
    agent = weak_agent()
    agent.contacts = agent.contacts[:2]
    f = frames("2026-W47", [agent])
    findings = f["findings"].filter(pl.col("signal") == "empty_understand")
    scores = f["scores"].with_columns(opportunity=pl.lit("none"))
    c = coach_agent(scores, findings, turns=f["turns"])
    tip = next(p for p in c.focus if p.key == "empty_understand")
    assert "3 times in 2 contacts" in tip.detail
    assert tip.quote is not None
    assert tip.quote.match.startswith("I understand")


def test_tip_thresholds_severities_and_wording() -> None:
    wk = AgentWeek(
        n=4,
        problems=3,
        flagged={"piled": ("c1",), "lack_conf": ("c2",), "cold": ("c1", "c2")},
        evidence={
            "apology": Evidence(5, ("c1", "c2")),
            "apology_pile": Evidence(3, ("c1",)),
            "empty_understand": Evidence(1, ("c1",)),  # one “I understand” is no pattern
            "scripted_line": Evidence(2, ("c3",)),  # a stock line in one contact is none
        },
    )
    got = {p.key: (severity, p.detail, p.contact_ids) for severity, p in tip_candidates(wk, {})}
    assert got == {
        "apology_pile": (
            1.5 + 0.2 * 5,
            "Said sorry 5 times this week (1.2 per contact) and it piled up in 1 contact: "
            "apologise once, then say what you will do.",
            ("c1",),
        ),
        "no_confirmation": (
            0.6,
            "1 of 3 contacts with a problem to fix closed without checking that the fix worked "
            "or what else the customer needs.",
            ("c2",),
        ),
        "no_warmth": (
            1.0,
            "2 of 4 contacts had no greeting, thanks or friendly close.",
            ("c1", "c2"),
        ),
    }


def test_a_strength_outweighs_its_tip_when_shown_more_often_than_missed() -> None:
    wk = AgentWeek(n=5, shown=3, missed=1, problems=4, flagged={"lack_own": ("c1", "c2")})
    assert strength_outweighs(wk, "missed_empathy")
    assert not strength_outweighs(wk, "no_ownership")  # 2 owned, 2 lacking: a tie keeps the tip
    assert strength_outweighs(wk, "no_warmth")
    assert not strength_outweighs(wk, "dismissive")


def test_stretch_tip_names_the_lowest_criterion() -> None:
    tip = stretch_tip(AgentWeek(means={"empathy": 81.0, "sympathy_overload": 64.4}))
    assert (tip.key, tip.title) == ("stretch_sympathy_overload", "Stretch goal: sympathy control")
    assert tip.detail == (
        "Your lowest criterion (64 this week). Keep apologies to one and move straight to what "
        "you will do."
    )
    assert stretch_tip(AgentWeek()).detail.startswith("Your lowest criterion. Name the")


def test_a_tip_quoting_the_customer_shows_the_agent_reply_beside_it() -> None:
    customer = Quote("c1", "", 1, "customer", "", "I'm furious", "")
    tip = CoachingPoint("missed_empathy", "t", "d", 1, ("c1",), customer)
    wk = AgentWeek(replies={"missed_empathy": Reply("c1", 2, "Please hold.")})
    shown = with_reply(tip, wk, {"c1": "Mon"})
    assert shown.context == customer
    assert shown.quote is not None
    assert (shown.quote.speaker, shown.quote.before) == (
        "agent",
        "Please hold.",
    )
    alone = with_reply(tip, AgentWeek(), {})
    assert (alone.quote, alone.context) == (None, customer)
