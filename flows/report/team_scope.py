"""One team's summary cut from the week's: the same page, with only that team's agents."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from flows.report.file_names import team_summary_file_name
from flows.report.model import Distribution, TeamSummary, WeekReport


def _median(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(statistics.median(known)) if known else None


def week_teams(report: WeekReport) -> list[str]:
    """The teams of the week's agents, sorted."""
    return sorted({row.team for row in report.team.agents})


def team_summary(report: WeekReport, team: str) -> TeamSummary:
    """The week's team summary with only `team`'s agents: their rows, flags, spreads, median
    and counts (each recomputed from their rows exactly as the week's are from all of them).
    Quarantined files cannot be told apart by team: the page gives their number only."""
    week = report.team
    rows = tuple(row for row in week.agents if row.team == team)
    if not rows:
        raise ValueError(f"{report.week}: no agent of team {team!r} this week")
    ids = {row.agent_id for row in rows}
    distributions = []
    for dist in week.distributions:
        values = tuple(v for v in (row.criteria.get(dist.key) for row in rows) if v is not None)
        distributions.append(
            Distribution(
                dist.key,
                dist.label,
                values,
                _median(values),
                min(values) if values else None,
                max(values) if values else None,
            )
        )
    languages: Counter[str] = Counter()
    for card in report.agents:
        if card.agent_id in ids:
            languages.update(dict(card.unsupported_languages))
    return replace(
        week,
        n_agents=len(rows),
        n_contacts=sum(row.contacts for row in rows),
        median_overall=_median([row.overall for row in rows]),
        team_medians=(),  # the page's own median is the team's
        distributions=tuple(distributions),
        agents=rows,
        overload_flags=tuple(f for f in week.overload_flags if f.agent_id in ids),
        empathy_flags=tuple(f for f in week.empathy_flags if f.agent_id in ids),
        unsupported_languages=tuple(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
        scope=team,
    )


def team_summaries(report: WeekReport) -> dict[str, TeamSummary]:
    """File name -> one team's summary, for every team of a week with more than one team (a
    week of one team has only the week's summary, which is that team's)."""
    teams = week_teams(report)
    if len(teams) < 2:
        return {}
    return {team_summary_file_name(team): team_summary(report, team) for team in teams}


def team_summary_files(report: WeekReport) -> dict[str, str]:
    """Team -> the file name of its summary (empty for a week of one team)."""
    teams = week_teams(report)
    return {team: team_summary_file_name(team) for team in teams} if len(teams) > 1 else {}
