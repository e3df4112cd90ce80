"""Bytes to text: byte-order marks, legacy encodings and the gzip size limit."""

from __future__ import annotations

import gzip
import json

import pytest

from flows.ingest.formats import parse_file
from flows.ingest.formats.decode import decode_text, gunzip_if_needed
from flows.ingest.formats.model import TranscriptError
from tests.flows.ingest.formats.fixtures import CANONICAL, dump_json


@pytest.mark.parametrize(
    "data",
    [
        dump_json(CANONICAL),
        b"\xef\xbb\xbf" + dump_json(CANONICAL),
        dump_json(CANONICAL).decode().encode("latin-1"),
        json.dumps(CANONICAL, ensure_ascii=False).encode("utf-16"),
    ],
)
def test_utf8_bom_latin1_and_utf16_bom_decode_to_the_same_text(data: bytes) -> None:
    (contact,) = parse_file("x.json", data).contacts
    assert contact.turns[0].text == "Mi reçu est égaré."


def test_windows_1252_smart_quotes_decode() -> None:
    assert decode_text("“quoted” – €5".encode("cp1252")) == "“quoted” – €5"


def test_size_limit_applies_to_raw_and_decompressed_bytes() -> None:
    data = dump_json(CANONICAL)
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
