"""Threads for S3 calls that never hold up a stopping run, and progress lines while they work."""

from __future__ import annotations

import contextvars
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, wait
from types import TracebackType
from typing import Any, Final, TypeVar

R = TypeVar("R")

# Set while this process stops (a signal, a cancelled run): waits give up, threads take no work.
STOP: Final = threading.Event()
HEARTBEAT_SECONDS: Final = 10.0
POLL_SECONDS: Final = 0.25

Progress = Callable[[int, int, float], None]  # (done, total, seconds so far)
Logger = logging.Logger | logging.LoggerAdapter[logging.Logger]


class RunStopped(Exception):
    """The run is stopping: work still waiting for S3 is dropped."""


def run_log() -> Logger:
    """Prefect's run logger inside a flow or task run (its lines reach the UI), else a plain one."""
    if "prefect.context" in sys.modules:  # never import Prefect here: worker processes lack it
        from prefect.exceptions import MissingContextError
        from prefect.logging import get_run_logger

        try:
            return get_run_logger()
        except MissingContextError:
            pass
    return logging.getLogger("rapport")


def new_run() -> None:
    """A run starts: a stop of an earlier run in this process is over."""
    STOP.clear()


def stopping(exc: BaseException | None) -> bool:
    """Whether an exception unwinding a run means the process is stopping (and mark it so)."""
    # KeyboardInterrupt, Prefect's TerminationSignal (SIGTERM, a cancelled run), SystemExit:
    # none is an Exception. Threads still busy with S3 must then give up, not be waited for.
    # (GeneratorExit only closes a generator.)
    if exc is not None and not isinstance(exc, Exception | GeneratorExit):
        STOP.set()
    return STOP.is_set()


class IOThreads:
    """A pool of daemon threads for network calls.

    A request stuck on an endpoint that never answers holds up neither the caller (waits give
    up when the run stops, and an error or a stop leaves without waiting) nor the process's
    exit (daemon threads are not joined). Each call runs in a copy of the submitter's context,
    so Prefect's run logger works in it.
    """

    def __init__(self, threads: int, name: str = "rapport-io") -> None:
        self._size = max(1, threads)
        self._name = name
        self._work: queue.SimpleQueue[
            tuple[Future[Any], contextvars.Context, Callable[..., Any], tuple[Any, ...]] | None
        ] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self) -> IOThreads:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Leaving on an error or a stop waits for nobody: requests under way end on their own.
        self.shutdown(wait=not stopping(exc) and exc is None)

    def submit(self, fn: Callable[..., R], *args: Any) -> Future[R]:
        """Run fn(*args) on a pool thread."""
        future: Future[R] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("submit after shutdown")
            self._work.put((future, contextvars.copy_context(), fn, args))
            if len(self._threads) < self._size:
                thread = threading.Thread(
                    target=self._serve, name=f"{self._name}-{len(self._threads)}", daemon=True
                )
                thread.start()
                self._threads.append(thread)
        return future

    def _serve(self) -> None:
        while (item := self._work.get()) is not None:
            future, context, fn, args = item
            if not future.set_running_or_notify_cancel():
                continue
            if STOP.is_set():
                future.set_exception(RunStopped("the run is stopping"))
                continue
            try:
                result = context.run(fn, *args)
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)

    def shutdown(self, wait: bool = True) -> None:
        """Finish (wait=True) or drop (wait=False: queued calls are cancelled) the work."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if not wait:
                while True:
                    try:
                        item = self._work.get_nowait()
                    except queue.Empty:
                        break
                    if item is not None:
                        item[0].cancel()
            for _ in self._threads:
                self._work.put(None)
        if wait:
            for thread in self._threads:
                thread.join()

    def map(
        self,
        fn: Callable[[Any], R],
        items: Sequence[Any],
        progress: Progress | None = None,
        every: float = HEARTBEAT_SECONDS,
    ) -> list[R]:
        """fn over items on the pool, results in order (see gather)."""
        return gather([self.submit(fn, item) for item in items], progress, every)


def gather(
    futures: Sequence[Future[R]], progress: Progress | None = None, every: float = HEARTBEAT_SECONDS
) -> list[R]:
    """Wait for every result, in order: the first error is raised at once (the rest are
    cancelled), RunStopped once the run stops, and progress(done, total, seconds) is called
    every `every` seconds while some are still running."""
    start = time.monotonic()
    beat = start + every
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_EXCEPTION)
        error = next((e for f in done if not f.cancelled() and (e := f.exception())), None)
        if error is not None or STOP.is_set():
            for future in pending:
                future.cancel()
            raise error or RunStopped("the run is stopping")
        now = time.monotonic()
        if progress is not None and pending and now >= beat:
            progress(len(futures) - len(pending), len(futures), now - start)
            beat = now + every
    return [f.result() for f in futures]


def settle(futures: Sequence[Future[Any]]) -> None:
    """Wait until every future is done, failed ones included; RunStopped once the run stops."""
    pending = set(futures)
    while pending:
        _, pending = wait(pending, timeout=POLL_SECONDS)
        if STOP.is_set():
            raise RunStopped("the run is stopping")


def wait_one(future: Future[R], progress: Progress | None = None) -> R:
    """One result, with the same stop and progress rules as gather."""
    return gather([future], progress)[0]
