"""Loading a shard by columns gives the frames the record path gives, in the same order."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from checks.transcript import contacts_frame, turns_frame
from flows.attribution import AgentRef, Attribution, attribute
from flows.formats import Quarantine, parse_file, parse_file_columns
from flows.loading import BATCH_FILES, LoadedShard, batches_of, load_objects, merge_shards
from flows.store import LocalStore, StoredObject

MAX = 5_000


def _contact(cid: str, agent: str, **extra: Any) -> dict[str, Any]:
    return {
        "contact_id": cid,
        "agent_id": agent,
        "started_at": "2026-11-16T09:00:00+01:00",
        "turns": [
            {"speaker": "agent", "text": f"Hi, {agent} here.", "begin_ms": 0},
            {"speaker": "customer", "text": "Help please.", "begin_ms": 500},
        ],
        **extra,
    }


def _jsonl(*docs: object) -> bytes:
    return "\n".join(json.dumps(d) for d in docs).encode()


FILES: dict[str, bytes] = {
    "t/a-1.jsonl.gz": gzip.compress(_jsonl(_contact("c1", "a-1"), _contact("c2", "a-1"))),
    "t/a-2.jsonl": _jsonl(_contact("c3", "a-2", team="Own team"), {"contact_id": "bad"}),
    "t/b.csv": b"contact_id,speaker,text\nc8,agent,Hi\nc8,customer,Yo\nc9,agent,A\nc9,customer,B\n",
    "t/big.jsonl": _jsonl(*[_contact(f"x{i}", "a-3") for i in range(40)]),
    "t/c.jsonl": _jsonl(_contact("c4", "a-4", agent_name="Dee")),
    "t/empty.json": b"   ",
}
ATTRIBUTION = Attribution(
    by_contact={"c9": AgentRef("a-9", "Nine", "Night")},
    directory={"a-1": AgentRef("a-1", "Ann", "Billing"), "a-4": AgentRef("a-4", "Other")},
)


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    local = LocalStore(tmp_path)
    for key, data in FILES.items():
        local.put(key, data)
    return local


def _record_path(
    store: LocalStore, objects: Sequence[StoredObject], attribution: Attribution | None
) -> LoadedShard:
    """What loading gave before it read by columns: Contact records, then the two frames."""
    contacts, problems = [], []
    for obj in objects:
        if obj.size > MAX:
            problems.append(
                Quarantine(obj.key, f"file is {obj.size:,} bytes, over the {MAX:,}-byte limit")
            )
            continue
        result = parse_file(obj.key, store.get(obj.key))
        contacts += result.contacts
        problems += result.problems
    if attribution is not None:
        done, left = attribute(contacts, attribution)
        contacts = done + left
    return LoadedShard(contacts_frame(contacts), turns_frame(contacts), problems)


@pytest.mark.parametrize("attribution", [None, ATTRIBUTION])
@pytest.mark.parametrize("batch", [1, 2, BATCH_FILES])
def test_columns_give_the_record_paths_frames_and_quarantines(
    store: LocalStore,
    attribution: Attribution | None,
    batch: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("flows.loading.BATCH_FILES", batch)
    objects = list(store.list("t/"))
    got = load_objects(store, objects, max_bytes=MAX, attribution=attribution)
    want = _record_path(store, objects, attribution)
    assert_frame_equal(got.contacts, want.contacts)
    assert_frame_equal(got.turns, want.turns)
    assert got.quarantined == want.quarantined
    reasons = {q.key: q.reason for q in got.quarantined}
    assert "over the 5,000-byte limit" in reasons["t/big.jsonl"]
    assert "t/empty.json" in reasons


def test_attribution_fills_agents_and_puts_the_unattributed_last(store: LocalStore) -> None:
    got = load_objects(store, list(store.list("t/")), max_bytes=MAX, attribution=ATTRIBUTION)
    rows = {r["contact_id"]: r for r in got.contacts.iter_rows(named=True)}
    assert (rows["c1"]["agent_name"], rows["c1"]["team"]) == ("Ann", "Billing")
    assert rows["c4"]["agent_name"] == "Dee"  # a file's own name stands
    assert rows["c9"]["agent_id"] == "a-9"
    assert got.contacts["contact_id"].to_list()[-1] == "c8"
    assert rows["c8"]["agent_id"] is None
    turn_agents = dict(got.turns.select("contact_id", "agent_id").unique().iter_rows())
    assert turn_agents["c9"] == "a-9" and turn_agents["c8"] is None


def test_a_record_parser_still_works(store: LocalStore) -> None:
    objects = list(store.list("t/"))
    got = load_objects(store, objects, max_bytes=MAX, parser=parse_file)
    assert_frame_equal(got.turns, _record_path(store, objects, None).turns)


def test_merge_and_empty_shards() -> None:
    empty = load_objects(LocalStore(Path("/nonexistent")), [], max_bytes=MAX)
    assert empty.contacts.is_empty() and empty.turns.is_empty()
    merged = merge_shards([empty, empty])
    assert merged.turns.schema == empty.turns.schema and not merged.quarantined


@pytest.mark.parametrize("n", [0, 1, 15, 16, 17, 1000])
@pytest.mark.parametrize("threads", [1, 4, 16])
def test_batches_cover_every_file_once_in_order(n: int, threads: int) -> None:
    objects = [StoredObject(f"k{i}", 1) for i in range(n)]
    batches = batches_of(objects, threads)
    assert [o for b in batches for o in b] == objects
    assert all(0 < len(b) <= BATCH_FILES for b in batches)
    if n >= threads:
        assert len(batches) >= threads


def test_turn_numbers_restart_for_each_contact(store: LocalStore) -> None:
    got = load_objects(store, [StoredObject("t/a-1.jsonl.gz", 10)], max_bytes=MAX)
    by_contact = got.turns.group_by("contact_id").agg(pl.col("turn")).sort("contact_id")
    assert by_contact["turn"].to_list() == [[0, 1], [0, 1]]


# Issue 18, hole 2: every gzip member is read; bytes after the last one are quarantined.


def test_every_gzip_member_is_read_and_trailing_garbage_quarantined(tmp_path: Path) -> None:
    local = LocalStore(tmp_path)
    first = gzip.compress(_jsonl(_contact("m1", "a-1"), _contact("m2", "a-1")) + b"\n")
    second = gzip.compress(_jsonl(_contact("m3", "a-2")) + b"\n")
    local.put("t/appended.jsonl.gz", first + second)  # `cat a.gz b.gz`, appended exports
    local.put("t/padded.jsonl.gz", gzip.compress(_jsonl(_contact("p1", "a-3"))) + b"\0" * 8)
    local.put("t/garbage.jsonl.gz", gzip.compress(_jsonl(_contact("g1", "a-4"))) + b"oops")
    local.put("t/cut.jsonl.gz", first + second[:-6])  # the second member cut short
    got = load_objects(local, list(local.list("t/")), max_bytes=MAX)
    assert sorted(got.contacts["contact_id"]) == ["m1", "m2", "m3", "p1"]
    reasons = {q.key: q.reason for q in got.quarantined}
    assert reasons == {
        "t/garbage.jsonl.gz": "corrupt gzip data: 4 bytes that are not gzip after member 1",
        "t/cut.jsonl.gz": "corrupt gzip data: member 2 is truncated",
    }


def test_the_size_cap_counts_every_gzip_member(tmp_path: Path) -> None:
    local = LocalStore(tmp_path)
    member = gzip.compress(b" " * 3_000 + _jsonl(_contact("s1", "a-1")) + b"\n")
    local.put("t/two.jsonl.gz", member + member)  # each member fits under MAX, both do not
    parser = partial(parse_file_columns, max_bytes=MAX)  # as the flow sets it up
    got = load_objects(local, list(local.list("t/")), max_bytes=MAX, parser=parser)
    assert got.contacts.is_empty()
    assert got.quarantined == [
        Quarantine("t/two.jsonl.gz", f"gzip data expands to over the {MAX:,}-byte limit")
    ]
