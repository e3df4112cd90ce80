# ruff: noqa: E501
"""Rubric loading and validation errors that name the file, the key and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checks.rubric.rubric import RubricError, load_rubric, parse_rubric
from checks.transcripts.transcript import SIGNALS

DEFAULT = Path(__file__).resolve().parents[3] / "checks" / "rubric" / "rubric.yaml"


def base() -> dict[str, object]:
    return yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_default_rubric_loads_with_version_and_every_phrase_signal() -> None:
    r = load_rubric()
    assert r.version.count(".") == 2
    phrase_signals = set(SIGNALS) - {"scripted_line"}
    assert all(r.signal(s).phrases or r.signal(s).groups for s in phrase_signals)


def test_user_file_replaces_default(tmp_path: Path) -> None:
    data = base()
    data["version"] = "acme-7"
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_rubric(path).version == "acme-7"
    assert load_rubric(str(path)).source == str(path)


def _edit(path: str, value: object) -> dict[str, object]:
    data = base()
    node: object = data
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]  # type: ignore[index]
    last = keys[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value  # type: ignore[index]
    return data


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
    text = yaml.safe_dump(_edit(*edit))
    with pytest.raises(RubricError) as err:
        parse_rubric(text, "team.yaml")
    msg = str(err.value)
    assert msg.startswith(f"team.yaml: {key}: ")
    assert problem in msg


def test_missing_version() -> None:
    data = base()
    del data["version"]
    with pytest.raises(RubricError, match=r"^x\.yaml: version: missing"):
        parse_rubric(yaml.safe_dump(data), "x.yaml")


def test_not_yaml_and_not_a_mapping() -> None:
    with pytest.raises(RubricError, match="not valid YAML"):
        parse_rubric("a: [1, 2", "x.yaml")
    with pytest.raises(RubricError, match="expected a mapping"):
        parse_rubric("- 1\n- 2\n", "x.yaml")


def test_unreadable_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(RubricError, match=r"nope\.yaml: cannot read"):
        load_rubric(missing)


def test_languages_default_to_english_and_are_validated() -> None:
    assert load_rubric().languages == ["en"]
    data = base()
    del data["languages"]  # a rubric written before the key existed: its phrases are English
    assert parse_rubric(yaml.safe_dump(data), "old.yaml").languages == ["en"]
    data["languages"] = ["en", "es"]
    assert parse_rubric(yaml.safe_dump(data), "two.yaml").languages == ["en", "es"]


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
    text = yaml.safe_dump(_edit("languages", value))
    with pytest.raises(RubricError) as err:
        parse_rubric(text, "team.yaml")
    msg = str(err.value)
    assert msg.startswith(f"team.yaml: {key}: ")
    assert problem in msg


def test_unquoted_norwegian_is_caught_as_yaml_reads_it() -> None:
    text = (DEFAULT.read_text(encoding="utf-8")).replace("languages: [en]", "languages: [en, no]")
    with pytest.raises(RubricError, match=r"languages\[1\]: False is not a language code"):
        parse_rubric(text, "nordic.yaml")


def test_bands_from_the_default_rubric() -> None:
    bands = load_rubric().bands
    assert (bands.meets_from, bands.exceeds_from) == (60, 85)
    assert [bands.band(v) for v in (None, 59.9, 60.0, 84.9, 85.0)] == [
        None,
        "needs improvement",
        "meets",
        "meets",
        "exceeds",
    ]
