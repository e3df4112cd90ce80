from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from flows.ingest.formats import parse_file

Reader = Callable[[str], bytes]
KEY = "calls/2026/11/17/tca-demo-0042.json"


def test_own_fixture_reads_roles_order_and_text(fixture_bytes: Reader) -> None:
    data = fixture_bytes("transcribe-call-analytics.json")
    result = parse_file(KEY, data)
    assert result.problems == []
    (contact,) = result.contacts
    assert contact.contact_id == "tca-demo-0042"
    assert contact.agent_id is None
    assert contact.channel == "voice"
    assert contact.language == "en-GB"
    assert contact.started_at == datetime(2026, 11, 17, tzinfo=UTC)
    assert [t.speaker for t in contact.turns] == ["agent", "customer", "customer", "agent"]
    assert [t.begin_ms for t in contact.turns] == [300, 4100, 8700, 9600]
    assert contact.turns[2].text == "Okay."


def test_forced_format_and_no_job_name_uses_key_stem(fixture_bytes: Reader) -> None:
    doc = json.loads(fixture_bytes("transcribe-call-analytics.json"))
    del doc["JobName"]
    result = parse_file("x/call-17.json", json.dumps(doc).encode(), format="transcribe")
    assert [c.contact_id for c in result.contacts] == ["call-17"]


@pytest.mark.parametrize(
    ("turn", "needle"),
    [
        ({"ParticipantRole": "AGENT"}, "Content must be a string"),
        ({"ParticipantRole": "NARRATOR", "Content": "x"}, "unknown speaker label 'NARRATOR'"),
        (
            {"ParticipantRole": "AGENT", "Content": "x", "EndOffsetMillis": "soon"},
            "EndOffsetMillis",
        ),
    ],
)
def test_broken_turns_are_quarantined(turn: dict[str, object], needle: str) -> None:
    doc = {"JobStatus": "COMPLETED", "Transcript": [turn]}
    result = parse_file("t.json", json.dumps(doc).encode(), format="transcribe")
    assert result.contacts == []
    assert needle in result.problems[0].reason
