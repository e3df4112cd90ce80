"""Tests for the example-week generator (flows/examples/generate.py and its building blocks)."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.transcripts.transcript import (
    CONTACTS_SCHEMA,
    CRITERIA,
    SIGNALS,
    TURNS_SCHEMA,
    Contact,
    Turn,
)
from flows.examples.generate import (
    PERSONAS,
    contact_to_json,
    generate_week,
    large_week_files,
    large_week_frames,
    week_files,
    week_start,
)
from flows.examples.personas import EXPECT_KEYS, STYLES, personas_for
from flows.examples.phrases import PHRASES

WEEK = "2026-W47"
# The example week and a small large week, pinned. Editing the generator or its data files
# (flows/examples/data/*.yaml) changes what the demo and the tests score, so make it a conscious
# change: read some contacts, run tests/checks/test_example_week.py, then update the digest.
WEEK_DIGEST = "b0fa0aaf1e1faf5607afbd5cd28e97a37159d68611b6409f2ee964971bc1c4bc"
LARGE_DIGEST = "a8f75f235069ee01d7499ad0dd196bcb0cf0690da5dedf394ca494614ae9784c"
CARD = re.compile(r"\b(?:\d[ -]?){13,19}\b")
EMAIL = re.compile(r"\b[\w.]+@[\w.]+\.\w+\b")
PHONE = re.compile(r"\b07700 900\d{3}\b")
SPOKEN = re.compile(r"\b(?:(?:zero|one|two|three|four|five|six|seven|eight|nine),? ){6,}")


@pytest.fixture(scope="module")
def week() -> list[Contact]:
    return generate_week(WEEK)


def _luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


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


def _decode(key: str, data: bytes) -> list[dict[str, Any]]:
    raw = gzip.decompress(data) if key.endswith(".gz") else data
    text = raw.decode("utf-8")
    if ".jsonl" in key:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return [json.loads(text)]


def _agent_text(c: Contact) -> str:
    return "\n".join(t.text for t in c.turns if t.speaker == "agent")


# --- the example week -------------------------------------------------------------------------


def test_same_seed_same_week_and_other_seed_differs(week: list[Contact]) -> None:
    assert generate_week(WEEK) == week
    other = generate_week(WEEK, seed=8)
    assert [_agent_text(c) for c in other] != [_agent_text(c) for c in week]


def _files_digest(files: Sequence[tuple[str, bytes]]) -> str:
    """Keys and uncompressed bodies: a zlib build that compresses differently changes nothing."""
    h = hashlib.sha256()
    for key, data in files:
        h.update(key.encode() + b"\0")
        h.update(gzip.decompress(data) if key.endswith(".gz") else data)
    return h.hexdigest()


def test_the_example_week_is_pinned(week: list[Contact]) -> None:
    assert _files_digest(week_files(week, "transcripts")) == WEEK_DIGEST


@pytest.mark.parametrize("iso", ["2026-W47", "2026-W01", "2026-W53", "2027-W10"])
def test_every_contact_starts_inside_its_iso_week(iso: str) -> None:
    monday = week_start(iso)
    contacts = generate_week(iso, n_agents=3)
    for c in contacts:
        assert c.started_at is not None
        assert c.started_at.tzinfo is not None
        assert monday <= c.started_at < monday + timedelta(days=7)
        assert c.started_at.isocalendar()[:2] == monday.isocalendar()[:2]


def test_contacts_are_spread_over_the_days(week: list[Contact]) -> None:
    days = Counter(c.started_at.weekday() for c in week if c.started_at)
    assert len(days) == 7
    assert days[0] > days[6]


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


def test_no_two_contacts_read_alike(week: list[Contact]) -> None:
    agent_texts = [_agent_text(c) for c in week]
    customer_texts = ["\n".join(t.text for t in c.turns if t.speaker == "customer") for c in week]
    assert len(set(agent_texts)) == len(week)
    assert len(set(customer_texts)) == len(week)
    hellos = set(PHRASES.customer_hello)
    openings = Counter(
        next(t.text for t in c.turns if t.speaker == "customer" and t.text not in hellos)
        for c in week
    )
    assert openings.most_common(1)[0][1] <= 3


def test_personas_and_teams(week: list[Contact]) -> None:
    assert len(PERSONAS) == 8
    assert {p.style for p in PERSONAS} == set(STYLES)
    assert len({p.team for p in PERSONAS}) == 2
    assert len({p.agent_id for p in PERSONAS}) == len({p.name for p in PERSONAS}) == 8
    by_id = {p.agent_id: p for p in PERSONAS}
    for c in week:
        p = by_id[c.agent_id or ""]
        assert (c.agent_name, c.team) == (p.name, p.team)
    known = set(CRITERIA) | set(SIGNALS) | {"overall"}
    for p in PERSONAS:
        assert p.description
        assert set(p.expect) <= set(EXPECT_KEYS)
        assert all(name in known for names in p.expect.values() for name in names)


def test_persona_expectations_are_consistent() -> None:
    for key in ("highest", "lowest"):
        named = Counter(n for p in PERSONAS for n in p.expect.get(key, ()))
        assert all(v == 1 for v in named.values()), key
    for p in PERSONAS:
        assert not set(p.expect.get("flags", ())) & set(p.expect.get("rare", ()))
        assert not set(p.expect.get("high", ())) & set(p.expect.get("low", ()))


def test_personas_for_more_agents_keeps_styles_cycling() -> None:
    many = personas_for(20)
    assert [p.agent_id for p in many[:3]] == ["a-001", "a-002", "a-003"]
    assert len({p.name for p in many}) == 20
    assert [p.style for p in many[8:16]] == [p.style for p in PERSONAS]


def _share(contacts: Sequence[Contact], agent_id: str, needle: str) -> float:
    mine = [c for c in contacts if c.agent_id == agent_id]
    return sum(needle in _agent_text(c) for c in mine) / len(mine)


@pytest.mark.parametrize(
    ("style", "needles", "at_least"),
    [
        ("scripted", (PHRASES.script_line,), 0.6),
        ("broken_record", ("I understand", "I hear you"), 0.9),
        ("overload", ("sorry", "apologise"), 0.9),
        ("dismissive", ("policy", "Calm down", "nothing I can do", "Have you", "terms"), 0.5),
    ],
)
def test_each_style_shows_its_habit(
    week: list[Contact], style: str, needles: tuple[str, ...], at_least: float
) -> None:
    agent = next(p for p in PERSONAS if p.style == style).agent_id
    mine = [c for c in week if c.agent_id == agent]
    share = sum(any(n in _agent_text(c) for n in needles) for c in mine) / len(mine)
    assert share >= at_least
    if style == "scripted":
        others = {c.agent_id for c in week if PHRASES.script_line in _agent_text(c)}
        assert others == {agent}


def test_pii_is_in_a_few_customer_turns_only(week: list[Contact]) -> None:
    with_pii = set()
    for c in week:
        for t in c.turns:
            found = any(p.search(t.text) for p in (CARD, EMAIL, PHONE, SPOKEN))
            if found:
                assert t.speaker == "customer", (c.contact_id, t.text)
                with_pii.add(c.contact_id)
            for number in CARD.findall(t.text):
                assert _luhn_ok(number), number
    assert 8 <= len(with_pii) <= len(week) // 4
    texts = " ".join(t.text for c in week for t in c.turns)
    assert CARD.search(texts)
    assert EMAIL.search(texts)
    assert PHONE.search(texts)


@pytest.mark.parametrize("bad", ["2026-47", "2026-W5", "2025-W53", "W47", ""])
def test_week_start_rejects_bad_weeks(bad: str) -> None:
    with pytest.raises(ValueError, match=r"ISO week"):
        week_start(bad)


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
        for doc in _decode(key, data):
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
    assert any(len(_decode(k, d)) > 1 for k, d in files if ".jsonl" in k)
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


# --- large weeks for benchmarks ---------------------------------------------------------------


@pytest.fixture(scope="module")
def large() -> tuple[pl.DataFrame, pl.DataFrame]:
    return large_week_frames(WEEK, 30, 900, seed=3)


def test_the_large_week_is_pinned(large: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    h = hashlib.sha256()
    for frame in large:
        for row in frame.iter_rows():
            h.update(repr(row).encode())
    assert h.hexdigest() == LARGE_DIGEST


def test_large_week_frames_shape_and_schema(large: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    contacts, turns = large
    assert contacts.schema == CONTACTS_SCHEMA
    assert turns.schema == TURNS_SCHEMA
    assert contacts.height == 900
    assert contacts["contact_id"].n_unique() == 900
    assert contacts["agent_id"].n_unique() == 30
    per_contact = turns.group_by("contact_id").len()
    assert per_contact.height == 900
    assert 14 <= per_contact["len"].mean() <= 34  # type: ignore[operator]
    assert set(turns["speaker"].unique()) <= {"agent", "customer", "system"}
    assert not turns["text"].str.contains("\x1f", literal=True).any()
    assert not turns["text"].str.contains("{", literal=True).any()
    monday = week_start(WEEK)
    assert contacts["started_at"].min() >= monday  # type: ignore[operator]
    assert contacts["started_at"].max() < monday + timedelta(days=7)  # type: ignore[operator]
    joined = turns.join(contacts, on="contact_id", how="anti")
    assert joined.is_empty()


def test_large_week_is_deterministic_and_varied(large: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    contacts, turns = large_week_frames(WEEK, 30, 900, seed=3)
    assert contacts.equals(large[0])
    assert turns.equals(large[1])
    agent_text = (
        turns.filter(pl.col("speaker") == "agent")
        .group_by("contact_id")
        .agg(pl.col("text").str.join("\n"))
    )
    assert agent_text["text"].n_unique() == 900
    assert contacts["channel"].n_unique() == 2


def test_large_week_files_hold_the_same_week(large: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    contacts, turns = large
    seen: list[dict[str, Any]] = []
    for key, data in large_week_files(WEEK, 30, 900, "bench/", seed=3):
        assert re.fullmatch(r"bench/\d{4}/\d\d/\d\d/a-\d+-\d{8}\.jsonl\.gz", key)
        docs = _decode(key, data)
        assert len({d["agent_id"] for d in docs}) == 1
        assert all(key.split("/")[1:4] == d["started_at"][:10].split("-") for d in docs)
        seen.extend(docs)
    assert len(seen) == 900
    first = next(d for d in seen if d["contact_id"] == contacts["contact_id"][0])
    want = turns.filter(pl.col("contact_id") == first["contact_id"]).sort("turn")
    assert [t["text"] for t in first["turns"]] == want["text"].to_list()
    assert first["started_at"].endswith("Z")
