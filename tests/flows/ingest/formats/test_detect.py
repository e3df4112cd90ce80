"""Format detection by content, forced formats and quarantine reasons."""

from __future__ import annotations

import gzip

import pytest

from flows.ingest.formats import parse_file
from tests.flows.ingest.formats.fixtures import CANONICAL, dump_json

CONTACT_LENS = {
    "Participants": [
        {"ParticipantId": "AGENT", "ParticipantRole": "AGENT"},
        {"ParticipantId": "CUSTOMER", "ParticipantRole": "CUSTOMER"},
    ],
    "Transcript": [
        {"ParticipantId": "AGENT", "Content": "Hi"},
        {"ParticipantId": "CUSTOMER", "Content": "Hello"},
    ],
}
TRANSCRIBE = {
    "Transcript": [
        {"ParticipantRole": "AGENT", "Content": "Hi"},
        {"ParticipantRole": "CUSTOMER", "Content": "Hello"},
    ]
}
CSV = b"contact_id,agent_id,speaker,text\nc-1,a-1,agent,Hi\nc-1,a-1,customer,Hello\n"


@pytest.mark.parametrize(
    ("key", "data", "channel"),
    [
        ("any/name.bin", dump_json(CANONICAL), None),
        ("any/name", dump_json(CONTACT_LENS), None),
        ("any/name.json", dump_json(TRANSCRIBE), "voice"),
        ("any/name.txt", CSV, None),
        ("any/name.json.gz", gzip.compress(dump_json(CANONICAL)), None),
        ("any/name.jsonl", dump_json(CANONICAL) + b"\n" + dump_json(CANONICAL), None),
        ("any/name.csv.gz", gzip.compress(CSV), None),
    ],
)
def test_detects_format_by_content(key: str, data: bytes, channel: str | None) -> None:
    result = parse_file(key, data)
    assert result.problems == []
    assert result.contacts
    assert all(c.channel == channel for c in result.contacts)
    assert {t.speaker for c in result.contacts for t in c.turns} == {"agent", "customer"}


def test_forced_format_overrides_detection() -> None:
    result = parse_file("x.json", dump_json(CANONICAL), format="csv")
    assert result.contacts == []
    assert "CSV header" in result.problems[0].reason
    assert parse_file("x.json", dump_json(CANONICAL), format="canonical").contacts


@pytest.mark.parametrize(
    ("key", "data", "needle"),
    [
        ("x.json", b'{"contact_id": ', "malformed JSON at line 1"),
        ("x.json", b"   \n\t ", "empty file"),
        ("x.json", b"", "empty file"),
        ("x.json", b"[]", "empty JSON list"),
        (
            "x.json",
            dump_json({**CANONICAL, "turns": [{"speaker": "bot", "text": "x"}]}),
            "unknown speaker",
        ),
        ("x.json", dump_json({**CANONICAL, "turns": "hello"}), "'turns' must be a non-empty list"),
        (
            "x.json",
            dump_json({**CANONICAL, "turns": [{"speaker": "agent", "text": "hi"}]}),
            "no customer turns",
        ),
        (
            "x.json",
            dump_json({**CANONICAL, "turns": [{"speaker": "customer", "text": "hi"}]}),
            "no agent turns",
        ),
        ("x.json", dump_json({**CANONICAL, "agent_id": "a\n1"}), "control characters"),
        (
            "x.json",
            b'{"contact_id": "c", "agent_id": "a", "started_at": "2026-11-16T09:12:00Z",'
            b' "turns": [{"speaker": "agent", "text": "\\ud800"}, {"speaker": "customer",'
            b' "text": "x"}]}',
            "lone surrogate",
        ),
        ("x.json", "\u00fe".encode("utf-16-le") * 40, "UTF-16 without a byte-order mark"),
        ("x.json", b"\x00\x01\x02\x9d\x81\xff" * 10, "binary data"),
        ("x.json", b'{"a": "caf\x81\x8d"}', "not Latin-1 or Windows-1252"),
        ("x.json.gz", b"not gzip", "named .gz but not gzip"),
        ("x.json.gz", gzip.compress(b"{}" * 100)[:20], "corrupt gzip"),
        ("x.txt", b"hello world", "unrecognised format"),
    ],
)
def test_quarantine_reasons(key: str, data: bytes, needle: str) -> None:
    result = parse_file(key, data)
    assert result.contacts == []
    assert len(result.problems) == 1
    assert needle in result.problems[0].reason
    assert "\n" not in result.problems[0].reason


def test_unknown_forced_format_is_a_reason_not_a_crash() -> None:
    result = parse_file("x.json", dump_json(CANONICAL), format="xml")  # type: ignore[arg-type]
    assert "unknown format 'xml'" in result.problems[0].reason


def test_jsonl_lines_are_quarantined_alone() -> None:
    bad = {**CANONICAL, "contact_id": "c-2", "turns": []}
    data = b"\n".join([dump_json(CANONICAL), b"{oops", dump_json(bad)])
    result = parse_file("w.jsonl", data)
    assert [c.contact_id for c in result.contacts] == ["c-1"]
    assert [p.key for p in result.problems] == ["w.jsonl#L2", "w.jsonl#L3"]
