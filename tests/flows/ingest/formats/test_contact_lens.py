from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from flows.ingest.formats import parse_file
from flows.ingest.formats.contact_lens import (
    choose_contact_lens_keys,
    contact_lens_contact_id,
    is_redacted_key,
    timestamp_from_key,
)

VOICE_KEY = "connect/Analysis/Voice/2026/11/16/c-77_analysis_2026-11-16T09:12:30Z.json"
REDACTED_KEY = (
    "connect/Analysis/Voice/Redacted/2026/11/16/c-77_analysis_redacted_2026-11-16T09:12:30Z.json"
)
CHAT_KEY = "connect/Analysis/Chat/2022/10/27/b49644f6_analysis_2022-10-27T03:32:00Z.json"

Reader = Callable[[str], bytes]


def _one(key: str, data: bytes):  # type: ignore[no-untyped-def]
    result = parse_file(key, data)
    assert result.problems == []
    assert len(result.contacts) == 1
    return result.contacts[0]


@pytest.mark.parametrize("name", ["contact-lens-voice.json", "contact-lens-voice-redacted.json"])
def test_published_voice_examples_read_roles_order_and_text(
    shared_example: Reader, name: str
) -> None:
    data = shared_example(name)
    raw = json.loads(data)
    contact = _one(VOICE_KEY, data)
    assert contact.contact_id == "c-77"  # no CustomerMetadata in the voice example: from the key
    assert contact.agent_id is None
    assert contact.channel == "voice"
    assert contact.language == "en-US"
    assert contact.started_at == datetime(2026, 11, 16, 9, 12, 30, tzinfo=UTC)
    assert [t.text for t in contact.turns] == [t["Content"] for t in raw["Transcript"]]
    expected = [t["ParticipantId"].lower() for t in raw["Transcript"]]
    assert [t.speaker for t in contact.turns] == expected
    begins = [t.begin_ms for t in contact.turns]
    assert begins == sorted(begins)
    # the last two turns overlap in time: ordered by their start
    assert contact.turns[-2].end_ms is not None
    assert contact.turns[-1].begin_ms is not None


def test_redacted_example_keeps_pii_masks(shared_example: Reader) -> None:
    contact = _one(REDACTED_KEY, shared_example("contact-lens-voice-redacted.json"))
    assert "[PII]" in contact.turns[1].text
    assert "Peter" not in " ".join(t.text for t in contact.turns)


def test_published_chat_example(shared_example: Reader) -> None:
    data = shared_example("contact-lens-chat.json")
    raw = json.loads(data)
    contact = _one(CHAT_KEY, data)
    assert contact.contact_id == raw["CustomerMetadata"]["ContactId"]
    assert contact.channel == "chat"
    assert contact.agent_name == "Jane"
    messages = [t for t in raw["Transcript"] if t.get("Type") == "MESSAGE"]
    assert [t.text for t in contact.turns] == [m["Content"] for m in messages]
    system = [t for t in contact.turns if t.speaker == "system"]
    assert len(system) == 3
    assert all("queue" in t.text or "Amazon Connect" in t.text for t in system)
    agent_texts = {t.text for t in contact.turns if t.speaker == "agent"}
    customer_texts = {t.text for t in contact.turns if t.speaker == "customer"}
    assert not any(t.text in agent_texts | customer_texts for t in system)
    assert any(t.startswith("Hello, thanks for reaching Example Corp") for t in agent_texts)
    assert any(t.startswith("I'd like to see if I can get a refund") for t in customer_texts)
    # the published file labels one customer complaint as AGENT; we keep the file's label
    mislabelled = next(t for t in contact.turns if t.text.startswith("It's just too bad."))
    assert mislabelled.speaker == "agent"
    begins = [t.begin_ms for t in contact.turns]
    assert all(b is not None for b in begins)
    assert begins == sorted(begins)


