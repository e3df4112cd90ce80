"""Build the week's report: every agent's card and the team summary, from the score table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import polars as pl

from checks.coaching.coaching import Coaching, coach_agents
from checks.criteria.intervals import Interval, change_verdict, describe_change
from checks.criteria.results import SCORES_SCHEMA
from checks.rubric.rubric import BandsConfig, ReportPolicy
from checks.transcripts.pseudonyms import mask_around_shields
from checks.transcripts.transcript import CRITERIA
from flows.config.weeks import IsoWeek
from flows.report.aggregate import (
    Trends,
    agent_counts,
    agent_intervals,
    agent_means,
    as_float,
    coaching_pick_rows,
    flag_bits,
    flags_of,
    footnote_text,
    local_time,
    median_of,
    rests_on,
    signal_counts,
    trend_history,
    typical_width_line,
    unsupported_languages,
    with_weight,
)
from flows.report.model import (
    CRITERION_HINTS,
    CRITERION_LABELS,
    MISSED_EMPATHY_FLAG_AT,
    AgentCard,
    AgentFlag,
    ContactRow,
    CriterionScore,
    Distribution,
    Opportunities,
    TeamAgentRow,
    TeamSummary,
    TrendPoint,
    WeekReport,
)
from flows.report.scores_table import scored_rows, week_dates_label


def build_week_report(
    *,
    week: str,
    table: pl.DataFrame,
    findings: pl.DataFrame,
    history: pl.DataFrame,
    quarantined: Sequence[tuple[str, str]],
    rubric_version: str,
    code_version: str,
    timezone: str = "UTC",
    turns: pl.DataFrame | None = None,
    generated_at: datetime | None = None,
    bands: BandsConfig | None = None,
    policy: ReportPolicy | None = None,
    attribution_failures: Sequence[tuple[str, str]] = (),
    team: TeamFigures | None = None,
    trends: Trends | None = None,
) -> WeekReport:
    """Build every agent card and the team summary for one ISO week from its published score
    table (published_scores_table), so the PDFs and scores.csv show the same numbers. Contacts
    not scored for their language are counted on the team summary and nowhere else. ``team``:
    the whole week's team medians, when ``table`` holds only some of its agents; ``trends``:
    its agents' earlier weeks already read (read_trends), instead of ``history``."""
    generated = week_generated_at(week, timezone, generated_at)
    ctx = week_figures(
        week,
        table,
        findings,
        history,
        timezone,
        turns,
        bands or BandsConfig(),
        policy,
        team,
        trends,
    )
    ctx.footnote = footnote_text(rubric_version, code_version)
    cards: list[AgentCard] = []
    rows: list[TeamAgentRow] = []
    for aid in sorted(ctx.now_means, key=lambda a: (ctx.names[a].lower(), a)):
        card = agent_card(ctx, aid, rubric_version, code_version, generated)
        cards.append(card)
        rows.append(team_row(ctx, aid, card, agent_flags(ctx, aid, card)))
    summary = week_summary(
        SummaryHeader(week, rubric_version, code_version, generated, ctx.footnote),
        ctx.team,
        rows,
        (ctx.overload_flags, ctx.empathy_flags),
        n_contacts=ctx.table.height,
        unsupported=ctx.unsupported,
        quarantined=quarantined,
        attribution_failures=attribution_failures,
    )
    return WeekReport(week=week, agents=cards, team=summary)


def week_generated_at(week: str, timezone: str, generated_at: datetime | None = None) -> datetime:
    """When the week's files say they were made: by default the end of the week."""
    # Not the clock: the same inputs must give byte-identical PDFs on a rerun (the PDF's
    # creation date comes from this), so by default a week's files are dated by its end.
    return generated_at or IsoWeek.parse(week).bounds(timezone)[1].astimezone(UTC)


