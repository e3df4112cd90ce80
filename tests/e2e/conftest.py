"""Fixtures for end-to-end runs: generated weeks in a real S3 endpoint over HTTP."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from flows.config.settings import Settings
from flows.examples.generate import generate_week, week_files
from flows.pipeline.serve import prefect_server
from flows.publish.publish import week_prefix
from flows.stores.s3 import S3Store

WEEKS = ("2026-W46", "2026-W47")


@dataclass
class Bucket:
    """A bucket holding two generated weeks, and helpers to read a week's outputs back."""

    store: S3Store
    out_dir: Path

    def settings(self, **overrides: Any) -> Settings:
        return Settings(
            store="s3",
            bucket=self.store.bucket,
            endpoint_url=self.store.endpoint_url,
            out_dir=self.out_dir,
            render_workers=2,
            **overrides,
        )

    def key(self, week: str, name: str) -> str:
        return week_prefix("scorecards", week) + name

    def manifest(self, week: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.store.get(self.key(week, "manifest.json")))
        return data

    def scores(self, week: str) -> pl.DataFrame:
        return pl.read_parquet(io.BytesIO(self.store.get(self.key(week, "scores.parquet"))))


@pytest.fixture
def generated_bucket(s3_store: S3Store, tmp_path: Path) -> Bucket:
    for week in WEEKS:
        contacts = generate_week(week, seed=7 + int(week[-2:]))
        for key, data in week_files(contacts, "transcripts", with_broken=week == WEEKS[-1]):
            s3_store.put(key, data)
    return Bucket(s3_store, tmp_path / "out")


@dataclass
class PrefectApi:
    """A real `prefect server start` (its scheduler included) shared by the tests that need one."""

    url: str
    home: Path
    log: Path

    def server_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectApi]:
    """`prefect server start` from the project's environment on a free port (SQLite in a temp
    PREFECT_HOME); about 15 s once per session."""
    home = tmp_path_factory.mktemp("prefect-server")
    log = home / "server.log"
    with prefect_server(home=home, log=log, ui=False) as url:
        yield PrefectApi(url, home, log)
