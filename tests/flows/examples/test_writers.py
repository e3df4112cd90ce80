"""A week written in each format reads back (with attribution) as the same canonical contacts."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.transcripts.transcript import Contact, Speaker, Turn
from flows.examples.writers import (
    to_contact_lens,
    to_csv_rows,
    to_ctr_files,
    to_ctr_stream,
    to_roster_csv,
    to_transcribe,
)
from flows.ingest.attribution import (
    attribute,
    attribution_from_ctr_jsonl,
    attribution_from_roster_csv,
    merge_attributions,
)
from flows.ingest.formats import parse_file
from flows.ingest.formats.contact_lens import choose_contact_lens_keys

START = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
LINES: list[tuple[Speaker, str]] = [
    ("customer", "My refund still hasn't arrived, and rent is due on Friday."),
    ("agent", "That's a stressful spot to be in; let me check where the refund is."),
    ("customer", 'It says "processing", whatever that means, for 9 days now.'),
    ("agent", "I can see it: it left us yesterday, so it lands within 2 days, 100%."),
    ("system", "The agent has placed you on hold."),
    ("customer", "Okay, thanks, that helps — merci!"),
]


def _hand_made_week() -> list[Contact]:
    contacts = []
    for n in range(12):
        chat = n % 3 == 0
        turns = []
        clock = 0
        for i, (speaker, text) in enumerate(LINES[: 3 + n % 4]):
            timed = not (chat and n % 2)
            turns.append(
                Turn(
                    speaker,
                    f"{text} #{n}.{i}",
                    clock if timed else None,
                    clock + 2500 if timed else None,
                )
            )
            clock += 3000
        contacts.append(
            Contact(
                contact_id=f"c-{n:04d}",
                agent_id=f"a-{n % 4}",
                turns=tuple(turns),
                started_at=START + timedelta(days=n % 5, hours=n, seconds=7 * n),
                agent_name=f"Agent {n % 4}",
                team="Billing" if n % 2 else "Care",
                channel="chat" if chat else "voice",
                language="en-US",
            )
        )
    return contacts


def _generated_week() -> list[Contact]:
    try:
        from flows.examples.generate import generate_week  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        pytest.skip("flows.examples.generate is not available")
    week: list[Contact] = generate_week("2026-W47")
    return [c for c in week if parse_file("g.json", _canonical(c)).contacts]


@pytest.fixture(params=["hand_made", "generated"])
def week(request: pytest.FixtureRequest) -> list[Contact]:
    """A small hand-made week, and the project's generated week when it exists."""
    return _hand_made_week() if request.param == "hand_made" else _generated_week()


def _canonical(contact: Contact) -> bytes:
    doc = {
        "contact_id": contact.contact_id,
        "agent_id": contact.agent_id,
        "started_at": contact.started_at.isoformat() if contact.started_at else None,
        "turns": [dataclasses.asdict(t) for t in contact.turns],
    }
    return json.dumps(doc).encode()


def _spoken(contact: Contact) -> list[tuple[str, str]]:
    return [(t.speaker, t.text) for t in contact.turns]


def _same(read: Contact, original: Contact, *, times: bool) -> None:
    assert _spoken(read) == _spoken(original)
    assert (read.contact_id, read.agent_id, read.team) == (
        original.contact_id,
        original.agent_id,
        original.team,
    )
    if original.started_at is not None:
        assert read.started_at == original.started_at.replace(microsecond=0)
    if times:
        for got, want in zip(read.turns, original.turns, strict=True):
            if want.begin_ms is not None:
                assert (got.begin_ms, got.end_ms) == (want.begin_ms, want.end_ms)


def test_contact_lens_with_ctrs_and_roster_round_trip(week: list[Contact]) -> None:
    files = dict(to_contact_lens(c) for c in week)
    redacted = dict(to_contact_lens(c, redacted=True) for c in week[:3])
    kept, dropped = choose_contact_lens_keys([*files, *redacted])
    assert set(dropped.values()) == set(redacted)
    everything = {**files, **redacted}
    contacts = [c for key in kept for c in parse_file(f"bucket/{key}", everything[key]).contacts]
    assert len(contacts) == len(week)
    assert all(c.agent_id is None for c in contacts)
    ctr = attribution_from_ctr_jsonl(to_ctr_stream(week[: len(week) - 1], newline=False))
    directory = {c.agent_id: c.agent_name for c in week if c.agent_name}
    roster = attribution_from_roster_csv(  # a staff list: agent id -> name, no contact ids
        b"agent_id,agent_name\n" + "".join(f"{a},{n}\n" for a, n in directory.items()).encode()
    )
    attributed, unattributed = attribute(contacts, merge_attributions(ctr, roster))
    assert [c.contact_id for c in unattributed] == [week[-1].contact_id]
    by_id = {c.contact_id: c for c in attributed}
    for original in week[:-1]:
        read = by_id[original.contact_id]
        _same(read, original, times=(original.channel or "voice") != "chat")
        assert read.agent_name == original.agent_name
        assert read.channel == (original.channel or "voice")


