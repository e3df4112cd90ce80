"""Sample first: reading only what the draw can reach picks what reading every file picks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.transcripts.transcript import CONTACTS_SCHEMA, TURNS_SCHEMA
from flows.ingest.attribution import AgentRef, Attribution
from flows.ingest.formats import Quarantine
from flows.ingest.loading import LoadedShard
from flows.select.ledger import NOT_FETCHED, select_week
from flows.select.sample_first import (
    Candidates,
    fetch_in_rank_order,
    keys_to_fetch,
    listed_candidates,
)
from flows.stores.base import StoredObject

WEEK = "2026-W47"
START = datetime(2026, 11, 16, tzinfo=UTC)
END = START + timedelta(days=7)


def _key(contact_id: str) -> str:
    return f"Analysis/Voice/2026/11/17/{contact_id}_analysis_2026-11-17T10:00:00Z.json"


def test_listing_names_contact_and_agent_only_for_attributed_one_contact_files() -> None:
    agents = Attribution(
        by_contact={"c1": AgentRef("ann"), "c9": AgentRef("bob"), "c7": AgentRef("cy")}
    )
    objects = [
        StoredObject(_key("c1"), 10),
        StoredObject(_key("c2"), 10),  # no contact record: read it to learn who
        StoredObject("transcripts/2026/11/17/ann.jsonl", 10),  # many contacts a file
        StoredObject("analytics/2026/11/17/c9.json", 10),  # Transcribe: <job name>.json
        StoredObject("week/2026/11/17/c7.json.gz", 10),  # canonical, one file a contact
        StoredObject("week/2026/11/17/c7.csv", 10),  # CSV: rows of many contacts
    ]
    found = listed_candidates(objects, agents)
    assert found.known.rows() == [
        (_key("c1"), "c1", "ann"),
        ("analytics/2026/11/17/c9.json", "c9", "bob"),
        ("week/2026/11/17/c7.json.gz", "c7", "cy"),
    ]
    assert [o.key for o in found.unknown] == [
        _key("c2"),
        "transcripts/2026/11/17/ann.jsonl",
        "week/2026/11/17/c7.csv",
    ]
    assert listed_candidates(objects, None).known.is_empty()


def test_keys_to_fetch_takes_the_first_in_rank_order_of_each_agent() -> None:
    pending = pl.DataFrame(
        {
            "key": [f"k{a}{i}" for a in "ab" for i in range(8)],
            "contact_id": [f"{a}{i}" for a in "ab" for i in range(8)],
            "agent_id": [a for a in "ab" for _ in range(8)],
        }
    )
    nobody = pending.clear().select("contact_id", "agent_id")
    first = keys_to_fetch(pending, nobody, WEEK, 3)
    assert len(first) == 6
    assert {k[1] for k in first} == {"a", "b"}
    # once those are read and usable, nothing more is needed
    read = pending.filter(pl.col("key").is_in(first))
    rest = pending.filter(~pl.col("key").is_in(first))
    assert keys_to_fetch(rest, read.select("contact_id", "agent_id"), WEEK, 3) == []
    # one of them unusable: the next in rank order of that agent takes its place
    usable = read.filter(pl.col("key") != first[0]).select("contact_id", "agent_id")
    again = keys_to_fetch(rest, usable, WEEK, 3)
    assert len(again) == 1
    assert again[0][1] == first[0][1]


def _week(problems: list[int]) -> tuple[pl.DataFrame, dict[str, str]]:
    """A week of contacts; each one's kind: 0 fine, 1 broken file, 2 outside the week."""
    rows, kinds = [], {}
    for i, kind in enumerate(problems):
        agent = "ann" if i % 3 else "bob"
        started = START + timedelta(hours=i) if kind != 2 else START - timedelta(hours=5)
        rows.append(
            {
                "contact_id": f"c{i}",
                "agent_id": agent,
                "agent_name": None,
                "team": None,
                "started_at": started,
                "channel": "voice",
                "language": "en",
                "source_key": _key(f"c{i}"),
                "_listed_agent": agent,
            }
        )
        kinds[_key(f"c{i}")] = ["fine", "broken", "outside"][kind]
    schema = pl.Schema({**CONTACTS_SCHEMA, "_listed_agent": pl.String()})
    return pl.DataFrame(rows, schema=schema), kinds


