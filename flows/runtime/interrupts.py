"""SIGTERM and Ctrl+C stop a `rapport run` within seconds, and it says so in one line."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Final

from flows.runtime.io_threads import STOP

# After the first stop signal the process is gone within this many seconds, whatever is still
# running. A stop normally takes 1-3 s (threads waiting on S3 give up, workers are terminated,
# Prefect records the run as crashed); Ctrl+C in a terminal also stops Prefect's temporary
# server, and Prefect's client would then retry for half a minute to report the run.
GRACE_SECONDS: Final = 5.0


class Stopped(BaseException):
    """A stop signal reached the command line (a BaseException, like KeyboardInterrupt)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def signal_words(signum: int) -> str:
    """How a user knows a signal."""
    return "Ctrl+C (SIGINT)" if signum == signal.SIGINT else signal.Signals(signum).name


def stop_signal(exc: BaseException) -> int | None:
    """The signal number when exc is a stop (ours, KeyboardInterrupt, Prefect's), else None."""
    if isinstance(exc, KeyboardInterrupt):
        return int(signal.SIGINT)
    if isinstance(exc, Stopped):
        return exc.signum
    if type(exc).__name__ == "TerminationSignal":  # Prefect's, not imported here
        return int(getattr(exc, "signal", signal.SIGTERM))
    return None


def _end_children() -> None:
    """Terminate what this process started (pool workers, Prefect's temporary server)."""
    for child in multiprocessing.active_children():
        child.terminate()
    server = sys.modules.get("prefect.server.api.server")
    for instance in list(
        getattr(getattr(server, "SubprocessASGIServer", None), "_instances", {}).values()
    ):
        process = getattr(instance, "server_process", None)
        if process is not None:
            process.terminate()


def _exit_later(status: int, grace: float) -> None:
    time.sleep(grace)
    os.write(2, f"still stopping after {grace:.0f} s: exiting now\n".encode())
    _end_children()
    os._exit(status)


@contextmanager
def stop_on_signals(say: Callable[[int], str], grace: float = GRACE_SECONDS) -> Iterator[list[int]]:
    """SIGINT raises KeyboardInterrupt and SIGTERM raises Stopped in the main thread, after
    writing say(signal) to stderr; work on S3 is dropped, the process exits at most `grace`
    seconds later, and a second signal ends it at once. Yields the signals received."""
    received: list[int] = []

    def handle(signum: int, frame: FrameType | None) -> None:
        if received:
            _end_children()
            os._exit(128 + signum)
        received.append(signum)
        STOP.set()
        # os.write, not print: the main thread may be inside print when the signal lands.
        os.write(2, (say(signum) + "\n").encode())
        threading.Thread(
            target=_exit_later, args=(128 + signum, grace), name="rapport-exit", daemon=True
        ).start()
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Stopped(signum)

    # During a flow Prefect answers SIGTERM itself (it records the run as crashed), then sends
    # it again to the handler it found: this one.
    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