@dataclass(frozen=True, slots=True)
class SummaryHeader:
    """What the team summary says about itself: week, versions, date and footnote."""

    week: str
    rubric_version: str
    code_version: str
    generated: datetime
    footnote: str


def week_summary(
    header: SummaryHeader,
    team: TeamFigures,
    rows: Sequence[TeamAgentRow],
    flags: tuple[Sequence[AgentFlag], Sequence[AgentFlag]],
    *,
    n_contacts: int,
    unsupported: tuple[tuple[str, int], ...],
    quarantined: Sequence[tuple[str, str]],
    attribution_failures: Sequence[tuple[str, str]],
) -> TeamSummary:
    """The team summary from the agents' rows and flags (overload, missed empathy)."""
    rows = sorted(rows, key=lambda r: (-(r.overall if r.overall is not None else -1.0), r.agent_id))
    overload, empathy = flags
    return TeamSummary(
        week=header.week,
        week_dates=week_dates_label(header.week),
        rubric_version=header.rubric_version,
        code_version=header.code_version,
        generated_at=header.generated,
        n_agents=len(rows),
        n_contacts=n_contacts,
        median_overall=median_of([r.overall for r in rows]),
        team_medians=tuple(
            (name, size, team.median[name]["overall"]) for name, size in sorted(team.sizes.items())
        ),
        distributions=distributions(rows),
        agents=tuple(rows),
        overload_flags=tuple(sorted(overload, key=lambda f: (-f.severity, f.agent_id))),
        empathy_flags=tuple(sorted(empathy, key=lambda f: (-f.severity, f.agent_id))),
        # reasons may name keys: masked as ids are, so plain keys stay readable
        quarantined=tuple((k, mask_around_shields(r)) for k, r in quarantined),
        footnote=header.footnote,
        unsupported_languages=unsupported,
        width_line=typical_width_line([r.interval for r in rows], [r.contacts for r in rows]),
        attribution_failures=tuple((k, mask_around_shields(r)) for k, r in attribution_failures),
    )


