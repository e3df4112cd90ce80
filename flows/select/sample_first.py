"""Sample first: draw each agent's sample from the listing and fetch only what the draw needs.

Contact Lens writes one object per contact and names the contact in the key, Transcribe names
its output after the job (the contact, where Amazon Connect started it), and a canonical week
may be laid out one ``<contact id>.json`` per contact; the contact records (or a roster) name
its agent. So each listed contact's sample rank is known before its
file is read, and a run fetches, agent by agent, only the contacts the draw can reach: the
first ``depth`` in rank order (the sample under the random policy, the screened contacts under
the stratified one). A fetched contact that turns out unusable (quarantined, outside the week,
a duplicate, another agent's) leaves a gap that the next in rank order fills, round after
round, until the first ``depth`` of every agent are read. The draw then sees the same contacts
in the same order as a run that reads every file, so it picks the same ones.

This rests on the listing telling the truth: the file holds the contact its key names, taken by
the agent the records name. Contact Lens and Transcribe files name no agent inside, so the
records decide in both runs; a canonical file's own agent wins over the records in both runs, so
one that disagrees with them may be left unread where reading everything would sample it. A
file whose own contact id differs from its key's is read as that other contact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from flows.ingest.attribution import Attribution
from flows.ingest.formats import listed_contact_id
from flows.ingest.loading import LoadedShard, fallback_copies, merge_shards
from flows.select.ledger import eligible_contacts
from flows.select.sampling import first_in_rank_order, with_ranks
from flows.stores.base import StoredObject

PENDING_SCHEMA = pl.Schema({"key": pl.String, "contact_id": pl.String, "agent_id": pl.String})


@dataclass(frozen=True, slots=True)
class Candidates:
    """The listed files split by whether their contact and agent are known before download."""

    known: pl.DataFrame  # key, contact_id, agent_id (PENDING_SCHEMA)
    unknown: list[StoredObject]  # other layouts and unattributed contacts: read them to know


def listed_candidates(objects: Sequence[StoredObject], agents: Attribution | None) -> Candidates:
    """Files named after one contact (listed_contact_id) whose contact an attribution source
    names."""
    rows: list[tuple[str, str, str]] = []
    unknown: list[StoredObject] = []
    for obj in objects:
        contact_id = listed_contact_id(obj.key)
        ref = None if contact_id is None or agents is None else agents.by_contact.get(contact_id)
        if contact_id is None or ref is None:
            unknown.append(obj)
        else:
            rows.append((obj.key, contact_id, ref.agent_id))
    return Candidates(pl.DataFrame(rows, schema=PENDING_SCHEMA, orient="row"), unknown)


def keys_to_fetch(pending: pl.DataFrame, usable: pl.DataFrame, week: str, depth: int) -> list[str]:
    """Unread keys among the first ``depth`` contacts of each agent in rank order, counting
    every unread contact as usable until its file says otherwise."""
    pool = pl.concat(
        [
            usable.select("contact_id", "agent_id"),
            pending.select("contact_id", "agent_id"),
        ]
    ).unique(maintain_order=True)
    if pool.is_empty() or pending.is_empty():
        return []
    first = first_in_rank_order(with_ranks(pool, week), depth)
    # every unread copy of a contact among the first: the copy read-all would keep may be it
    wanted = pending.join(first.select("contact_id").unique(), on="contact_id", how="semi")
    return sorted(wanted["key"].to_list())


@dataclass(frozen=True, slots=True)
class SampleFirstLoad:
    """What a sample-first load read, which files it fetched, and the contacts it left unread."""

    loaded: LoadedShard
    fetched: list[StoredObject]
    unread: pl.DataFrame  # PENDING_SCHEMA
    rounds: int


def fetch_in_rank_order(
    candidates: Candidates,
    objects: Mapping[str, StoredObject],
    read: Callable[[list[StoredObject]], LoadedShard],
    *,
    week: str,
    bounds: tuple[datetime, datetime],
    depth: int,
    duplicates: Mapping[str, str],
    spares: Mapping[str, StoredObject],
) -> SampleFirstLoad:
    """Read the unknown files and the first ``depth`` known contacts of each agent in rank
    order, then fill the gaps the unusable ones left, round after round, until none of the
    first is unread (``read`` fetches and parses a batch of files concurrently; ``objects``
    maps every listed key to its file)."""
    parts: list[LoadedShard] = []
    fetched: list[StoredObject] = []
    nobody = pl.DataFrame(schema=PENDING_SCHEMA)
    keys = keys_to_fetch(candidates.known, nobody, week, depth)
    pending = candidates.known.filter(~pl.col("key").is_in(keys))
    batch = [*candidates.unknown, *(objects[k] for k in keys)]
    while batch:
        parts.append(read(batch))
        fetched += batch
        loaded = merge_shards(parts)
        usable = eligible_contacts(loaded.contacts, *bounds).keep
        keys = keys_to_fetch(pending, usable, week, depth)
        pending = pending.filter(~pl.col("key").is_in(keys))
        seen = {obj.key for obj in fetched}
        spare = [
            obj
            for obj in fallback_copies(duplicates, spares, loaded.quarantined)
            if obj.key not in seen
        ]
        batch = [objects[k] for k in keys] + spare
    return SampleFirstLoad(merge_shards(parts), fetched, pending, len(parts))
