"""The weekly deployment as declared in infra/prefect.yaml, read for `rapport serve`."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from prefect.schedules import Cron, Schedule
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from flows.config.settings import Settings
from flows.config.weeks import IsoWeek, check_zone

REPO_ROOT = Path(__file__).resolve().parents[2]
PREFECT_FILE = REPO_ROOT / "infra" / "prefect.yaml"
DEPLOYMENT_NAME = "rapport-weekly"


class DeploymentSpecError(ValueError):
    """The project file is missing, unreadable, or does not declare a usable deployment."""


@dataclass(frozen=True)
class DeploymentSpec:
    """What `prefect deploy` and `rapport serve` both need to know about the weekly deployment."""

    name: str
    entrypoint: str
    cron: str
    timezone: str
    work_pool: str
    parameters: dict[str, Any] = field(default_factory=dict)
    schedule_parameters: dict[str, Any] = field(default_factory=dict)
    slug: str | None = None
    active: bool = True
    day_or: bool = True
    source: Path = PREFECT_FILE

    @property
    def flow_path(self) -> str:
        """The entrypoint's file, relative to the folder `prefect deploy` runs from."""
        return self.entrypoint.rsplit(":", 1)[0]

    @property
    def flow_function(self) -> str:
        """The entrypoint's flow function name."""
        return self.entrypoint.rsplit(":", 1)[1]

    @property
    def run_parameters(self) -> dict[str, Any]:
        """Parameters of a scheduled run: deployment defaults, then the schedule's overrides."""
        return copy.deepcopy({**self.parameters, **self.schedule_parameters})


class _ScheduleEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cron: str
    timezone: str
    slug: str | None = None
    active: bool = True
    day_or: bool = True
    parameters: dict[str, Any] = {}
    replaces: str | None = None

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        Cron(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_zone(cls, value: str) -> str:
        return check_zone(value)


class _WorkPoolEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str


class _DeploymentEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str
    entrypoint: str
    work_pool: _WorkPoolEntry
    schedules: list[_ScheduleEntry]
    parameters: dict[str, Any] = {}

    @field_validator("entrypoint")
    @classmethod
    def _valid_entrypoint(cls, value: str) -> str:
        path, sep, func = value.rpartition(":")
        if not sep or not path.endswith(".py") or not func.isidentifier():
            raise ValueError(f"expected 'path/to/file.py:flow_function', got {value!r}")
        return value

    @field_validator("schedules")
    @classmethod
    def _one_schedule(cls, value: list[_ScheduleEntry]) -> list[_ScheduleEntry]:
        if len(value) != 1:
            raise ValueError(f"expected exactly one cron schedule, found {len(value)}")
        return value


class _FileSettings(Settings):
    """Settings from the given values alone: the deploying machine's RAPPORT_* env is not the
    worker's, so it must neither fill in nor break the file's check."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def _parameter_error(parameters: dict[str, Any]) -> tuple[str, str] | None:
    """The first bad flow parameter as (key, message), checked as the flow will check it."""
    unknown = sorted(set(parameters) - {"week", "settings"})
    if unknown:
        return "", f"unknown flow parameter(s) {unknown}; the flow takes week and settings"
    week = parameters.get("week")
    if week is not None:
        try:
            IsoWeek.parse(str(week))
        except ValueError as exc:
            return ".week", str(exc)
    settings = parameters.get("settings")
    if settings is None:
        return None
    if not isinstance(settings, dict):
        return ".settings", "expected a mapping of Settings fields"
    try:
        _FileSettings.model_validate(settings)
    except ValidationError as exc:
        first = exc.errors()[0]
        return _where(tuple(first["loc"]), ".settings"), _message(first["msg"])
    return None


def _message(msg: str) -> str:
    return msg.removeprefix("Value error, ")


def _where(loc: tuple[int | str, ...], prefix: str) -> str:
    key = prefix
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else f".{part}"
    return key


def load_deployment_spec(path: Path = PREFECT_FILE, name: str = DEPLOYMENT_NAME) -> DeploymentSpec:
    """Read deployment `name` from a Prefect project file; errors name the file and the key."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DeploymentSpecError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise DeploymentSpecError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("deployments"), list):
        raise DeploymentSpecError(f"{path}: deployments: expected a list of deployments")
    entries: list[Any] = doc["deployments"]
    index = next(
        (i for i, d in enumerate(entries) if isinstance(d, dict) and d.get("name") == name), None
    )
    if index is None:
        raise DeploymentSpecError(f"{path}: deployments: no deployment named {name!r}")
    try:
        entry = _DeploymentEntry.model_validate(entries[index])
    except ValidationError as exc:
        first = exc.errors()[0]
        key = _where(tuple(first["loc"]), f"deployments[{index}]")
        raise DeploymentSpecError(f"{path}: {key}: {_message(first['msg'])}") from exc
    schedule = entry.schedules[0]
    for where, parameters in (
        ("parameters", entry.parameters),
        ("schedules[0].parameters", schedule.parameters),
    ):
        problem = _parameter_error(parameters)
        if problem is not None:
            key, message = problem
            raise DeploymentSpecError(f"{path}: deployments[{index}].{where}{key}: {message}")
    return DeploymentSpec(
        name=entry.name,
        entrypoint=entry.entrypoint,
        cron=schedule.cron,
        timezone=schedule.timezone,
        work_pool=entry.work_pool.name,
        parameters=entry.parameters,
        schedule_parameters=schedule.parameters,
        slug=schedule.slug,
        active=schedule.active,
        day_or=schedule.day_or,
        source=path,
    )


def schedule_from_spec(spec: DeploymentSpec) -> Schedule:
    """The spec's cron schedule, in its time zone, carrying the run parameters."""
    return Cron(
        spec.cron,
        timezone=spec.timezone,
        active=spec.active,
        day_or=spec.day_or,
        parameters=spec.run_parameters,
        slug=spec.slug,
    )
