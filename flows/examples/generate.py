"""Generated example week: contacts in several agent styles, and the files a store would hold."""

from __future__ import annotations

import gzip
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from checks.transcripts.transcript import Contact
from flows.examples.bulk import large_week_files, large_week_frames
from flows.examples.calendar import start_times, week_start
from flows.examples.dialogue import emotional_lines, routine_lines
from flows.examples.personas import PERSONAS, Persona, personas_for
from flows.examples.problems import DOMAIN_TEAMS, PROBLEMS, REQUESTS, Problem, Request
from flows.examples.slots import make_slots
from flows.examples.talk import timed_turns

__all__ = [
    "PERSONAS",
    "Persona",
    "contact_to_json",
    "generate_week",
    "large_week_files",
    "large_week_frames",
    "week_files",
    "week_start",
]

T = TypeVar("T")


def _team_problems(team: str) -> list[Problem]:
    base = next((t for t in DOMAIN_TEAMS if team.startswith(t)), None)
    domains = DOMAIN_TEAMS[base] if base else tuple({p.domain for p in PROBLEMS})
    return [p for p in PROBLEMS if p.domain in domains]


def _cycle(rng: random.Random, items: Sequence[T], n: int) -> list[T]:
    """``n`` items drawn in shuffled rounds, so repeats are as far apart as possible."""
    out: list[T] = []
    while len(out) < n:
        block = list(items)
        rng.shuffle(block)
        out.extend(block)
    return out[:n]


def compose_contact(
    rng: random.Random,
    persona: Persona,
    *,
    contact_id: str,
    started_at: datetime,
    topic: Problem | Request,
    length: int,
    pii: bool,
) -> Contact:
    """One contact in the persona's style about ``topic`` (a problem or a routine request)."""
    channel = "voice" if rng.random() < 0.55 else "chat"
    brand = rng.choice(topic.brands)
    third = topic.third_party if isinstance(topic, Problem) else "the team"
    slots = make_slots(rng, persona, brand, started_at, third)
    if isinstance(topic, Problem):
        lines = emotional_lines(rng, persona, topic, slots, channel=channel, length=length, pii=pii)
    else:
        lines = routine_lines(rng, persona, topic, slots, channel=channel, length=length, pii=pii)
    return Contact(
        contact_id=contact_id,
        agent_id=persona.agent_id,
        turns=timed_turns(rng, lines, voice=channel == "voice"),
        started_at=started_at,
        agent_name=persona.name,
        team=persona.team,
        channel=channel,
        language="en",
    )


def agent_week(week: str, persona: Persona, *, seed: int, n: int | None = None) -> list[Contact]:
    """One agent's contacts for the week (15–25 unless ``n`` is given), in time order."""
    rng = random.Random(f"{seed}|{week}|{persona.agent_id}")
    monday = week_start(week)
    count = n if n is not None else rng.randint(15, 25)
    times = start_times(rng, monday, count)
    n_routine = round(count * persona.routine_share)
    kinds = [i < n_routine for i in range(count)]
    rng.shuffle(kinds)
    problems = _cycle(rng, _team_problems(persona.team), count)
    requests = _cycle(rng, REQUESTS, count)
    pii_at = set(rng.sample(range(count), min(count, rng.randint(1, 3))))
    year, wk, _ = monday.isocalendar()
    out = []
    for i, (at, routine) in enumerate(zip(times, kinds, strict=True)):
        topic: Problem | Request = requests[i] if routine else problems[i]
        length = rng.randint(6, 12) if routine else rng.randint(8, 20)
        out.append(
            compose_contact(
                rng,
                persona,
                contact_id=f"c-{year}w{wk:02d}-{persona.agent_id[2:]}-{i + 1:03d}",
                started_at=at,
                topic=topic,
                length=length,
                pii=i in pii_at,
            )
        )
    return out


