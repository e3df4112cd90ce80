"""The report model: what a scorecard and the team summary show, as typed records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from checks.coaching.coaching import Coaching
from checks.criteria.intervals import (
    ChangeVerdict,
    Interval,
)
from checks.rubric.rubric import ReportPolicy

# The default report policy; a rubric may set its own (its `report` section).
TREND_WEEKS: Final = ReportPolicy().trend_weeks


# Contacts listed on a card: the lowest-scoring ones (each row costs ~1% of a scorecard's
# render time); scores.csv has every contact.
CARD_CONTACT_ROWS: Final = ReportPolicy().card_contact_rows


OVERLOAD_CONTROL_BELOW: Final = float(ReportPolicy().overload_flag_control_below)


# One missed upset customer is a moment to coach, not a pattern to flag a QA lead about.
MISSED_EMPATHY_FLAG_AT: Final = 2


CRITERION_LABELS: Final[Mapping[str, str]] = {
    "empathy": "Empathy",
    "compassion": "Compassion",
    "sympathy_overload": "Sympathy control",
    "hospitality": "Hospitality",
}


CRITERION_HINTS: Final[Mapping[str, str]] = {
    "empathy": "feelings named and the problem played back when the customer is upset",
    "compassion": "ownership, a concrete next step and a check that the fix landed",
    "sympathy_overload": "100 = no apology piles, pity, shared upset or blaming",
    "hospitality": "warm, courteous and efficient in every contact",
}


@dataclass(frozen=True, slots=True)
class CriterionScore:
    """One criterion on a card: the agent's mean, the team median, contacts it applied to."""

    key: str
    label: str
    hint: str
    score: float | None
    team_median: float | None
    applied: int
    interval: Interval | None = None  # None: fewer than MIN_CONTACTS contacts it applied to
    band: str | None = None  # performance band from the rubric

    @property
    def too_few(self) -> bool:
        """Whether the criterion applied to too few contacts to show a number."""
        return self.interval is None


@dataclass(frozen=True, slots=True)
class Opportunities:
    """Empathy opportunity outcomes over the agent's sampled contacts."""

    needed_shown: int
    needed_missed: int
    none: int


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One week of an agent's trend: overall and per-criterion means."""

    week: str
    overall: float | None
    criteria: Mapping[str, float | None]
    low: float | None = None  # the overall's 90% interval
    high: float | None = None


@dataclass(frozen=True, slots=True)
class SignalCount:
    """A coaching signal count on the card (``flagged`` when it needs attention)."""

    key: str
    label: str
    value: str
    note: str
    flagged: bool


@dataclass(frozen=True, slots=True)
class ContactRow:
    """One sampled contact in the card's table."""

    contact_id: str
    date: str
    channel: str
    criteria: Mapping[str, float | None]
    overall: float | None
    flags: tuple[str, ...]
    why: str = ""  # why a coaching pick was picked


@dataclass(frozen=True, slots=True)
class AgentCard:
    """Everything one agent's scorecard shows."""

    agent_id: str
    agent_name: str
    team: str
    week: str
    week_dates: str
    contacts_sampled: int
    rubric_version: str
    code_version: str
    generated_at: datetime
    overall: float | None
    previous_week: str | None
    change: float | None
    team_median: float | None
    criteria: tuple[CriterionScore, ...]
    opportunities: Opportunities
    trend: tuple[TrendPoint, ...]
    coaching: Coaching
    signals: tuple[SignalCount, ...]
    contacts: tuple[ContactRow, ...]  # the lowest-scoring CARD_CONTACT_ROWS, in date order
    footnote: str
    # Sampled contacts not scored for their language (language, contacts): named, never averaged.
    unsupported_languages: tuple[tuple[str, int], ...] = ()
    overall_interval: Interval | None = None
    change_verdict: ChangeVerdict | None = None  # None when there is no earlier week
    change_text: str = ""  # describe_change's wording
    band: str | None = None
    rests_on: str = ""  # what the week rests on, e.g. "5 contacts, 1 with an upset customer"
    # contacts picked for coaching beside the sample: scored, listed apart, never in a mean
    coaching_picks: tuple[ContactRow, ...] = ()
    # Findings upheld in a dispute (disputes.csv) and left out of every score on this card.
    findings_removed: int = 0


@dataclass(frozen=True, slots=True)
class Distribution:
    """One criterion's spread across agents (agent week means)."""

    key: str
    label: str
    values: tuple[float, ...]
    median: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True, slots=True)
class TeamAgentRow:
    """One agent in the team summary table."""

    agent_id: str
    agent_name: str
    team: str
    contacts: int
    overall: float | None
    change: float | None
    criteria: Mapping[str, float | None]
    flags: tuple[str, ...]
    interval: Interval | None = None
    change_verdict: ChangeVerdict | None = None
    too_few: tuple[str, ...] = ()  # criteria that applied to too few contacts to show


@dataclass(frozen=True, slots=True)
class AgentFlag:
    """An agent flagged for the QA lead, with the reason in numbers."""

    agent_id: str
    agent_name: str
    reason: str
    severity: float


@dataclass(frozen=True, slots=True)
class TeamSummary:
    """The QA lead's page: distributions, agents table, flags and quarantined files."""

    week: str
    week_dates: str
    rubric_version: str
    code_version: str
    generated_at: datetime
    n_agents: int
    n_contacts: int
    median_overall: float | None
    team_medians: tuple[tuple[str, int, float | None], ...]
    distributions: tuple[Distribution, ...]
    agents: tuple[TeamAgentRow, ...]
    overload_flags: tuple[AgentFlag, ...]
    empathy_flags: tuple[AgentFlag, ...]
    quarantined: tuple[tuple[str, str], ...]
    footnote: str
    # Sampled contacts not scored because the rubric has no phrase lists for their language:
    # (language, contacts), most first.
    unsupported_languages: tuple[tuple[str, int], ...] = ()
    width_line: str = ""  # how wide an agent's overall interval typically is this week
    # The one team this summary covers (flows/report/team_scope.py), None for the whole week.
    scope: str | None = None
    # Roster or contact-record files that attributed nothing: (key, reason), PII masked.
    attribution_failures: tuple[tuple[str, str], ...] = ()

    @property
    def n_unsupported_language(self) -> int:
        """How many sampled contacts were not scored for their language."""
        return sum(n for _, n in self.unsupported_languages)


@dataclass(frozen=True, slots=True)
class WeekReport:
    """All cards of a week plus the team summary."""

    week: str
    agents: list[AgentCard]
    team: TeamSummary
