"""Scorecard and team-summary file names: safe keys, unique, bounded, never the week's own files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flows.report.file_names import is_summary_file, scorecard_file_name, team_summary_file_name
from tests.support.manifests import bare_manifest


@pytest.mark.parametrize(
    ("agent_id", "name"),
    [
        ("a-001", "a-001.pdf"),
        ("priya.n@acme.com", "priya.n@acme.com.pdf"),
        ("team/a 7", r"team_a_7~[0-9a-f]{12}\.pdf"),
        ("../x", r"x~[0-9a-f]{12}\.pdf"),
        ("", r"agent~[0-9a-f]{12}\.pdf"),
        ("Ärger", r"Arger~[0-9a-f]{12}\.pdf"),
        ("张伟", r"agent~[0-9a-f]{12}\.pdf"),
        ("team-summary", r"team-summary~[0-9a-f]{12}\.pdf"),
        ("Manifest", r"Manifest~[0-9a-f]{12}\.pdf"),
    ],
)
def test_scorecard_file_names_are_safe_keys(agent_id: str, name: str) -> None:
    from flows.render.pdf import scorecard_file_name

    assert re.fullmatch(name, scorecard_file_name(agent_id))


def test_scorecard_file_names_are_unique_bounded_and_never_the_weeks_own_files() -> None:
    """Issue 18, hole 3: `a/b`, `a_b`, `a b` were all `a_b.pdf`; `Ärger` and `_rger` both
    `_rger.pdf`; `team-summary` replaced the team summary; a 250-character id failed the week."""
    from flows.render.pdf import TEAM_SUMMARY_FILE, scorecard_file_name

    ids = [
        "a/b", "a_b", "a b", "a:b", "a\\b",
        "\u00c4rger", "_rger", "Arger", "\u00e4rger", "A\u0308rger",  # NFC and NFD differ
        "team-summary", "Team-Summary", "scores", "ledger", "manifest", "team-summary.pdf",
        "agents", "Agents",
        "x" * 64, "x" * 65, "x" * 247, "x" * 256, "y" * 255 + "é",
        "张伟", "王芳", "Łukasz", "Đorđe", "Ελένη", "محمد", ".hidden", "..", "-rf", "",
    ]  # fmt: skip
    names = [scorecard_file_name(i) for i in ids]
    assert len(set(names)) == len(ids), sorted(names)
    own = {TEAM_SUMMARY_FILE, "scores.csv", "scores.parquet", "ledger.csv", "manifest.json"}
    own |= {"agents.csv", "agents.pdf"}
    for agent_id, name in zip(ids, names, strict=True):
        assert name not in own
        assert name.endswith(".pdf")
        assert not name.startswith((".", "-", "~"))
        assert re.fullmatch(r"[A-Za-z0-9._@+=~-]+", name), name
        assert len(name.encode()) <= 90, (agent_id, name)
        assert scorecard_file_name(agent_id) == name  # stable across calls and runs
    assert scorecard_file_name("a_b") == "a_b.pdf"  # a plain id keeps its plain name


def test_a_long_id_writes_a_local_file(tmp_path: Path) -> None:
    from flows.publish.publish import publish
    from flows.render.pdf import scorecard_file_name
    from flows.stores.local import LocalStore

    name = scorecard_file_name("x" * 250)
    publish(LocalStore(tmp_path), "w/", {name: b"%PDF"}, bare_manifest())  # was: File name too long
    assert (tmp_path / "w" / name).read_bytes() == b"%PDF"


@pytest.mark.parametrize(
    "team",
    ["Billing", "Travel & Stays", "Ärger/Service", "team-summary", "x" * 300, "~", "", ".."],
)
def test_team_summary_file_names_are_bounded_and_never_a_scorecards(team: str) -> None:
    name = team_summary_file_name(team)
    assert re.fullmatch(r"team-summary~[A-Za-z0-9][A-Za-z0-9._@+=-]*~[0-9a-f]{12}\.pdf", name)
    assert len(name.encode()) <= 110
    assert is_summary_file(name)
    assert name not in {scorecard_file_name(team), scorecard_file_name(name[:-4])}
    assert not is_summary_file(scorecard_file_name(team))
    assert not is_summary_file(scorecard_file_name("team-summary"))


def test_team_summary_file_names_differ_for_teams_that_slug_alike() -> None:
    teams = ["Billing & Co", "Billing / Co", "Billing_Co", "billing_co"]
    assert len({team_summary_file_name(t) for t in teams}) == len(teams)
