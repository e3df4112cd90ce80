"""What to work on: tips from tips.yaml whose evidence the week shows, and the stretch goal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from checks.coaching.details import detail_values
from checks.coaching.points import CoachingPoint
from checks.coaching.quotes import quote_finding, turn_quote
from checks.coaching.table import TipRule, coaching_table
from checks.coaching.week import AgentWeek, Evidence


def _tip_contacts(rule: TipRule, found: Evidence, wk: AgentWeek) -> tuple[str, ...]:
    if rule.contacts_from == "findings":
        return found.contacts
    return wk.contacts_flagged(rule.contacts_from)


def _severity(rule: TipRule, measures: Mapping[str, int]) -> float:
    # summed in the table's order from 0.0, so equal inputs always rank the same
    severity = 0.0
    for measure, weight in rule.severity.items():
        severity += weight * measures[measure]
    return severity


def _shows(rule: TipRule, measures: Mapping[str, int], wk: AgentWeek) -> bool:
    need = rule.at_least
    return (
        measures["findings"] >= need.findings
        and measures["contacts"] >= need.contacts
        and measures["contacts"] >= need.share * wk.n
    )


def tip_candidates(wk: AgentWeek, dates: Mapping[str, str]) -> list[tuple[float, CoachingPoint]]:
    """(severity, tip) for every tip in the table whose evidence the week reaches."""
    out: list[tuple[float, CoachingPoint]] = []
    for key, rule in coaching_table().tips.items():
        found = wk.of(key)
        contacts = _tip_contacts(rule, found, wk)
        measures = {
            "findings": found.count,
            "contacts": len(contacts),
            "apologies": wk.of("apology").count,
        }
        if not _shows(rule, measures, wk):
            continue
        detail = rule.detail.format(**detail_values(wk, found.count, len(contacts)))
        # an absence has no words to quote: the customer's distress is not the agent's
        # behaviour, so such tips name their contacts instead
        quote = quote_finding(found.quote, dates) if rule.quoted else None
        point = CoachingPoint(key, rule.title, detail, found.count, contacts, quote)
        out.append((_severity(rule, measures), point))
    return out


def _behaviour_counts(wk: AgentWeek, tip: str) -> tuple[int, int] | None:
    """(contacts showing the behaviour, contacts missing it) for a tip that has a twin."""
    rule = coaching_table().tips[tip]
    if rule.contacts_from.startswith("lack_"):
        lacking = len(wk.contacts_flagged(rule.contacts_from))
        return wk.problems - lacking, lacking
    if tip == "missed_empathy":
        return wk.shown, wk.missed
    if tip == "no_warmth":
        cold = len(wk.contacts_flagged("cold"))
        return wk.n - cold, cold
    if tip == "empty_understand":
        return len(wk.of("reflects_problem").contacts), len(wk.of("empty_understand").contacts)
    return None


def strength_outweighs(wk: AgentWeek, tip: str) -> bool:
    """Whether the behaviour was shown in more of its contacts than it was missed in (then the
    strength stays and the tip goes; otherwise the other way round)."""
    counts = _behaviour_counts(wk, tip)
    return counts is not None and counts[0] > counts[1]


def stretch_tip(wk: AgentWeek) -> CoachingPoint:
    """The tip for a week with nothing to fix: the goal of the lowest-scoring criterion."""
    means = wk.means
    crit = min(means, key=lambda c: (means[c], c)) if means else "empathy"
    label = crit.replace("sympathy_overload", "sympathy control")
    score = f" ({means[crit]:.0f} this week)" if crit in means else ""
    return CoachingPoint(
        key=f"stretch_{crit}",
        title=f"Stretch goal: {label}",
        detail=f"Your lowest criterion{score}. {coaching_table().stretch_goals[crit]}",
        count=0,
        contact_ids=(),
        quote=None,
    )


def with_reply(p: CoachingPoint, wk: AgentWeek, dates: Mapping[str, str]) -> CoachingPoint:
    """A tip quoting the customer shows the agent's reply instead, the customer beside it."""
    if p.quote is None or p.quote.speaker != "customer":
        return p
    reply = wk.replies.get(p.key)
    if reply is None:
        return replace(p, quote=None, context=p.quote)
    agent = turn_quote(
        contact_id=reply.contact_id,
        date=dates.get(reply.contact_id, ""),
        turn=reply.turn,
        speaker="agent",
        text=reply.text,
    )
    return replace(p, quote=agent, context=p.quote)
