"""Who receives a week, read from the roster (or a recipients CSV of the same shape): a manager
or team lead e-mail per agent or per team, and optional agent e-mails."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from flows.config.settings import Settings
from flows.ingest.attribution import RosterColumns, roster_header_candidates
from flows.ingest.formats.csv_table import cell, find_columns, read_table
from flows.ingest.formats.decode import decode_text, gunzip_if_needed
from flows.ingest.formats.model import TranscriptError
from flows.stores.base import ObjectStore

log = logging.getLogger("rapport.deliver")

MAX_ROSTER_BYTES = 64 * 1024 * 1024
# One plain address per cell: something@domain, no spaces, commas or angle brackets.
_ADDRESS = re.compile(r"[^\s@,;<>\"]+@[^\s@,;<>\"]+")


@dataclass(frozen=True, slots=True)
class RecipientTable:
    """Manager address per agent id or team, agents' own addresses, and rows that were skipped
    (file, line and why)."""

    managers: dict[str, str] = field(default_factory=dict)
    agent_emails: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


def read_recipient_table(
    data: bytes, name: str, columns: Mapping[str, str] | None = None
) -> RecipientTable | None:
    """The recipients a roster-shaped CSV names, or None when it has no manager_email or
    agent_email column (a roster need not carry any). A row with an agent id names that agent's
    manager (and its agent_email the agent's own address); a row with a team and no agent id
    names the team's. Raises ValueError naming the file when it cannot be read at all."""
    known = {f.name for f in fields(RosterColumns)}
    if unknown := sorted(set(columns or {}) - known):
        raise ValueError(
            f"roster_columns: no such column {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))})"
        )
    try:
        text = decode_text(gunzip_if_needed(name, data, MAX_ROSTER_BYTES))
        header, rows = read_table(text)
        wanted = roster_header_candidates(RosterColumns(**(columns or {})))
        cols = find_columns(header, wanted, [])
    except TranscriptError as exc:
        raise ValueError(f"{name}: {exc}") from None
    if "manager_email" not in cols and "agent_email" not in cols:
        return None
    if "agent_id" not in cols and "team" not in cols:
        raise ValueError(f"{name}: recipient columns but no agent_id or team column to tie them to")
    managers: dict[str, tuple[str, int]] = {}
    agents: dict[str, tuple[str, int]] = {}
    problems: list[str] = []

    def keep(
        table: dict[str, tuple[str, int]], key: str, address: str, line: int, what: str
    ) -> None:
        if not _ADDRESS.fullmatch(address):
            problems.append(f"{name} line {line}: {what} {address!r} is not one e-mail address")
            return
        before = table.get(key)
        if before is None:
            table[key] = (address, line)
        elif before[0].lower() != address.lower():
            problems.append(
                f"{name} line {line}: {what} {address!r} for {key!r}, but line {before[1]} "
                f"says {before[0]!r}; line {before[1]} kept"
            )

    for line, row in rows:
        agent_id, team = cell(row, cols, "agent_id"), cell(row, cols, "team")
        if manager := cell(row, cols, "manager_email"):
            if agent_id:
                keep(managers, agent_id, manager, line, "manager e-mail")
            elif team:
                keep(managers, team, manager, line, "team e-mail")
            else:
                problems.append(f"{name} line {line}: a manager e-mail with no agent id or team")
        if own := cell(row, cols, "agent_email"):
            if agent_id:
                keep(agents, agent_id, own, line, "agent e-mail")
            else:
                problems.append(f"{name} line {line}: an agent e-mail with no agent id")
    return RecipientTable(
        {key: address for key, (address, _) in managers.items()},
        {key: address for key, (address, _) in agents.items()},
        tuple(problems),
    )


def merged(*tables: RecipientTable | None) -> RecipientTable:
    """Tables combined in order, a later one's address winning for the same key."""
    present = [t for t in tables if t is not None]
    return RecipientTable(
        {k: v for t in present for k, v in t.managers.items()},
        {k: v for t in present for k, v in t.agent_emails.items()},
        tuple(p for t in present for p in t.problems),
    )


def configured_recipients(settings: Settings, store: ObjectStore) -> RecipientTable:
    """Everyone the settings name, from the lowest precedence up: the roster (when it has
    recipient columns), the recipients file, the settings' own tables."""
    tables: list[RecipientTable | None] = []
    if settings.roster and settings.roster != settings.recipients_file:
        tables.append(
            read_recipient_table(
                store.get(settings.roster), settings.roster, settings.roster_columns
            )
        )
    if settings.recipients_file:
        # the roster's column names apply to the roster only; a file of its own has defaults
        own_columns = settings.roster_columns if settings.recipients_file == settings.roster else {}
        found = read_recipient_table(
            store.get(settings.recipients_file), settings.recipients_file, own_columns
        )
        if found is None:
            raise ValueError(f"{settings.recipients_file}: no manager_email or agent_email column")
        tables.append(found)
    tables.append(RecipientTable(dict(settings.recipients), dict(settings.agent_emails)))
    table = merged(*tables)
    for problem in table.problems[:20]:
        log.warning("recipients: %s", problem)
    return table
