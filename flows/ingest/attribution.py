"""Who took each contact: Amazon Connect contact records (CTR) and roster CSVs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import Any, Final

from checks.transcripts.transcript import Contact
from flows.ingest.formats.csv_table import cell, find_columns, read_table
from flows.ingest.formats.decode import decode_text, gunzip_if_needed
from flows.ingest.formats.model import TranscriptError
from flows.ingest.formats.validate import check_id

MAX_CTR_BYTES: Final = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class AgentRef:
    """The agent who took a contact, with what is known about them."""

    agent_id: str
    agent_name: str | None = None
    team: str | None = None
    connected_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Attribution:
    """Contact id -> agent, agent id -> name/team directory, and notes on skipped input."""

    by_contact: Mapping[str, AgentRef] = field(default_factory=dict)
    directory: Mapping[str, AgentRef] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    # (key, reason) of each source file that attributed nothing (unreadable, no column matched)
    failed_sources: tuple[tuple[str, str], ...] = ()

    def __len__(self) -> int:
        return len(self.by_contact)


@dataclass(frozen=True, slots=True)
class RosterColumns:
    """Header names of a roster CSV (matched ignoring case and separators)."""

    contact_id: str = "contact_id"
    agent_id: str = "agent_id"
    agent_name: str = "agent_name"
    team: str = "team"
    # Who receives the agent's week (flows/deliver/roster.py); attribution does not use them.
    manager_email: str = "manager_email"
    agent_email: str = "agent_email"


_ROSTER_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "contact_id": ("contact", "conversation_id", "call_id", "interaction_id"),
    "agent_id": ("agent", "agent_username", "username", "login"),
    "agent_name": ("name", "full_name", "display_name"),
    "team": ("group", "queue", "department"),
    "manager_email": ("team_lead_email", "lead_email", "supervisor_email", "manager"),
    "agent_email": ("email",),
}


def _bad_ids(contact_id: str | None, agent_id: str) -> str | None:
    """Why these ids would not pass as a transcript's own ids (too long, control characters),
    or None: attributed ids name files and rows just like transcript ids."""
    try:
        check_id("contact_id", contact_id)
        check_id("agent_id", agent_id)
    except TranscriptError as exc:
        return str(exc)
    return None


# --- Amazon Connect contact records -------------------------------------------------------


def _iter_json_values(text: str) -> Iterable[tuple[int, object | None, str | None]]:
    """(offset, value, error) for each JSON value in concatenated / line-separated JSON."""
    decoder = json.JSONDecoder()
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= end:
            return
        try:
            value, after = decoder.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError) as exc:
            yield pos, None, str(exc).split(":")[0]
            nxt = text.find("\n", pos)
            if nxt < 0:
                return
            pos = nxt + 1
            continue
        yield pos, value, None
        pos = after


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts


def _agent_from_arn(arn: object) -> str | None:
    if not isinstance(arn, str) or "/agent/" not in arn:
        return None
    return arn.rsplit("/agent/", 1)[1] or None


def _nonblank(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _ctr_ref(record: dict[str, Any]) -> tuple[AgentRef, tuple[float, str]] | None:
    agent = record.get("Agent")
    if not isinstance(agent, dict):
        return None
    agent_id = _nonblank(agent.get("Username")) or _agent_from_arn(agent.get("ARN"))
    if agent_id is None:
        return None
    queue = record.get("Queue")
    team = _nonblank(queue.get("Name")) if isinstance(queue, dict) else None
    connected = (
        _timestamp(agent.get("ConnectedToAgentTimestamp"))
        or _timestamp(record.get("ConnectedToSystemTimestamp"))
        or _timestamp(record.get("InitiationTimestamp"))
    )
    duration = agent.get("AgentInteractionDuration")
    talk = 0.0
    if isinstance(duration, int | float) and not isinstance(duration, bool):
        talk = float(duration)
    updated = record.get("LastUpdateTimestamp")
    rank = (talk, updated if isinstance(updated, str) else "")
    # interned: a week's million records name a few thousand agents and queues
    return AgentRef(sys.intern(agent_id), None, team and sys.intern(team), connected), rank


def attribution_from_ctr_jsonl(data: bytes) -> Attribution:
    """Read Connect contact records (JSON lines or concatenated JSON, maybe gzipped); no raise."""
    try:
        text = decode_text(gunzip_if_needed("", data, MAX_CTR_BYTES))
    except TranscriptError as exc:
        return Attribution(problems=(f"contact records unreadable: {exc}",))
    best: dict[str, tuple[AgentRef, tuple[float, str]]] = {}
    problems: list[str] = []
    for offset, value, error in _iter_json_values(text):
        if error is not None:
            problems.append(f"malformed contact record at offset {offset}: {error}")
            continue
        for record in value if isinstance(value, list) else [value]:
            if not isinstance(record, dict) or not _nonblank(record.get("ContactId")):
                problems.append(f"record at offset {offset} has no ContactId")
                continue
            found = _ctr_ref(record)
            if found is None:
                continue  # no agent connected (abandoned, IVR only): nobody to attribute
            contact_id = str(record["ContactId"]).strip()
            if problem := _bad_ids(contact_id, found[0].agent_id):
                problems.append(f"record at offset {offset}: {problem}; skipped")
                continue
            current = best.get(contact_id)
            if current is None or found[1] > current[1]:
                best[contact_id] = found
    return Attribution(by_contact={k: v[0] for k, v in best.items()}, problems=tuple(problems))


# --- roster CSV ---------------------------------------------------------------------------


def _roster_candidates(columns: RosterColumns) -> dict[str, tuple[str, ...]]:
    default = RosterColumns()
    return {
        f.name: (getattr(columns, f.name),)
        + (_ROSTER_ALIASES[f.name] if getattr(columns, f.name) == getattr(default, f.name) else ())
        for f in fields(RosterColumns)
    }


def roster_header_candidates(columns: RosterColumns) -> dict[str, tuple[str, ...]]:
    """Field -> header names that may hold it (the configured name, plus aliases by default)."""
    return _roster_candidates(columns)


def attribution_from_roster_csv(data: bytes, columns: RosterColumns | None = None) -> Attribution:
    """Read a roster CSV: rows with a contact id attribute it, rows without describe an agent."""
    try:
        text = decode_text(gunzip_if_needed("", data, MAX_CTR_BYTES))
        header, rows = read_table(text)
        cols = find_columns(header, _roster_candidates(columns or RosterColumns()), ["agent_id"])
    except TranscriptError as exc:
        return Attribution(problems=(f"roster unreadable: {exc}",))
    by_contact: dict[str, AgentRef] = {}
    directory: dict[str, AgentRef] = {}
    problems: list[str] = []
    for line, row in rows:
        agent_id = cell(row, cols, "agent_id")
        if not agent_id:
            problems.append(f"roster line {line}: blank agent id")
            continue
        ref = AgentRef(
            agent_id, cell(row, cols, "agent_name") or None, cell(row, cols, "team") or None
        )
        contact_id = cell(row, cols, "contact_id")
        if problem := _bad_ids(contact_id or None, agent_id):
            problems.append(f"roster line {line}: {problem}; skipped")
            continue
        if contact_id:
            if contact_id in by_contact and by_contact[contact_id].agent_id != agent_id:
                problems.append(f"roster line {line}: contact {contact_id!r} twice, first kept")
                continue
            by_contact[contact_id] = ref
        old = directory.get(agent_id)
        directory[agent_id] = AgentRef(
            agent_id,
            (old.agent_name if old else None) or ref.agent_name,
            (old.team if old else None) or ref.team,
        )
    return Attribution(by_contact=by_contact, directory=directory, problems=tuple(problems))


# --- combining and applying ---------------------------------------------------------------


def _overlay(base: AgentRef, top: AgentRef) -> AgentRef:
    return AgentRef(
        base.agent_id,
        top.agent_name or base.agent_name,
        top.team or base.team,
        base.connected_at or top.connected_at,
    )


def merge_attributions(*sources: Attribution) -> Attribution:
    """Combine sources in order (e.g. CTR, then roster): the first source's agent id for a contact
    stands; later sources win for name and team."""
    by_contact: dict[str, AgentRef] = {}
    directory: dict[str, AgentRef] = {}
    problems: list[str] = []
    for source in sources:
        for contact_id, ref in source.by_contact.items():
            current = by_contact.get(contact_id)
            if current is None:
                by_contact[contact_id] = ref
            elif current.agent_id == ref.agent_id:
                by_contact[contact_id] = _overlay(current, ref)
            else:
                problems.append(
                    f"contact {contact_id!r}: sources disagree on the agent "
                    f"({current.agent_id!r} vs {ref.agent_id!r}); kept {current.agent_id!r}"
                )
        for agent_id, ref in source.directory.items():
            current = directory.get(agent_id)
            directory[agent_id] = ref if current is None else _overlay(current, ref)
        problems.extend(source.problems)
    return Attribution(by_contact=by_contact, directory=directory, problems=tuple(problems))


def attribute(
    contacts: Iterable[Contact], attribution: Attribution
) -> tuple[list[Contact], list[Contact]]:
    """Fill each contact's agent: (attributed, unattributed). A file's own agent id is kept."""
    attributed: list[Contact] = []
    unattributed: list[Contact] = []
    for contact in contacts:
        ref = attribution.by_contact.get(contact.contact_id)
        if contact.agent_id is not None:
            if ref is not None and ref.agent_id != contact.agent_id:
                ref = None
            ref = ref or AgentRef(contact.agent_id)
            keep_own = True
        elif ref is None:
            unattributed.append(contact)
            continue
        else:
            keep_own = False
        known = attribution.directory.get(ref.agent_id)
        if known is not None:
            ref = _overlay(ref, known)
        if keep_own:
            name = contact.agent_name or ref.agent_name
            team = contact.team or ref.team
        else:
            name = ref.agent_name or contact.agent_name
            team = ref.team or contact.team
        attributed.append(
            replace(
                contact,
                agent_id=ref.agent_id,
                agent_name=name,
                team=team,
                started_at=contact.started_at or ref.connected_at,
            )
        )
    return attributed, unattributed
