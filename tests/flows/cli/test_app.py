"""The command line end to end on a local folder: generate a week, then audit it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli.app import app

runner = CliRunner()


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