@pytest.mark.parametrize("hourly", [False, True])
def test_contact_record_files_cover_every_contact_in_its_utc_partition(
    week: list[Contact], hourly: bool
) -> None:
    files = to_ctr_files(week, "records", hourly=hourly)
    merged = merge_attributions(*(attribution_from_ctr_jsonl(data) for _, data in files))
    assert set(merged.by_contact) == {c.contact_id for c in week if c.agent_id is not None}
    for key, data in files:
        ids = set(attribution_from_ctr_jsonl(data).by_contact)
        when = {
            f"{c.started_at.astimezone(UTC):%Y/%m/%d/%H}"
            for c in week
            if c.contact_id in ids and c.started_at is not None
        }
        partition = key.removeprefix("records/").removesuffix("/records.json")
        assert when == {partition} if hourly else {w[:10] for w in when} == {partition[:10]}
        assert partition.endswith("/00") or hourly


def test_csv_with_roster_round_trip_is_exact(week: list[Contact]) -> None:
    result = parse_file("exports/week.csv", to_csv_rows(week, with_agent_details=False))
    assert result.problems == []
    assert all(c.agent_name is None and c.team is None for c in result.contacts)
    attributed, unattributed = attribute(
        result.contacts, attribution_from_roster_csv(to_roster_csv(week))
    )
    assert unattributed == []
    assert attributed == [
        dataclasses.replace(
            c, started_at=c.started_at.replace(microsecond=0) if c.started_at else None
        )
        for c in week
    ]


def test_transcribe_round_trip(week: list[Contact]) -> None:
    for original in week[:5]:
        key, data = to_transcribe(original)
        (read,) = parse_file(key, data).contacts
        assert _spoken(read) == _spoken(original)
        assert read.contact_id == original.contact_id


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
).filter(str.strip)


@settings(max_examples=60, deadline=None)
@given(agent=TEXT, customer=TEXT, chat=st.booleans())
def test_any_text_survives_every_writer(agent: str, customer: str, chat: bool) -> None:
    contact = Contact(
        "c-1",
        "a-1",
        (Turn("agent", agent, 0, 10), Turn("customer", customer, 20, 30)),
        started_at=START,
        channel="chat" if chat else "voice",
        language="en-US",
    )
    key, data = to_contact_lens(contact)
    (lens,) = parse_file(key, data).contacts
    assert _spoken(lens) == _spoken(contact)
    (rows,) = parse_file("x.csv", to_csv_rows([contact])).contacts
    assert rows == contact


@pytest.mark.skipif(
    importlib.util.find_spec("checks.criteria.scoring") is None, reason="no scoring yet"
)
def test_same_scores_in_every_format(week: list[Contact]) -> None:
    from checks.criteria.scoring import score_contacts
    from checks.rubric.rubric import load_rubric

    rubric = load_rubric()
    csv_contacts, _ = attribute(
        parse_file("w.csv", to_csv_rows(week, with_agent_details=False)).contacts,
        attribution_from_roster_csv(to_roster_csv(week)),
    )
    ctr = attribution_from_ctr_jsonl(to_ctr_stream(week))
    lens, _ = attribute([parse_file(*to_contact_lens(c)).contacts[0] for c in week], ctr)
    transcribe, _ = attribute([parse_file(*to_transcribe(c)).contacts[0] for c in week], ctr)
    reference = score_contacts(week, rubric)
    assert reference.scores.height == len(week)
    assert reference.findings.height > 0
    for contacts in (csv_contacts, lens, transcribe):
        by_id = {c.contact_id: c for c in contacts}
        scored = score_contacts([by_id[c.contact_id] for c in week], rubric)
        assert scored.scores.sort("contact_id").equals(reference.scores.sort("contact_id"))
        assert scored.findings.equals(reference.findings)
