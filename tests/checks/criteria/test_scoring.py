"""Scoring a batch: system turns, turn counts, the rubric version, languages it cannot read."""

from __future__ import annotations

import polars as pl

from checks.rubric.rubric import Rubric
from checks.transcripts.transcript import Contact
from tests.checks.factories import ROUTINE, UPSET, contact, score
from tests.checks.transcripts.contacts_by_language import DE, EN_CHAT, ES, FR


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


def test_scoring_leaves_unsupported_contacts_unscored_and_others_untouched(
    rubric: Rubric,
) -> None:
    alone = score(rubric, Contact("c-en", "a-1", EN_CHAT.turns))
    both = score(rubric, Contact("c-en", "a-1", EN_CHAT.turns), Contact("c-es", "a-1", ES.turns))
    scores = both.scores
    assert scores["contact_id"].to_list() == ["c-en", "c-es"]
    assert scores.select("language", "state").rows() == [
        ("en", "scored"),
        ("es", "unsupported_language"),
    ]
    es = scores.filter(pl.col("contact_id") == "c-es")
    na = ["empathy", "compassion", "sympathy_overload", "hospitality", "overall", "opportunity"]
    assert es.select(na).null_count().row(0) == (1,) * len(na)
    assert es.select("n_turns", "n_agent_turns").row(0) == (4, 2)
    assert both.findings.filter(pl.col("contact_id") == "c-es").is_empty()
    assert scores.filter(pl.col("contact_id") == "c-en").equals(alone.scores)
    assert both.findings.equals(alone.findings)


def test_a_batch_of_only_unsupported_contacts(rubric: Rubric) -> None:
    batch = score(rubric, Contact("c-fr", "a-1", FR.turns), Contact("c-de", "a-2", DE.turns))
    assert batch.scores.select("contact_id", "agent_id", "language", "state").rows() == [
        ("c-de", "a-2", "de", "unsupported_language"),
        ("c-fr", "a-1", "fr", "unsupported_language"),
    ]
    assert batch.findings.is_empty()
