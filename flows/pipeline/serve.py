"""`rapport serve`: run the weekly deployment on its schedule in a long-lived process."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # Prefect is imported only once its server is known (see flows.cli.serve.serve)
    from prefect.runner import Runner
    from rich.console import Console

    from flows.pipeline.deployment import DeploymentSpec

# The server's scheduler plans the runs of a new deployment within seconds (every 5 s).
NEXT_RUN_WAIT_SECONDS = 45.0


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_healthy_http(
    url: str, timeout: float, proc: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll a URL until it answers 200 or the timeout passes (or the process dies)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode} before {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def wait_healthy(api_url: str, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Wait for a Prefect server's health endpoint."""
    wait_healthy_http(f"{api_url}/health", timeout, proc)


def prefect_home() -> Path:
    """PREFECT_HOME as Prefect resolves it, without importing Prefect."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


@contextmanager
def prefect_server(
    home: Path | None = None,
    timeout: float = 120,
    log: Path | None = None,
    ui: bool | None = None,
) -> Iterator[str]:
    """Start `prefect server start` on a free local port (SQLite) and stop it afterwards.

    Prefect's temporary in-process server runs no scheduler, so schedules need a real one.
    Its output goes to `log` (appended) when given; `ui` turns its web UI on or off.
    """
    port = free_port()
    env = dict(os.environ)
    if home is not None:
        env["PREFECT_HOME"] = str(home)
    if ui is not None:
        env["PREFECT_UI_ENABLED"] = "true" if ui else "false"
    env.pop("PREFECT_API_URL", None)
    cmd = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
    out = log.open("ab") if log is not None else subprocess.DEVNULL
    try:
        # Its own session: Ctrl+C in the terminal reaches this process, which stops its
        # schedule first and the server last (the server must outlive that last call).
        proc = subprocess.Popen(
            [*cmd, "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        if not isinstance(out, int):
            out.close()
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        wait_healthy(api_url, timeout, proc)
        yield api_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def next_scheduled_run(deployment_id: UUID, timeout: float = NEXT_RUN_WAIT_SECONDS) -> Any:
    """The deployment's earliest scheduled flow run once the server's scheduler made it."""
    from prefect import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(
                        type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])
                    )
                ),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC,
                limit=1,
            )
            if runs or time.monotonic() > deadline:
                return runs[0] if runs else None
            time.sleep(1)


def when(at: datetime, zone: str) -> str:
    """A run time in the schedule's zone, with UTC alongside."""
    local = at.astimezone(ZoneInfo(zone))
    utc = at.astimezone(ZoneInfo("UTC"))
    return f"{local:%a %Y-%m-%d %H:%M} {zone} ({utc:%H:%M} UTC)"


async def serve_until_interrupted(runner: Runner) -> None:
    """Run the runner until Ctrl+C, however early it comes: a Ctrl+C while the runner is still
    starting stops it once started."""
    # Left to Python, Ctrl+C during the runner's start-up cancels a task that Prefect's start-up
    # may swallow, and the process went on serving (seen on a loaded machine).
    interrupted = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, interrupted.set)
    serving = asyncio.create_task(runner.start())
    asked = asyncio.create_task(interrupted.wait())
    await asyncio.wait({serving, asked}, return_when=asyncio.FIRST_COMPLETED)
    asked.cancel()
    while not serving.done() and not runner.started:
        await asyncio.sleep(0.05)
    if not serving.done():
        await runner.astop()
    await serving


def serve_deployment(spec: DeploymentSpec, name: str, console: Console, ui: bool = True) -> None:
    """Register `name` with the spec's schedule, show its next run, and run it when due
    (`ui`: whether the server serves its web UI, to link to)."""
    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner
    from prefect.settings import PREFECT_API_URL

    from flows.pipeline.deployment import schedule_from_spec
    from flows.pipeline.weekly import weekly_audit

    api_url = str(PREFECT_API_URL.value() or "")
    if api_url != os.environ.get("PREFECT_API_URL"):  # see flows.cli.serve.serve
        raise RuntimeError(f"Prefect uses {api_url or 'a temporary server'}, not PREFECT_API_URL")
    runner = Runner(name=name, pause_on_shutdown=True)
    deployment_id = runner.add_flow(
        weekly_audit,
        name=name,
        schedules=[schedule_from_spec(spec)],
        parameters=spec.parameters,
        description=f"rapport serve: the schedule of {spec.name} in {spec.source.name}",
        tags=["rapport", "serve"],
    )
    assert isinstance(deployment_id, UUID)  # called outside an event loop: the sync form
    console.print(
        f"Serving {weekly_audit.name}/{name}: cron {spec.cron!r} in {spec.timezone} "
        f"(from {spec.source}) on {api_url}",
        soft_wrap=True,
    )
    site = api_url.removesuffix("/api")
    run = next_scheduled_run(deployment_id)
    if run is None:
        console.print(
            f"[yellow]No run planned yet after {NEXT_RUN_WAIT_SECONDS:.0f} s[/]: is the server's "
            "scheduler running? (its log would say why)"
        )
    else:
        console.print(
            f"Next run: {when(run.expected_start_time, spec.timezone)}, {run.name!r}",
            soft_wrap=True,
        )
    page = f"{site}/deployments/deployment/{deployment_id} (UI), or " if ui else ""
    console.print(
        f"Upcoming runs: {page}`uv run prefect deployment inspect "
        f"'{weekly_audit.name}/{name}'`. Ctrl+C stops.",
        soft_wrap=True,
    )
    # Prefect 3.8's Runner answers SIGTERM by calling its async stop() without awaiting it; the
    # shutdown still happens (the schedule is paused), only the warning is noise.
    warnings.filterwarnings(
        "ignore", message="coroutine 'Runner.astop' was never awaited", category=RuntimeWarning
    )
    with suppress(KeyboardInterrupt, TerminationSignal):  # Ctrl+C, SIGTERM: the way to stop
        asyncio.run(serve_until_interrupted(runner))
    console.print(
        f"Stopped serving {weekly_audit.name}/{name} (its schedule is paused).", soft_wrap=True
    )
