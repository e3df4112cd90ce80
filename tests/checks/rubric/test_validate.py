# ruff: noqa: E501
"""Validation that reports every problem at once, each naming the file, key path and line."""

from __future__ import annotations

import pytest
import yaml

from checks.rubric.load import RubricError, parse_rubric
from checks.rubric.model import CRITERION_SIGNALS
from tests.checks.rubric.default import default_data, default_text, edited


@pytest.mark.parametrize(
    ("edit", "key", "problem"),
    [
        (("signals.apology.phrases.3", "   "), "signals.apology.phrases[3]", "phrase is empty"),
        (("signals.pity.groups", {"g": ["ok", "bad("]}), "signals.pity.groups.g[1]", "bad regular expression"),
        (("signals.pity.groups", {"g": ["x?"]}), "signals.pity.groups.g[0]", "matches the empty string"),
        (("weights.routine.empathy", 0), "weights.routine.empathy", "weight must be positive"),
        (("weights.emotional.hospitality", -1), "weights.emotional.hospitality", "weight must be positive"),
        (("signals.sympathy", {"phrases": ["x"]}), "signals.sympathy", "unknown signal name"),
        (("signals.apology.speaker", "robot"), "signals.apology.speaker", "agent"),
        (("signals.apology.colour", "red"), "signals.apology.colour", "Extra inputs"),
        (("scripted.signals", ["apology", "nope"]), "scripted.signals[1]", "unknown signal name"),
        (("version", 1.5), "version", "quoted string"),
        (("empathy.points_reflect", 150), "empathy.points_reflect", "less than or equal to 100"),
        (("bands.exceeds_from", 50), "bands", "must be above meets_from"),
        (("bands.meets_from", -1), "bands.meets_from", "greater than or equal to 0"),
    ],
)  # fmt: skip
def test_bad_rubric_error_names_file_key_and_problem(
    edit: tuple[str, object], key: str, problem: str
) -> None:
    text = yaml.safe_dump(edited(*edit))
    with pytest.raises(RubricError) as err:
        parse_rubric(text, "team.yaml")
    msg = str(err.value)
    assert msg.startswith(f"team.yaml: {key}: ")
    assert problem in msg


def test_missing_version() -> None:
    data = default_data()
    del data["version"]
    with pytest.raises(RubricError, match=r"^x\.yaml: version: missing"):
        parse_rubric(yaml.safe_dump(data), "x.yaml")


def test_not_yaml_and_not_a_mapping() -> None:
    with pytest.raises(RubricError, match="not valid YAML"):
        parse_rubric("a: [1, 2", "x.yaml")
    with pytest.raises(RubricError, match="expected a mapping"):
        parse_rubric("- 1\n- 2\n", "x.yaml")


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
    data = default_data()
    del data["signals"][signal]
    with pytest.raises(RubricError) as err:
        parse_rubric(yaml.safe_dump(data), "team.yaml")
    needs = [c for c, names in CRITERION_SIGNALS.items() if signal in names]
    assert str(err.value).startswith(f"team.yaml: signals.{signal}: missing, but {needs[0]}")


def test_a_needed_signal_with_nothing_to_match_is_refused() -> None:
    data = default_data()
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


@pytest.mark.parametrize(
    ("value", "key", "problem"),
    [
        (["english"], "languages[0]", "'english' is not an ISO 639-1 language code"),
        (["en", "EN"], "languages[1]", "'EN' is not an ISO 639-1 language code"),
        (["xx"], "languages[0]", "'xx' is not a language code the language identifier knows"),
        ([], "languages", "list at least one language"),
        (["en", "es", "en"], "languages", "en listed more than once"),
        ("en", "languages", "expected a list of ISO 639-1 codes"),
        ([False], "languages[0]", 'quote it ("no")'),
        ([3], "languages[0]", "valid string"),
    ],
)  # fmt: skip
def test_bad_languages_are_refused_with_a_clear_message(
    value: object, key: str, problem: str
) -> None:
    text = yaml.safe_dump(edited("languages", value))
    with pytest.raises(RubricError) as err:
        parse_rubric(text, "team.yaml")
    msg = str(err.value)
    assert msg.startswith(f"team.yaml: {key}: ")
    assert problem in msg


def test_unquoted_norwegian_is_caught_as_yaml_reads_it() -> None:
    text = (default_text()).replace("languages: [en]", "languages: [en, no]")
    with pytest.raises(RubricError, match=r"languages\[1\]: False is not a language code"):
        parse_rubric(text, "nordic.yaml")
