from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.transcripts.transcript import Contact, Turn
from flows.ingest.attribution import (
    AgentRef,
    Attribution,
    RosterColumns,
    attribute,
    attribution_from_ctr_jsonl,
    attribution_from_roster_csv,
    merge_attributions,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "formats"
CONTACT = "7a1d2c3e-0000-4f00-8000-00000000beef"


def _contact(contact_id: str, agent_id: str | None = None, **extra: object) -> Contact:
    turns = (Turn("agent", "Hello"), Turn("customer", "Hi"))
    return Contact(contact_id, agent_id, turns, **extra)  # type: ignore[arg-type]


def test_ctr_stream_concatenated_and_lines_with_a_broken_tail() -> None:
    attribution = attribution_from_ctr_jsonl((FIXTURES / "ctr-stream.jsonl").read_bytes())
    ref = attribution.by_contact[CONTACT]
    assert ref == AgentRef("priya.n", None, "Orders", datetime(2026, 11, 16, 9, 11, tzinfo=UTC))
    assert attribution.by_contact["arn-only"].agent_id == "9f9f-agent"
    assert attribution.by_contact["arn-only"].team == "Billing"
    assert "no-agent-1" not in attribution.by_contact
    assert len(attribution.problems) == 1
    assert "malformed" in attribution.problems[0]


def test_ctr_gzip_and_json_array() -> None:
    data = gzip.compress(b'[{"ContactId": "c1", "Agent": {"Username": "u1"}}]')
    assert attribution_from_ctr_jsonl(data).by_contact["c1"].agent_id == "u1"


@pytest.mark.parametrize("data", [b"", b"\x00\x01binary\xff\xfe\x9d", b"null", b"[1, 2]", b"{"])
def test_ctr_garbage_never_raises(data: bytes) -> None:
    assert attribution_from_ctr_jsonl(data).by_contact == {}


def test_duplicate_ctrs_prefer_longest_interaction_then_latest_update() -> None:
    data = b"\n".join(
        [
            b'{"ContactId": "c1", "Agent": {"Username": "missed", "AgentInteractionDuration": 0}}',
            b'{"ContactId": "c1", "Agent": {"Username": "took", "AgentInteractionDuration": 90}}',
            b'{"ContactId": "c1", "Agent": null}',
        ]
    )
    assert attribution_from_ctr_jsonl(data).by_contact["c1"].agent_id == "took"


def test_roster_per_contact_and_directory_rows() -> None:
    data = (
        b"Contact ID,Agent,Name,Team\nc1,a-1,Dana Cole,Billing\n,a-2,Lee Wong,Care\nc2,,Nobody,\n"
    )
    roster = attribution_from_roster_csv(data)
    assert roster.by_contact == {"c1": AgentRef("a-1", "Dana Cole", "Billing")}
    assert roster.directory["a-2"] == AgentRef("a-2", "Lee Wong", "Care")
    assert roster.problems == ("roster line 4: blank agent id",)


def test_roster_with_custom_columns() -> None:
    data = b"call;login;squad\nc9;u9;Night\n"
    roster = attribution_from_roster_csv(
        data, RosterColumns(contact_id="call", agent_id="login", team="squad")
    )
    assert roster.by_contact["c9"] == AgentRef("u9", None, "Night")


def test_roster_without_agent_column_is_reported() -> None:
    roster = attribution_from_roster_csv(b"foo,bar\n1,2\n")
    assert roster.by_contact == {}
    assert "agent_id" in roster.problems[0]


def test_merge_roster_wins_for_name_and_team_ctr_for_agent() -> None:
    ctr = Attribution(
        by_contact={"c1": AgentRef("u1", None, "Queue A"), "c2": AgentRef("u2", None, "Queue B")}
    )
    roster = Attribution(
        by_contact={"c1": AgentRef("u1", "Una", "Team One"), "c2": AgentRef("zz", "Zed", "Z")},
        directory={"u2": AgentRef("u2", "Uma", "Team Two")},
    )
    merged = merge_attributions(ctr, roster)
    assert merged.by_contact["c1"] == AgentRef("u1", "Una", "Team One")
    assert merged.by_contact["c2"].agent_id == "u2"
    assert any("disagree" in p for p in merged.problems)
    attributed, _ = attribute([_contact("c2")], merged)
    assert (attributed[0].agent_name, attributed[0].team) == ("Uma", "Team Two")


def test_attribute_splits_and_never_invents_an_agent() -> None:
    attribution = Attribution(
        by_contact={"c1": AgentRef("u1", "Una", "T1", datetime(2026, 11, 16, tzinfo=UTC))},
        directory={"own": AgentRef("own", "Owen", "T9")},
    )
    contacts = [
        _contact("c1"),
        _contact("c2"),
        _contact("c3", "own"),
        _contact("c1-own", "self", team="Mine"),
    ]
    attributed, unattributed = attribute(contacts, attribution)
    assert [c.contact_id for c in unattributed] == ["c2"]
    assert unattributed[0].agent_id is None
    by_id = {c.contact_id: c for c in attributed}
    assert (by_id["c1"].agent_id, by_id["c1"].agent_name, by_id["c1"].team) == ("u1", "Una", "T1")
    assert by_id["c1"].started_at == datetime(2026, 11, 16, tzinfo=UTC)
    assert (by_id["c3"].agent_id, by_id["c3"].agent_name) == ("own", "Owen")
    assert (by_id["c1-own"].agent_id, by_id["c1-own"].team) == ("self", "Mine")


def test_a_files_own_agent_beats_a_conflicting_source() -> None:
    attribution = Attribution(by_contact={"c1": AgentRef("other", "Oth", "X")})
    attributed, _ = attribute([_contact("c1", "mine")], attribution)
    assert (attributed[0].agent_id, attributed[0].agent_name) == ("mine", None)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_loaders_never_raise_on_random_input(data: bytes) -> None:
    for attribution in (attribution_from_ctr_jsonl(data), attribution_from_roster_csv(data)):
        assert all(
            isinstance(ref, AgentRef) and ref.agent_id for ref in attribution.by_contact.values()
        )
        assert all("\n" not in problem for problem in attribution.problems)


def test_fixture_ctr_plus_staff_roster_names_the_agent() -> None:
    ctr = attribution_from_ctr_jsonl((FIXTURES / "ctr-stream.jsonl").read_bytes())
    staff = attribution_from_roster_csv((FIXTURES / "roster-directory.csv").read_bytes())
    attributed, unattributed = attribute(
        [_contact(CONTACT), _contact("no-agent-1")], merge_attributions(ctr, staff)
    )
    assert [c.contact_id for c in unattributed] == ["no-agent-1"]
    (contact,) = attributed
    assert (contact.agent_id, contact.agent_name, contact.team) == (
        "priya.n",
        "Priya Nair",
        "Order Care",
    )


def test_roster_and_contact_record_ids_are_validated_like_transcript_ids() -> None:
    """Issue 18, hole 3: ids from rosters and contact records skipped the checks transcript
    ids pass (at most 256 characters, no control characters)."""
    long_id = "x" * 257
    roster = attribution_from_roster_csv(
        (
            "contact_id,agent_id,agent_name\n"
            f"c1,{long_id},Too Long\n"
            "c2,a-\x07bell,Control\n"
            f"{long_id},a-3,Long Contact\n"
            "c4,a-4,Fine\n"
        ).encode()
    )
    assert roster.by_contact == {"c4": AgentRef("a-4", "Fine", None)}
    assert list(roster.directory) == ["a-4"]
    assert [p.split(":")[0] for p in roster.problems] == [
        "roster line 2",
        "roster line 3",
        "roster line 4",
    ]
    assert "'agent_id' is longer than 256 characters" in roster.problems[0]
    assert "'agent_id' holds control characters" in roster.problems[1]
    assert "'contact_id' is longer than 256 characters" in roster.problems[2]

    ctr = attribution_from_ctr_jsonl(
        b"\n".join(
            [
                b'{"ContactId": "c1", "Agent": {"Username": "' + long_id.encode() + b'"}}',
                b'{"ContactId": "c2", "Agent": {"Username": "a\\u0000b"}}',
                b'{"ContactId": "' + long_id.encode() + b'", "Agent": {"Username": "a-3"}}',
                b'{"ContactId": "c4", "Agent": {"Username": "a-4"}}',
            ]
        )
    )
    assert list(ctr.by_contact) == ["c4"]
    assert len(ctr.problems) == 3
    assert all(p.endswith("; skipped") for p in ctr.problems)
