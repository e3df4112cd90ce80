"""One agent's week reduced to the numbers and the few findings coaching uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from checks.coaching.quotes import Finding

# The rubric's default "meets" band (bands.meets_from): a criterion that needs improvement
# backs no strength.
STRENGTH_FLOOR: Final = 60.0


@dataclass(frozen=True, slots=True)
class Evidence:
    """Findings behind one strength or tip: count, contacts and the finding to quote."""

    count: int = 0
    contacts: tuple[str, ...] = ()
    quote: Finding | None = None


NO_EVIDENCE: Final = Evidence()


@dataclass(frozen=True, slots=True)
class Reply:
    """The agent's next turn after a quoted customer turn."""

    contact_id: str
    turn: int
    text: str


@dataclass(frozen=True, slots=True)
class AgentWeek:
    """One agent's week: contact counts, criterion means, flagged contacts and evidence."""

    n: int = 0  # contacts scored
    shown: int = 0  # upset-customer contacts where the feeling was named
    missed: int = 0  # upset-customer contacts where it was not
    problems: int = 0  # contacts with a problem to fix (compassion applies)
    means: Mapping[str, float] = field(default_factory=dict)
    # contact ids per flag (missed, piled, lack_own, lack_next, lack_conf, cold), sorted
    flagged: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    # the agent's reply to the customer turn a tip quotes, by tip key
    replies: dict[str, Reply] = field(default_factory=dict)
    floor: float = STRENGTH_FLOOR  # a strength's criterion must score at least this

    def of(self, key: str) -> Evidence:
        """The evidence behind a strength or tip (none when nothing was found)."""
        return self.evidence.get(key, NO_EVIDENCE)

    def contacts_flagged(self, flag: str) -> tuple[str, ...]:
        """The contacts carrying a per-contact flag."""
        return self.flagged.get(flag, ())
