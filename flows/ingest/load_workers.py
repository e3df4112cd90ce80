"""Load shards in worker processes: parsing is Python, and one process's GIL caps it at a core."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Final

from flows.config.settings import Settings
from flows.ingest.attribution import Attribution
from flows.ingest.formats import parse_file_columns
from flows.ingest.formats.csv_turns import columns_from_mapping
from flows.ingest.loading import LoadedShard, load_objects
from flows.runtime.io_threads import Progress, wait_one
from flows.runtime.worker_pool import spawn_pool
from flows.stores.base import StoredObject
from flows.stores.factory import input_store

# Below this many files a week loads in threads here: starting workers costs ~2 s.
MIN_FILES_FOR_PROCESSES: Final = 400


@dataclass(frozen=True, slots=True)
class ShardJob:
    """One shard to fetch and parse, with everything a worker process needs to do it."""

    settings: Settings
    objects: list[StoredObject]
    attribution: Attribution | None


def run_shard(job: ShardJob, progress: Progress | None = None) -> LoadedShard:
    """Fetch and parse a shard's files into frames; bad files are quarantined, not raised."""
    settings = job.settings
    columns = columns_from_mapping(settings.csv_columns) if settings.csv_columns else None
    parser = partial(
        parse_file_columns,
        format=settings.format,
        max_bytes=settings.max_file_bytes,
        csv_columns=columns,
    )
    return load_objects(
        input_store(settings),
        job.objects,
        max_bytes=settings.max_file_bytes,
        parser=parser,
        attribution=job.attribution,
        progress=progress,
    )


def load_shard_with(
    pool: Executor | None, job: ShardJob, progress: Progress | None = None
) -> LoadedShard:
    """Run a shard in the pool's worker processes, or here when there is no pool.

    progress(files read, files, seconds) is called every few seconds; a worker process does not
    say how far it got, so there files read is -1."""
    if pool is None:
        return run_shard(job, progress)
    return wait_one(pool.submit(run_shard, job), progress and _in_worker(progress, job))


def _in_worker(progress: Progress, job: ShardJob) -> Progress:
    files = len(job.objects)
    return lambda _done, _total, seconds: progress(-1, files, seconds)


def wants_processes(settings: Settings, n_files: int) -> bool:
    """Whether a week this large loads in worker processes (never inside Dask's own workers)."""
    return (
        not settings.distributed
        and settings.load_workers > 1
        and n_files >= MIN_FILES_FOR_PROCESSES
    )


@contextmanager
def load_pool(settings: Settings, n_files: int) -> Iterator[Executor | None]:
    """Worker processes for loading a large week, or None when it loads here."""
    if not wants_processes(settings, n_files):
        yield None
        return
    with spawn_pool(settings.load_workers) as pool:
        yield pool
