"""`rapport rubric schema` and `rapport rubric check`: the schema, the default's hash, every
problem of a bad file."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from checks.rubric.load import rubric_json_schema
from flows.cli.rubric import rubric_app
from tests.checks.rubric.default import DEFAULT, DEFAULT_SHA256, default_data, default_text


def test_schema_command_prints_a_schema_the_default_rubric_satisfies() -> None:
    result = CliRunner().invoke(rubric_app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema == rubric_json_schema()
    assert "sha256" not in schema["properties"]
    assert schema["properties"]["weights"]["description"]
    data = default_data()
    assert set(data) <= set(schema["properties"])


def test_check_command_accepts_the_default_and_lists_every_problem(tmp_path: Path) -> None:
    ok = CliRunner().invoke(rubric_app, ["check", str(DEFAULT)])
    assert ok.exit_code == 0
    assert DEFAULT_SHA256 in ok.output
    assert "unedited" in ok.output
    edited = tmp_path / "edited.yaml"
    edited.write_text(default_text().replace("penalty_per_pity: 15", "penalty_per_pity: 5"))
    note = CliRunner().invoke(rubric_app, ["check", str(edited)])
    assert note.exit_code == 0
    assert "unedited" not in note.output
    assert "still says the default's version" in note.output
    bad = tmp_path / "bad.yaml"
    data = default_data()
    del data["signals"]["customer_distress"]
    data["weights"]["routine"]["empathy"] = -1
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(rubric_app, ["check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: signals.customer_distress: missing" in result.output
    assert f"{bad}: weights.routine.empathy: weight must be positive" in result.output
    assert "2 problem(s)" in result.output
