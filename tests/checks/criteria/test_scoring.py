"""Scoring a batch: system turns never scored, turn counts, the rubric version on every row."""

from __future__ import annotations

from checks.rubric.rubric import Rubric
from tests.checks.factories import ROUTINE, UPSET, contact, score


def test_system_turns_are_never_scored(rubric: Rubric) -> None:
    batch = score(
        rubric,
        contact(("s", "Sorry, sorry, sorry: calm down!"), ("c", ROUTINE), ("a", "Nine o'clock.")),
    )
    assert batch.findings.filter(batch.findings["speaker"] == "system").is_empty()
    row = batch.scores.row(0, named=True)
    assert row["n_apology"] == 0
    assert row["n_turns"] == 3
    assert row["n_agent_turns"] == 1


def test_every_output_records_rubric_version(rubric: Rubric) -> None:
    s = score(rubric, contact(("c", ROUTINE), ("a", "Nine.")), contact(("c", UPSET), cid="c-2"))
    assert s.scores["rubric_version"].to_list() == [rubric.version] * 2
