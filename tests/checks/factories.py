"""Helpers for the checks tests: the default rubric and tiny transcripts."""

from __future__ import annotations

import pytest

from checks.criteria.results import ScoredBatch
from checks.criteria.scoring import score_contacts
from checks.rubric.rubric import Rubric, load_rubric
from checks.transcripts.transcript import Contact, Turn


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    """The packaged default rubric."""
    return load_rubric()


def contact(*turns: tuple[str, str], cid: str = "c-1", agent: str = "a-1") -> Contact:
    """A contact from (speaker, text) pairs; speaker 'a', 'c' or 's'."""
    names = {"a": "agent", "c": "customer", "s": "system"}
    return Contact(cid, agent, tuple(Turn(names[s], t) for s, t in turns))  # type: ignore[arg-type]


def score(rubric: Rubric, *contacts: Contact) -> ScoredBatch:
    """Score the given contacts as one batch."""
    return score_contacts(list(contacts), rubric)


def found(batch: ScoredBatch, signal: str, turn: int | None = None) -> list[str]:
    """Matched texts of one signal (optionally in one turn)."""
    f = batch.findings.filter(batch.findings["signal"] == signal)
    if turn is not None:
        f = f.filter(f["turn"] == turn)
    return f["text"].to_list()


# an upset customer, and one with a routine question
UPSET = "This is the third time I've called, my refund still hasn't arrived and I'm furious."
ROUTINE = "Hi, what time do you open on Saturday?"
