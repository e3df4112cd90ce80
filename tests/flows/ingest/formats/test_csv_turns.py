"""CSV transcripts: aliases, delimiters, configured columns, time order and bad rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from flows.ingest.formats import parse_file
from flows.ingest.formats.csv_turns import CsvColumns, columns_from_mapping

Reader = Callable[[str], bytes]


def test_aliases_semicolons_and_unknown_label(fixture_bytes: Reader) -> None:
    result = parse_file("exports/2026/11/16/turns.csv", fixture_bytes("turns-aliases.csv"))
    (contact,) = result.contacts
    assert contact.contact_id == "k-1"
    assert contact.agent_id == "jo.b"
    assert [t.speaker for t in contact.turns] == ["agent", "customer", "agent"]
    assert contact.started_at == datetime(2026, 11, 16, tzinfo=UTC)  # from the key's date
    (problem,) = result.problems
    assert problem.key.endswith("#k-2")
    assert "unknown speaker label 'Narrator'" in problem.reason


def test_configured_columns_and_time_order() -> None:
    data = (
        b"Ticket,Who,Said,At,Owner,Squad,When\n"
        b"t-1,customer,Second line,2000,ag-4,Care,2026-11-16 10:00:00\n"
        b"t-1,agent,First line,100,ag-4,Care,\n"
    )
    columns = CsvColumns(
        contact_id="Ticket",
        speaker="Who",
        text="Said",
        begin_ms="At",
        agent_id="Owner",
        team="Squad",
        started_at="When",
    )
    (contact,) = parse_file("in.csv", data, csv_columns=columns).contacts
    assert [t.text for t in contact.turns] == ["First line", "Second line"]
    assert (contact.agent_id, contact.team) == ("ag-4", "Care")
    assert contact.started_at == datetime(2026, 11, 16, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("contact_id,speaker\nc,agent\n", "lacks required column(s) (text"),
        ("contact_id,speaker,text,begin_ms\nc,agent,hi,abc\nc,customer,yo,1\n", "not a number"),
        (
            "contact_id,agent_id,speaker,text\nc,a1,agent,hi\nc,a2,customer,yo\n",
            "more than one agent",
        ),
        ("contact_id,speaker,text\nc,agent,hi\n", "no customer turns"),
        ("contact_id,speaker,text\nc,agent, \nc,customer,\n", "empty transcript"),
        (
            "contact_id,speaker,text,started_at\nc,agent,hi,yesterday\nc,customer,yo,\n",
            "not an ISO 8601",
        ),
        ("contact_id,speaker,text\n", "no rows"),
    ],
)
def test_bad_csv_is_quarantined(body: str, needle: str) -> None:
    result = parse_file("x.csv", body.encode())
    assert result.contacts == []
    assert any(needle in p.reason for p in result.problems), result.problems


def test_one_bad_contact_does_not_drop_the_others() -> None:
    body = (
        "contact_id,speaker,text\na,agent,hi\na,customer,yo\nb,martian,zz\nb,agent,ok\n,agent,x\n"
    )
    result = parse_file("x.csv", body.encode())
    assert [c.contact_id for c in result.contacts] == ["a"]
    assert sorted(p.key for p in result.problems) == ["x.csv#L6", "x.csv#b"]


def test_columns_from_mapping_rejects_unknown_fields() -> None:
    assert columns_from_mapping({"text": "Body"}).text == "Body"
    with pytest.raises(ValueError, match="unknown CSV column"):
        columns_from_mapping({"txt": "Body"})
