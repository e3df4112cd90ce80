"""manifest.json: the typed record of one published week, written last, read by delivery."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from checks.rubric.rubric import Rubric
from flows.config.settings import Settings
from flows.config.version import code_version
from flows.config.weeks import IsoWeek
from flows.ingest.formats import Quarantine
from flows.select.ledger import NOT_FETCHED, STATES, WeekSelection

# 1 was the untyped dict before; 2 adds schema_version itself and fixes the field set below.
SCHEMA_VERSION: Final = 2


class FileDigest(BaseModel):
    """What was written under one name, checked by reading it back before the manifest."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sha256: str = Field(description="hex SHA-256 of the stored bytes")
    bytes: int = Field(ge=0, description="size of the stored file")


class QuarantinedFile(BaseModel):
    """A listed file that could not be read, and why (the ledger has the same row)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    reason: str


class AttributionFailure(BaseModel):
    """A roster or contact-record file that attributed nothing, and why (PII masked)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    reason: str


class Manifest(BaseModel):
    """Everything a reader needs to trust the week; `files` is filled in at publish time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[2] = SCHEMA_VERSION
    week: str = Field(description="ISO week, e.g. 2026-W47")
    start: str = Field(description="the week's first instant in its time zone (ISO 8601)")
    end: str = Field(description="the instant after the week's last (ISO 8601)")
    timezone: str
    sample: str = Field(description="contacts per agent, or 'all'")
    sample_policy: str | None = Field(None, description="random or stratified")
    screen: str | None = Field(
        None, description="contacts per agent screened before a stratified draw, or 'all'"
    )
    rubric_version: str
    rubric_sha256: str = Field(description="sha256 of the rubric file the week was scored with")
    code_version: str
    generated_at: str
    counts: dict[str, int] = Field(description="ledger entries, agents, and entries per state")
    sampled: dict[str, list[str]] = Field(description="agent id -> its sampled contact ids")
    quarantined: list[QuarantinedFile] = Field(default_factory=list)
    exceptions: list[dict[str, Any]] = Field(
        default_factory=list, description="ledger rows neither scored, sampled out nor broken"
    )
    scorecards: dict[str, str] = Field(
        default_factory=dict, description="agent id -> its scorecard's file name"
    )
    team_summaries: dict[str, str] = Field(
        default_factory=dict, description="team -> its own summary's file (several teams only)"
    )
    attribution_failures: list[AttributionFailure] = Field(
        default_factory=list,
        description="roster or contact-record files that attributed nothing (the summary too)",
    )
    files: dict[str, FileDigest] = Field(
        default_factory=dict, description="every published file of the week but this one"
    )

    def with_files(self, digests: dict[str, dict[str, Any]]) -> Manifest:
        """This manifest vouching for the given files (name -> sha256, bytes)."""
        files = {name: FileDigest(**digests[name]) for name in sorted(digests)}
        return self.model_copy(update={"files": files})

    def to_json(self) -> bytes:
        """The manifest as stored: indented JSON, fields in declaration order."""
        return self.model_dump_json(indent=2).encode()


def build_manifest(
    settings: Settings,
    week: IsoWeek,
    rubric: Rubric,
    selection: WeekSelection,
    quarantined: Sequence[Quarantine],
    *,
    scorecards: dict[str, str],
    team_summaries: dict[str, str],
    attribution_failures: Sequence[AttributionFailure] = (),
) -> Manifest:
    """The week's manifest from its selection (file hashes are added at publish time)."""
    start, end = week.bounds(settings.timezone)
    counts = dict.fromkeys(STATES, 0)
    for state, n in selection.ledger.group_by("state").len().iter_rows():
        counts[state] = n
    sampled = (
        selection.sampled.group_by("agent_id").agg(pl.col("contact_id").sort()).sort("agent_id")
    )
    return Manifest(
        week=str(week),
        start=start.isoformat(),
        end=end.isoformat(),
        timezone=settings.timezone,
        sample=settings.sample,
        sample_policy=settings.sample_policy,
        screen=None if settings.sample_policy == "random" else str(settings.screen_depth or "all"),
        rubric_version=rubric.version,
        rubric_sha256=rubric.sha256,
        code_version=code_version(),
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        counts={
            "entries": selection.ledger.height,
            "agents": sampled.height,
            **counts,
            # listed contacts whose files a sample-first run never fetched (all not_sampled)
            "not_fetched": selection.ledger.filter(pl.col("reason") == NOT_FETCHED).height,
        },
        sampled={agent: ids for agent, ids in sampled.iter_rows()},
        quarantined=[QuarantinedFile(key=q.key, reason=q.reason) for q in quarantined],
        # Everything not scored or merely not sampled, by key; ledger.csv lists every entry.
        exceptions=selection.ledger.filter(
            ~pl.col("state").is_in(["scored", "not_sampled", "quarantined"])
        ).to_dicts(),
        scorecards=scorecards,
        team_summaries=team_summaries,
        attribution_failures=list(attribution_failures),
    )
