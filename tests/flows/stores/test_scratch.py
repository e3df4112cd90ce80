"""A run's scratch: frames kept by name in a folder or under an S3 prefix, gone after the run."""

from __future__ import annotations

import pickle
from pathlib import Path

import polars as pl
import pytest

from flows.config.settings import Settings
from flows.stores.local import LocalStore
from flows.stores.s3 import S3Store
from flows.stores.scratch import REMOTE_SCRATCH, Scratch, scratch_location, scratch_space

FRAME = pl.DataFrame({"agent_id": ["a1", "a2"], "overall": [71.5, 80.0]})


def _settings(where: str, s3_store: S3Store | None = None, **more: object) -> Settings:
    if s3_store is None:
        return Settings(store="local", local_root=Path(where), **more)  # type: ignore[arg-type]
    return Settings(
        store="s3",
        bucket=s3_store.bucket,
        endpoint_url=s3_store.endpoint_url,
        **more,  # type: ignore[arg-type]
    )


def test_a_folder_scratch_keeps_scans_and_forgets_frames(tmp_path: Path) -> None:
    settings = _settings(str(tmp_path), scratch_dir=str(tmp_path / "scratch"))
    with scratch_space(settings) as scratch:
        assert scratch.folder is not None
        assert scratch.folder.parent == tmp_path / "scratch"
        scratch.put("chunk-00000/table.parquet", FRAME)
        scratch.put("chunk-00001/table.parquet", FRAME.head(1))
        assert scratch.frame("chunk-00000/table.parquet").equals(FRAME)
        both = scratch.scan(["chunk-00000/table.parquet", "chunk-00001/table.parquet"])
        assert both.collect().height == 3
        scratch.remove(["chunk-00001/table.parquet", "never-written.parquet"])
        assert not (scratch.folder / "chunk-00001/table.parquet").exists()
        folder = scratch.folder
    assert not folder.exists()


def test_an_s3_scratch_is_reached_from_another_process_and_emptied(s3_store: S3Store) -> None:
    settings = _settings("", s3_store, scratch_dir=f"s3://{s3_store.bucket}/tmp/rapport")
    with scratch_space(settings) as scratch:
        assert scratch.folder is None
        assert scratch.prefix.startswith("tmp/rapport/rapport-chunks-")
        # a worker on another machine gets the scratch pickled, as Dask sends it
        remote = pickle.loads(pickle.dumps(scratch))
        remote.put("chunk-00000/table.parquet", FRAME)
        remote.put("chunk-00000/turns.parquet", FRAME)
        assert scratch.frame("chunk-00000/table.parquet").equals(FRAME)
        scanned = scratch.scan(["chunk-00000/table.parquet"]).collect()
        assert scanned.equals(FRAME)
        assert (scratch.cache / "chunk-00000/table.parquet").is_file()  # the flow's copy
        scratch.remove(["chunk-00000/turns.parquet"])
        keys = [o.key for o in s3_store.list("tmp/")]
        assert keys == [scratch.prefix + "chunk-00000/table.parquet"]
        cache = scratch.cache
    assert list(s3_store.list("tmp/")) == []
    assert not cache.exists()


def test_an_outside_dask_cluster_gets_a_scratch_its_workers_all_reach(
    s3_store: S3Store, tmp_path: Path
) -> None:
    outside = _settings("", s3_store, dask_address="tcp://10.0.0.5:8786", output_prefix="cards")
    where = scratch_location(outside)
    assert isinstance(where, tuple)
    store, prefix = where
    assert isinstance(store, S3Store)
    assert (store.bucket, prefix) == (s3_store.bucket, f"cards/{REMOTE_SCRATCH}")
    # this machine's own cluster, or a folder given, keeps it on disk
    assert scratch_location(_settings("", s3_store, dask_workers=2)) is None
    given = _settings("", s3_store, dask_address="tcp://x:1", scratch_dir=str(tmp_path))
    assert scratch_location(given) == tmp_path
    assert scratch_location(_settings(str(tmp_path), dask_address="tcp://x:1")) is None


@pytest.mark.parametrize("where", ["local", "s3"])
def test_a_failed_run_leaves_no_scratch(where: str, s3_store: S3Store, tmp_path: Path) -> None:
    settings = (
        _settings("", s3_store, scratch_dir=f"s3://{s3_store.bucket}/scratch")
        if where == "s3"
        else _settings(str(tmp_path), scratch_dir=str(tmp_path / "scratch"))
    )
    kept: list[Scratch] = []

    def failing_run() -> None:
        with scratch_space(settings) as scratch:
            kept.append(scratch)
            scratch.put("chunk-00000/table.parquet", FRAME)
            raise RuntimeError("a chunk failed")

    with pytest.raises(RuntimeError, match="a chunk failed"):
        failing_run()
    (scratch,) = kept
    if where == "s3":
        assert list(s3_store.list("scratch/")) == []
    else:
        assert list((tmp_path / "scratch").iterdir()) == []
    assert isinstance(scratch.store, LocalStore if where == "local" else S3Store)
