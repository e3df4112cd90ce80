"""The rubric a QA lead owns: a pinned content hash, every problem at once, a JSON Schema."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel
from typer.testing import CliRunner

from checks.rubric.rubric import (
    CRITERION_SIGNALS,
    Rubric,
    RubricError,
    load_rubric,
    parse_rubric,
    rubric_json_schema,
)
from flows.cli.rubric import rubric_app

DEFAULT = Path(__file__).resolve().parents[3] / "checks" / "rubric" / "rubric.yaml"
# The default rubric's content hash. This test fails on purpose when checks/rubric/rubric.yaml is
# edited: bump its version, add a line to checks/CHANGELOG.md, then update this hash.
DEFAULT_SHA256 = "5077af7018ef2763a7bba35e25b8b369cade7eb3ebaa7019f49b9c498d53ff02"


def default_text() -> str:
    return DEFAULT.read_text(encoding="utf-8")


def test_default_rubric_hash_is_pinned() -> None:
    rubric = load_rubric()
    assert rubric.sha256 == DEFAULT_SHA256
    assert rubric.sha256 == hashlib.sha256(DEFAULT.read_bytes()).hexdigest()
    assert rubric.label == f"{rubric.version} · sha256 {DEFAULT_SHA256[:12]}"


def test_an_edit_that_keeps_the_version_changes_the_hash(tmp_path: Path) -> None:
    edited = tmp_path / "edited.yaml"
    edited.write_text(default_text().replace("penalty_per_pity: 15", "penalty_per_pity: 5"))
    rubric = load_rubric(edited)
    assert rubric.version == load_rubric().version
    assert rubric.sha256 != DEFAULT_SHA256


def test_every_problem_is_reported_at_once_with_key_path_and_line() -> None:
    text = default_text()
    text = text.replace("penalty_per_pity: 15", "penalty_per_pity: 150", 1)
    text = text.replace("  routine:\n    empathy: 0.10", "  routine:\n    empathy: 0", 1)
    with pytest.raises(RubricError) as err:
        parse_rubric(text, "team.yaml")
    lines = str(err.value).splitlines()
    assert len(lines) == 2
    weight_line = text.splitlines().index("    empathy: 0") + 1
    pity_line = text.splitlines().index("  penalty_per_pity: 150") + 1
    assert lines[0] == (
        f"team.yaml: weights.routine.empathy: weight must be positive, got 0.0 (line {weight_line})"
    )
    assert lines[1].startswith("team.yaml: sympathy_overload.penalty_per_pity: ")
    assert lines[1].endswith(f"(line {pity_line})")


def test_duplicate_keys_are_refused_where_they_are() -> None:
    text = default_text().replace(
        "  penalty_per_pity: 15\n", "  penalty_per_pity: 15\n  penalty_per_pity: 0\n", 1
    )
    first = text.splitlines().index("  penalty_per_pity: 15") + 1
    with pytest.raises(RubricError) as err:
        parse_rubric(text, "team.yaml")
    assert str(err.value) == (
        f"team.yaml: sympathy_overload.penalty_per_pity: given twice (first on line {first}); "
        f"YAML would silently keep only the last (line {first + 1})"
    )


@pytest.mark.parametrize("signal", ["customer_distress", "takes_ownership", "warmth"])
def test_dropping_a_signal_a_criterion_needs_is_refused(signal: str) -> None:
    data = yaml.safe_load(default_text())
    del data["signals"][signal]
    with pytest.raises(RubricError) as err:
        parse_rubric(yaml.safe_dump(data), "team.yaml")
    needs = [c for c, names in CRITERION_SIGNALS.items() if signal in names]
    assert str(err.value).startswith(f"team.yaml: signals.{signal}: missing, but {needs[0]}")


def test_a_needed_signal_with_nothing_to_match_is_refused() -> None:
    data = yaml.safe_load(default_text())
    data["signals"]["customer_distress"] = {"speaker": "customer", "phrases": []}
    with pytest.raises(RubricError, match=r"signals\.customer_distress: has no phrases"):
        parse_rubric(yaml.safe_dump(data), "team.yaml")


def test_bad_yaml_names_the_file_and_line_never_unicode_string() -> None:
    with pytest.raises(RubricError) as err:
        parse_rubric('version: "1"\nweights: [1, 2\n', "team.yaml")
    assert str(err.value).startswith("team.yaml: not valid YAML: ")
    assert "(line 3" in str(err.value)
    assert "<unicode string>" not in str(err.value)


def test_fields_set_by_rapport_cannot_be_written_in_the_file() -> None:
    text = 'sha256: "0000"\n' + default_text()
    with pytest.raises(RubricError, match=r"^team\.yaml: sha256: set by Rapport .*\(line 1\)$"):
        parse_rubric(text, "team.yaml")


def _fields(model: type[BaseModel]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for name, field in model.model_fields.items():
        out.append((f"{model.__name__}.{name}", field.description))
        for kind in (field.annotation, *getattr(field.annotation, "__args__", ())):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                out += _fields(kind)
    return out


def test_every_key_is_documented() -> None:
    undocumented = [name for name, text in _fields(Rubric) if not text]
    assert undocumented == []


def test_schema_command_prints_a_schema_the_default_rubric_satisfies() -> None:
    result = CliRunner().invoke(rubric_app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema == rubric_json_schema()
    assert "sha256" not in schema["properties"]
    assert schema["properties"]["weights"]["description"]
    data = yaml.safe_load(default_text())
    assert set(data) <= set(schema["properties"])


def test_check_command_accepts_the_default_and_lists_every_problem(tmp_path: Path) -> None:
    ok = CliRunner().invoke(rubric_app, ["check", str(DEFAULT)])
    assert ok.exit_code == 0
    assert DEFAULT_SHA256 in ok.output and "unedited" in ok.output
    edited = tmp_path / "edited.yaml"
    edited.write_text(default_text().replace("penalty_per_pity: 15", "penalty_per_pity: 5"))
    note = CliRunner().invoke(rubric_app, ["check", str(edited)])
    assert note.exit_code == 0 and "unedited" not in note.output
    assert "still says the default's version" in note.output
    bad = tmp_path / "bad.yaml"
    data = yaml.safe_load(default_text())
    del data["signals"]["customer_distress"]
    data["weights"]["routine"]["empathy"] = -1
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(rubric_app, ["check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: signals.customer_distress: missing" in result.output
    assert f"{bad}: weights.routine.empathy: weight must be positive" in result.output
    assert "2 problem(s)" in result.output
