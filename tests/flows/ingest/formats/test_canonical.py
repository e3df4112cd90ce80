"""The column reader of canonical .jsonl gives exactly what the full reader gives."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.ingest.formats import ColumnarResult, parse_file, parse_file_columns
from flows.ingest.formats.canonical import canonical_jsonl_columns

KEY = "t/2026/11/16/a-1-20261116.jsonl"


def _contact(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "contact_id": "c-1",
        "agent_id": "a-1",
        "agent_name": "Ann",
        "team": "Billing",
        "started_at": "2026-11-16T09:00:00+02:00",
        "channel": "chat",
        "language": "en",
        "turns": [
            {"speaker": "agent", "text": "Hello, Ann here.", "begin_ms": 0, "end_ms": 900},
            {"speaker": "customer", "text": "My bill is wrong.", "begin_ms": 1000, "end_ms": 2000},
            {"speaker": "system", "text": "", "begin_ms": None},
        ],
    }
    doc.update(changes)
    return doc


def _jsonl(*docs: object) -> bytes:
    return "\n".join(json.dumps(d) for d in docs).encode()


def _same(key: str, data: bytes) -> ColumnarResult:
    fast = parse_file_columns(key, data)
    full = parse_file(key, data)
    assert fast == ColumnarResult.of(full)
    assert [c.source_key for c, _ in fast.contacts] == [c.source_key for c in full.contacts]
    assert all(c.turns == () for c, _ in fast.contacts)
    return fast


def test_clean_file_reads_by_columns_with_every_turn() -> None:
    data = _jsonl(_contact(), _contact(contact_id="c-2", agent_name=None))
    assert canonical_jsonl_columns(KEY, data.decode()) is not None
    result = _same(KEY, gzip.compress(data))
    (first, turns), (second, _) = result.contacts
    assert turns.speaker == ["agent", "customer", "system"]
    assert turns.begin_ms == [0, 1000, None]
    assert first.source_key == KEY
    assert second.agent_name is None


@pytest.mark.parametrize(
    ("changes", "reason_part"),
    [
        ({"contact_id": None}, "'contact_id'"),
        ({"agent_id": "   "}, "'agent_id'"),
        ({"started_at": "yesterday"}, "'started_at'"),
        ({"started_at": "2026-11-16T09:00:00"}, "time zone"),
        ({"turns": []}, "'turns'"),
        ({"turns": [{"speaker": "bot", "text": "hi"}]}, "unknown speaker"),
        ({"turns": [{"speaker": "agent", "text": 5}]}, "'text'"),
        ({"turns": [{"speaker": "agent", "text": "hi", "begin_ms": -1}]}, "'begin_ms'"),
        ({"turns": [{"speaker": "agent", "text": "hi"}]}, "no customer turns"),
        ({"agent_id": "a\x01"}, "control characters"),
        (
            {
                "turns": [
                    {"speaker": "agent", "text": "\ud800"},
                    {"speaker": "customer", "text": "x"},
                ]
            },
            "lone surrogate",
        ),
    ],
)
def test_a_bad_line_is_quarantined_with_the_full_readers_reason(
    changes: dict[str, Any], reason_part: str
) -> None:
    data = _jsonl(_contact(contact_id="ok"), _contact(**changes))
    assert canonical_jsonl_columns(KEY, data.decode()) is None
    result = _same(KEY, data)
    assert [c.contact_id for c, _ in result.contacts] == ["ok"]
    (problem,) = result.problems
    # a line that breaks the format is named by line, one that fails validation by contact id
    assert problem.key in (f"{KEY}#L2", f"{KEY}#c-1")
    assert reason_part in problem.reason


@pytest.mark.parametrize(
    "changes",
    [
        {"contact_id": 17},  # the full reader turns a number id into text
        {
            "turns": [
                {"speaker": "agent", "text": "a", "begin_ms": 1.9},
                {"speaker": "customer", "text": "b"},
            ]
        },
        {
            "turns": [
                {"speaker": "agent", "text": "a", "end_ms": True},
                {"speaker": "customer", "text": "b"},
            ]
        },
        {
            "turns": [
                {"speaker": "agent", "text": "a", "begin_ms": 10**30},
                {"speaker": "customer", "text": "b"},
            ]
        },
    ],
)
def test_values_the_full_reader_coerces_or_rejects_are_left_to_it(changes: dict[str, Any]) -> None:
    data = _jsonl(_contact(**changes))
    assert canonical_jsonl_columns(KEY, data.decode()) is None
    _same(KEY, data)


def test_malformed_and_blank_lines_and_other_formats_match_the_full_reader() -> None:
    _same(KEY, _jsonl(_contact()) + b"\n\n{not json\n")
    _same(KEY, b"  \n")
    _same("t/2026/11/16/c.json", json.dumps(_contact()).encode())
    _same("t/2026/11/16/c.csv", b"contact_id,speaker,text\nc1,agent,hi\nc1,customer,yo\n")
    _same(KEY + ".gz", b"not gzip")


ID = st.one_of(st.just("c-1"), st.text(max_size=4), st.integers(), st.none(), st.just("a\x7f"))
TEXT = st.one_of(st.text(max_size=8), st.just("\ud800"), st.just(" "), st.none(), st.integers())
MS = st.one_of(st.none(), st.integers(min_value=-2, max_value=2**70), st.floats(), st.booleans())
TURN = st.fixed_dictionaries(
    {
        "speaker": st.sampled_from(["agent", "customer", "system", "bot", None]),
        "text": TEXT,
    },
    optional={"begin_ms": MS, "end_ms": MS},
)
CONTACT = st.fixed_dictionaries(
    {"contact_id": ID, "agent_id": ID, "turns": st.lists(TURN, max_size=5)},
    optional={
        "started_at": st.sampled_from(
            ["2026-11-16T09:00:00Z", "2026-11-16T09:00:00+05:30", "2026-11-16", "x", None]
        ),
        "team": st.one_of(st.none(), st.text(max_size=3), st.integers()),
        "channel": st.sampled_from(["voice", "", None]),
        "other": st.integers(),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    docs=st.lists(
        CONTACT | st.integers() | st.lists(st.none(), max_size=1), min_size=1, max_size=4
    ),
    blank=st.booleans(),
    nan=st.booleans(),
)
def test_column_reader_always_matches_the_full_reader(
    docs: list[object], blank: bool, nan: bool
) -> None:
    lines = [json.dumps(d) for d in docs]
    if blank:
        lines.insert(1, "   ")
    if nan:
        lines.append('{"contact_id": "n", "agent_id": "a", "x": NaN}')
    _same(KEY, "\n".join(lines).encode())
