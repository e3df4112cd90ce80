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


@dataclass
class _Collected:
    """Addresses gathered row by row, each key's first address kept, with the rows skipped."""

    name: str
    managers: dict[str, tuple[str, int]] = field(default_factory=dict)
    agents: dict[str, tuple[str, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add_row(self, line: int, agent_id: str, team: str, manager: str, own: str) -> None:
        """A row's manager address (for its agent or else its team) and agent address."""
        if manager:
            if agent_id:
                self._keep(self.managers, agent_id, manager, line, "manager e-mail")
            elif team:
                self._keep(self.managers, team, manager, line, "team e-mail")
            else:
                self.problems.append(
                    f"{self.name} line {line}: a manager e-mail with no agent id or team"
                )
        if own:
            if agent_id:
                self._keep(self.agents, agent_id, own, line, "agent e-mail")
            else:
                self.problems.append(f"{self.name} line {line}: an agent e-mail with no agent id")

    def _keep(
        self, table: dict[str, tuple[str, int]], key: str, address: str, line: int, what: str
    ) -> None:
        if not _ADDRESS.fullmatch(address):
            self.problems.append(
                f"{self.name} line {line}: {what} {address!r} is not one e-mail address"
            )
            return
        before = table.get(key)
        if before is None:
            table[key] = (address, line)
        elif before[0].lower() != address.lower():
            self.problems.append(
                f"{self.name} line {line}: {what} {address!r} for {key!r}, but line {before[1]} "
                f"says {before[0]!r}; line {before[1]} kept"
            )

    def table(self) -> RecipientTable:
        """The addresses kept, and the problems in file order."""
        return RecipientTable(
            {key: address for key, (address, _) in self.managers.items()},
            {key: address for key, (address, _) in self.agents.items()},
            tuple(self.problems),
        )


def _refuse_unknown_columns(columns: Mapping[str, str] | None) -> None:
    """ValueError for a roster_columns key that names no roster column."""
    known = {f.name for f in fields(RosterColumns)}
    if unknown := sorted(set(columns or {}) - known):
        raise ValueError(
            f"roster_columns: no such column {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))})"
        )


def _roster_table(
    data: bytes, name: str, columns: Mapping[str, str] | None
) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The roster's column positions and (line, fields) rows; ValueError naming the file."""
    try:
        text = decode_text(gunzip_if_needed(name, data, MAX_ROSTER_BYTES))
        header, rows = read_table(text)
        wanted = roster_header_candidates(RosterColumns(**(columns or {})))
        return find_columns(header, wanted, []), rows
    except TranscriptError as exc:
        raise ValueError(f"{name}: {exc}") from None


def read_recipient_table(
    data: bytes, name: str, columns: Mapping[str, str] | None = None
) -> RecipientTable | None:
    """The recipients a roster-shaped CSV names, or None when it has no manager_email or
    agent_email column (a roster need not carry any). A row with an agent id names that agent's
    manager (and its agent_email the agent's own address); a row with a team and no agent id
    names the team's. Raises ValueError naming the file when it cannot be read at all."""
    _refuse_unknown_columns(columns)
    cols, rows = _roster_table(data, name, columns)
    if "manager_email" not in cols and "agent_email" not in cols:
        return None
    if "agent_id" not in cols and "team" not in cols:
        raise ValueError(f"{name}: recipient columns but no agent_id or team column to tie them to")
    collected = _Collected(name)
    for line, row in rows:
        collected.add_row(
            line,
            agent_id=cell(row, cols, "agent_id"),
            team=cell(row, cols, "team"),
            manager=cell(row, cols, "manager_email"),
            own=cell(row, cols, "agent_email"),
        )
    return collected.table()


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
