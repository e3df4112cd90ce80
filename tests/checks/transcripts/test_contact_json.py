"""The public per-contact JSON keeps the schema of `rapport score --json`."""

from __future__ import annotations

import json

from checks.rubric.rubric import Rubric
from checks.transcripts.contact_json import contact_results
from checks.transcripts.transcript import SIGNALS
from tests.checks.factories import contact, score

OPPORTUNITIES = {"needed_shown", "needed_missed", "none"}


def test_schema(rubric: Rubric) -> None:
    batch = score(
        rubric,
        contact(("c", "Third time calling, I'm furious!"), ("a", "That sounds so stressful.")),
        contact(("c", "Opening hours?"), ("a", "Nine to five."), cid="c-2"),
    )
    results = contact_results(batch)
    assert [r["contact_id"] for r in results] == ["c-1", "c-2"]
    for r in results:
        assert set(r) == {
            "contact_id",
            "agent_id",
            "rubric_version",
            "rubric_sha256",
            "language",
            "state",
            "overall",
            "criteria",
            "findings",
        }
        assert r["rubric_version"] == rubric.version
        assert r["rubric_sha256"] == rubric.sha256
        assert len(rubric.sha256) == 64
        assert (r["language"], r["state"]) == ("en", "scored")
        assert set(r["criteria"]) == {"empathy", "compassion", "sympathy_overload", "hospitality"}
        assert set(r["criteria"]["empathy"]) == {"score", "opportunity"}
        assert r["criteria"]["empathy"]["opportunity"] in OPPORTUNITIES
        for name in ("compassion", "sympathy_overload", "hospitality"):
            assert set(r["criteria"][name]) == {"score"}
        for f in r["findings"]:
            assert set(f) == {"signal", "turn", "speaker", "start", "end", "text"}
            assert f["signal"] in SIGNALS
        json.dumps(r)
    first, second = results
    assert first["criteria"]["empathy"]["opportunity"] == "needed_shown"
    assert second["criteria"]["empathy"] == {"score": None, "opportunity": "none"}
    ack = [f for f in first["findings"] if f["signal"] == "acknowledges_feeling"]
    assert ack == [
        {"signal": "acknowledges_feeling", "turn": 1, "speaker": "agent", "start": 0, "end": 24,
         "text": "That sounds so stressful"}
    ]  # fmt: skip


def test_a_contact_in_an_unsupported_language_has_no_scores_and_no_findings(
    rubric: Rubric,
) -> None:
    batch = score(
        rubric,
        contact(
            ("c", "Es la tercera vez que llamo y mi reembolso sigue sin llegar. Estoy furioso."),
            ("a", "Lo siento muchísimo, entiendo su frustración. Hoy mismo lo reembolso."),
        ),
    )
    (r,) = contact_results(batch)
    assert (r["language"], r["state"]) == ("es", "unsupported_language")
    assert r["overall"] is None
    assert r["findings"] == []
    assert r["criteria"]["empathy"] == {"score": None, "opportunity": None}
    assert all(r["criteria"][name]["score"] is None for name in r["criteria"])
    json.dumps(r)
