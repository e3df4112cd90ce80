"""What went well: the strengths an agent showed in enough contacts, ranked, at most three."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from checks.coaching.details import detail_values
from checks.coaching.points import CoachingPoint
from checks.coaching.quotes import quote_finding
from checks.coaching.table import StrengthRule, coaching_table
from checks.coaching.week import AgentWeek, Evidence

MAX_STRENGTHS: Final = 3
# Shown in at least a third of the contacts, a behaviour is a habit rather than a one-off.
HABIT_SHARE: Final = 0.34
# A strength's rank: weight x share, plus this when it is a habit; habits are what a card
# claims (or the single best-ranked behaviour when there is none).
HABIT_BONUS: Final = 1.0


def _strength_detail(rule: StrengthRule, found: Evidence, wk: AgentWeek) -> str:
    values = detail_values(wk, found.count, len(found.contacts))
    if rule.needs is not None and not values[rule.needs]:
        return coaching_table().fallback_detail.format(**values)
    return rule.detail.format(**values)


def _owned_none(wk: AgentWeek) -> bool:
    """Every contact with a problem lacked a concrete action ("0 of 3" is no strength)."""
    return bool(wk.problems) and wk.problems == len(wk.contacts_flagged("lack_own"))


def _is_habit(signal: str, found: Evidence, wk: AgentWeek) -> bool:
    if signal == "acknowledges_feeling":
        # named in at least as many upset-customer contacts as it was missed in
        return wk.shown >= max(wk.missed, 1)
    return len(found.contacts) / max(wk.n, 1) >= HABIT_SHARE


def _criterion_passes(wk: AgentWeek, rule: StrengthRule) -> bool:
    """Whether the criterion a strength feeds scored well enough to call the strength one."""
    mean = wk.means.get(rule.criterion)
    return mean is None or mean >= wk.floor


def _ranked_strengths(wk: AgentWeek, exclude: frozenset[str]) -> list[tuple[float, str]]:
    """(rank, signal) of every strength the week shows, best first."""
    ranked: list[tuple[float, str]] = []
    for signal, rule in coaching_table().strengths.items():
        found = wk.of(signal)
        if not found.count or signal in exclude:
            continue
        if signal == "takes_ownership" and _owned_none(wk):
            continue
        if not _criterion_passes(wk, rule):
            continue
        share = len(found.contacts) / max(wk.n, 1)
        bonus = HABIT_BONUS if _is_habit(signal, found, wk) else 0.0
        ranked.append((rule.weight * share + bonus, signal))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return ranked


def went_well(
    wk: AgentWeek, dates: Mapping[str, str], exclude: frozenset[str] = frozenset()
) -> list[CoachingPoint]:
    """Up to three strengths (never one in ``exclude``), each quoting its best-scored contact."""
    ranked = _ranked_strengths(wk, exclude)
    habits = [r for r in ranked if r[0] >= HABIT_BONUS] or ranked[:1]
    strengths = coaching_table().strengths
    points = []
    for _, signal in habits[:MAX_STRENGTHS]:
        found = wk.of(signal)
        points.append(
            CoachingPoint(
                key=signal,
                title=strengths[signal].title,
                detail=_strength_detail(strengths[signal], found, wk),
                count=found.count,
                contact_ids=found.contacts,
                quote=quote_finding(found.quote, dates),
            )
        )
    return points
