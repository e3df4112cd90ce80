"""Drawing the calibration set: a reproducible spread of contacts, the blank grading sheet and
the packet graders read."""

from __future__ import annotations

import csv
import hashlib
import io
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checks.transcripts.pii import mask_pii
from checks.transcripts.transcript import CRITERIA, Contact
from flows.calibrate.scale import SHEET_COLUMNS, SIGNALS


def _seeded(*parts: str) -> random.Random:
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def draw_contacts(rows: Iterable[Mapping[str, Any]], week: str, size: int) -> list[str]:
    """A reproducible calibration set of ``size`` scored contacts: agents taken in turn (in an
    order seeded by the week), each giving a contact with an empathy opportunity and one
    without alternately, so the set spreads across agents and across both kinds of contact."""
    if size < 1:
        raise ValueError(f"the calibration set needs at least one contact, not {size}")
    by_agent: dict[str, tuple[list[str], list[str]]] = {}
    for row in rows:
        if row.get("state", "scored") != "scored":
            continue
        needed = row.get("opportunity") in ("needed_shown", "needed_missed")
        pools = by_agent.setdefault(str(row["agent_id"]), ([], []))
        pools[0 if needed else 1].append(str(row["contact_id"]))
    queues: dict[str, list[str]] = {}
    for agent, (with_opp, without) in by_agent.items():
        rng = _seeded(week, agent)
        with_opp, without = sorted(with_opp), sorted(without)
        rng.shuffle(with_opp)
        rng.shuffle(without)
        # alternate kinds, opportunity first; the longer pool fills the tail
        queue: list[str] = []
        while with_opp or without:
            for pool in (with_opp, without):
                if pool:
                    queue.append(pool.pop())
        queues[agent] = queue
    agents = sorted(queues)
    _seeded(week, "agents").shuffle(agents)
    drawn: list[str] = []
    while len(drawn) < size and any(queues[a] for a in agents):
        for agent in agents:
            if queues[agent] and len(drawn) < size:
                drawn.append(queues[agent].pop(0))
    return drawn


def sheet_csv(week: str, contacts: Sequence[tuple[str, str]], graders: Sequence[str]) -> bytes:
    """The blank grading sheet: one row per contact (id, agent) and grader (one row per contact
    with the grader left blank when no graders are named)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(SHEET_COLUMNS)
    for grader in graders or [""]:
        for contact_id, agent_id in contacts:
            blanks = [""] * (len(CRITERIA) + len(SIGNALS) + 1)
            writer.writerow([week, contact_id, agent_id, grader, *blanks])
    return buf.getvalue().encode("utf-8")


@dataclass(frozen=True, slots=True)
class PacketTurn:
    """One numbered turn of a packet transcript (PII masked)."""

    number: int
    speaker: str
    text: str


@dataclass(frozen=True, slots=True)
class PacketContact:
    """One contact as graders read it: no score, no finding."""

    position: int
    contact_id: str
    agent_id: str
    channel: str
    started: str
    turns: tuple[PacketTurn, ...]


def packet_contacts(contacts: Sequence[Contact], agents: Mapping[str, str]) -> list[PacketContact]:
    """The drawn contacts as the packet shows them, turns numbered as findings and disputes
    number them (from 0), personal data masked."""
    out = []
    for position, c in enumerate(contacts, 1):
        out.append(
            PacketContact(
                position=position,
                contact_id=c.contact_id,
                agent_id=agents.get(c.contact_id) or c.agent_id or "",
                channel=c.channel or "",
                started=c.started_at.strftime("%a %d %b %Y %H:%M UTC") if c.started_at else "",
                turns=tuple(
                    PacketTurn(i, t.speaker, mask_pii(t.text)) for i, t in enumerate(c.turns)
                ),
            )
        )
    return out
