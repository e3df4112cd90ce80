"""`rapport run`: a bad week or setting is named, a failed week told without its PII."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from flows.config.settings import Settings

runner = CliRunner()


def test_bad_week_is_named_and_exits_2() -> None:
    result = runner.invoke(app, ["run", "--week", "2026-W99", "--store", "local"])
    assert result.exit_code == 2
    assert "2026-W99" in result.output


def test_bad_setting_is_named(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "--sample", "zero", "--store", "local"])
    assert result.exit_code == 2
    assert "sample" in result.output


def test_a_failed_week_is_told_without_the_pii_its_error_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fails(**_: object) -> None:
        raise RuntimeError("reading s3://b/t/2026/11/16/jo.doe@example.com.json: access denied")

    monkeypatch.setattr("flows.pipeline.execution.weekly_flow", lambda settings: fails)
    result = runner.invoke(app, ["run", "--week", "2026-W47", "--store", "local"])
    assert "2026-W47 failed" in result.output
    assert "access denied" in result.output
    assert "jo.doe" not in result.output
    assert "t/2026/11/16/[email]" in result.output


def test_whole_week_and_scratch_dir_reach_the_flow(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[Settings] = []

    def flow_for(settings: Settings) -> object:
        seen.append(settings)
        return lambda **_: {"week": "2026-W47", "counts": {}, "timings": {}}

    monkeypatch.setattr("flows.pipeline.execution.weekly_flow", flow_for)
    args = ["run", "--week", "2026-W47", "--store", "local", "--local-root", str(tmp_path)]
    runner.invoke(app, [*args, "--whole-week", "--scratch-dir", str(tmp_path / "scratch")])
    runner.invoke(app, args)
    whole, default = seen
    assert whole.whole_week is True
    assert whole.scratch_dir == str(tmp_path / "scratch")
    assert default.whole_week is False
    assert default.scratch_dir is None
