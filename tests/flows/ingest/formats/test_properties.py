"""Broken and random input: parse_file reads it or quarantines it with a reason, never raises."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.ingest.formats import ParseResult, parse_file
from flows.ingest.formats.detect import FORMATS, INTERNAL_ERROR
from tests.flows.ingest.formats.fixtures import JSON

SHARED = Path("/work/shared/formats")
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "formats"
REAL_FILES = [
    p.read_bytes()
    for p in [*sorted(SHARED.glob("*.json")), *sorted(FIXTURES.iterdir())]
    if p.is_file()
]
KEYS = st.sampled_from(
    [
        "t/2026/11/16/c.json",
        "t/2026/11/16/c.jsonl",
        "t/2026/11/16/c.json.gz",
        "t/2026/11/16/c.csv",
        "Analysis/Voice/2026/11/16/c-1_analysis_2026-11-16T09:00:00Z.json",
        "Analysis/Chat/Redacted/2026/11/16/c-1_analysis_redacted_2026-11-16T09:00:00Z.json",
        "weird name",
    ]
)
FMT = st.sampled_from(FORMATS)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(result: ParseResult) -> None:
    assert isinstance(result, ParseResult)
    for problem in result.problems:
        assert problem.reason.strip()
        assert "\n" not in problem.reason
        assert not problem.reason.startswith(INTERNAL_ERROR), problem.reason
    for contact in result.contacts:
        speakers = {t.speaker for t in contact.turns if t.text.strip()}
        assert {"agent", "customer"} <= speakers


@FAST
@given(key=KEYS, data=st.binary(max_size=400), fmt=FMT)
def test_random_bytes(key: str, data: bytes, fmt: str) -> None:
    _check(parse_file(key, data, format=fmt))  # type: ignore[arg-type]


@FAST
@given(key=KEYS, doc=JSON, fmt=FMT)
def test_random_json(key: str, doc: object, fmt: str) -> None:
    _check(parse_file(key, json.dumps(doc).encode(), format=fmt))  # type: ignore[arg-type]


@FAST
@given(
    index=st.integers(min_value=0, max_value=max(len(REAL_FILES) - 1, 0)),
    cut=st.floats(min_value=0, max_value=1),
    key=KEYS,
    zipped=st.booleans(),
)
def test_truncated_real_files(index: int, cut: float, key: str, zipped: bool) -> None:
    data = REAL_FILES[index] if REAL_FILES else b"{}"
    data = data[: int(len(data) * cut)]
    _check(parse_file(key, gzip.compress(data) if zipped else data))


@FAST
@given(
    index=st.integers(min_value=0, max_value=max(len(REAL_FILES) - 1, 0)),
    position=st.floats(min_value=0, max_value=1),
    junk=st.binary(min_size=1, max_size=8),
)
def test_corrupted_real_files(index: int, position: float, junk: bytes) -> None:
    data = REAL_FILES[index] if REAL_FILES else b"{}"
    at = int(len(data) * position)
    _check(parse_file("t/2026/11/16/c.json", data[:at] + junk + data[at + len(junk) :]))


@FAST
@given(
    text=st.text(max_size=60),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"]),
)
def test_odd_encodings_of_a_valid_contact(text: str, encoding: str) -> None:
    doc = {
        "contact_id": "c-1",
        "agent_id": "a-1",
        "started_at": "2026-11-16T09:12:00Z",
        "turns": [
            {"speaker": "agent", "text": "Hello " + text},
            {"speaker": "customer", "text": "Hi"},
        ],
    }
    try:
        data = json.dumps(doc, ensure_ascii=False).encode(encoding)
    except UnicodeEncodeError:
        return
    result = parse_file("c.json", data)
    _check(result)
    if result.contacts and encoding in ("utf-8", "utf-8-sig", "utf-16"):
        assert result.contacts[0].turns[0].text == "Hello " + text


@FAST
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["c1", "c2", "", "c\u00e9"]),
            st.sampled_from(["agent", "Customer", "rep", "caller", "bot", "alien", ""]),
            st.text(max_size=30),
            st.sampled_from(["", "12", "-1", "x", "1e3"]),
        ),
        max_size=8,
    ),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_random_csv(rows: list[tuple[str, str, str, str]], delimiter: str) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["contact_id", "speaker", "text", "begin_ms"])
    writer.writerows(rows)
    _check(parse_file("c.csv", buffer.getvalue().encode()))
