"""Fetch and parse one shard of stored files into compact frames, quarantining what is bad."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import polars as pl

from checks.transcript import CONTACTS_SCHEMA, TURNS_SCHEMA, contacts_frame, turns_frame
from flows.attribution import Attribution, attribute
from flows.formats import ParseResult, Quarantine, parse_file
from flows.store import ObjectStore, StoredObject

FETCH_THREADS = 16


@dataclass(slots=True)
class LoadedShard:
    """Contacts (metadata and turns) read from a set of files, and what was quarantined."""

    contacts: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CONTACTS_SCHEMA))
    turns: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=TURNS_SCHEMA))
    quarantined: list[Quarantine] = field(default_factory=list)


Parser = Callable[[str, bytes], ParseResult]


def load_objects(
    store: ObjectStore,
    objects: Sequence[StoredObject],
    *,
    max_bytes: int,
    parser: Parser = parse_file,
    attribution: Attribution | None = None,
) -> LoadedShard:
    """Read each object (in parallel threads: S3 GETs wait on the network) and parse it.

    With an attribution, contacts that name no agent get one from it; those nobody can
    attribute keep agent_id null (the ledger reports them as unattributed).
    """

    def read_one(obj: StoredObject) -> ParseResult:
        if obj.size > max_bytes:
            reason = f"file is {obj.size:,} bytes, over the {max_bytes:,}-byte limit"
            return ParseResult(problems=[Quarantine(obj.key, reason)])
        return parser(obj.key, store.get(obj.key))

    with ThreadPoolExecutor(max_workers=FETCH_THREADS) as pool:
        results = list(pool.map(read_one, objects))
    contacts = [c for r in results for c in r.contacts]
    if attribution is not None:
        attributed, unattributed = attribute(contacts, attribution)
        contacts = attributed + unattributed
    return LoadedShard(
        contacts=contacts_frame(contacts),
        turns=turns_frame(contacts),
        quarantined=[q for r in results for q in r.problems],
    )


def merge_shards(shards: Sequence[LoadedShard]) -> LoadedShard:
    """Concatenate shards into one."""
    return LoadedShard(
        contacts=pl.concat([s.contacts for s in shards] or [LoadedShard().contacts]),
        turns=pl.concat([s.turns for s in shards] or [LoadedShard().turns]),
        quarantined=[q for s in shards for q in s.quarantined],
    )
