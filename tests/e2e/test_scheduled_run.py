"""docs/deploy.md followed on a real `prefect server start`: the shipped infra/prefect.yaml
deployed with `prefect deploy` (its cron moved to every minute, nothing else changed), a
process worker, and a scheduled run that completes against moto's S3 server in the shipped
zone. The same worker cancels a run stuck on S3 within seconds, and `rapport serve` on the
same server keeps to its own deployment."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest

from flows.config.weeks import IsoWeek, last_complete_week
from flows.examples.generate import generate_week, week_files
from flows.pipeline.deployment import DeploymentSpec, load_deployment_spec
from flows.stores.s3 import S3Store
from tests.e2e.broken_s3 import broken_s3
from tests.e2e.conftest import PrefectApi
from tests.e2e.processes import Command, rapport_command, user_env

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).parent / "prefect")
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def api(prefect: PrefectApi, path: str, body: dict[str, Any] | None = None) -> Any:
    """A call to the server's REST API (this process's Prefect settings point elsewhere)."""
    request = urllib.request.Request(
        prefect.url + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.loads(resp.read())


def flow_runs(prefect: PrefectApi, deployment_id: str) -> list[dict[str, Any]]:
    """The deployment's flow runs, earliest first."""
    body = {"deployments": {"id": {"any_": [deployment_id]}}, "sort": "EXPECTED_START_TIME_ASC"}
    runs: list[dict[str, Any]] = api(prefect, "/flow_runs/filter", body)
    return runs


def run_logs(prefect: PrefectApi, run_id: str) -> list[str]:
    """The messages a flow run sent to the server."""
    body = {"logs": {"flow_run_id": {"any_": [run_id]}}, "sort": "TIMESTAMP_ASC", "limit": 200}
    return [entry["message"] for entry in api(prefect, "/logs/filter", body)]


