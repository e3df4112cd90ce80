"""Who gets what: managers by agent or team, agents their own card, recipient tables from CSV."""

from __future__ import annotations

import pytest

from flows.deliver.recipients import plan, table_from_csv
from tests.flows.deliver.fixtures import AGENTS


def test_plan_managers_by_agent_or_team_agents_own_cards_and_nobody_listed() -> None:
    packets, nobody = plan(
        AGENTS,
        {"Billing": "lead.billing@x", "a-3": "lead.travel@x", "Travel": "other@x"},
        {"a-2": "a2@x"},
    )
    by = {p.recipient: p for p in packets}
    assert [a.agent_id for a in by["lead.billing@x"].agents] == ["a-1", "a-2"]
    assert [a.agent_id for a in by["lead.travel@x"].agents] == ["a-3"]  # the agent id wins
    assert "other@x" not in by
    assert by["a2@x"].role == "agent"
    assert not by["a2@x"].team_summary
    assert by["a2@x"].files() == ["a-2.pdf"]
    assert [a.agent_id for a in nobody] == ["a-4"]


def test_recipients_from_a_roster_csv_with_manager_and_agent_emails() -> None:
    roster = (
        "\ufeffcontact_id,Agent_ID,team,Team_Lead_Email,agent_email\n"
        "c-1,a-1,Billing,lead.billing@x,a1@x\n"
        "c-2,a-2,Billing,,\n"
        ",,Travel,lead.travel@x,\n"
        "c-3,a-9,Travel,special@x,\n"
    ).encode()
    managers, agents = table_from_csv(roster)
    assert managers == {"a-1": "lead.billing@x", "Travel": "lead.travel@x", "a-9": "special@x"}
    assert agents == {"a-1": "a1@x"}
    with pytest.raises(ValueError, match=r"roster\.csv: no manager_email"):
        table_from_csv(b"contact_id,agent_id\nc-1,a-1\n", "roster.csv")
