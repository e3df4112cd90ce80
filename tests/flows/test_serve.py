"""`rapport serve` registers the weekly deployment and its cron on a real Prefect server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from flows.deployment import load_deployment_spec
from flows.serve import prefect_server

pytestmark = pytest.mark.e2e


def _deployment(api_url: str, name: str) -> dict[str, Any] | None:
    url = f"{api_url}/deployments/name/weekly-audit/{name}"
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            data: dict[str, Any] = json.loads(resp.read())
            return data
    except OSError:
        return None


def test_serve_registers_the_weekly_schedule(tmp_path: Path, repo_root: Path) -> None:
    spec = load_deployment_spec(repo_root / "infra" / "prefect.yaml")
    with prefect_server(home=tmp_path / "prefect") as api_url:
        env = {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_HOME": str(tmp_path / "prefect")}
        serve = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "serve"],
            cwd=repo_root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            found = None
            while found is None and time.monotonic() < deadline and serve.poll() is None:
                found = _deployment(api_url, spec.name)
                time.sleep(1)
            assert found is not None, serve.stdout.read().decode() if serve.poll() else "timeout"
        finally:
            serve.terminate()
            serve.wait(timeout=30)
    (schedule,) = found["schedules"]
    assert schedule["schedule"]["cron"] == spec.cron
    assert schedule["schedule"]["timezone"] == spec.timezone
    assert schedule["active"] is True
    assert found["entrypoint"].endswith("weekly_audit")
