"""What coaching hands the scorecard: strengths and tips, each with the quote that proves it."""

from __future__ import annotations

from dataclasses import dataclass

from checks.coaching.quotes import Quote


@dataclass(frozen=True, slots=True)
class CoachingPoint:
    """One strength or one tip, with the counts behind it and a quote that proves it."""

    key: str
    title: str
    detail: str
    count: int
    contact_ids: tuple[str, ...]
    quote: Quote | None
    # the customer's turn the agent was answering, shown beside ``quote`` and labelled
    context: Quote | None = None


@dataclass(frozen=True, slots=True)
class Coaching:
    """What went well (up to 3) and focus tips (1 to 3)."""

    went_well: tuple[CoachingPoint, ...]
    focus: tuple[CoachingPoint, ...]
