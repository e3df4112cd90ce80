"""The data behind the PDFs: one card per agent and a team summary, built from score tables."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

import polars as pl

from checks.coaching import Coaching, coach_agent
from checks.pii import mask_pii, mask_pii_expr
from checks.results import SCORES_SCHEMA
from checks.transcript import CRITERIA

TREND_WEEKS: Final = 8
OVERLOAD_CONTROL_BELOW: Final = 70.0

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

PUBLISHED_SCORES_SCHEMA: Final = pl.Schema(
    [
        ("week", pl.String()),
        *SCORES_SCHEMA.items(),
        ("agent_name", pl.String()),
        ("team", pl.String()),
        ("started_at", pl.Datetime("us", "UTC")),
        ("channel", pl.String()),
    ]
)


@dataclass(frozen=True, slots=True)
class CriterionScore:
    """One criterion on a card: the agent's mean, the team median, contacts it applied to."""

    key: str
    label: str
    hint: str
    score: float | None
    team_median: float | None
    applied: int


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
    contacts: tuple[ContactRow, ...]
    footnote: str


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


@dataclass(frozen=True, slots=True)
class WeekReport:
    """All cards of a week plus the team summary."""

    week: str
    agents: list[AgentCard]
    team: TeamSummary


def week_bounds(week: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week written ``YYYY-Www``."""
    year, _, num = week.partition("-W")
    monday = date.fromisocalendar(int(year), int(num), 1)
    return monday, date.fromisocalendar(int(year), int(num), 7)


def week_dates_label(week: str) -> str:
    """Human dates of an ISO week, e.g. ``Mon 16 – Sun 22 Nov 2026``."""
    mon, sun = week_bounds(week)
    if mon.month == sun.month:
        return f"Mon {mon.day} – Sun {sun.day} {sun:%b %Y}"
    if mon.year == sun.year:
        return f"Mon {mon.day} {mon:%b} – Sun {sun.day} {sun:%b %Y}"
    return f"Mon {mon.day} {mon:%b %Y} – Sun {sun.day} {sun:%b %Y}"


def published_scores_table(week: str, scores: pl.DataFrame, contacts: pl.DataFrame) -> pl.DataFrame:
    """The week's machine-readable score table (PUBLISHED_SCORES_SCHEMA), PII masked."""
    meta = contacts.select("contact_id", "agent_name", "team", "started_at", "channel").unique(
        "contact_id", keep="first", maintain_order=True
    )
    table = (
        scores.cast(dict(SCORES_SCHEMA))  # type: ignore[arg-type]
        .join(meta, on="contact_id", how="left")
        .with_columns(
            pl.lit(week, pl.String).alias("week"),
            mask_pii_expr("agent_name").alias("agent_name"),
            mask_pii_expr("team").alias("team"),
            mask_pii_expr("channel").alias("channel"),
        )
    )
    return (
        table.select(PUBLISHED_SCORES_SCHEMA.names())
        .cast(
            dict(PUBLISHED_SCORES_SCHEMA)  # type: ignore[arg-type]
        )
        .sort("agent_id", "contact_id")
    )


def _agent_means(table: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    return table.group_by(by).agg(
        pl.len().alias("n"),
        pl.col("overall").mean(),
        *[pl.col(c).mean() for c in CRITERIA],
    )


def _f(v: Any) -> float | None:
    return None if v is None else float(v)


def _median(values: Sequence[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return float(statistics.median(vals)) if vals else None


def _apology_pile(row: Mapping[str, Any]) -> bool:
    n = int(row["n_apology"] or 0)
    return n > 2 or (n >= 2 and n * 3 > int(row["n_agent_turns"] or 0))


def _contact_flags(row: Mapping[str, Any]) -> tuple[str, ...]:
    flags = []
    if row["opportunity"] == "needed_missed":
        flags.append("missed empathy")
    if (row["n_empty_understand"] or 0) >= 2:
        flags.append("broken record")
    if row["n_dismissive"]:
        flags.append("dismissive")
    if _apology_pile(row):
        flags.append("apology pile")
    if row["n_pity"] or row["n_agent_distress"] or row["n_co_blaming"]:
        flags.append("overload")
    if row["n_scripted_line"]:
        flags.append("scripted")
    if row["routine"]:
        flags.append("routine")
    return tuple(flags)


def _signals(rows: Sequence[Mapping[str, Any]]) -> tuple[SignalCount, ...]:
    n = max(len(rows), 1)
    apologies = sum(int(r["n_apology"] or 0) for r in rows)
    piles = sum(1 for r in rows if _apology_pile(r))
    und = sum(int(r["n_empty_understand"] or 0) for r in rows)
    und_contacts = sum(1 for r in rows if (r["n_empty_understand"] or 0) >= 2)
    dis = sum(int(r["n_dismissive"] or 0) for r in rows)
    dis_contacts = sum(1 for r in rows if r["n_dismissive"])
    missed = sum(1 for r in rows if r["opportunity"] == "needed_missed")
    opps = missed + sum(1 for r in rows if r["opportunity"] == "needed_shown")
    scripted = sum(int(r["n_scripted_line"] or 0) for r in rows)
    scripted_contacts = sum(1 for r in rows if r["n_scripted_line"])
    return (
        SignalCount(
            "apologies",
            "Apologies per contact",
            f"{apologies / n:.1f}",
            f"{apologies} in total, piled up in {piles}",
            piles > 0,
        ),
        SignalCount(
            "broken_record",
            "“I understand” with no follow-up",
            str(und),
            f"repeated in {und_contacts} contact{'s' if und_contacts != 1 else ''}",
            und_contacts > 0,
        ),
        SignalCount(
            "dismissive",
            "Dismissive replies",
            str(dis),
            f"in {dis_contacts} contact{'s' if dis_contacts != 1 else ''}",
            dis > 0,
        ),
        SignalCount(
            "missed_ack",
            "Missed acknowledgements",
            str(missed),
            f"of {opps} upset customer{'s' if opps != 1 else ''}",
            missed > 0,
        ),
        SignalCount(
            "scripted",
            "Scripted lines",
            str(scripted),
            f"in {scripted_contacts} contact{'s' if scripted_contacts != 1 else ''}",
            scripted_contacts >= 2,
        ),
    )


def _footnote(rubric_version: str, code_version: str) -> str:
    return (
        "How scores are made: rubric checks read each sampled transcript and score every "
        "criterion 0–100 (N/A where it does not apply); a contact's overall is the weighted mean "
        "of its applicable criteria and the week is the mean over sampled contacts. "
        f"Rubric {rubric_version} · Rapport {code_version}."
    )


def _local(ts: datetime | None, tz: str, fmt: str) -> str:
    if ts is None:
        return ""
    return ts.astimezone(ZoneInfo(tz)).strftime(fmt)


def build_week_report(
    *,
    week: str,
    scores: pl.DataFrame,
    findings: pl.DataFrame,
    contacts: pl.DataFrame,
    history: pl.DataFrame,
    quarantined: Sequence[tuple[str, str]],
    rubric_version: str,
    code_version: str,
    timezone: str = "UTC",
    turns: pl.DataFrame | None = None,
    generated_at: datetime | None = None,
) -> WeekReport:
    """Build every agent card and the team summary for one ISO week."""
    generated = generated_at or datetime.now(UTC)
    dates_label = week_dates_label(week)
    table = published_scores_table(week, scores, contacts)
    hist = history.filter(pl.col("week") < week) if history.height else history
    hist_means = _agent_means(hist, ["agent_id", "week"]) if hist.height else pl.DataFrame()
    now_means = {r["agent_id"]: r for r in _agent_means(table, ["agent_id"]).to_dicts()}
    names: dict[str, str] = {}
    teams: dict[str, str] = {}
    for r in table.select("agent_id", "agent_name", "team").to_dicts():
        names.setdefault(r["agent_id"], r["agent_name"] or r["agent_id"])
        teams.setdefault(r["agent_id"], r["team"] or "Unassigned")
    for aid in now_means:
        names.setdefault(aid, aid)
        teams.setdefault(aid, "Unassigned")

    prev: dict[str, tuple[str, float | None]] = {}
    trend_hist: dict[str, list[TrendPoint]] = {}
    if hist_means.height:
        for r in hist_means.sort("agent_id", "week").to_dicts():
            point = TrendPoint(r["week"], _f(r["overall"]), {c: _f(r[c]) for c in CRITERIA})
            trend_hist.setdefault(r["agent_id"], []).append(point)
            prev[r["agent_id"]] = (r["week"], _f(r["overall"]))

    by_team: dict[str, list[str]] = {}
    for aid in sorted(now_means):
        by_team.setdefault(teams[aid], []).append(aid)
    team_median: dict[str, dict[str, float | None]] = {
        team: {
            key: _median([_f(now_means[a][key]) for a in aids]) for key in ("overall", *CRITERIA)
        }
        for team, aids in by_team.items()
    }

    score_parts = table.partition_by("agent_id", as_dict=True)
    finding_parts = findings.partition_by("agent_id", as_dict=True) if findings.height else {}
    turn_parts = (
        turns.partition_by("agent_id", as_dict=True) if turns is not None and turns.height else {}
    )
    empty_findings = findings.clear()
    footnote = _footnote(rubric_version, code_version)

    cards: list[AgentCard] = []
    team_rows: list[TeamAgentRow] = []
    overload_flags: list[AgentFlag] = []
    empathy_flags: list[AgentFlag] = []
    for aid in sorted(now_means, key=lambda a: (names[a].lower(), a)):
        part = score_parts[(aid,)].sort("started_at", "contact_id", nulls_last=True)
        rows = part.to_dicts()
        cdates = {r["contact_id"]: _local(r["started_at"], timezone, "%a %d %b") for r in rows}
        coaching = coach_agent(
            part.select(SCORES_SCHEMA.names()),
            finding_parts.get((aid,), empty_findings),
            turns=turn_parts.get((aid,)),
            contact_dates=cdates,
        )
        m = now_means[aid]
        overall = _f(m["overall"])
        prev_week, prev_overall = prev.get(aid, (None, None))
        change = None if overall is None or prev_overall is None else overall - prev_overall
        tmed = team_median[teams[aid]]
        criteria = tuple(
            CriterionScore(
                c,
                CRITERION_LABELS[c],
                CRITERION_HINTS[c],
                _f(m[c]),
                tmed[c],
                sum(1 for r in rows if r[c] is not None),
            )
            for c in CRITERIA
        )
        opp = Opportunities(
            sum(1 for r in rows if r["opportunity"] == "needed_shown"),
            sum(1 for r in rows if r["opportunity"] == "needed_missed"),
            sum(1 for r in rows if r["opportunity"] not in ("needed_shown", "needed_missed")),
        )
        now_point = TrendPoint(week, overall, {c: _f(m[c]) for c in CRITERIA})
        trend = (*trend_hist.get(aid, [])[-(TREND_WEEKS - 1) :], now_point)
        contact_rows = tuple(
            ContactRow(
                r["contact_id"],
                _local(r["started_at"], timezone, "%a %d %b %H:%M"),
                r["channel"] or "",
                {c: _f(r[c]) for c in CRITERIA},
                _f(r["overall"]),
                _contact_flags(r),
            )
            for r in rows
        )
        cards.append(
            AgentCard(
                agent_id=aid,
                agent_name=names[aid],
                team=teams[aid],
                week=week,
                week_dates=dates_label,
                contacts_sampled=len(rows),
                rubric_version=rubric_version,
                code_version=code_version,
                generated_at=generated,
                overall=overall,
                previous_week=prev_week,
                change=change,
                team_median=tmed["overall"],
                criteria=criteria,
                opportunities=opp,
                trend=trend,
                coaching=coaching,
                signals=_signals(rows),
                contacts=contact_rows,
                footnote=footnote,
            )
        )
        flags = []
        control = _f(m["sympathy_overload"])
        piles = sum(1 for r in rows if _apology_pile(r))
        heavy = sum(int(r["n_pity"] + r["n_agent_distress"] + r["n_co_blaming"]) for r in rows)
        if (control is not None and control < OVERLOAD_CONTROL_BELOW) or piles + heavy >= 2:
            flags.append("sympathy overload")
            ctl = "N/A" if control is None else f"{control:.0f}"
            overload_flags.append(
                AgentFlag(
                    aid,
                    names[aid],
                    f"control {ctl}; apology piles in {piles} of {len(rows)} contacts; "
                    f"pity, own upset or blaming {heavy}×",
                    (100.0 - (control if control is not None else 100.0)) + 10.0 * (piles + heavy),
                )
            )
        opps = opp.needed_shown + opp.needed_missed
        if opp.needed_missed and opp.needed_missed >= opp.needed_shown:
            flags.append("missed empathy")
            empathy_flags.append(
                AgentFlag(
                    aid,
                    names[aid],
                    f"missed {opp.needed_missed} of {opps} empathy opportunities",
                    opp.needed_missed + opp.needed_missed / max(opps, 1),
                )
            )
        team_rows.append(
            TeamAgentRow(
                aid,
                names[aid],
                teams[aid],
                len(rows),
                overall,
                change,
                {c: _f(m[c]) for c in CRITERIA},
                tuple(flags),
            )
        )

    team_rows.sort(key=lambda r: (-(r.overall if r.overall is not None else -1.0), r.agent_id))
    distributions = []
    for c in CRITERIA:
        vals = tuple(v for v in (r.criteria[c] for r in team_rows) if v is not None)
        distributions.append(
            Distribution(
                c,
                CRITERION_LABELS[c],
                vals,
                _median(list(vals)),
                min(vals) if vals else None,
                max(vals) if vals else None,
            )
        )
    summary = TeamSummary(
        week=week,
        week_dates=dates_label,
        rubric_version=rubric_version,
        code_version=code_version,
        generated_at=generated,
        n_agents=len(team_rows),
        n_contacts=table.height,
        median_overall=_median([r.overall for r in team_rows]),
        team_medians=tuple(
            (team, len(aids), team_median[team]["overall"])
            for team, aids in sorted(by_team.items())
        ),
        distributions=tuple(distributions),
        agents=tuple(team_rows),
        overload_flags=tuple(sorted(overload_flags, key=lambda f: (-f.severity, f.agent_id))),
        empathy_flags=tuple(sorted(empathy_flags, key=lambda f: (-f.severity, f.agent_id))),
        quarantined=tuple((k, mask_pii(r)) for k, r in quarantined),
        footnote=footnote,
    )
    return WeekReport(week=week, agents=cards, team=summary)