CHAT_REDACTED_KEY = (
    "connect/Analysis/Chat/Redacted/2022/10/27/b49644f6_analysis_redacted_2022-10-27T03:32:00Z.json"
)


def _as_amazon_redacts_chat(data: bytes) -> bytes:
    """The published chat example as Amazon publishes its redacted copy: `Participants` entries
    without `ParticipantRole` (every turn still carries its own)."""
    doc = json.loads(data)
    for participant in doc["Participants"]:
        del participant["ParticipantRole"]
    assert all("ParticipantRole" in t for t in doc["Transcript"] if t["Type"] == "MESSAGE")
    return json.dumps(doc).encode()


def test_redacted_chat_reads_roles_from_its_turns(shared_example: Reader) -> None:
    """Issue 18, hole 5: Amazon's own redacted chat was refused for its role-less Participants."""
    raw = _one(CHAT_KEY, shared_example("contact-lens-chat.json"))
    redacted = _one(
        CHAT_REDACTED_KEY, _as_amazon_redacts_chat(shared_example("contact-lens-chat.json"))
    )
    assert [(t.speaker, t.text) for t in redacted.turns] == [(t.speaker, t.text) for t in raw.turns]
    assert redacted.contact_id == raw.contact_id
    assert redacted.channel == "chat"


def test_a_turn_with_no_role_anywhere_is_still_refused() -> None:
    doc = _doc(Participants=[{"ParticipantId": "A"}, {"ParticipantId": "C"}])  # turns: no role
    result = parse_file(VOICE_KEY, json.dumps(doc).encode())
    assert not result.contacts
    assert "not in Participants with a role, and no ParticipantRole" in result.problems[0].reason


def test_own_fixture_uuid_participants_overlap_and_system(fixture_bytes: Reader) -> None:
    contact = _one(VOICE_KEY, fixture_bytes("contact-lens-voice-uuid.json"))
    assert contact.contact_id == "7a1d2c3e-0000-4f00-8000-00000000beef"
    assert [t.speaker for t in contact.turns] == [
        "system",
        "agent",
        "customer",
        "customer",
        "agent",
    ]
    assert [t.begin_ms for t in contact.turns] == [0, 3000, 5000, 7200, 9800]


def _doc(**changes: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "JobStatus": "COMPLETED",
        "Participants": [
            {"ParticipantId": "A", "ParticipantRole": "AGENT"},
            {"ParticipantId": "C", "ParticipantRole": "CUSTOMER"},
        ],
        "Transcript": [
            {"ParticipantId": "A", "Content": "Hello, how can I help?", "BeginOffsetMillis": 0},
            {"ParticipantId": "C", "Content": "My card was declined.", "BeginOffsetMillis": 900},
        ],
    }
    doc.update(changes)
    return doc


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"JobStatus": "FAILED"}, "job status"),
        ({"Transcript": {"a": 1}}, "'Transcript' must be a list"),
        ({"Participants": "AGENT"}, "'Participants' must be a list"),
        (
            {
                "Participants": [
                    {"ParticipantId": "A", "ParticipantRole": "ROBOT"},
                    {"ParticipantId": "C", "ParticipantRole": "CUSTOMER"},
                ]
            },
            "unknown speaker label 'ROBOT'",
        ),
        ({"Transcript": [{"ParticipantId": "Z", "Content": "hi"}]}, "not in Participants"),
        ({"Transcript": [{"ParticipantId": "A", "Content": 5}]}, "Content must be a string"),
        (
            {"Transcript": [{"ParticipantId": "A", "Content": "hi", "BeginOffsetMillis": -4}]},
            "BeginOffsetMillis",
        ),
        ({"Transcript": [{"ParticipantId": "A", "Content": "Hello"}]}, "no customer turns"),
        (
            {
                "Transcript": [
                    {"ParticipantId": "A", "Content": " "},
                    {"ParticipantId": "C", "Content": ""},
                ]
            },
            "empty transcript",
        ),
        ({"CustomerMetadata": {"ContactId": 12}}, "ContactId must be a string"),
    ],
)
def test_broken_contact_lens_is_quarantined_with_reason(
    changes: dict[str, object], needle: str
) -> None:
    result = parse_file(VOICE_KEY, json.dumps(_doc(**changes)).encode())
    assert result.contacts == []
    assert len(result.problems) == 1
    assert needle in result.problems[0].reason
    assert "\n" not in result.problems[0].reason


