"""infra/prefect.yaml and flows/pipeline/deployment.py: the weekly schedule is declared once."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from flows.config.settings import Settings
from flows.pipeline.deployment import (
    PREFECT_FILE,
    DeploymentSpec,
    DeploymentSpecError,
    load_deployment_spec,
    schedule_from_spec,
)

SETTINGS_KEYS = {"bucket", "input_prefix", "output_prefix", "sample", "timezone"}


@pytest.fixture(scope="module")
def spec() -> DeploymentSpec:
    return load_deployment_spec()


def raw_file() -> dict[str, Any]:
    doc = yaml.safe_load(PREFECT_FILE.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def test_spec_matches_the_weekly_deployment(spec: DeploymentSpec, repo_root: Path) -> None:
    assert spec.source == repo_root / "infra" / "prefect.yaml"
    assert spec.name == "rapport-weekly"
    assert spec.entrypoint == "flows/pipeline/weekly.py:weekly_audit"
    assert (repo_root / spec.flow_path).is_file()
    assert spec.flow_function == "weekly_audit"
    assert spec.work_pool
    assert spec.parameters["week"] is None
    assert set(spec.parameters["settings"]) == SETTINGS_KEYS


def test_schedule_has_a_real_zone_shared_with_the_week_boundaries(spec: DeploymentSpec) -> None:
    ZoneInfo(spec.timezone)
    assert spec.timezone != "UTC", "the example deployment should show a configured zone"
    assert spec.parameters["settings"]["timezone"] == spec.timezone


def test_settings_parameter_is_a_valid_settings_mapping(spec: DeploymentSpec) -> None:
    settings = Settings.model_validate(spec.parameters["settings"])
    for key, value in spec.parameters["settings"].items():
        assert str(getattr(settings, key)) == str(value)


@pytest.mark.parametrize("year", [2026, 2027])
def test_cron_fires_every_monday_at_six_local_time_across_dst(
    spec: DeploymentSpec, year: int
) -> None:
    from prefect.server.schemas.schedules import CronSchedule

    schedule = CronSchedule(cron=spec.cron, timezone=spec.timezone)
    start = datetime(year, 1, 1, tzinfo=UTC)
    dates = asyncio.run(schedule.get_dates(n=60, start=start))
    assert len(dates) == 60
    zone = ZoneInfo(spec.timezone)
    local = [d.astimezone(zone) for d in dates]
    assert all((t.isoweekday(), t.hour, t.minute) == (1, 6, 0) for t in local)
    gaps = {(b.date() - a.date()).days for a, b in itertools.pairwise(local)}
    assert gaps == {7}


def test_schedule_from_spec_carries_cron_zone_and_parameters(spec: DeploymentSpec) -> None:
    schedule = schedule_from_spec(spec)
    assert schedule.cron == spec.cron
    assert schedule.timezone == spec.timezone
    assert schedule.slug == spec.slug
    assert schedule.active
    assert schedule.parameters == spec.run_parameters
    schedule.parameters["settings"]["bucket"] = "changed"
    assert spec.parameters["settings"]["bucket"] != "changed"


def test_schedule_is_accepted_by_flow_to_deployment(spec: DeploymentSpec) -> None:
    from prefect import flow
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.deployments.runner import RunnerDeployment

    @flow(name="stand-in")
    def stand_in(week: str | None = None, settings: Settings | None = None) -> None:
        return None

    deployment = stand_in.to_deployment(
        name=spec.name, schedules=[schedule_from_spec(spec)], parameters=spec.parameters
    )
    assert isinstance(deployment, RunnerDeployment)
    assert deployment.schedules is not None
    (created,) = deployment.schedules
    assert isinstance(created.schedule, CronSchedule)
    assert created.schedule.cron == spec.cron
    assert created.schedule.timezone == spec.timezone
    assert created.parameters == spec.run_parameters


def test_prefect_reads_the_file_the_same_way(spec: DeploymentSpec) -> None:
    # Prefect's own loader for `prefect deploy --prefect-file` (private helpers, test-only).
    from prefect.cli.deploy._config import _load_deploy_configs_and_actions
    from prefect.cli.deploy._schedules import _schedule_config_to_deployment_schedule
    from rich.console import Console

    console = Console(record=True)
    configs, actions = _load_deploy_configs_and_actions(PREFECT_FILE, console=console)
    assert "Skipping" not in console.export_text()
    (config,) = [c for c in configs if c["name"] == spec.name]
    assert config["entrypoint"] == spec.entrypoint
    assert config["work_pool"]["name"] == spec.work_pool
    assert config["parameters"] == spec.parameters
    (schedule_config,) = config["schedules"]
    made = _schedule_config_to_deployment_schedule(schedule_config)
    assert made["schedule"].cron == spec.cron
    assert made["schedule"].timezone == spec.timezone
    (pull,) = actions["pull"]
    assert pull == {
        "prefect.deployments.steps.set_working_directory": {"directory": "{{ $RAPPORT_HOME }}"}
    }


def test_entrypoint_resolves_to_the_weekly_flow(
    spec: DeploymentSpec, repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.flows import Flow, load_flow_from_entrypoint
    from prefect.utilities.callables import parameter_schema

    monkeypatch.chdir(repo_root)
    loaded: Flow[..., Any] = load_flow_from_entrypoint(spec.entrypoint, use_placeholder_flow=False)
    assert isinstance(loaded, Flow)
    assert loaded.name == "weekly-audit"
    assert {"week", "settings"} <= set(parameter_schema(loaded).properties)
    validated = loaded.validate_parameters(spec.parameters)
    assert validated["week"] is None
    assert isinstance(validated["settings"], Settings)
    assert validated["settings"].bucket == spec.parameters["settings"]["bucket"]


def _write(tmp_path: Path, doc: Any) -> Path:
    path = tmp_path / "prefect.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _set(doc: dict[str, Any], dotted: str, value: Any) -> None:
    node: Any = doc
    *parents, last = dotted.split(".")
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is _DELETE:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value


_DELETE = object()


@pytest.mark.parametrize(
    ("dotted", "value", "key", "says"),
    [
        ("deployments.0.schedules.0.cron", "0 6 * *", "deployments[0].schedules[0].cron", "cron"),
        ("deployments.0.schedules.0.cron", "H 6 * * 1", "schedules[0].cron", "cron"),
        ("deployments.0.schedules.0.timezone", "Mars/Olympus", "schedules[0].timezone", "zone"),
        ("deployments.0.schedules.0.timezone", _DELETE, "schedules[0].timezone", "required"),
        ("deployments.0.schedules.0.interval", 3600, "schedules[0].interval", "not permitted"),
        ("deployments.0.schedules", [], "deployments[0].schedules", "exactly one"),
        ("deployments.0.entrypoint", _DELETE, "deployments[0].entrypoint", "required"),
        (
            "deployments.0.entrypoint",
            "flows/pipeline/weekly.py",
            "deployments[0].entrypoint",
            "expected",
        ),
        ("deployments.0.work_pool", _DELETE, "deployments[0].work_pool", "required"),
        ("deployments.0.parameters.weeks", "2026-W01", "deployments[0].parameters", "unknown"),
        ("deployments.0.parameters.week", "2026-W99", "parameters.week", "no week 99"),
        ("deployments.0.parameters.settings.sample", 5, "parameters.settings.sample", "string"),
        ("deployments.0.parameters.settings.sample", "none", "settings.sample", "positive"),
        ("deployments.0.parameters.settings.bukket", "b", "settings.bukket", "not permitted"),
        ("deployments.0.parameters.settings.timezone", "Nowhere", "settings.timezone", "zone"),
        ("deployments.0.parameters.settings", "bucket=x", "parameters.settings", "mapping"),
        ("deployments.0.name", "other", "deployments", "no deployment named"),
        ("deployments", {"name": "rapport-weekly"}, "deployments", "list"),
    ],
)
def test_errors_name_the_file_and_the_key(
    tmp_path: Path, dotted: str, value: Any, key: str, says: str
) -> None:
    doc = raw_file()
    _set(doc, dotted, value)
    path = _write(tmp_path, doc)
    with pytest.raises(DeploymentSpecError) as caught:
        load_deployment_spec(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert key in message
    assert says in message


def test_schedule_parameter_errors_point_at_the_schedule(tmp_path: Path) -> None:
    doc = raw_file()
    doc["deployments"][0]["schedules"][0]["parameters"] = {"settings": {"sample": "0"}}
    with pytest.raises(DeploymentSpecError, match=r"schedules\[0\]\.parameters\.settings\.sample"):
        load_deployment_spec(_write(tmp_path, doc))


def test_schedule_parameters_override_deployment_defaults(tmp_path: Path) -> None:
    doc = raw_file()
    doc["deployments"][0]["schedules"][0]["parameters"] = {"week": "2026-W10"}
    spec = load_deployment_spec(_write(tmp_path, doc))
    assert spec.run_parameters["week"] == "2026-W10"
    assert spec.run_parameters["settings"] == spec.parameters["settings"]
    assert schedule_from_spec(spec).parameters["week"] == "2026-W10"


@pytest.mark.parametrize(
    ("content", "says"),
    [(None, "cannot read"), ("deployments: [a, b", "not valid YAML"), ("- 1\n- 2\n", "list")],
)
def test_unreadable_files_are_named(tmp_path: Path, content: str | None, says: str) -> None:
    path = tmp_path / "prefect.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(DeploymentSpecError, match=says) as caught:
        load_deployment_spec(path)
    assert str(path) in str(caught.value)


def test_a_second_deployment_is_found_by_name(tmp_path: Path) -> None:
    doc = raw_file()
    other = dict(doc["deployments"][0], name="rapport-weekly-staging")
    other["work_pool"] = {"name": "staging-pool"}
    doc["deployments"].append(other)
    spec = load_deployment_spec(_write(tmp_path, doc), name="rapport-weekly-staging")
    assert (spec.name, spec.work_pool) == ("rapport-weekly-staging", "staging-pool")


def test_the_deploying_machines_environment_does_not_affect_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RAPPORT_RENDER_WORKERS", "0")
    monkeypatch.setenv("RAPPORT_BUCKET", "from-env")
    spec = load_deployment_spec()
    assert spec.parameters["settings"]["bucket"] == "rapport-transcripts"
    assert "render_workers" not in spec.parameters["settings"]
