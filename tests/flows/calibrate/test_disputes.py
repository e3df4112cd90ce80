"""disputes.csv: read with every bad row named, upheld findings count for nothing, the score
table keeps each disputed finding with its decision."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from checks.criteria.scoring import score_turns
from checks.rubric.rubric import load_rubric
from checks.transcripts.pseudonyms import Pseudonyms
from checks.transcripts.transcript import Contact, Turn, turns_frame
from flows.calibrate.disputes import (
    DISPUTES_FILE,
    REMOVED_SCHEMA,
    DisputesError,
    apply_disputes,
    dispute_columns,
    raw_contact_ids,
    read_disputes,
    upheld_findings,
    upheld_per_signal,
    week_disputes,
)
from flows.config.settings import Settings
from flows.config.weeks import IsoWeek

HEADER = "week,contact_id,signal,turn,who,reason,decision\n"
CONTACT = Contact(
    "c-1",
    "a-1",
    (
        Turn("customer", "My parcel never arrived and I am furious, third time asking!"),
        Turn("agent", "Hi Jo, thanks for reaching out. That sounds really frustrating."),
        Turn("agent", "I'll look into this now and email you within 24 hours."),
    ),
)


def test_bad_rows_are_named_all_at_once() -> None:
    text = HEADER + (
        "2026-W47,c-1,warmth,1,lead,ok,upheld\n"
        "2026-W47,c-2,kindness,x,lead,?,maybe\n"
        "2026-W47,,apology,2,agent,,pending\n"
    )
    with pytest.raises(DisputesError) as err:
        read_disputes(text.encode(), "disputes.csv")
    assert str(err.value).splitlines() == [
        "disputes.csv: row 3: signal 'kindness' is not one of Rapport's signals",
        "disputes.csv: row 3: turn 'x' is not a turn number (0, 1, 2, …)",
        "disputes.csv: row 3: decision 'maybe' is not pending, upheld or rejected",
        "disputes.csv: row 4: contact_id is empty",
    ]
    with pytest.raises(DisputesError, match=r"^d\.csv: missing column\(s\) turn, decision$"):
        read_disputes(b"week,contact_id,signal,who,reason\n", "d.csv")


def test_other_weeks_and_blank_decisions() -> None:
    text = HEADER + "2026-W46,c-1,warmth,1,lead,,upheld\n2026-W47,c-1,apology,1,agent,,\n"
    (only,) = read_disputes(text.encode(), "d.csv", week="2026-W47")
    assert (only.signal, only.decision) == ("apology", "pending")


def test_an_upheld_finding_counts_for_nothing_but_stays_in_the_findings() -> None:
    rubric = load_rubric()
    turns = turns_frame([CONTACT])
    plain = score_turns(turns, rubric)
    ack = plain.findings.filter(pl.col("signal") == "acknowledges_feeling")
    assert ack["turn"].to_list() == [1]
    disputes = read_disputes(
        (HEADER + "2026-W47,c-1,acknowledges_feeling,1,lead,scripted,upheld\n").encode(), "d.csv"
    )
    reviewed = score_turns(turns, rubric, upheld_findings(disputes))
    before, after = plain.scores.row(0, named=True), reviewed.scores.row(0, named=True)
    assert before["n_acknowledges_feeling"] == 1
    assert after["n_acknowledges_feeling"] == 0
    assert after["empathy"] < before["empathy"]
    # acting before acknowledging now costs compassion too; hospitality never read it
    assert after["compassion"] < before["compassion"]
    assert after["hospitality"] == before["hospitality"]
    assert reviewed.findings.equals(plain.findings)  # nothing lost

    kept, matched = apply_disputes(reviewed.findings, disputes)
    assert matched == {("c-1", "acknowledges_feeling", 1)}
    assert "acknowledges_feeling" not in kept["signal"].to_list()
    table = dispute_columns(reviewed.scores.select("contact_id", "agent_id"), disputes, matched)
    assert table.row(0, named=True) == {
        "contact_id": "c-1",
        "agent_id": "a-1",
        "disputes": "acknowledges_feeling@1: upheld",
        "findings_removed": 1,
    }


def test_an_upheld_dispute_naming_no_finding_removes_nothing() -> None:
    plain = score_turns(turns_frame([CONTACT]), load_rubric())
    disputes = read_disputes((HEADER + "2026-W47,c-1,pity,2,lead,,upheld\n").encode(), "d.csv")
    kept, matched = apply_disputes(plain.findings, disputes)
    assert matched == set()
    assert kept.equals(plain.findings)
    assert upheld_per_signal(disputes) == {"pity": 1}


def test_week_disputes_come_from_beside_the_weeks_outputs(tmp_path: Path) -> None:
    settings = Settings(store="local", local_root=tmp_path)
    week = IsoWeek.parse("2026-W47")
    assert week_disputes(settings, week).disputes == []
    folder = tmp_path / "scorecards" / "2026-W47"
    folder.mkdir(parents=True)
    data = (HEADER + "2026-W47,c-1,warmth,1,lead,,rejected\n").encode()
    (folder / DISPUTES_FILE).write_bytes(data)
    found = week_disputes(settings, week)
    assert [d.decision for d in found.disputes] == ["rejected"]
    assert found.files == {DISPUTES_FILE: data}
    (folder / DISPUTES_FILE).write_bytes(HEADER.encode() + b"2026-W47,c-1,warmth,one,lead,,\n")
    with pytest.raises(DisputesError, match=r"disputes\.csv: row 2: turn 'one'"):
        week_disputes(settings, week)


def test_a_dispute_named_by_a_pseudonym_reaches_the_contact_the_checks_score() -> None:
    names = Pseudonyms(b"k" * 32)
    raw = "+15551234567"
    contacts = pl.DataFrame({"contact_id": [raw, "c-2"]})
    removed = pl.DataFrame(
        [(names.of_id(raw), "warmth", 0), ("c-2", "apology", 1)],
        schema=REMOVED_SCHEMA,
        orient="row",
    )
    assert names.of_id(raw) != raw  # the QA team only ever sees the pseudonym

    back = raw_contact_ids(removed, names, contacts)

    assert back["contact_id"].to_list() == [raw, "c-2"]
    assert back["signal"].to_list() == ["warmth", "apology"]