def test_supervisor_and_bot_roles_are_never_agent() -> None:
    doc = _doc(
        Participants=[
            {"ParticipantId": "A", "ParticipantRole": "AGENT"},
            {"ParticipantId": "C", "ParticipantRole": "CUSTOMER"},
            {"ParticipantId": "S", "ParticipantRole": "SUPERVISOR"},
            {"ParticipantId": "B", "ParticipantRole": "CUSTOM_BOT"},
        ],
        Transcript=[
            {"ParticipantId": "B", "Content": "Say billing or sales.", "BeginOffsetMillis": 0},
            {"ParticipantId": "A", "Content": "Hi, Ana here.", "BeginOffsetMillis": 10},
            {"ParticipantId": "C", "Content": "Hi Ana.", "BeginOffsetMillis": 20},
            {"ParticipantId": "S", "Content": "Joining to help.", "BeginOffsetMillis": 30},
        ],
    )
    contact = _one(VOICE_KEY, json.dumps(doc).encode())
    assert [t.speaker for t in contact.turns] == ["system", "agent", "customer", "system"]


@pytest.mark.parametrize(
    ("key", "redacted", "contact_id", "ts"),
    [
        (VOICE_KEY, False, "c-77", datetime(2026, 11, 16, 9, 12, 30, tzinfo=UTC)),
        (REDACTED_KEY, True, "c-77", datetime(2026, 11, 16, 9, 12, 30, tzinfo=UTC)),
        (
            "Analysis/Email/Redacted/2026/03/10/e-1_analysis_redacted_20260310T22:35_UTC.json",
            True,
            "e-1",
            datetime(2026, 3, 10, 22, 35, tzinfo=UTC),
        ),
        ("Analysis/Chat/2026/11/16/x_analysis.json", False, "x", None),
        ("transcripts/2026/11/16/c-1.json", False, None, None),
    ],
)
def test_key_helpers(key: str, redacted: bool, contact_id: str | None, ts: datetime | None) -> None:
    assert is_redacted_key(key) is redacted
    assert contact_lens_contact_id(key) == contact_id
    assert timestamp_from_key(key) == ts


def test_choose_keys_prefers_redacted_then_latest() -> None:
    raw = "A/Analysis/Voice/2026/11/16/c-1_analysis_2026-11-16T09:00:00Z.json"
    red = "A/Analysis/Voice/Redacted/2026/11/16/c-1_analysis_redacted_2026-11-16T09:00:00Z.json"
    old = "A/Analysis/Voice/2026/11/16/c-2_analysis_2026-11-16T08:00:00Z.json"
    new = "A/Analysis/Voice/2026/11/17/c-2_analysis_2026-11-17T08:00:00Z.json"
    other = "transcripts/2026/11/16/x.json"
    kept, dropped = choose_contact_lens_keys([raw, red, old, new, other])
    assert kept == [red, new, other]
    assert dropped == {raw: red, old: new}


def test_started_at_falls_back_to_key_date_then_chat_time() -> None:
    doc = _doc()
    dated = _one("Analysis/Voice/2026/11/18/c-9_analysis.json", json.dumps(doc).encode())
    assert dated.started_at == datetime(2026, 11, 18, tzinfo=UTC)
    undated = _one("c-9.json", json.dumps(doc).encode())
    assert undated.started_at is None
    assert undated.contact_id == "c-9"
