"""The team summary's page budget (docs/team-summary.md): at most two A4 pages for up to
BUDGET_AGENTS agents, whatever the length of their names, ids, teams or the week's file keys.
Long texts are cut with an ellipsis on the page only (scores.csv, ledger.csv and the manifest
keep them whole), and long lists show their first entries and say how many more there are."""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from flows.report.model import AgentFlag, TeamAgentRow, TeamSummary

BUDGET_AGENTS: Final = 20  # agents two A4 pages hold at worst (full flags, 10 files listed)
# What one line of each cell holds; the ranking's agent cell has the name on one line and the
# id on the next, its Team and Flags cells two lines.
NAME_CHARS: Final = 26
ID_CHARS: Final = 22
TEAM_CHARS: Final = 16
FLAG_CHARS: Final = 38
REASON_CHARS: Final = 60  # one line of a flag's reason or a file's reason
KEY_CHARS: Final = 60
FILES_LISTED: Final = 10  # quarantined files (and failed attribution files) listed by name


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clip_middle(text: str, limit: int) -> str:
    """`text` cut in the middle (a key keeps its file name, which says the most)."""
    if len(text) <= limit:
        return text
    tail = (limit - 1) * 2 // 3
    return text[: limit - 1 - tail] + "…" + text[-tail:]


def _row(row: TeamAgentRow) -> TeamAgentRow:
    flags = ", ".join(row.flags)
    return replace(
        row,
        agent_id=clip(row.agent_id, ID_CHARS),
        agent_name=clip(row.agent_name, NAME_CHARS),
        team=clip(row.team, TEAM_CHARS),
        flags=(clip(flags, FLAG_CHARS),) if flags else (),
    )


def _flag(flag: AgentFlag) -> AgentFlag:
    return replace(
        flag,
        agent_id=clip(flag.agent_id, ID_CHARS),
        agent_name=clip(flag.agent_name, NAME_CHARS),
        reason=clip(flag.reason, REASON_CHARS),
    )


def _files(entries: tuple[tuple[str, str], ...], where: str) -> tuple[tuple[str, str], ...]:
    shown = tuple(
        (clip_middle(key, KEY_CHARS), clip(reason, REASON_CHARS))
        for key, reason in entries[:FILES_LISTED]
    )
    more = len(entries) - FILES_LISTED
    if more <= 0:
        return shown
    return (*shown, (f"… and {more} more", f"every one, with its reason, is in {where}"))


def fit_team_summary(team: TeamSummary) -> TeamSummary:
    """The summary as the page shows it: texts cut and lists shortened to the budget."""
    return replace(
        team,
        agents=tuple(_row(r) for r in team.agents),
        overload_flags=tuple(_flag(f) for f in team.overload_flags),
        empathy_flags=tuple(_flag(f) for f in team.empathy_flags),
        team_medians=tuple((clip(t, TEAM_CHARS), n, m) for t, n, m in team.team_medians),
        quarantined=_files(team.quarantined, "ledger.csv and manifest.json"),
        attribution_failures=_files(team.attribution_failures, "manifest.json"),
    )