def prefect_cli(*args: str, env: dict[str, str]) -> str:
    """A `prefect` command as docs/deploy.md gives it, from the repository root."""
    done = subprocess.run(
        [PREFECT, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}{done.stderr}"
    return done.stdout


@dataclass
class Deployed:
    """The shipped deployment on a real server, with a process worker polling its pool."""

    prefect: PrefectApi
    spec: DeploymentSpec
    deployment: dict[str, Any]
    worker: Command
    env: dict[str, str]
    store: S3Store

    @property
    def id(self) -> str:
        return str(self.deployment["id"])


@pytest.fixture(scope="module")
def deployed(
    prefect_api: PrefectApi, s3_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployed]:
    tmp = tmp_path_factory.mktemp("scheduled")
    spec = load_deployment_spec()
    assert spec.timezone != "UTC", "the shipped schedule should be in a configured zone"
    settings = spec.parameters["settings"]

    # Transcripts where the shipped parameters look for them, for the week a run that starts
    # in the next minutes audits (its default: the last complete week in the shipped zone).
    store = S3Store(settings["bucket"], endpoint_url=s3_endpoint)
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(
        Bucket=store.bucket
    )
    now = datetime.now(UTC)
    for week in {last_complete_week(now + timedelta(minutes=m), spec.timezone) for m in (0, 9)}:
        for key, data in week_files(generate_week(str(week), n_agents=3), settings["input_prefix"]):
            store.put(key, data)

    # The shipped file, its cron (one line in `definitions`) moved to every minute.
    text = spec.source.read_text(encoding="utf-8")
    every_minute, n = re.subn(r'(cron: &cron )"[^"]*"', r'\1"* * * * *"', text)
    assert n == 1
    override = tmp / "prefect.yaml"
    override.write_text(every_minute, encoding="utf-8")

    # As docs/deploy.md says: RAPPORT_HOME unset while deploying, set on the worker.
    env = user_env(tmp, PREFECT_API_URL=prefect_api.url, PREFECT_CLI_PROMPT="false")
    prefect_cli("work-pool", "create", spec.work_pool, "--type", "process", env=env)
    prefect_cli("deploy", "--prefect-file", str(override), "--name", spec.name, env=env)
    deployment = api(prefect_api, f"/deployments/name/weekly-audit/{spec.name}")
    worker_env = {**env, "RAPPORT_HOME": str(REPO), "RAPPORT_ENDPOINT_URL": s3_endpoint}
    worker = Command([PREFECT, "worker", "start", "--pool", spec.work_pool], worker_env, tmp)
    try:
        yield Deployed(prefect_api, spec, deployment, worker, env, store)
    finally:
        worker.stop()


def test_a_run_stuck_on_s3_is_cancelled_from_prefect_within_seconds(deployed: Deployed) -> None:
    week = str(last_complete_week(datetime.now(UTC), deployed.spec.timezone))
    settings = dict(deployed.spec.parameters["settings"])
    with broken_s3(deployed.store.endpoint_url) as stuck:  # object reads never answer
        params = json.dumps({"week": week, "settings": {**settings, "endpoint_url": stuck}})
        out = prefect_cli(
            "deployment", "run", f"weekly-audit/{deployed.spec.name}", "--params", params,
            env=deployed.env,
        )  # fmt: skip
        (run_id,) = re.findall(r"UUID: (\S+)", out)

        deadline = time.monotonic() + 120
        while not any(m.startswith("Loading") for m in run_logs(deployed.prefect, run_id)):
            run = api(deployed.prefect, f"/flow_runs/{run_id}")
            assert run["state_type"] not in FINAL, run["state"]
            assert time.monotonic() < deadline, deployed.worker.output[-4000:]
            time.sleep(1)
        time.sleep(2)  # inside reads that will never be answered

        sent = time.monotonic()
        prefect_cli("flow-run", "cancel", run_id, env=deployed.env)
        while (run := api(deployed.prefect, f"/flow_runs/{run_id}"))["state_type"] not in FINAL:
            assert time.monotonic() - sent < 45, run["state"]
            time.sleep(0.5)
        took = time.monotonic() - sent

    assert run["state_type"] == "CANCELLED", run["state"]
    assert took < 15, f"{took:.1f} s"
    logs = run_logs(deployed.prefect, run_id)
    assert any(m.startswith("Stopped by SIGTERM while loading") for m in logs), logs


def test_the_schedule_fires_and_its_run_completes_in_the_shipped_zone(deployed: Deployed) -> None:
    spec = deployed.spec
    (schedule,) = deployed.deployment["schedules"]
    assert schedule["schedule"] == {
        "cron": "* * * * *",
        "timezone": spec.timezone,
        "day_or": True,
    }
    deadline = time.monotonic() + 240
    while True:
        runs = [r for r in flow_runs(deployed.prefect, deployed.id) if r["auto_scheduled"]]
        done = [r for r in runs if r["state_type"] in FINAL]
        if done:
            break
        log = deployed.prefect.server_log()
        assert "InvalidRequestError" not in log, log[-4000:]
        assert time.monotonic() < deadline, (runs, deployed.worker.output[-4000:], log[-2000:])
        time.sleep(2)

    run = done[0]
    assert run["state_type"] == "COMPLETED", (run["state"], deployed.worker.output[-6000:])
    assert run["parameters"]["week"] is None  # the shipped default: the last complete week
    assert run["parameters"]["settings"]["timezone"] == spec.timezone
    started = datetime.fromisoformat(run["start_time"])
    week = last_complete_week(started, spec.timezone)
    zone = ZoneInfo(spec.timezone)
    manifest = json.loads(deployed.store.get(f"scorecards/{week}/manifest.json"))
    assert manifest["timezone"] == spec.timezone
    assert manifest["start"] == datetime.combine(week.monday, datetime.min.time(), zone).isoformat()
    assert manifest["counts"]["scored"] > 0
    assert datetime.fromisoformat(manifest["generated_at"]) >= started - timedelta(seconds=5)
    assert "InvalidRequestError" not in deployed.prefect.server_log()
    assert IsoWeek.parse(manifest["week"]) == week


def test_rapport_serve_on_the_shared_server_keeps_to_its_own_deployment(
    deployed: Deployed, tmp_path: Path
) -> None:
    before = api(deployed.prefect, f"/deployments/{deployed.id}")
    serve = Command(rapport_command("serve"), deployed.env, tmp_path)
    try:
        next_line = serve.wait_for("^Next run: ", 120)
        os.killpg(serve.proc.pid, signal.SIGINT)  # Ctrl+C
        serve.wait(30)
    finally:
        serve.stop()

    served = api(deployed.prefect, "/deployments/name/weekly-audit/rapport-serve")
    (schedule,) = served["schedules"]
    assert schedule["schedule"]["cron"] == deployed.spec.cron  # the shipped one
    assert schedule["schedule"]["timezone"] == deployed.spec.timezone
    assert served["work_pool_name"] is None  # served here, not by a worker
    assert re.search(rf"Mon \d{{4}}-\d\d-\d\d 06:00 {deployed.spec.timezone}", next_line)

    after = api(deployed.prefect, f"/deployments/{deployed.id}")
    for key in ("work_pool_name", "paused", "schedules", "entrypoint", "parameters"):
        assert after[key] == before[key], key
    assert after["work_pool_name"] == deployed.spec.work_pool
