"""`prefect deploy --prefect-file infra/prefect.yaml` against a real Prefect server."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.pipeline.deployment import load_deployment_spec

pytestmark = pytest.mark.e2e


def test_prefect_deploy_registers_the_weekly_schedule_and_pull_step(
    prefect_harness: None, repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.deployments.steps.core import run_steps
    from prefect.exceptions import ObjectAlreadyExists
    from prefect.settings import PREFECT_API_URL

    spec = load_deployment_spec()
    with get_client(sync_client=True) as client, contextlib.suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=spec.work_pool, type="process"))

    env = {k: v for k, v in os.environ.items() if k != "RAPPORT_HOME"}
    env.update({"PREFECT_API_URL": str(PREFECT_API_URL.value()), "PREFECT_CLI_PROMPT": "false"})
    cmd = [sys.executable, "-m", "prefect", "deploy", "--prefect-file", "infra/prefect.yaml"]
    done = subprocess.run(
        [*cmd, "--name", spec.name],
        cwd=repo_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(f"weekly-audit/{spec.name}")
    assert deployment.entrypoint == spec.entrypoint
    assert deployment.work_pool_name == spec.work_pool
    assert deployment.parameters == spec.parameters
    (schedule,) = deployment.schedules
    assert isinstance(schedule.schedule, CronSchedule)
    assert (schedule.schedule.cron, schedule.schedule.timezone) == (spec.cron, spec.timezone)
    assert schedule.active
    assert deployment.global_concurrency_limit is not None
    assert deployment.global_concurrency_limit.limit == 1
    assert deployment.pull_steps is not None

    # On a worker the pull step moves into RAPPORT_HOME, read at run time.
    home = tmp_path / "checkout"
    home.mkdir()
    monkeypatch.setenv("RAPPORT_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    asyncio.run(run_steps(deployment.pull_steps))
    assert Path.cwd() == home
