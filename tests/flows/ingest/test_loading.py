"""Loading a shard by columns gives the frames the record path gives, in the same order."""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from checks.transcripts.transcript import contacts_frame, turns_frame
from flows.config.weeks import IsoWeek
from flows.ingest.attribution import AgentRef, Attribution, attribute
from flows.ingest.formats import ColumnarResult, Quarantine, parse_file, parse_file_columns
from flows.ingest.formats.detect import INTERNAL_ERROR
from flows.ingest.loading import (
    BATCH_FILES,
    LoadedShard,
    batches_of,
    fallback_copies,
    load_objects,
    merge_shards,
)
from flows.select.ledger import select_week
from flows.stores.base import StoredObject
from flows.stores.local import LocalStore
from tests.flows.ingest.fixtures import FILES, contact_doc, jsonl_bytes
from tests.flows.ingest.formats.fixtures import JSON

MAX = 5_000
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
    monkeypatch.setattr("flows.ingest.loading.BATCH_FILES", batch)
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
    assert turn_agents["c9"] == "a-9"
    assert turn_agents["c8"] is None


def test_a_record_parser_still_works(store: LocalStore) -> None:
    objects = list(store.list("t/"))
    got = load_objects(store, objects, max_bytes=MAX, parser=parse_file)
    assert_frame_equal(got.turns, _record_path(store, objects, None).turns)


def test_merge_and_empty_shards() -> None:
    empty = load_objects(LocalStore(Path("/nonexistent")), [], max_bytes=MAX)
    assert empty.contacts.is_empty()
    assert empty.turns.is_empty()
    merged = merge_shards([empty, empty])
    assert merged.turns.schema == empty.turns.schema
    assert not merged.quarantined


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
    first = gzip.compress(jsonl_bytes(contact_doc("m1", "a-1"), contact_doc("m2", "a-1")) + b"\n")
    second = gzip.compress(jsonl_bytes(contact_doc("m3", "a-2")) + b"\n")
    local.put("t/appended.jsonl.gz", first + second)  # `cat a.gz b.gz`, appended exports
    local.put("t/padded.jsonl.gz", gzip.compress(jsonl_bytes(contact_doc("p1", "a-3"))) + b"\0" * 8)
    local.put("t/garbage.jsonl.gz", gzip.compress(jsonl_bytes(contact_doc("g1", "a-4"))) + b"oops")
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
    member = gzip.compress(b" " * 3_000 + jsonl_bytes(contact_doc("s1", "a-1")) + b"\n")
    local.put("t/two.jsonl.gz", member + member)  # each member fits under MAX, both do not
    parser = partial(parse_file_columns, max_bytes=MAX)  # as the flow sets it up
    got = load_objects(local, list(local.list("t/")), max_bytes=MAX, parser=parser)
    assert got.contacts.is_empty()
    assert got.quarantined == [
        Quarantine("t/two.jsonl.gz", f"gzip data expands to over the {MAX:,}-byte limit")
    ]


# Issue 18, hole 1: every failure of one file, whatever stage it surfaces in, ends as a
# quarantine row naming that file, and the rest of the week goes on.

WEEK = IsoWeek.parse("2026-W47")
WEEK_MAX = 1_000_000
GOOD: dict[str, bytes] = {
    "w/good-a.jsonl": jsonl_bytes(contact_doc("good-1", "a-1"), contact_doc("good-2", "a-2")),
    "w/good-b.json.gz": gzip.compress(json.dumps(contact_doc("good-3", "a-1")).encode()),
    "w/good-c.csv": b"contact_id,agent_id,started_at,speaker,text\n"
    b"good-4,a-3,2026-11-18T10:00:00Z,agent,Hello\ngood-4,a-3,2026-11-18T10:00:00Z,customer,Hi\n",
}
GOOD_IDS = ["good-1", "good-2", "good-3", "good-4"]


def _with_turn(cid: str, **turn: Any) -> bytes:
    doc = contact_doc(cid, "a-9")
    doc["turns"][0].update(turn)
    return json.dumps(doc).encode()  # allow_nan: NaN and Infinity written as Python's json does


def _week(local: LocalStore, parser: Any = None) -> tuple[LoadedShard, pl.DataFrame]:
    """Load every file under w/ with the flow's reader and settle the week's ledger."""
    parser = parser or partial(parse_file_columns, max_bytes=WEEK_MAX)
    shard = load_objects(local, list(local.list("w/")), max_bytes=WEEK_MAX, parser=parser)
    start, end = WEEK.utc_bounds("UTC")
    selection = select_week(
        shard.contacts, shard.quarantined, week=str(WEEK), start=start, end=end, sample_size=None
    )
    return shard, selection.ledger


