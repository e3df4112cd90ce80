"""The command line end to end on a local folder: generate a week, audit it, bad input named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli.app import app

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


@pytest.mark.e2e
@pytest.mark.usefixtures("prefect_harness")
def test_generate_then_run_on_a_local_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    gen = runner.invoke(app, ["generate", str(data), "--week", "2026-W47"])
    assert gen.exit_code == 0, gen.output
    assert list((data / "transcripts" / "2026" / "11").glob("*/*.json*"))

    out = tmp_path / "out"
    args = ["run", "--week", "2026-W47", "--store", "local", "--local-root", str(data)]
    result = runner.invoke(app, [*args, "--out-dir", str(out), "--sample", "3"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((data / "scorecards" / "2026-W47" / "manifest.json").read_text())
    assert all(len(ids) == 3 for ids in manifest["sampled"].values())
    assert (out / "2026-W47" / "team-summary.pdf").read_bytes().startswith(b"%PDF")
    assert manifest["counts"]["quarantined"] == 1
