"""The example week the generator tests read, and what its agents said."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from checks.transcripts.transcript import Contact
from flows.examples.generate import generate_week

WEEK = "2026-W47"


@pytest.fixture(scope="module")
def week() -> list[Contact]:
    """The example week as the demo generates it."""
    return generate_week(WEEK)


def decode_file(key: str, data: bytes) -> list[dict[str, Any]]:
    """The JSON documents in one generated file (gzip and JSON Lines undone)."""
    raw = gzip.decompress(data) if key.endswith(".gz") else data
    text = raw.decode("utf-8")
    if ".jsonl" in key:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return [json.loads(text)]


def agent_text(c: Contact) -> str:
    """Everything the agent said in a contact, one turn a line."""
    return "\n".join(t.text for t in c.turns if t.speaker == "agent")