@settings(max_examples=60, deadline=None)
@given(
    problems=st.lists(st.sampled_from([0, 0, 0, 0, 1, 2]), min_size=0, max_size=40),
    size=st.integers(1, 6),
    screen=st.integers(1, 14),
    policy=st.sampled_from(["random", "stratified"]),
    upset_every=st.integers(2, 5),
)
def test_sample_first_draws_what_reading_everything_draws(
    problems: list[int], size: int, screen: int, policy: str, upset_every: int
) -> None:
    week, kinds = _week(problems)
    contacts = week.drop("_listed_agent")
    upset = {c for i, c in enumerate(contacts["contact_id"]) if i % upset_every == 0}
    objects = {k: StoredObject(k, 100) for k in contacts["source_key"]}
    agents = Attribution(
        by_contact={
            r["contact_id"]: AgentRef(r["_listed_agent"]) for r in week.iter_rows(named=True)
        }
    )

    def read(batch: list[StoredObject]) -> LoadedShard:
        keys = [o.key for o in batch if kinds[o.key] != "broken"]
        return LoadedShard(
            contacts=contacts.filter(pl.col("source_key").is_in(keys)),
            turns=pl.DataFrame(schema=TURNS_SCHEMA),
            quarantined=[Quarantine(o.key, "broken") for o in batch if kinds[o.key] == "broken"],
        )

    def draw(loaded: LoadedShard, unread: pl.DataFrame | None) -> pl.DataFrame:
        return select_week(
            loaded.contacts,
            loaded.quarantined,
            week=WEEK,
            start=START,
            end=END,
            sample_size=size,
            policy=policy,  # type: ignore[arg-type]
            distressed=lambda frame: frame.filter(pl.col("contact_id").is_in(upset))["contact_id"],
            screen=screen,
            unread=unread,
        ).sampled

    everything = draw(read(list(objects.values())), None)
    depth = size + 1 if policy == "random" else max(screen, size + 1)
    first = fetch_in_rank_order(
        listed_candidates(list(objects.values()), agents),
        objects,
        read,
        week=WEEK,
        bounds=(START, END),
        depth=depth,
        duplicates={},
        spares={},
    )
    assert draw(first.loaded, first.unread).sort("contact_id").equals(everything.sort("contact_id"))
    # every listed file is either read or left unread, never both
    read_keys = {o.key for o in first.fetched}
    assert read_keys.isdisjoint(first.unread["key"].to_list())
    assert read_keys | set(first.unread["key"].to_list()) == set(objects)
    # it reads no more than the draw can reach plus what replaced unusable files
    bad = sum(1 for k in read_keys if kinds[k] != "fine")
    assert len(read_keys) <= 2 * depth + bad  # two agents


def test_unread_contacts_end_not_sampled_in_the_ledger() -> None:
    week, kinds = _week([0] * 12)
    contacts = week.drop("_listed_agent")
    agents = Attribution(
        by_contact={r["contact_id"]: AgentRef(r["agent_id"]) for r in week.iter_rows(named=True)}
    )
    objects = {k: StoredObject(k, 100) for k in kinds}

    def read(batch: list[StoredObject]) -> LoadedShard:
        keys = [o.key for o in batch]
        return LoadedShard(contacts=contacts.filter(pl.col("source_key").is_in(keys)))

    first = fetch_in_rank_order(
        Candidates(listed_candidates(list(objects.values()), agents).known, []),
        objects,
        read,
        week=WEEK,
        bounds=(START, END),
        depth=3,
        duplicates={},
        spares={},
    )
    assert first.rounds == 1
    assert len(first.fetched) == 6
    ledger = select_week(
        first.loaded.contacts,
        [],
        week=WEEK,
        start=START,
        end=END,
        sample_size=2,
        unread=first.unread,
    ).ledger
    assert sorted(ledger["key"].to_list()) == sorted(objects)
    assert ledger.filter(pl.col("state") == "scored").height == 4
    unread = ledger.filter(pl.col("reason") == NOT_FETCHED)
    assert unread.height == 6
    assert set(unread["state"]) == {"not_sampled"}
    assert unread["agent_id"].null_count() == 0