def _assert_good_scored_once(ledger: pl.DataFrame) -> None:
    good = ledger.filter(pl.col("contact_id").is_in(GOOD_IDS))
    assert sorted(good["contact_id"]) == GOOD_IDS, good
    assert set(good["state"]) == {"scored"}


def _store(tmp: Path, bad: dict[str, bytes]) -> LocalStore:
    local = LocalStore(tmp)
    for key, data in {**GOOD, **bad}.items():
        local.put(key, data)
    return local


BAD_FILES = {
    "w/huge-float.json": (_with_turn("b1", begin_ms=1e300), "'begin_ms' is out of range"),
    "w/huge-int.jsonl": (_with_turn("b2", end_ms=2**64) + b"\n", "'end_ms' is out of range"),
    "w/nan.json": (_with_turn("b3", begin_ms=float("nan")), "'begin_ms' must be a non-negative"),
    "w/inf.jsonl": (_with_turn("b4", end_ms=float("inf")) + b"\n", "'end_ms' is out of range"),
    "w/deep.json": (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
    "w/deep.jsonl": (b"[" * 50_000 + b"]" * 50_000 + b"\n{}\n", "nested too deeply"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_one_bad_number_or_nesting_is_quarantined_with_its_file_named(
    tmp_path: Path, name: str
) -> None:
    data, reason = BAD_FILES[name]
    _, ledger = _week(_store(tmp_path, {name: data}))
    _assert_good_scored_once(ledger)
    mine = ledger.filter(pl.col("key").str.starts_with(name))
    assert set(mine["state"]) == {"quarantined"}
    assert any(reason in r for r in mine["reason"]), mine["reason"].to_list()
    assert not any(r.startswith(INTERNAL_ERROR) for r in mine["reason"])


def test_values_no_table_can_hold_quarantine_their_file_not_the_week(tmp_path: Path) -> None:
    """A reader that lets through a number past Int64 (as 1e300 once did): the batch's frames
    fail, and the file at fault is found and quarantined under its own key."""
    local = _store(tmp_path, {"w/overflow.json": _contact_bytes("b5")})

    def lax(key: str, data: bytes) -> ColumnarResult:
        result = parse_file_columns(key, data)
        if key == "w/overflow.json":
            _, turns = result.contacts[0]
            turns.begin_ms[0] = 2**70
        return result

    _, ledger = _week(local, lax)
    _assert_good_scored_once(ledger)
    row = ledger.filter(pl.col("key") == "w/overflow.json").row(0, named=True)
    assert row["state"] == "quarantined"
    assert row["reason"].startswith("values the week's tables cannot hold (")


def test_a_reader_that_raises_quarantines_its_file(tmp_path: Path) -> None:
    local = _store(tmp_path, {"w/boom.json": _contact_bytes("b6")})

    def buggy(key: str, data: bytes) -> ColumnarResult:
        if key == "w/boom.json":
            raise RecursionError("maximum recursion depth exceeded")
        return parse_file_columns(key, data)

    _, ledger = _week(local, buggy)
    _assert_good_scored_once(ledger)
    row = ledger.filter(pl.col("key") == "w/boom.json").row(0, named=True)
    assert (row["state"], row["reason"]) == (
        "quarantined",
        f"{INTERNAL_ERROR}: RecursionError: maximum recursion depth exceeded",
    )


def test_a_symlink_out_of_the_local_root_is_quarantined(tmp_path: Path) -> None:
    secret = tmp_path / "outside.json"
    secret.write_bytes(_contact_bytes("leak"))
    local = _store(tmp_path / "root", {})
    (tmp_path / "root" / "w" / "escape.json").symlink_to(secret)
    _, ledger = _week(local)
    _assert_good_scored_once(ledger)
    row = ledger.filter(pl.col("key") == "w/escape.json").row(0, named=True)
    assert row["state"] == "quarantined"
    assert row["reason"].startswith("cannot read the file: key escapes the store root")
    assert "leak" not in ledger["contact_id"].to_list()


def _contact_bytes(cid: str) -> bytes:
    return json.dumps(contact_doc(cid, "a-9")).encode()


BAD_KEYS = st.sampled_from(
    [
        "w/bad.json",
        "w/bad.jsonl",
        "w/bad.json.gz",
        "w/bad.csv",
        "w/bad",
        "w/Analysis/Chat/2026/11/17/bad_analysis_2026-11-17T10:00:00Z.json",
    ]
)
NUMBER = st.one_of(
    st.integers(),
    st.floats(),  # NaN and infinities too
    st.sampled_from([1e300, -1e300, 2**63, 2**64, 10**30, -1, 0.5]),
)
TEXT = st.text(max_size=12) | st.sampled_from(["", " ", "=1+1", "\x00", "\ud800"])
CONTACTISH = st.fixed_dictionaries(
    {
        "contact_id": TEXT | NUMBER,
        "agent_id": TEXT | NUMBER | st.none(),
        "started_at": st.sampled_from(
            ["2026-11-17T10:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]
        )
        | TEXT,
        "turns": st.lists(
            st.fixed_dictionaries(
                {
                    "speaker": st.sampled_from(["agent", "customer", "system"]) | TEXT,
                    "text": TEXT | NUMBER,
                    "begin_ms": NUMBER | st.none(),
                    "end_ms": NUMBER | st.none(),
                }
            ),
            max_size=4,
        ),
    }
)
FIELDS = [
    ("contact_id",),
    ("agent_id",),
    ("started_at",),
    ("team",),
    ("agent_name",),
    ("turns",),
    ("turns", 0),
    ("turns", 0, "begin_ms"),
    ("turns", 1, "end_ms"),
    ("turns", 0, "text"),
    ("turns", 1, "speaker"),
]


def _one_field_off(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    """A good contact (not one of the good files') with one field replaced."""
    doc = contact_doc("bad-1", "a-9")
    where: Any = doc
    for step in path[:-1]:
        where = where[step]
    where[path[-1]] = value
    return doc


NEARLY_GOOD = st.builds(_one_field_off, st.sampled_from(FIELDS), NUMBER | TEXT | JSON)
BAD_TIME = st.builds(
    _one_field_off, st.sampled_from([f for f in FIELDS if str(f[-1]).endswith("_ms")]), NUMBER
)
DOCS = (
    BAD_TIME
    | JSON
    | CONTACTISH
    | NEARLY_GOOD
    | st.lists(CONTACTISH | NEARLY_GOOD, max_size=3)
    | st.lists(NEARLY_GOOD, min_size=1, max_size=3)
)


def _encode(key: str, doc: object, lines: bool) -> bytes:
    if lines and isinstance(doc, list):
        data = "\n".join(json.dumps(d) for d in doc).encode("utf-8", "surrogatepass")
    else:
        data = json.dumps(doc).encode("utf-8", "surrogatepass")
    return gzip.compress(data) if key.endswith(".gz") else data


def _check_week(data: bytes, key: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        shard, ledger = _week(_store(Path(tmp), {key: data}))
    _assert_good_scored_once(ledger)
    mine = ledger.filter(pl.col("key").str.starts_with(key))
    assert not mine.is_empty(), "the bad file must end in the ledger"
    if shard.contacts.filter(pl.col("source_key") == key).is_empty():
        assert set(mine["state"]) == {"quarantined"}
    for reason in mine.filter(pl.col("state") == "quarantined")["reason"]:
        assert reason.strip()
        assert "\n" not in reason
        assert not reason.startswith(INTERNAL_ERROR), reason


WEEK_EXAMPLES = hyp_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@WEEK_EXAMPLES
@given(key=BAD_KEYS, data=st.binary(max_size=400))
def test_any_bytes_as_one_file_of_the_week(key: str, data: bytes) -> None:
    _check_week(data, key)


@WEEK_EXAMPLES
@given(key=BAD_KEYS, doc=DOCS, lines=st.booleans())
def test_any_json_as_one_file_of_the_week(key: str, doc: object, lines: bool) -> None:
    _check_week(_encode(key, doc, lines), key)


def test_a_quarantined_preferred_copy_falls_back_to_the_others() -> None:
    """Issue 18, hole 5: the copies skipped before download are read when the preferred one
    was quarantined as a whole; a quarantined line of another file does not count."""
    red, raw, old = "R/c-1_analysis_redacted_2.json", "V/c-1_analysis_2.json", "R/c-1_r_1.json"
    duplicates = {raw: red, old: red, "V/c-2_analysis_1.json": "R/c-2_analysis_redacted_1.json"}
    spares = {k: StoredObject(k, 10) for k in duplicates}
    broken = [
        Quarantine(red, "malformed JSON"),
        Quarantine("R/c-2_analysis_redacted_1.json#L2", "x"),
    ]
    assert fallback_copies(duplicates, spares, broken) == [spares[old], spares[raw]]
    assert fallback_copies(duplicates, spares, []) == []
