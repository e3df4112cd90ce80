"""Coaching for a week: pick what went well and what to work on, for every agent at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Final

import polars as pl

from checks.coaching.evidence import agent_weeks
from checks.coaching.points import Coaching, CoachingPoint
from checks.coaching.quotes import Quote
from checks.coaching.strengths import went_well
from checks.coaching.table import coaching_table
from checks.coaching.tips import strength_outweighs, stretch_tip, tip_candidates, with_reply
from checks.coaching.week import STRENGTH_FLOOR, AgentWeek

# The public face of the package: the entry points and the types a card holds.
__all__ = [
    "STRENGTH_FLOOR",
    "Coaching",
    "CoachingPoint",
    "Quote",
    "coach_agent",
    "coach_agents",
    "strength_criterion",
    "twin_strength",
]

MAX_TIPS: Final = 3


def twin_strength(tip: str) -> str | None:
    """The strength on the same behaviour as a tip: a card never shows both, since "took
    ownership" beside "commit to a concrete action" reads as a contradiction."""
    rule = coaching_table().tips.get(tip)
    return None if rule is None else rule.twin


def strength_criterion(strength: str) -> str:
    """The criterion a strength feeds (it is claimed only while that criterion meets the band)."""
    return coaching_table().strengths[strength].criterion


def _quoted_turns(p: CoachingPoint) -> set[tuple[str, int]]:
    return {(q.contact_id, q.turn) for q in (p.quote, p.context) if q is not None}


def _unique_quotes(
    strengths: Sequence[CoachingPoint], tips: Sequence[CoachingPoint]
) -> tuple[list[CoachingPoint], list[CoachingPoint]]:
    """No strength quotes a turn a tip quotes (the strength names its contacts instead), and no
    two points show the very same excerpt."""
    tip_turns = set().union(*(_quoted_turns(p) for p in tips)) if tips else set()
    shown: set[Quote] = set()

    def once(p: CoachingPoint, avoid: set[tuple[str, int]]) -> CoachingPoint:
        quotes = {q for q in (p.quote, p.context) if q is not None}
        if _quoted_turns(p) & avoid or quotes & shown:
            return replace(p, quote=None, context=None)
        shown.update(quotes)
        return p

    kept_tips = [once(p, set()) for p in tips]
    return [once(p, tip_turns) for p in strengths], kept_tips


def _focus(wk: AgentWeek, dates: Mapping[str, str]) -> list[CoachingPoint]:
    """The most severe tips (at most three), dropping a tip whose twin strength outweighs it;
    the stretch goal when there is none."""
    strengths = {p.key for p in went_well(wk, dates)}
    candidates = [
        (severity, p)
        for severity, p in tip_candidates(wk, dates)
        if not (twin_strength(p.key) in strengths and strength_outweighs(wk, p.key))
    ]
    ranked = sorted(candidates, key=lambda r: (-r[0], r[1].key))
    return [with_reply(p, wk, dates) for _, p in ranked[:MAX_TIPS]] or [stretch_tip(wk)]


def coach_week(wk: AgentWeek, dates: Mapping[str, str]) -> Coaching:
    """One agent's coaching: tips first, then the strengths no tip contradicts."""
    focus = _focus(wk, dates)
    taken = frozenset(t for p in focus if (t := twin_strength(p.key)) is not None)
    strengths, focus = _unique_quotes(went_well(wk, dates, exclude=taken), focus)
    return Coaching(tuple(strengths), tuple(focus))


def coach_agents(
    scores: pl.DataFrame,
    findings: pl.DataFrame,
    *,
    turns: pl.DataFrame | None = None,
    contact_dates: Mapping[str, str] | None = None,
    strength_floor: float = STRENGTH_FLOOR,
) -> dict[str, Coaching]:
    """Coaching content for every agent in ``scores`` at once, keyed by agent id; a strength
    needs its criterion's week mean at ``strength_floor`` or more (the rubric's "meets")."""
    dates = contact_dates or {}
    weeks = agent_weeks(scores, findings, turns)
    agents = scores["agent_id"].unique().to_list()
    return {
        aid: coach_week(replace(weeks.get(aid, AgentWeek()), floor=strength_floor), dates)
        for aid in agents
    }


def coach_agent(
    scores: pl.DataFrame,
    findings: pl.DataFrame,
    *,
    turns: pl.DataFrame | None = None,
    contact_dates: Mapping[str, str] | None = None,
) -> Coaching:
    """Coaching content for one agent's week (SCORES_SCHEMA rows, FINDINGS_SCHEMA rows)."""
    one = pl.lit("", pl.String).alias("agent_id")
    weeks = agent_weeks(
        scores.with_columns(one),
        findings.with_columns(one),
        None if turns is None else turns.with_columns(one),
    )
    return coach_week(weeks.get("", AgentWeek()), contact_dates or {})
