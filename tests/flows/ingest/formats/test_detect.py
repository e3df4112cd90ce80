from __future__ import annotations

import gzip
import json

import pytest

from flows.ingest.formats import parse_file
from flows.ingest.formats.decode import decode_text, gunzip_if_needed
from flows.ingest.formats.model import TranscriptError

CANONICAL = {
    "contact_id": "c-1",
    "agent_id": "a-1",
    "started_at": "2026-11-16T09:12:00Z",
    "turns": [
        {"speaker": "customer", "text": "Mi reçu est égaré."},
        {"speaker": "agent", "text": "Je vais le renvoyer."},
    ],
}
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


def _dump(doc: object) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("key", "data", "channel"),
    [
        ("any/name.bin", _dump(CANONICAL), None),
        ("any/name", _dump(CONTACT_LENS), None),
        ("any/name.json", _dump(TRANSCRIBE), "voice"),
        ("any/name.txt", CSV, None),
        ("any/name.json.gz", gzip.compress(_dump(CANONICAL)), None),
        ("any/name.jsonl", _dump(CANONICAL) + b"\n" + _dump(CANONICAL), None),
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
    result = parse_file("x.json", _dump(CANONICAL), format="csv")
    assert result.contacts == []
    assert "CSV header" in result.problems[0].reason
    assert parse_file("x.json", _dump(CANONICAL), format="canonical").contacts


@pytest.mark.parametrize(
    ("key", "data", "needle"),
    [
        ("x.json", b'{"contact_id": ', "malformed JSON at line 1"),
        ("x.json", b"   \n\t ", "empty file"),
        ("x.json", b"", "empty file"),
        ("x.json", b"[]", "empty JSON list"),
        (
            "x.json",
            _dump({**CANONICAL, "turns": [{"speaker": "bot", "text": "x"}]}),
            "unknown speaker",
        ),
        ("x.json", _dump({**CANONICAL, "turns": "hello"}), "'turns' must be a non-empty list"),
        (
            "x.json",
            _dump({**CANONICAL, "turns": [{"speaker": "agent", "text": "hi"}]}),
            "no customer turns",
        ),
        (
            "x.json",
            _dump({**CANONICAL, "turns": [{"speaker": "customer", "text": "hi"}]}),
            "no agent turns",
        ),
        ("x.json", _dump({**CANONICAL, "agent_id": "a\n1"}), "control characters"),
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


@pytest.mark.parametrize(
    "data",
    [
        _dump(CANONICAL),
        b"\xef\xbb\xbf" + _dump(CANONICAL),
        _dump(CANONICAL).decode().encode("latin-1"),
        json.dumps(CANONICAL, ensure_ascii=False).encode("utf-16"),
    ],
)
def test_utf8_bom_latin1_and_utf16_bom_decode_to_the_same_text(data: bytes) -> None:
    (contact,) = parse_file("x.json", data).contacts
    assert contact.turns[0].text == "Mi reçu est égaré."


def test_windows_1252_smart_quotes_decode() -> None:
    assert decode_text("“quoted” – €5".encode("cp1252")) == "“quoted” – €5"


def test_size_limit_applies_to_raw_and_decompressed_bytes() -> None:
    data = _dump(CANONICAL)
    assert "over the 10-byte limit" in parse_file("x.json", data, max_bytes=10).problems[0].reason
    bomb = gzip.compress(b" " * 5_000_000)
    assert len(bomb) < 10_000
    reason = parse_file("x.json.gz", bomb, max_bytes=100_000).problems[0].reason
    assert "expands to over the 100,000-byte limit" in reason
    assert parse_file("x.json", data, max_bytes=None).contacts


def test_gunzip_limit_is_exact() -> None:
    payload = b"x" * 1000
    assert gunzip_if_needed("k", gzip.compress(payload), 1000) == payload
    with pytest.raises(TranscriptError):
        gunzip_if_needed("k", gzip.compress(payload), 999)


def test_unknown_forced_format_is_a_reason_not_a_crash() -> None:
    result = parse_file("x.json", _dump(CANONICAL), format="xml")  # type: ignore[arg-type]
    assert "unknown format 'xml'" in result.problems[0].reason


def test_jsonl_lines_are_quarantined_alone() -> None:
    bad = {**CANONICAL, "contact_id": "c-2", "turns": []}
    data = b"\n".join([_dump(CANONICAL), b"{oops", _dump(bad)])
    result = parse_file("w.jsonl", data)
    assert [c.contact_id for c in result.contacts] == ["c-1"]
    assert [p.key for p in result.problems] == ["w.jsonl#L2", "w.jsonl#L3"]
