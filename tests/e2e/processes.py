"""Commands started as a user would start them, their output read line by line as it comes."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from tests.conftest import FAKE_AWS


class Command:
    """A command in its own process group (so a signal can reach it the way a terminal's
    Ctrl+C does), its merged output collected by a thread, and a bounded stop."""

    def __init__(self, args: Sequence[str], env: dict[str, str], cwd: Path) -> None:
        self.args = list(args)
        self.lines: list[tuple[float, str]] = []
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            self.args,
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self.lines.append((time.monotonic(), raw.decode(errors="replace").rstrip("\n")))

    @property
    def output(self) -> str:
        """Everything printed so far."""
        return "\n".join(line for _, line in self.lines)

    def wait_for(self, pattern: str, timeout: float) -> str:
        """The first output line matching pattern; fails on timeout or if the command exits."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            for _, line in self.lines[seen:]:
                if regex.search(line):
                    return line
            seen = len(self.lines)
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the reader catch the last lines
                if any(regex.search(line) for _, line in self.lines):
                    return next(line for _, line in self.lines if regex.search(line))
                raise AssertionError(
                    f"{self.args[:4]} exited ({self.proc.returncode}) before {pattern!r}:\n"
                    + self.output[-6000:]
                )
            time.sleep(0.1)
        raise AssertionError(f"no {pattern!r} within {timeout:.0f} s:\n" + self.output[-6000:])

    def wait(self, timeout: float) -> int:
        """The exit status, within timeout seconds (fails otherwise)."""
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"{self.args[:4]} still running after {timeout:.0f} s:\n" + self.output[-6000:]
            ) from None
        self._reader.join(timeout=5)
        return status

    def group_alive(self) -> bool:
        """Whether any process of the command's group is still running."""
        try:
            os.killpg(self.proc.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def stop(self, timeout: float = 20) -> None:
        """End the whole process group: SIGTERM, then SIGKILL after timeout seconds."""
        for sig, grace in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + grace
            while self.group_alive() and time.monotonic() < deadline:
                self.proc.poll()
                time.sleep(0.1)
            if not self.group_alive():
                break
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)


def rapport_command(*args: str) -> list[str]:
    """The `rapport` command of the project's environment."""
    return [str(Path(sys.executable).parent / "rapport"), *args]


def user_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The environment a user's shell would give a command: fake AWS keys, no AWS metadata
    lookups, a PREFECT_HOME of its own, outputs under tmp, no PREFECT_API_URL unless given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAPPORT_", "PREFECT_API"))}
    env.update(FAKE_AWS)
    env.update(
        {
            "AWS_EC2_METADATA_DISABLED": "true",
            "PREFECT_HOME": str(tmp / "prefect-home"),
            "RAPPORT_OUT_DIR": str(tmp / "out"),
            "PYTHONUNBUFFERED": "1",
            "COLUMNS": "200",
        }
    )
    env.update(extra)
    return env
