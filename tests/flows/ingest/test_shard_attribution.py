"""A shard of files carries only the contact records its keys name."""

from __future__ import annotations

from flows.ingest.attribution import AgentRef, Attribution
from flows.ingest.loading import attribution_for
from flows.stores.base import StoredObject


def _lens(contact_id: str) -> StoredObject:
    return StoredObject(f"Analysis/Voice/2026/11/17/{contact_id}_analysis_2026-11-17.json", 9)


def test_contact_lens_shard_gets_only_its_contacts_and_the_whole_directory() -> None:
    agents = Attribution(
        by_contact={f"c{i}": AgentRef("ann") for i in range(1000)},
        directory={"ann": AgentRef("ann", "Ann", "Blue")},
        problems=("row 3: no agent",),
    )
    part = attribution_for([_lens("c1"), _lens("c2"), _lens("zz")], agents)
    assert part is not None
    assert dict(part.by_contact) == {"c1": AgentRef("ann"), "c2": AgentRef("ann")}
    assert part.directory == agents.directory


def test_a_shard_whose_keys_do_not_name_contacts_gets_everything() -> None:
    agents = Attribution(by_contact={"c1": AgentRef("ann")})
    shard = [_lens("c1"), StoredObject("transcripts/2026/11/17/day.jsonl", 9)]
    assert attribution_for(shard, agents) is agents
    assert attribution_for(shard, None) is None
