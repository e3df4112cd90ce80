"""Large generated weeks for benchmarks, built column-wise from a pool of composed templates.

Composing 250,000 conversations one by one in Python is too slow for a benchmark set-up, so each
agent style gets a pool of conversations composed once; the week then draws pool indices per
contact and gathers the turns with a join. Customer name, agent name and a reference number are
placeholders in the pool and filled per contact, so no two contacts of an agent read the same.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache

import polars as pl

from checks.transcripts.transcript import CONTACTS_SCHEMA, TURNS_SCHEMA
from flows.examples.calendar import start_times, week_start
from flows.examples.dialogue import emotional_lines, routine_lines
from flows.examples.personas import PERSONAS, STYLES, Persona, Style, personas_for
from flows.examples.problems import PROBLEMS, REQUESTS
from flows.examples.slots import CUSTOMER_NAMES, make_slots
from flows.examples.talk import timed_turns

POOL_PER_STYLE = 320
CHUNK_AGENTS = 100
STYLE_WEIGHTS: dict[Style, float] = {
    "model": 0.20,
    "host": 0.15,
    "fixer": 0.15,
    "scripted": 0.12,
    "vague": 0.12,
    "broken_record": 0.10,
    "dismissive": 0.08,
    "overload": 0.08,
}
NAME_TOKEN = "\x1fname\x1f"
AGENT_TOKEN = "\x1fagent\x1f"
REF_TOKEN = "\x1fref\x1f"


@lru_cache(maxsize=4)
def template_pool(seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(templates: template_id, style, channel; pool turns: template_id, turn, speaker, …)."""
    tpl_rows: dict[str, list[object]] = {"template_id": [], "style": [], "channel": []}
    turn_cols: dict[str, list[object]] = {
        "template_id": [],
        "turn": [],
        "speaker": [],
        "text": [],
        "begin_ms": [],
        "end_ms": [],
    }
    at = datetime(2026, 1, 5, 10, tzinfo=UTC)
    for s_idx, style in enumerate(STYLES):
        persona = next(p for p in PERSONAS if p.style == style)
        for j in range(POOL_PER_STYLE):
            rng = random.Random(f"pool|{seed}|{style}|{j}")
            tid = s_idx * POOL_PER_STYLE + j
            channel = "voice" if rng.random() < 0.55 else "chat"
            routine = rng.random() < persona.routine_share
            length = rng.randint(12, 28) if routine else rng.randint(18, 36)
            pii = rng.random() < 0.05
            if routine:
                req = rng.choice(REQUESTS)
                slots = make_slots(rng, persona, rng.choice(req.brands), at, "the team")
                slots |= {"name": NAME_TOKEN, "agent": AGENT_TOKEN, "ref": REF_TOKEN}
                lines = routine_lines(
                    rng, persona, req, slots, channel=channel, length=length, pii=pii
                )
            else:
                prob = rng.choice(PROBLEMS)
                slots = make_slots(rng, persona, rng.choice(prob.brands), at, prob.third_party)
                slots |= {"name": NAME_TOKEN, "agent": AGENT_TOKEN, "ref": REF_TOKEN}
                lines = emotional_lines(
                    rng, persona, prob, slots, channel=channel, length=length, pii=pii
                )
            tpl_rows["template_id"].append(tid)
            tpl_rows["style"].append(style)
            tpl_rows["channel"].append(channel)
            for k, t in enumerate(timed_turns(rng, lines, voice=channel == "voice")):
                turn_cols["template_id"].append(tid)
                turn_cols["turn"].append(k)
                turn_cols["speaker"].append(t.speaker)
                turn_cols["text"].append(t.text)
                turn_cols["begin_ms"].append(t.begin_ms)
                turn_cols["end_ms"].append(t.end_ms)
    templates = pl.DataFrame(
        tpl_rows, schema={"template_id": pl.Int32, "style": pl.String, "channel": pl.String}
    )
    turns = pl.DataFrame(
        turn_cols,
        schema={
            "template_id": pl.Int32,
            "turn": pl.Int32,
            "speaker": pl.String,
            "text": pl.String,
            "begin_ms": pl.Int64,
            "end_ms": pl.Int64,
        },
    )
    return templates, turns


def bulk_personas(n_agents: int, seed: int) -> list[Persona]:
    """Agents for a large week: names and teams as ``personas_for``, styles in a realistic mix."""
    rng = random.Random(f"bulk-styles|{seed}")
    styles = list(STYLE_WEIGHTS)
    picked = rng.choices(styles, weights=[STYLE_WEIGHTS[s] for s in styles], k=n_agents)
    by_style = {p.style: p for p in PERSONAS}
    return [
        Persona(
            agent_id=p.agent_id,
            name=p.name,
            team=p.team,
            style=s,
            description=by_style[s].description,
            routine_share=by_style[s].routine_share,
            expect=by_style[s].expect,
        )
        for p, s in zip(personas_for(n_agents), picked, strict=True)
    ]


def _counts(n_agents: int, n_contacts: int, seed: int) -> list[int]:
    rng = random.Random(f"bulk-counts|{seed}")
    weights = [rng.uniform(0.7, 1.3) for _ in range(n_agents)]
    total = sum(weights)
    counts = [int(n_contacts * w / total) for w in weights]
    for i in range(n_contacts - sum(counts)):
        counts[i % n_agents] += 1
    return counts


