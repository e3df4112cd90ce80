"""Reading the week's attribution: failed files named with a reason, good ones still attribute."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest

from flows.config.settings import Settings
from flows.config.weeks import IsoWeek
from flows.ingest.attribution import Attribution, attribution_from_ctr_jsonl, merge_attributions
from flows.ingest.attribution_source import read_attribution
from flows.stores.local import LocalStore

DAY = "ctr/2026/11/17"
GOOD_CTR = json.dumps({"ContactId": "c-1", "Agent": {"Username": "a-1"}}).encode() + b"\n"


def test_failed_files_are_named_and_good_ones_still_attribute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("flows.ingest.attribution.MAX_CTR_BYTES", 50_000)
    store = LocalStore(tmp_path)
    store.put(f"{DAY}/good.jsonl", GOOD_CTR + b"not json\n")  # one bad record: no failure
    store.put(f"{DAY}/bomb.jsonl.gz", gzip.compress(b" " * 400_000))
    store.put(f"{DAY}/garbage.jsonl", b"\x00\x01 nothing here {{{\n")
    store.put(f"{DAY}/huge.jsonl", GOOD_CTR * 2_000)  # over the limit: not even downloaded
    store.put("rosters/roster.csv", b"login_name,queue_name\nx,y\n")  # no column matched
    settings = Settings(
        store="local", local_root=tmp_path, ctr_prefix="ctr", roster="rosters/roster.csv"
    )
    got = read_attribution(store, settings, IsoWeek.parse("2026-W47"))
    assert got is not None
    assert got.by_contact["c-1"].agent_id == "a-1"
    failed = dict(got.failed_sources)
    assert set(failed) == {
        f"{DAY}/bomb.jsonl.gz",
        f"{DAY}/garbage.jsonl",
        f"{DAY}/huge.jsonl",
        "rosters/roster.csv",
    }
    assert "more than the 50,000 allowed" in failed[f"{DAY}/huge.jsonl"]
    assert "contact records unreadable" in failed[f"{DAY}/bomb.jsonl.gz"]
    assert "malformed contact record" in failed[f"{DAY}/garbage.jsonl"]
    assert failed["rosters/roster.csv"].startswith("roster unreadable")
    assert "agent_id" in failed["rosters/roster.csv"]
    assert f"{DAY}/bomb.jsonl.gz gave no attribution" in caplog.text


class SlowStore(LocalStore):
    """A local store whose every read waits, as a request to S3 does."""

    def get(self, key: str) -> bytes:
        time.sleep(0.2)
        return super().get(key)


def test_contact_record_files_are_read_at_once_and_merged_in_listing_order(
    tmp_path: Path,
) -> None:
    store = SlowStore(tmp_path)
    for hour in range(16):  # the same contact in every file: the last listed file wins
        record = {"ContactId": "c-1", "Agent": {"Username": f"a-{hour:02d}"}}
        store.put(f"{DAY}/ctr-{hour:02d}.jsonl", json.dumps(record).encode() + b"\n")
    settings = Settings(store="local", local_root=tmp_path, ctr_prefix="ctr")

    began = time.perf_counter()
    got = read_attribution(store, settings, IsoWeek.parse("2026-W47"))
    seconds = time.perf_counter() - began

    assert got is not None
    one_by_one = read_one_by_one(store)
    assert got.by_contact["c-1"].agent_id == one_by_one.by_contact["c-1"].agent_id
    assert seconds < 16 * 0.2 / 2  # one file after another would take 3.2 s


def read_one_by_one(store: LocalStore) -> Attribution:
    """The files merged sequentially, in listing order (what the concurrent read must equal)."""
    files = sorted(o.key for o in store.list(f"{DAY}/"))
    return merge_attributions(
        *(attribution_from_ctr_jsonl(LocalStore.get(store, k)) for k in files)
    )