def generate_week(week: str, *, n_agents: int = 8, seed: int = 7) -> list[Contact]:
    """The example week: 15–25 contacts per agent across the ISO week, deterministic per seed."""
    contacts: list[Contact] = []
    for persona in personas_for(n_agents):
        contacts.extend(agent_week(week, persona, seed=seed))
    return contacts


def _iso_z(at: datetime | None) -> str | None:
    if at is None:
        return None
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def contact_to_json(c: Contact) -> dict[str, Any]:
    """The canonical JSON object for one contact (``started_at`` in UTC with ``Z``)."""
    return {
        "contact_id": c.contact_id,
        "agent_id": c.agent_id,
        "agent_name": c.agent_name,
        "team": c.team,
        "started_at": _iso_z(c.started_at),
        "channel": c.channel,
        "language": c.language,
        "turns": [
            {"speaker": t.speaker, "text": t.text, "begin_ms": t.begin_ms, "end_ms": t.end_ms}
            for t in c.turns
        ],
    }


def _dumps(c: Contact, *, indent: int | None = None) -> bytes:
    return json.dumps(contact_to_json(c), ensure_ascii=False, indent=indent).encode("utf-8")


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def _broken_file(prefix: str, week: datetime, rng: random.Random) -> tuple[str, bytes]:
    day = week + timedelta(days=rng.randint(0, 4))
    stub = Contact(
        contact_id=f"c-broken-{rng.randint(1000, 9999)}",
        agent_id=PERSONAS[0].agent_id,
        turns=(),
        started_at=day + timedelta(hours=10),
        agent_name=PERSONAS[0].name,
        team=PERSONAS[0].team,
        channel="chat",
        language="en",
    )
    body = json.dumps(
        {**contact_to_json(stub), "turns": [{"speaker": "customer", "text": "My order never"}]}
    )
    # cut mid-string: what an interrupted upload leaves behind
    return f"{prefix}/{day:%Y/%m/%d}/broken-upload-{day:%Y%m%d}.json", body[:-19].encode()


def week_files(
    contacts: Sequence[Contact], prefix: str, *, with_broken: bool = True, seed: int = 7
) -> list[tuple[str, bytes]]:
    """Canonical files for a store, date-partitioned by UTC start: .json, .jsonl and .json.gz."""
    rng = random.Random(f"files|{seed}")
    prefix = prefix.rstrip("/")
    by_day: dict[str, list[Contact]] = defaultdict(list)
    for c in contacts:
        if c.started_at is None:
            raise ValueError(f"contact {c.contact_id} has no started_at")
        by_day[c.started_at.astimezone(UTC).strftime("%Y/%m/%d")].append(c)
    files: list[tuple[str, bytes]] = []
    for day in sorted(by_day):
        batch: list[Contact] = []
        for c in sorted(by_day[day], key=lambda x: (x.started_at or datetime.min, x.contact_id)):
            roll = rng.random()
            if roll < 0.2:
                files.append((f"{prefix}/{day}/{c.contact_id}.json", _dumps(c, indent=2)))
            elif roll < 0.35:
                files.append((f"{prefix}/{day}/{c.contact_id}.json.gz", _gz(_dumps(c))))
            else:
                batch.append(c)
        for k in range(0, len(batch), 12):
            chunk = batch[k : k + 12]
            body = b"".join(_dumps(c) + b"\n" for c in chunk)
            name = f"{prefix}/{day}/contacts-{day.replace('/', '')}-{k // 12 + 1:02d}.jsonl"
            files.append((name + ".gz", _gz(body)) if k // 12 % 2 else (name, body))
    if with_broken and contacts:
        first = min(c.started_at for c in contacts if c.started_at is not None)
        monday = first.astimezone(UTC) - timedelta(days=first.astimezone(UTC).weekday())
        monday = monday.replace(hour=0, minute=0, second=0, microsecond=0)
        files.append(_broken_file(prefix, monday, rng))
    return files
