"""S3 threads that never hold up an error or a stop, and say how far they got while waiting."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from flows.runtime.io_threads import STOP, IOThreads, RunStopped, new_run, stopping


@pytest.fixture(autouse=True)
def fresh_run() -> Iterator[None]:
    new_run()
    yield
    new_run()


def test_results_come_in_order_with_progress_while_calls_are_still_waiting() -> None:
    release = threading.Event()
    seen: list[tuple[int, int]] = []

    def work(n: int) -> int:
        if n == 3:
            release.wait(5)  # one slow call: the others are done meanwhile
        return n * n

    def progress(done: int, total: int, seconds: float) -> None:
        seen.append((done, total))
        release.set()

    with IOThreads(4) as pool:
        assert pool.map(work, [0, 1, 2, 3, 4], progress, every=0.2) == [0, 1, 4, 9, 16]
    assert seen
    assert seen[0] == (4, 5)


def test_an_error_is_raised_at_once_while_another_call_is_stuck() -> None:
    stuck = threading.Event()

    def work(n: int) -> int:
        if n == 0:
            stuck.wait(30)  # a request that never gets an answer
        if n == 1:
            raise ValueError("access denied")
        return n

    start = time.monotonic()
    with pytest.raises(ValueError, match="access denied"), IOThreads(2) as pool:
        pool.map(work, [0, 1, 2, 3])
    assert time.monotonic() - start < 2
    stuck.set()


def test_a_stop_ends_the_wait_of_any_thread_within_a_poll() -> None:
    stuck = threading.Event()
    outcome: list[BaseException] = []

    def waiter() -> None:  # like a Prefect task thread waiting on its fetch threads
        try:
            with IOThreads(2) as pool:
                pool.map(lambda _: stuck.wait(30), [0, 1])
        except RunStopped as exc:
            outcome.append(exc)

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.3)
    assert stopping(KeyboardInterrupt())  # the main thread saw Ctrl+C
    thread.join(2)
    assert not thread.is_alive()
    assert len(outcome) == 1
    stuck.set()


def test_only_signals_mark_the_process_as_stopping() -> None:
    assert not stopping(ValueError("a failed week"))
    assert not stopping(GeneratorExit())
    assert not STOP.is_set()
    assert stopping(SystemExit(143))
    new_run()
    assert not STOP.is_set()
