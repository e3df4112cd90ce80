"""Canonical contact and turn records, and their columnar (polars) form."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Literal

import polars as pl

Speaker = Literal["agent", "customer", "system"]
SPEAKERS: Final = ("agent", "customer", "system")

SIGNALS: Final = (
    "customer_distress",
    "acknowledges_feeling",
    "reflects_problem",
    "explores",
    "empty_understand",
    "dismissive",
    "takes_ownership",
    "next_step",
    "confirms_resolution",
    "apology",
    "pity",
    "agent_distress",
    "co_blaming",
    "warmth",
    "scripted_line",
)
CRITERIA: Final = ("empathy", "compassion", "sympathy_overload", "hospitality")

TURNS_SCHEMA: Final = pl.Schema(
    {
        "contact_id": pl.String,
        "agent_id": pl.String,
        "turn": pl.Int32,
        "speaker": pl.String,
        "text": pl.String,
        "begin_ms": pl.Int64,
        "end_ms": pl.Int64,
    }
)
CONTACTS_SCHEMA: Final = pl.Schema(
    {
        "contact_id": pl.String(),
        "agent_id": pl.String(),
        "agent_name": pl.String(),
        "team": pl.String(),
        "started_at": pl.Datetime(time_unit="us", time_zone="UTC"),
        "channel": pl.String(),
        "language": pl.String(),
        "source_key": pl.String(),
    }
)


@dataclass(frozen=True, slots=True)
class Turn:
    """One utterance in a contact."""

    speaker: Speaker
    text: str
    begin_ms: int | None = None
    end_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """One customer contact (call or chat) with its ordered turns."""

    contact_id: str
    agent_id: str | None
    turns: tuple[Turn, ...]
    started_at: datetime | None = None
    agent_name: str | None = None
    team: str | None = None
    channel: str | None = None
    language: str | None = None
    source_key: str | None = field(default=None, compare=False)


def turns_frame(contacts: Iterable[Contact]) -> pl.DataFrame:
    """Flatten contacts into one row per turn (turn = index into ``Contact.turns``)."""
    cols: dict[str, list[object]] = {name: [] for name in TURNS_SCHEMA.names()}
    for c in contacts:
        for i, t in enumerate(c.turns):
            cols["contact_id"].append(c.contact_id)
            cols["agent_id"].append(c.agent_id)
            cols["turn"].append(i)
            cols["speaker"].append(t.speaker)
            cols["text"].append(t.text)
            cols["begin_ms"].append(t.begin_ms)
            cols["end_ms"].append(t.end_ms)
    return pl.DataFrame(cols, schema=TURNS_SCHEMA)


def contacts_frame(contacts: Iterable[Contact]) -> pl.DataFrame:
    """One row per contact with its metadata (no turns)."""
    rows = [
        {
            "contact_id": c.contact_id,
            "agent_id": c.agent_id,
            "agent_name": c.agent_name,
            "team": c.team,
            "started_at": c.started_at,
            "channel": c.channel,
            "language": c.language,
            "source_key": c.source_key,
        }
        for c in contacts
    ]
    return pl.DataFrame(rows, schema=CONTACTS_SCHEMA)


def contacts_from_frames(contacts: pl.DataFrame, turns: pl.DataFrame) -> list[Contact]:
    """Rebuild Contact records from the two frames (inverse of the two functions above)."""
    by_id: dict[str, list[Turn]] = {}
    for row in turns.sort("contact_id", "turn").iter_rows(named=True):
        by_id.setdefault(row["contact_id"], []).append(
            Turn(row["speaker"], row["text"], row["begin_ms"], row["end_ms"])
        )
    return [
        Contact(
            contact_id=r["contact_id"],
            agent_id=r["agent_id"],
            turns=tuple(by_id.get(r["contact_id"], [])),
            started_at=r["started_at"],
            agent_name=r["agent_name"],
            team=r["team"],
            channel=r["channel"],
            language=r["language"],
            source_key=r["source_key"],
        )
        for r in contacts.iter_rows(named=True)
    ]
