"""Loading a rubric: the packaged default with its pinned hash, a user's file, unreadable files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from checks.rubric.load import RubricError, load_rubric
from checks.transcripts.transcript import SIGNALS
from tests.checks.rubric.default import DEFAULT, DEFAULT_SHA256, default_data, default_text


def test_default_rubric_loads_with_version_and_every_phrase_signal() -> None:
    r = load_rubric()
    assert r.version.count(".") == 2
    phrase_signals = set(SIGNALS) - {"scripted_line"}
    assert all(r.signal(s).phrases or r.signal(s).groups for s in phrase_signals)


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


def test_user_file_replaces_default(tmp_path: Path) -> None:
    data = default_data()
    data["version"] = "acme-7"
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_rubric(path).version == "acme-7"
    assert load_rubric(str(path)).source == str(path)


def test_unreadable_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(RubricError, match=r"nope\.yaml: cannot read"):
        load_rubric(missing)