def _chunk_frames(
    week: str,
    personas: list[Persona],
    counts: list[int],
    chunk: int,
    seed: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    templates, pool_turns = template_pool(seed)
    rng = random.Random(f"bulk|{seed}|{week}|{chunk}")
    monday = week_start(week)
    year, wk, _ = monday.isocalendar()
    style_idx = {s: i for i, s in enumerate(STYLES)}
    cols: dict[str, list[object]] = {
        k: [] for k in ("contact_id", "agent_id", "agent_name", "team", "started_at", "template_id")
    }
    extra: dict[str, list[str]] = {"cust": [], "ref": [], "agent_first": []}
    for persona, count in zip(personas, counts, strict=True):
        base = style_idx[persona.style] * POOL_PER_STYLE
        # shuffled rounds over the pool: an agent repeats a template only after using them all
        order = rng.sample(range(POOL_PER_STYLE), POOL_PER_STYLE)
        picks = (order * (count // POOL_PER_STYLE + 1))[:count]
        for k, at in enumerate(start_times(rng, monday, count)):
            cols["contact_id"].append(f"c-{year}w{wk:02d}-{persona.agent_id[2:]}-{k + 1:04d}")
            cols["agent_id"].append(persona.agent_id)
            cols["agent_name"].append(persona.name)
            cols["team"].append(persona.team)
            cols["started_at"].append(at)
            cols["template_id"].append(base + picks[k])
            extra["cust"].append(rng.choice(CUSTOMER_NAMES))
            extra["ref"].append(f"{rng.choice('CKRTX')}{rng.randint(10000, 99999)}")
            extra["agent_first"].append(persona.first_name)
    drawn = pl.DataFrame(
        {**cols, **extra},
        schema={
            "contact_id": pl.String,
            "agent_id": pl.String,
            "agent_name": pl.String,
            "team": pl.String,
            "started_at": pl.Datetime("us", "UTC"),
            "template_id": pl.Int32,
            "cust": pl.String,
            "ref": pl.String,
            "agent_first": pl.String,
        },
    ).join(templates.select("template_id", "channel"), on="template_id", maintain_order="left")
    contacts = drawn.with_columns(
        language=pl.lit("en"), source_key=pl.lit(None, dtype=pl.String)
    ).select(CONTACTS_SCHEMA.names())
    text = pl.col("text")
    turns = (
        drawn.select("contact_id", "agent_id", "template_id", "cust", "ref", "agent_first")
        .join(pool_turns, on="template_id", maintain_order="left_right")
        .with_columns(
            text=pl.when(text.str.contains("\x1f", literal=True))
            .then(
                text.str.replace_all(NAME_TOKEN, pl.col("cust"), literal=True)
                .str.replace_all(AGENT_TOKEN, pl.col("agent_first"), literal=True)
                .str.replace_all(REF_TOKEN, pl.col("ref"), literal=True)
            )
            .otherwise(text)
        )
        .select(TURNS_SCHEMA.names())
    )
    return contacts.cast(CONTACTS_SCHEMA), turns.cast(TURNS_SCHEMA)


def _chunks(
    week: str, n_agents: int, n_contacts: int, seed: int
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    personas = bulk_personas(n_agents, seed)
    counts = _counts(n_agents, n_contacts, seed)
    for chunk, lo in enumerate(range(0, n_agents, CHUNK_AGENTS)):
        hi = lo + CHUNK_AGENTS
        yield _chunk_frames(week, personas[lo:hi], counts[lo:hi], chunk, seed)


def large_week_frames(
    week: str, n_agents: int, n_contacts: int, seed: int = 7
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A large week as (contacts in CONTACTS_SCHEMA, turns in TURNS_SCHEMA), built vectorised."""
    if n_agents < 1 or n_contacts < 0:
        raise ValueError("need at least one agent and a non-negative number of contacts")
    contact_parts: list[pl.DataFrame] = []
    turn_parts: list[pl.DataFrame] = []
    for contacts, turns in _chunks(week, n_agents, n_contacts, seed):
        contact_parts.append(contacts)
        turn_parts.append(turns)
    # no rechunk: a copy of ~6M turns would double the peak for nothing
    return pl.concat(contact_parts, rechunk=False), pl.concat(turn_parts, rechunk=False)


def _canonical_docs(contacts: pl.DataFrame, turns: pl.DataFrame) -> pl.DataFrame:
    nested = turns.group_by("contact_id", maintain_order=True).agg(
        turns=pl.struct("speaker", "text", "begin_ms", "end_ms")
    )
    return (
        contacts.join(nested, on="contact_id", maintain_order="left")
        .with_columns(
            day=pl.col("started_at").dt.strftime("%Y/%m/%d"),
            started_at=pl.col("started_at").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        .select(
            "contact_id",
            "agent_id",
            "agent_name",
            "team",
            "started_at",
            "channel",
            "language",
            "turns",
            "day",
        )
    )


def large_week_files(
    week: str, n_agents: int, n_contacts: int, prefix: str, seed: int = 7
) -> Iterator[tuple[str, bytes]]:
    """The same large week as canonical ``.jsonl.gz`` files, one per agent per day, streamed."""
    prefix = prefix.rstrip("/")
    for contacts, turns in _chunks(week, n_agents, n_contacts, seed):
        docs = _canonical_docs(contacts, turns)
        parts = docs.partition_by(["agent_id", "day"], maintain_order=True, as_dict=True)
        for key in sorted(parts, key=str):
            agent_id, day = str(key[0]), str(key[1])
            body = parts[key].drop("day").write_ndjson().encode("utf-8")
            name = f"{prefix}/{day}/{agent_id}-{day.replace('/', '')}.jsonl.gz"
            yield name, gzip.compress(body, compresslevel=3, mtime=0)
