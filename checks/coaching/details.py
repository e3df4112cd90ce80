"""The numbers a strength's or tip's detail may name, from one agent's week."""

from __future__ import annotations

from checks.coaching.table import Count
from checks.coaching.week import AgentWeek


def detail_values(wk: AgentWeek, count: int, contacts: int) -> dict[str, Count | float]:
    """The numbers a strength's or tip's detail may name (see tips.yaml)."""
    apologies = wk.of("apology").count
    return {
        "findings": Count(count),
        "contacts": Count(contacts),
        "all": Count(wk.n),
        "problems": Count(wk.problems),
        "shown": Count(wk.shown),
        "upset": Count(wk.shown + wk.missed),
        "owned": Count(wk.problems - len(wk.contacts_flagged("lack_own"))),
        "apologies": Count(apologies),
        "apologies_per_contact": apologies / max(wk.n, 1),
    }
