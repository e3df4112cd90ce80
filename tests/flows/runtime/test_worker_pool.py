from __future__ import annotations

import os

import polars as pl
import pytest

from flows.config.settings import Settings
from flows.ingest.load_workers import load_pool
from flows.render.pdf import render_pool
from flows.runtime.worker_pool import spawn_pool


def _polars_threads() -> int:
    return pl.thread_pool_size()


def test_spawned_workers_run_one_polars_thread_and_the_parent_keeps_its_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("POLARS_MAX_THREADS", raising=False)
    with spawn_pool(2) as pool:
        pids = {pool.submit(os.getpid).result() for _ in range(8)}
        threads = {pool.submit(_polars_threads).result() for _ in range(4)}
    assert threads == {1}
    assert len(pids) <= 2
    assert os.getpid() not in pids
    assert "POLARS_MAX_THREADS" not in os.environ


def test_load_and_render_workers_are_spawned_with_one_polars_thread(tmp_path: object) -> None:
    settings = Settings(store="local", local_root=tmp_path, load_workers=2)
    with load_pool(settings, 10_000) as pool:
        assert pool is not None
        assert pool.submit(_polars_threads).result() == 1
    if (os.cpu_count() or 1) > 1:
        with render_pool(2) as rpool:
            assert rpool is not None
            assert rpool.submit(_polars_threads).result() == 1