def joined_week_report(
    parts: Sequence[WeekReport],
    team: TeamFigures,
    header: SummaryHeader,
    *,
    quarantined: Sequence[tuple[str, str]],
    attribution_failures: Sequence[tuple[str, str]],
) -> WeekReport:
    """The week's report from the reports of its chunks of agents (each built with the whole
    week's ``team``): the cards of all, and the summary of all their rows."""
    languages: Counter[str] = Counter()
    for part in parts:
        languages.update(dict(part.team.unsupported_languages))
    cards = sorted(
        (card for part in parts for card in part.agents),
        key=lambda c: (c.agent_name.lower(), c.agent_id),
    )
    summary = week_summary(
        header,
        team,
        [row for part in parts for row in part.team.agents],
        (
            [f for part in parts for f in part.team.overload_flags],
            [f for part in parts for f in part.team.empathy_flags],
        ),
        n_contacts=sum(part.team.n_contacts for part in parts),
        unsupported=tuple(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
        quarantined=quarantined,
        attribution_failures=attribution_failures,
    )
    return WeekReport(week=header.week, agents=cards, team=summary)


@dataclass(frozen=True, slots=True)
class TeamFigures:
    """What a card needs from the whole week beyond its own agent: the team medians."""

    median: dict[str, dict[str, float | None]]  # team -> overall and criteria medians
    sizes: dict[str, int]  # team -> agents this week


def week_agents(
    table: pl.DataFrame,
) -> tuple[dict[str, dict[str, Any]], dict[str, str], dict[str, str]]:
    """Each agent's means, name and team (scored rows of a published score table)."""
    now_means = {r["agent_id"]: r for r in agent_means(table, ["agent_id"]).iter_rows(named=True)}
    names: dict[str, str] = {}
    teams: dict[str, str] = {}
    firsts = table.group_by("agent_id", maintain_order=True).agg(
        pl.col("agent_name").first(), pl.col("team").first()
    )
    for aid, name, team in firsts.iter_rows():
        names[aid] = name or aid
        teams[aid] = team or "Unassigned"
    return now_means, names, teams


def team_figures_of(
    now_means: Mapping[str, Mapping[str, Any]], teams: Mapping[str, str]
) -> TeamFigures:
    """Each team's median agent, overall and per criterion."""
    by_team: dict[str, list[str]] = {}
    for aid in sorted(now_means):
        by_team.setdefault(teams[aid], []).append(aid)
    return TeamFigures(
        median={
            team: {
                key: median_of([as_float(now_means[a][key]) for a in aids])
                for key in ("overall", *CRITERIA)
            }
            for team, aids in by_team.items()
        },
        sizes={team: len(aids) for team, aids in by_team.items()},
    )


def team_figures(table: pl.DataFrame | pl.LazyFrame) -> TeamFigures:
    """The week's team medians from its whole published score table."""
    # only the columns the means need: the table may hold a million contacts
    columns = table.lazy().collect_schema().names()
    needed = ["agent_id", "agent_name", "team", "overall", *CRITERIA]
    needed += [c for c in ("state", "weight") if c in columns]
    now_means, _, teams = week_agents(scored_rows(table.lazy().select(needed).collect()))
    return team_figures_of(now_means, teams)


@dataclass
class WeekFigures:
    """Everything the cards and the summary are made from, computed once for the week."""

    week: str
    table: pl.DataFrame  # the scored sample (no coaching picks, no unsupported languages)
    dates_label: str
    bands: BandsConfig
    policy: ReportPolicy
    now_means: dict[str, dict[str, Any]]
    counts: dict[str, dict[str, Any]]
    spans: Mapping[tuple[Any, ...], Mapping[str, Interval | None]]
    names: dict[str, str]
    teams: dict[str, str]
    team: TeamFigures
    trend_hist: Mapping[str, Sequence[TrendPoint]]
    previous: Mapping[str, tuple[str | None, float | None, Interval | None]]
    coaching: Mapping[str, Coaching]
    contact_rows: dict[str, list[ContactRow]]
    picks: Mapping[str, tuple[ContactRow, ...]]
    unsupported: tuple[tuple[str, int], ...]
    unsupported_by_agent: Mapping[str, tuple[tuple[str, int], ...]]
    footnote: str = ""
    overload_flags: list[AgentFlag] = field(default_factory=list)
    empathy_flags: list[AgentFlag] = field(default_factory=list)


def week_figures(
    week: str,
    table: pl.DataFrame,
    findings: pl.DataFrame,
    history: pl.DataFrame,
    timezone: str,
    turns: pl.DataFrame | None,
    bands: BandsConfig,
    policy: ReportPolicy | None,
    team: TeamFigures | None = None,
    trends: Trends | None = None,
) -> WeekFigures:
    """Means, intervals, counts, names, teams, medians, history and coaching of the week."""
    unsupported, unsupported_by_agent = unsupported_languages(table)
    picks = coaching_pick_rows(table, timezone)
    table = scored_rows(table)
    # a coaching pick's findings must not feed the coaching counts of the sample
    findings = findings.join(table.select("contact_id"), on="contact_id", how="semi")
    now_means, names, teams = week_agents(table)
    trend_hist, previous = trends or trend_history(history, week)
    rows = _contact_table(table, timezone)
    coaching = coach_agents(
        with_weight(table).select(*SCORES_SCHEMA.names(), "weight"),
        findings,
        turns=turns,
        contact_dates=dict(zip(rows["contact_id"].to_list(), rows["day"].to_list(), strict=True)),
        strength_floor=bands.meets_from,
    )
    policy = policy or ReportPolicy()
    return WeekFigures(
        week=week,
        table=table,
        dates_label=week_dates_label(week),
        bands=bands,
        policy=policy,
        now_means=now_means,
        counts={r["agent_id"]: r for r in agent_counts(table).iter_rows(named=True)},
        spans=agent_intervals(table, ["agent_id"]),
        names=names,
        teams=teams,
        team=team or team_figures_of(now_means, teams),
        trend_hist=trend_hist,
        previous=previous,
        coaching=coaching,
        contact_rows=_listed_contacts(rows, policy.card_contact_rows),
        picks=picks,
        unsupported=unsupported,
        unsupported_by_agent=unsupported_by_agent,
    )


def _contact_table(table: pl.DataFrame, timezone: str) -> pl.DataFrame:
    """One row per scored contact, in date order, with what a card's contact list shows."""
    return table.sort("agent_id", "started_at", "contact_id", nulls_last=True).select(
        "agent_id",
        "contact_id",
        local_time("started_at", timezone, "%a %d %b %H:%M").alias("when"),
        local_time("started_at", timezone, "%a %d %b").alias("day"),
        pl.col("channel").fill_null(""),
        *CRITERIA,
        "overall",
        flag_bits().alias("bits"),
    )


def _listed_contacts(rows: pl.DataFrame, limit: int) -> dict[str, list[ContactRow]]:
    """Each agent's lowest-scoring contacts (ties and missing scores in date order), listed
    back in date order."""
    flag_cache: dict[int, tuple[str, ...]] = {}
    contact_rows: dict[str, list[ContactRow]] = {}
    n_crit = len(CRITERIA)
    lowest = pl.col("overall").fill_null(float("inf")).rank("ordinal").over("agent_id")
    for aid, cid, when, _, channel, *cells, bits in rows.filter(lowest <= limit).iter_rows():
        contact_rows.setdefault(aid, []).append(
            ContactRow(
                cid,
                when,
                channel,
                dict(zip(CRITERIA, cells[:n_crit], strict=True)),
                cells[n_crit],
                flags_of(bits, flag_cache),
            )
        )
    return contact_rows


def agent_card(
    ctx: WeekFigures, aid: str, rubric_version: str, code_version: str, generated: datetime
) -> AgentCard:
    """One agent's scorecard: headline, change, criteria, trend, coaching and contacts."""
    m, k = ctx.now_means[aid], ctx.counts[aid]
    n_rows = int(k["n"])
    overall = as_float(m["overall"])
    prev_week, prev_overall, prev_iv = ctx.previous.get(aid, (None, None, None))
    change = None if overall is None or prev_overall is None else overall - prev_overall
    ivs = ctx.spans[(aid,)]
    tmed = ctx.team.median[ctx.teams[aid]]
    oiv = ivs["overall"]
    now_point = TrendPoint(
        ctx.week,
        overall,
        {c: as_float(m[c]) for c in CRITERIA},
        None if oiv is None else oiv.low,
        None if oiv is None else oiv.high,
    )
    return AgentCard(
        agent_id=aid,
        agent_name=ctx.names[aid],
        team=ctx.teams[aid],
        week=ctx.week,
        week_dates=ctx.dates_label,
        contacts_sampled=n_rows,
        rubric_version=rubric_version,
        code_version=code_version,
        generated_at=generated,
        overall=overall,
        previous_week=prev_week,
        change=change,
        team_median=tmed["overall"],
        criteria=_criterion_scores(ctx, m, k, ivs, tmed),
        opportunities=Opportunities(k["shown"], k["missed"], n_rows - k["shown"] - k["missed"]),
        trend=(*ctx.trend_hist.get(aid, [])[-(ctx.policy.trend_weeks - 1) :], now_point),
        coaching=ctx.coaching[aid],
        signals=signal_counts(k),
        contacts=tuple(ctx.contact_rows.get(aid, ())),
        footnote=ctx.footnote,
        unsupported_languages=ctx.unsupported_by_agent.get(aid, ()),
        overall_interval=oiv,
        change_verdict=None if change is None else change_verdict(oiv, prev_iv),
        change_text=(
            "first week on file"
            if change is None
            else describe_change(oiv, prev_iv, had_previous=True)
        ),
        band=ctx.bands.band(overall),
        rests_on=rests_on(n_rows, int(k["shown"]) + int(k["missed"])),
        coaching_picks=ctx.picks.get(aid, ()),
    )


def _criterion_scores(
    ctx: WeekFigures,
    m: Mapping[str, Any],
    k: Mapping[str, Any],
    ivs: Mapping[str, Interval | None],
    tmed: Mapping[str, float | None],
) -> tuple[CriterionScore, ...]:
    return tuple(
        CriterionScore(
            c,
            CRITERION_LABELS[c],
            CRITERION_HINTS[c],
            as_float(m[c]),
            tmed[c],
            k[f"applied_{c}"],
            ivs[c],
            ctx.bands.band(as_float(m[c])) if ivs[c] is not None else None,
        )
        for c in CRITERIA
    )


def agent_flags(ctx: WeekFigures, aid: str, card: AgentCard) -> tuple[str, ...]:
    """The agent's flags for QA leads, each added to the summary's flag lists; only on
    evidence: the whole interval below the line, or the behaviour seen in two contacts."""
    k = ctx.counts[aid]
    flags = []
    control = as_float(ctx.now_means[aid]["sympathy_overload"])
    piles, heavy = int(k["piles"]), int(k["heavy"])
    civ = ctx.spans[(aid,)]["sympathy_overload"]
    below = civ is not None and civ.high < ctx.policy.overload_flag_control_below
    if below or piles + heavy >= ctx.policy.overload_flag_incidents:
        flags.append("sympathy overload")
        ctl = "N/A" if control is None else f"{control:.0f}"
        ctx.overload_flags.append(
            AgentFlag(
                aid,
                card.agent_name,
                f"control {ctl}; apology piles in {piles} of {card.contacts_sampled} contacts; "
                f"pity, own upset or blaming {heavy}×",
                (100.0 - (control if control is not None else 100.0)) + 10.0 * (piles + heavy),
            )
        )
    opp = card.opportunities
    opps = opp.needed_shown + opp.needed_missed
    if opp.needed_missed >= MISSED_EMPATHY_FLAG_AT and opp.needed_missed >= opp.needed_shown:
        flags.append("missed empathy")
        ctx.empathy_flags.append(
            AgentFlag(
                aid,
                card.agent_name,
                f"missed {opp.needed_missed} of {opps} empathy opportunities",
                opp.needed_missed + opp.needed_missed / max(opps, 1),
            )
        )
    return tuple(flags)


def team_row(ctx: WeekFigures, aid: str, card: AgentCard, flags: tuple[str, ...]) -> TeamAgentRow:
    """The agent's line in the team summary's ranking."""
    m = ctx.now_means[aid]
    ivs = ctx.spans[(aid,)]
    return TeamAgentRow(
        aid,
        card.agent_name,
        card.team,
        card.contacts_sampled,
        card.overall,
        card.change,
        # a criterion on too few contacts shows no number here either (as on the card)
        {c: None if ivs[c] is None else as_float(m[c]) for c in CRITERIA},
        flags,
        card.overall_interval,
        card.change_verdict,
        tuple(c for c in CRITERIA if ivs[c] is None and m[c] is not None),
    )


def distributions(rows: Sequence[TeamAgentRow]) -> tuple[Distribution, ...]:
    """Each criterion's spread across the agents (the summary's strip charts)."""
    out = []
    for c in CRITERIA:
        vals = tuple(v for v in (r.criteria[c] for r in rows) if v is not None)
        out.append(
            Distribution(
                c,
                CRITERION_LABELS[c],
                vals,
                median_of(list(vals)),
                min(vals) if vals else None,
                max(vals) if vals else None,
            )
        )
    return tuple(out)
