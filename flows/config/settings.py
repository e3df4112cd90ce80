"""Every setting of a Rapport run, read once at the edge (flags, RAPPORT_* env, config file)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from flows.config.weeks import check_zone


class Settings(BaseSettings):
    """Configuration of the weekly audit; env prefix RAPPORT_ (e.g. RAPPORT_BUCKET)."""

    model_config = SettingsConfigDict(env_prefix="RAPPORT_", extra="forbid")

    store: Literal["s3", "local"] = Field("s3", description="where transcripts and outputs live")
    bucket: str = Field("rapport-transcripts", description="S3 bucket of the transcripts")
    output_bucket: str | None = Field(None, description="S3 bucket for outputs (default: bucket)")
    endpoint_url: str | None = Field(None, description="S3 endpoint URL (default: AWS)")
    region: str = Field("us-east-1", description="AWS region")
    local_root: Path = Field(Path("data"), description="root folder when store=local")
    input_prefix: str = Field(
        "transcripts", description="prefix(es) of date-partitioned transcripts, comma-separated"
    )
    output_prefix: str = Field("scorecards", description="prefix under which weeks are published")
    out_dir: Path | None = Field(Path("out"), description="local copy of the outputs (none: off)")
    lock_ttl_hours: float = Field(
        6.0, gt=0, description="hours after which a week's lock counts as left by a dead run"
    )
    sample: str = Field("5", description="contacts per agent, or 'all'")
    sample_policy: Literal["random", "stratified"] = Field(
        "stratified", description="random, or stratified: upset customers get a share"
    )
    screen: str = Field(
        "auto",
        description="contacts per agent screened for an upset customer before a stratified "
        "draw: a number, 'all' (the whole week), or auto (twice the sample)",
    )
    read_all: bool = Field(
        False, description="read every listed file even where the sample can be drawn first"
    )
    whole_week: bool = Field(
        False,
        description="load the whole week into the flow process even where chunks of agents "
        "can be audited apart, each by one worker from its files to its uploaded scorecards",
    )
    scratch_dir: str | None = Field(
        None,
        description="where chunks of agents keep their scored turns between scoring and "
        "rendering: a folder, or s3://bucket/prefix (default: a temporary folder; with "
        "dask_address and the s3 store, _scratch/ under the output prefix, which workers on "
        "other machines reach too)",
    )
    coaching_picks: int = Field(
        0, ge=0, description="extra contacts per agent picked for coaching, never in a mean"
    )
    timezone: str = Field("UTC", description="zone that defines the week's boundaries")
    rubric: Path | None = Field(None, description="rubric YAML (default: the packaged one)")
    page_size: Literal["A4", "Letter"] = Field("A4", description="scorecard paper size")
    render_workers: int = Field(2, ge=1, description="processes that render PDFs")
    history_weeks: int = Field(8, ge=1, description="weeks shown in the trend charts")
    format: Literal["auto", "canonical", "contact_lens", "transcribe", "csv"] = Field(
        "auto", description="transcript format (auto: detected per file)"
    )
    csv_columns: dict[str, str] = Field(
        default_factory=dict, description="CSV column names, e.g. {'text': 'utterance'}"
    )
    ctr_prefix: str | None = Field(
        None, description="prefix of Amazon Connect contact records (CTR) for attribution"
    )
    roster: str | None = Field(
        None,
        description="key of a roster CSV (contact -> agent; manager and agent e-mails when it "
        "has them)",
    )
    roster_columns: dict[str, str] = Field(
        default_factory=dict,
        description="roster column names, e.g. {'agent_id': 'login', 'manager_email': 'Coach'}",
    )
    max_file_bytes: int = Field(20_000_000, ge=1, description="larger files are quarantined")
    shard_size: int = Field(500, ge=1, description="files loaded per task")
    load_workers: int = Field(
        2, ge=1, description="processes that fetch and parse a large week's files"
    )
    dask_workers: int = Field(
        0, ge=0, description="run tasks on a local Dask cluster of N processes"
    )
    dask_address: str | None = Field(None, description="run tasks on this Dask scheduler")
    s3_timeout: float = Field(
        15.0, gt=0, description="seconds S3 may stay silent (connect: at most 5) per attempt"
    )
    s3_attempts: int = Field(4, ge=1, description="attempts per S3 request (with backoff)")
    recipients: dict[str, str] = Field(
        default_factory=dict,
        description="manager e-mail per team or agent id, e.g. {'Billing': 'lead@acme.com'}",
    )
    agent_emails: dict[str, str] = Field(
        default_factory=dict, description="agent id -> e-mail (the agent gets their own card)"
    )
    recipients_file: str | None = Field(
        None, description="key of a CSV (the roster will do) with manager_email, agent_email"
    )
    smtp_host: str | None = Field(None, description="SMTP server (none: no e-mail is sent)")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port")
    smtp_security: Literal["starttls", "ssl", "none"] = Field(
        "starttls", description="starttls, ssl (implicit TLS) or none"
    )
    smtp_ca_file: Path | None = Field(
        None, description="CA certificates that verify the SMTP server (default: the system's)"
    )
    smtp_user: str | None = Field(None, description="SMTP login (none: no authentication)")
    smtp_password: SecretStr | None = Field(None, description="SMTP password (never logged)")
    mail_from: str = Field("rapport@localhost", description="sender of the e-mails")
    qa_contact: str | None = Field(
        None, description="QA contact named in every e-mail's footer (default: mail_from)"
    )
    ops_email: str | None = Field(None, description="who is told when a week fails")
    card_links: bool = Field(
        False, description="link scorecards by presigned S3 URL instead of attaching them"
    )
    link_expiry_hours: int = Field(
        168, ge=1, le=168, description="hours a presigned link stays valid (at most 7 days)"
    )
    webhook_url: SecretStr | None = Field(
        None, description="chat webhook (Slack-compatible JSON) told of each week"
    )
    send_attempts: int = Field(3, ge=1, description="attempts per e-mail (with backoff)")
    resend: bool = Field(False, description="send again what the delivery record says was sent")
    pseudonym_key: SecretStr | None = Field(
        None,
        description="secret behind the pseudonyms of ids holding PII (default: one kept in "
        "<output prefix>/.keys/)",
    )

    @property
    def distributed(self) -> bool:
        """Whether tasks run on Dask (worker processes) rather than threads in this process."""
        return bool(self.dask_workers or self.dask_address)

    @property
    def workers_elsewhere(self) -> bool:
        """Whether workers may run on other machines (an outside Dask scheduler): they then
        share no folder with the flow (its scratch and --out-dir)."""
        return self.dask_address is not None

    @field_validator("sample")
    @classmethod
    def _check_sample(cls, value: str) -> str:
        value = value.strip().lower()
        if value != "all" and (not value.isdigit() or int(value) < 1):
            raise ValueError("sample must be a positive whole number or 'all'")
        return value

    @field_validator("screen")
    @classmethod
    def _check_screen(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"all", "auto"} and (not value.isdigit() or int(value) < 1):
            raise ValueError("screen must be a positive whole number, 'all' or 'auto'")
        return value

    @field_validator("out_dir", mode="before")
    @classmethod
    def _no_out_dir(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in {"", "none", "off"}:
            return None
        return value

    @field_validator("pseudonym_key")
    @classmethod
    def _check_pseudonym_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode()) < 16:
            raise ValueError("pseudonym_key must be at least 16 bytes (e.g. 32 random hex digits)")
        return value

    @field_validator("timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        return check_zone(value)

    @property
    def sample_size(self) -> int | None:
        """Contacts per agent, None for all."""
        return None if self.sample == "all" else int(self.sample)

    @property
    def screen_depth(self) -> int | None:
        """Contacts per agent screened before a stratified draw, None for the whole week."""
        size = self.sample_size
        if self.screen == "all" or size is None:
            return None
        return 2 * size if self.screen == "auto" else max(int(self.screen), size)

    @property
    def draw_depth(self) -> int | None:
        """How far down each agent's rank order the draw can reach (None: the whole week), so
        how many contacts per agent a sample-first run must read."""
        if self.sample_size is None or self.coaching_picks:
            return None  # coaching picks look at every contact the sample left out
        # One past the sample: then the draw knows whether it took every contact of the week.
        reach = self.sample_size + 1
        if self.sample_policy == "random":
            return reach
        screen = self.screen_depth
        return None if screen is None else max(screen, reach)

    @property
    def input_prefixes(self) -> list[str]:
        """The input prefixes as a list."""
        return [p.strip().strip("/") for p in self.input_prefix.split(",") if p.strip()]


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Settings from a TOML config file (optional), then RAPPORT_* env, then explicit overrides."""
    values: dict[str, Any] = {}
    if config is not None:
        try:
            doc = tomllib.loads(config.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"{config}: cannot read config: {exc}") from exc
        values.update(doc.get("rapport", doc))
    env = Settings()
    merged = {k: v for k, v in env.model_dump(exclude_unset=True).items()}
    values.update(merged)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings.model_validate(values)
