"""Shards loaded in worker processes give the frames and quarantines of loading them here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from polars.testing import assert_frame_equal

from flows.config.settings import Settings
from flows.ingest.attribution import AgentRef, Attribution
from flows.ingest.load_workers import (
    MIN_FILES_FOR_PROCESSES,
    ShardJob,
    load_pool,
    load_shard_with,
    wants_processes,
)
from flows.stores.local import LocalStore
from tests.flows.ingest.fixtures import FILES


def _settings(root: Path, **overrides: Any) -> Settings:
    return Settings(store="local", local_root=root, out_dir=None, **overrides)


@pytest.mark.parametrize(
    ("overrides", "files", "expected"),
    [
        ({}, MIN_FILES_FOR_PROCESSES, True),
        ({}, MIN_FILES_FOR_PROCESSES - 1, False),
        ({"load_workers": 1}, 10 * MIN_FILES_FOR_PROCESSES, False),
        ({"dask_workers": 2}, 10 * MIN_FILES_FOR_PROCESSES, False),
        ({"dask_address": "tcp://127.0.0.1:8786"}, 10 * MIN_FILES_FOR_PROCESSES, False),
    ],
)
def test_only_large_weeks_on_the_default_runner_load_in_processes(
    tmp_path: Path, overrides: dict[str, Any], files: int, expected: bool
) -> None:
    assert wants_processes(_settings(tmp_path, **overrides), files) is expected


def test_worker_processes_load_what_this_process_loads(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    for key, data in FILES.items():
        store.put(key, data)
    objects = list(store.list("t/"))
    agents = Attribution(by_contact={"c9": AgentRef("a-9", "Nine", "Night")})
    settings = _settings(tmp_path, load_workers=2)
    jobs = [ShardJob(settings, objects[:3], agents), ShardJob(settings, objects[3:], agents)]

    here = [load_shard_with(None, job) for job in jobs]
    with load_pool(settings, MIN_FILES_FOR_PROCESSES) as pool:
        assert pool is not None
        there = [load_shard_with(pool, job) for job in jobs]

    for mine, theirs in zip(here, there, strict=True):
        assert_frame_equal(theirs.contacts, mine.contacts)
        assert_frame_equal(theirs.turns, mine.turns)
        assert theirs.quarantined == mine.quarantined
    assert sum(s.turns.height for s in there) > 0
    assert any(s.quarantined for s in there)  # the broken files travel back as quarantines
    assert "a-9" in set(there[0].contacts["agent_id"]) | set(there[1].contacts["agent_id"])


def test_small_weeks_get_no_pool(tmp_path: Path) -> None:
    with load_pool(_settings(tmp_path), MIN_FILES_FOR_PROCESSES - 1) as pool:
        assert pool is None
