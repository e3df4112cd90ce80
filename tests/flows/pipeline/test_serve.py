"""`rapport serve` with no Prefect server configured, as a user first tries it: it starts a real
local server, registers its own deployment there, and the server's scheduler plans its runs."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flows.pipeline.deployment import load_deployment_spec
from tests.e2e.processes import Command, rapport_command, user_env

pytestmark = pytest.mark.e2e


def _get(url: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.loads(resp.read())


def test_serve_without_a_server_starts_one_whose_scheduler_plans_the_runs(tmp_path: Path) -> None:
    spec = load_deployment_spec()
    env = user_env(tmp_path)
    assert "PREFECT_API_URL" not in env
    serve = Command(rapport_command("serve"), env, tmp_path)
    try:
        line = serve.wait_for(r"^Prefect server: http://127\.0\.0\.1:\d+", 180)
        next_line = serve.wait_for(r"^Next run: ", 120)
        api = re.search(r"http://127\.0\.0\.1:\d+", line)[0] + "/api"  # type: ignore[index]
        deployment = _get(f"{api}/deployments/name/weekly-audit/rapport-serve")
        runs = _get(
            f"{api}/flow_runs/filter",
            {
                "deployments": {"id": {"any_": [deployment["id"]]}},
                "sort": "EXPECTED_START_TIME_ASC",
            },
        )
        os.killpg(serve.proc.pid, signal.SIGINT)  # Ctrl+C in its terminal
        status = serve.wait(40)
    finally:
        serve.stop()

    out = serve.output
    assert status == 0, out
    assert "ephemeral" not in out, out
    assert "temporary server" not in out, out
    (schedule,) = deployment["schedules"]
    assert (schedule["schedule"]["cron"], schedule["schedule"]["timezone"]) == (
        spec.cron,
        spec.timezone,
    )
    # Runs the server's scheduler made (nobody started them by hand), Mondays 06:00 local.
    assert runs
    assert all(r["auto_scheduled"] and r["state_type"] == "SCHEDULED" for r in runs)
    zone = ZoneInfo(spec.timezone)
    first = datetime.fromisoformat(runs[0]["expected_start_time"]).astimezone(zone)
    assert (first.isoweekday(), first.hour, first.minute) == (1, 6, 0)
    assert f"{first:%a %Y-%m-%d %H:%M} {spec.timezone}" in next_line, next_line
    assert "Stopped serving weekly-audit/rapport-serve" in out, out
    # The server it started stopped with it.
    port = int(api.rsplit(":", 1)[1].split("/")[0])
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_serve_refuses_the_worker_deployment_name_before_starting_anything(
    tmp_path: Path,
) -> None:
    serve = Command(
        rapport_command("serve", "--name", "rapport-weekly"), user_env(tmp_path), tmp_path
    )
    try:
        status = serve.wait(60)
    finally:
        serve.stop()
    assert status == 2
    assert "a worker deployment" in serve.output
    assert "pick another name" in serve.output
    assert "starting a local Prefect server" not in serve.output
