"""Who gets what: managers per team or agent, agents' own addresses, and who has nobody."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from flows.render.pdf import TEAM_SUMMARY_FILE, scorecard_file_name
from flows.report.model import WeekReport
from flows.report.team_scope import team_summary_files

SCORES_FILE = "scores.csv"
# Without intervals (a digest built by hand), a change of at least this many points "moved".
MOVED_POINTS = 5.0


@dataclass(frozen=True, slots=True)
class AgentLine:
    """What a message says about one agent (no customer text: names, scores, flags)."""

    agent_id: str
    name: str
    team: str
    overall: float | None
    change: float | None
    flags: tuple[str, ...]
    file: str
    # The scorecard's reading of the change (checks.criteria.intervals): "up", "down",
    # "within_noise", "too_few" or None (no earlier week), and its words on the card.
    change_verdict: str | None = None
    change_text: str = ""


@dataclass(frozen=True, slots=True)
class WeekDigest:
    """The week as a delivery sees it: its agents and the published files' hashes."""

    week: str
    week_dates: str
    agents: tuple[AgentLine, ...]
    files: Mapping[str, Mapping[str, object]]  # manifest["files"]: name -> sha256, bytes
    # team -> its own summary's file (manifest["team_summaries"]; empty for a one-team week)
    team_summaries: Mapping[str, str] = field(default_factory=dict)

    def scores_sha256(self) -> str | None:
        """The hash of the week's score table (the same scores give the same hash)."""
        meta = self.files.get(SCORES_FILE, {})
        return str(meta["sha256"]) if "sha256" in meta else None

    def fingerprint(self) -> str:
        """Changes when the week's scores or any agent's line change."""
        doc = {"scores": self.scores_sha256(), "agents": [asdict(a) for a in self.agents]}
        return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Packet:
    """One message: its recipient, the agents it covers, whether it carries a team summary
    (the week's, or with `summaries` the (team, file) of each of its teams' own)."""

    recipient: str
    role: str  # "manager" or "agent"
    agents: tuple[AgentLine, ...]
    team_summary: bool
    teams: tuple[str, ...] = field(default=())
    summaries: tuple[tuple[str, str], ...] = field(default=())

    def summary_files(self) -> list[str]:
        """The summaries this message carries: its teams' own, else the week's."""
        if not self.team_summary:
            return []
        return [name for _, name in self.summaries] or [TEAM_SUMMARY_FILE]

    def files(self) -> list[str]:
        """The week's files this message carries or links."""
        return self.summary_files() + [a.file for a in self.agents]

    def fingerprint(self, digest: WeekDigest, links: bool) -> str:
        """Changes when what the recipient would be told changes: the week's scores, the
        agents covered and their lines, attached or linked (not the PDFs' bytes, which carry
        the time they were made)."""
        doc = {
            "recipient": self.recipient,
            "links": links,
            "team_summary": self.team_summary,
            # the team summary shows everyone: a manager gets any change of the week again
            "scores": digest.scores_sha256() if self.team_summary else None,
            "agents": [asdict(a) for a in self.agents],
        }
        if self.summaries:  # its teams' summaries show only their agents: changes there count
            teams = {team for team, _ in self.summaries}
            doc["scores"] = None
            doc["summaries"] = [list(s) for s in self.summaries]
            doc["team_agents"] = [asdict(a) for a in digest.agents if a.team in teams]
        return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def digest_of(report: WeekReport, files: Mapping[str, Mapping[str, object]]) -> WeekDigest:
    """The delivery's view of a built week report and its manifest's files."""
    flags: dict[str, list[str]] = {}
    for flag in report.team.overload_flags:  # its reason starts "control 38; ..."
        flags.setdefault(flag.agent_id, []).append(f"sympathy overload ({flag.reason})")
    for flag in report.team.empathy_flags:  # "missed 3 of 3 empathy opportunities"
        flags.setdefault(flag.agent_id, []).append(flag.reason)
    agents = tuple(
        AgentLine(
            agent_id=card.agent_id,
            name=card.agent_name or card.agent_id,
            team=card.team or "",
            overall=card.overall,
            change=card.change,
            flags=tuple(flags.get(card.agent_id, ())),
            file=scorecard_file_name(card.agent_id),
            change_verdict=card.change_verdict,
            change_text=card.change_text,
        )
        for card in report.agents
    )
    return WeekDigest(
        report.week, report.team.week_dates, agents, files, team_summary_files(report)
    )


def plan(
    agents: Sequence[AgentLine],
    managers: Mapping[str, str],
    agent_emails: Mapping[str, str],
    team_summaries: Mapping[str, str] | None = None,
) -> tuple[list[Packet], list[AgentLine]]:
    """Messages to send, and the agents no manager receives. `managers` maps an agent id or a
    team name to an address (the agent id wins); several keys may share one address. With
    `team_summaries` (team -> file), a manager of some of the week's teams gets their teams'
    own summaries; a manager of every team gets the week's."""
    team_files = team_summaries or {}
    by_manager: dict[str, list[AgentLine]] = {}
    nobody: list[AgentLine] = []
    for agent in agents:
        address = managers.get(agent.agent_id) or managers.get(agent.team)
        if address:
            by_manager.setdefault(address.strip(), []).append(agent)
        else:
            nobody.append(agent)
    packets = []
    for recipient, covered in sorted(by_manager.items()):
        teams = tuple(sorted({a.team for a in covered if a.team}))
        own = set(teams) < set(team_files) and all(a.team in team_files for a in covered)
        packets.append(
            Packet(
                recipient,
                "manager",
                tuple(sorted(covered, key=lambda a: a.agent_id)),
                team_summary=True,
                teams=teams,
                summaries=tuple((t, team_files[t]) for t in teams) if own else (),
            )
        )
    for agent in sorted(agents, key=lambda a: a.agent_id):
        if address := agent_emails.get(agent.agent_id, "").strip():
            packets.append(Packet(address, "agent", (agent,), team_summary=False))
    return packets, nobody


def table_from_csv(
    data: bytes, name: str = "recipients file"
) -> tuple[dict[str, str], dict[str, str]]:
    """(managers, agent e-mails) from a roster-shaped CSV (read by flows/deliver/roster.py);
    raises ValueError when it has no manager_email or agent_email column."""
    from flows.deliver.roster import read_recipient_table

    table = read_recipient_table(data, name)
    if table is None:
        raise ValueError(f"{name}: no manager_email or agent_email column")
    return table.managers, table.agent_emails


def movers(agents: Sequence[AgentLine]) -> list[AgentLine]:
    """Agents whose overall moved since last week by more than the sampling noise (as their
    scorecard says), biggest first; a change within the noise is nobody's news."""
    moved = [a for a in agents if a.change is not None and _moved(a)]
    return sorted(moved, key=lambda a: (-abs(a.change or 0.0), a.agent_id))


def _moved(agent: AgentLine) -> bool:
    if agent.change_text:  # the scorecard's verdict, from the two weeks' intervals
        return agent.change_verdict in ("up", "down")
    return abs(agent.change or 0.0) >= MOVED_POINTS
