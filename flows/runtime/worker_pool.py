"""Worker processes for CPU-bound stages: spawned, all started at once, one polars thread each."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Final

from flows.runtime.io_threads import stopping

# Read by polars when a worker first imports it, which happens before any initializer runs
# (unpickling the initializer or the spawn's main module imports it): only the environment the
# worker starts with can set it. Two workers on two cores need no polars threads of their own.
WORKER_ENV: Final = {"POLARS_MAX_THREADS": "1"}


@contextmanager
def spawn_pool(
    workers: int, initializer: Callable[[], None] | None = None
) -> Iterator[ProcessPoolExecutor]:
    """A pool of `workers` processes, every one started now with WORKER_ENV."""
    # spawn, never fork: a forked child of a process that ran polars can deadlock.
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=initializer)
    try:
        saved = {name: os.environ.get(name) for name in WORKER_ENV}
        os.environ.update(WORKER_ENV)
        try:
            for _ in range(workers):
                pool.submit(os.getpid)  # with spawn, each submit starts one more worker, now
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        yield pool
    except BaseException as exc:
        if stopping(exc):
            # A stopping run waits for no worker: one may be stuck on S3 for many seconds.
            workers_now = list(pool._processes.values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in workers_now:
                process.terminate()
        else:
            # An error: drop the queued work (a whole week of PDFs) and end the work under way.
            pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
