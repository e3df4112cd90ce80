"""The example week: pinned, seeded, shaped like real contacts, written as a week's files."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.transcripts.transcript import Contact, Turn
from flows.examples.generate import contact_to_json, generate_week, week_files, week_start
from tests.flows.examples.fixtures import WEEK, agent_text, decode_file

# The example week, pinned (the large week's pin is in test_bulk.py). Editing the generator or
# its data files (flows/examples/data/*.yaml) changes what the demo and the tests score, so make
# it a conscious change: read some contacts, run tests/checks/test_example_week.py, then update
# the digest.
WEEK_DIGEST = "b0fa0aaf1e1faf5607afbd5cd28e97a37159d68611b6409f2ee964971bc1c4bc"


def _from_json(doc: dict[str, Any]) -> Contact:
    return Contact(
        contact_id=doc["contact_id"],
        agent_id=doc["agent_id"],
        turns=tuple(
            Turn(t["speaker"], t["text"], t.get("begin_ms"), t.get("end_ms")) for t in doc["turns"]
        ),
        started_at=datetime.fromisoformat(doc["started_at"]),
        agent_name=doc["agent_name"],
        team=doc["team"],
        channel=doc["channel"],
        language=doc["language"],
    )


# --- the example week -------------------------------------------------------------------------


def test_same_seed_same_week_and_other_seed_differs(week: list[Contact]) -> None:
    assert generate_week(WEEK) == week
    other = generate_week(WEEK, seed=8)
    assert [agent_text(c) for c in other] != [agent_text(c) for c in week]


def _files_digest(files: Sequence[tuple[str, bytes]]) -> str:
    """Keys and uncompressed bodies: a zlib build that compresses differently changes nothing."""
    h = hashlib.sha256()
    for key, data in files:
        h.update(key.encode() + b"\0")
        h.update(gzip.decompress(data) if key.endswith(".gz") else data)
    return h.hexdigest()


def test_the_example_week_is_pinned(week: list[Contact]) -> None:
    assert _files_digest(week_files(week, "transcripts")) == WEEK_DIGEST


@pytest.mark.parametrize("n_agents", [1, 8, 13])
def test_counts_per_agent(n_agents: int) -> None:
    contacts = generate_week(WEEK, n_agents=n_agents)
    per_agent = Counter(c.agent_id for c in contacts)
    assert len(per_agent) == n_agents
    assert all(15 <= n <= 25 for n in per_agent.values())


def test_contact_shape(week: list[Contact]) -> None:
    assert len({c.contact_id for c in week}) == len(week)
    for c in week:
        assert 6 <= len(c.turns) <= 20, c.contact_id
        assert c.channel in ("voice", "chat")
        assert c.language == "en"
        speakers = {t.speaker for t in c.turns}
        assert {"agent", "customer"} <= speakers <= {"agent", "customer", "system"}
        assert all(t.text.strip() and "{" not in t.text for t in c.turns)
        if c.channel == "voice":
            ends = [t.end_ms for t in c.turns]
            begins = [t.begin_ms for t in c.turns]
            assert all(
                b is not None and e is not None and b < e for b, e in zip(begins, ends, strict=True)
            )
            assert begins == sorted(b for b in begins if b is not None)
        else:
            assert all(t.begin_ms is None and t.end_ms is None for t in c.turns)


def test_both_channels_and_lengths_vary(week: list[Contact]) -> None:
    assert {c.channel for c in week} == {"voice", "chat"}
    assert len({len(c.turns) for c in week}) >= 8


def _share(contacts: Sequence[Contact], agent_id: str, needle: str) -> float:
    mine = [c for c in contacts if c.agent_id == agent_id]
    return sum(needle in agent_text(c) for c in mine) / len(mine)


@settings(max_examples=8, deadline=None)
@given(
    year=st.integers(min_value=2020, max_value=2030),
    wk=st.integers(min_value=1, max_value=52),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_any_week_any_seed_stays_in_bounds(year: int, wk: int, seed: int) -> None:
    iso = f"{year}-W{wk:02d}"
    monday = week_start(iso)
    contacts = generate_week(iso, n_agents=2, seed=seed)
    assert all(
        c.started_at and monday <= c.started_at < monday + timedelta(days=7) for c in contacts
    )
    assert all(6 <= len(c.turns) <= 20 for c in contacts)


# --- canonical files --------------------------------------------------------------------------


def test_contact_to_json_is_canonical(week: list[Contact]) -> None:
    doc = contact_to_json(week[0])
    assert list(doc) == [
        "contact_id",
        "agent_id",
        "agent_name",
        "team",
        "started_at",
        "channel",
        "language",
        "turns",
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["started_at"])
    assert list(doc["turns"][0]) == ["speaker", "text", "begin_ms", "end_ms"]
    assert _from_json(json.loads(json.dumps(doc))) == week[0]


def test_files_decode_back_to_the_same_contacts(week: list[Contact]) -> None:
    files = week_files(week, "transcripts/")
    decoded: list[Contact] = []
    for key, data in files:
        if "/broken-" in key:
            continue
        for doc in decode_file(key, data):
            c = _from_json(doc)
            assert c.started_at is not None
            assert key.startswith(f"transcripts/{c.started_at.astimezone(UTC):%Y/%m/%d}/")
            decoded.append(c)
    assert sorted(decoded, key=lambda c: c.contact_id) == sorted(week, key=lambda c: c.contact_id)


def test_files_mix_formats_and_keys_are_unique(week: list[Contact]) -> None:
    files = week_files(week, "transcripts")
    keys = [k for k, _ in files]
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"transcripts/\d{4}/\d\d/\d\d/[\w.-]+", k) for k in keys)
    kinds = Counter(re.sub(r"^[^.]*", "", k.rsplit("/", 1)[1]) for k in keys)
    assert {".json", ".json.gz", ".jsonl", ".jsonl.gz"} <= set(kinds)
    assert any(len(decode_file(k, d)) > 1 for k, d in files if ".jsonl" in k)
    assert week_files(week, "transcripts") == files


def test_exactly_one_broken_file(week: list[Contact]) -> None:
    files = week_files(week, "in")
    broken = [(k, d) for k, d in files if k.rsplit("/", 1)[1].startswith("broken-")]
    assert len(broken) == 1
    key, data = broken[0]
    assert key.endswith(".json")
    monday = week_start(WEEK)
    day = datetime.strptime(key.split("/", 1)[1][:10], "%Y/%m/%d").replace(tzinfo=UTC)
    assert monday <= day < monday + timedelta(days=7)
    with pytest.raises(json.JSONDecodeError):
        json.loads(data)
    assert not [k for k, _ in week_files(week, "in", with_broken=False) if "broken" in k]
