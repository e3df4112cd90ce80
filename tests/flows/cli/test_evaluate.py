"""`rapport eval`: both tables, or one JSON object of every figure."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from flows.cli.app import app
from flows.evaluate.cs_dev import LABELLED
from flows.evaluate.epitome import TASKS


def test_eval_command_prints_both_tables(data: tuple[Path, Path]) -> None:
    cs, ep = data
    result = CliRunner().invoke(app, ["eval", "--cs-dev", str(cs), "--epitome", str(ep)])
    assert result.exit_code in (0, 1), result.output
    out = result.output
    assert "cs-dev: 6 threads (6 scored), 14 turns" in out
    for signal in LABELLED:
        assert re.search(rf"^{signal} ", out, re.M), signal
    assert "hospitality Spearman" in out
    assert "targets met:" in out
    assert "EPITOME" in out
    assert "explores" in out.split("EPITOME")[1]


def test_eval_command_json_and_voice(data: tuple[Path, Path]) -> None:
    cs, ep = data
    args = ["eval", "--cs-dev", str(cs), "--epitome", str(ep), "--json", "--voice"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    figures = json.loads(result.output)
    assert figures["cs_dev"]["voice"] is True
    assert set(figures["cs_dev"]["signals"]) == set(LABELLED)
    assert figures["cs_dev"]["contact"]["opportunity"]["n"] == 5
    assert set(figures["epitome"]) == set(TASKS)
    assert result.exit_code == (0 if figures["all_targets_met"] else 1)
