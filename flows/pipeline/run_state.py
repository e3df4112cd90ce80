"""What a run knows about itself: the stage under way, its timings, how it stopped."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType

from prefect import get_run_logger
from prefect.exceptions import TerminationSignal

from flows.config.settings import Settings
from flows.config.weeks import IsoWeek
from flows.deliver.week import notify_failure
from flows.publish.publish import WeekLock, WeekPublisher
from flows.runtime.io_threads import stopping
from flows.stores.factory import output_store


@dataclass
class StageClock:
    """Wall seconds per named stage of one run, the stage under way, and whether the week's
    published files are being replaced."""

    seconds: dict[str, float] = field(default_factory=dict)
    current: str | None = None
    replacing: bool = False

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        """Time one stage."""
        start = time.perf_counter()
        self.current = name
        try:
            yield
        finally:
            self.seconds[STAGE_KEYS.get(name, name)] = round(time.perf_counter() - start, 3)


# The keys of the timings a run returns (benchmarks read them).
STAGE_KEYS = {
    "listing": "list",
    "loading": "load",
    "loading and scoring": "load+score",  # chunks of agents: both in one worker task
    "sampling": "sample",
    "scoring": "score",
    "building the report": "report",
    "rendering": "render",
    "publishing": "publish",
    "delivering": "deliver",
}


def stop_message(exc: BaseException, week: IsoWeek, clock: StageClock) -> str:
    """One line on a stopped run: what stopped it, where, and what it left behind."""
    if isinstance(exc, TerminationSignal):
        how = signal.Signals(exc.signal).name
    elif isinstance(exc, KeyboardInterrupt):
        how = "Ctrl+C (SIGINT)"
    else:
        how = type(exc).__name__
    left = (
        "its files were being replaced, so it has no manifest.json until a rerun completes"
        if clock.replacing
        else "its published outputs are unchanged"
    )
    return (
        f"Stopped by {how} while {clock.current or 'starting'}: {week} was not published "
        f"({left}); rerun it with --week {week}"
    )


def closing_publishers(
    sinks: Sequence[WeekPublisher],
) -> Callable[[type[BaseException] | None, BaseException | None, TracebackType | None], None]:
    """An exit callback: end the upload threads, waiting for them only after a success."""

    def close(
        exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for sink in sinks:
            sink.close(wait=exc is None)

    return close


@dataclass
class AuditRun:
    """One run of one week: its stage clock and the week's lock in the output store."""

    clock: StageClock
    lock: WeekLock


@contextmanager
def guarded_run(settings: Settings, week: IsoWeek) -> Iterator[AuditRun]:
    """Hold the run's clock and lock; a stop says in one line what it left behind, a failure
    notifies the operations address, and the lock is released whatever happens."""
    run = AuditRun(
        StageClock(),
        WeekLock(
            output_store(settings),
            settings.output_prefix,
            str(week),
            ttl_seconds=settings.lock_ttl_hours * 3600,
        ),
    )
    try:
        yield run
    except BaseException as exc:
        if stopping(exc):
            get_run_logger().warning(stop_message(exc, week, run.clock))
        elif isinstance(exc, Exception):
            notify_failure(settings, str(week), exc)  # the operations address, when configured
        raise
    finally:
        run.lock.release()
