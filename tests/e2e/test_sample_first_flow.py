"""A Contact Lens week with contact records: the flow fetches only what the sample can reach,
and publishes the same scores as a run that reads every file."""

from __future__ import annotations

import gzip
import io
import json
from collections import defaultdict

import polars as pl
import pytest

from checks.criteria.results import SCORES_SCHEMA
from checks.transcripts.transcript import Contact
from flows.config.settings import Settings
from flows.examples.generate import contact_to_json, generate_week
from flows.examples.writers import (
    to_contact_lens,
    to_ctr_files,
    to_roster_csv,
    to_transcribe,
)
from flows.pipeline.weekly import weekly_audit
from flows.select.ledger import NOT_FETCHED
from flows.select.sampling import sample_rank
from flows.stores.s3 import S3Store

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness")]
WEEK = "2026-W47"
PREFIXES = "Analysis/Voice,Analysis/Voice/Redacted,Analysis/Chat,Analysis/Chat/Redacted"
COLUMNS = [*SCORES_SCHEMA.names(), "weight", "sampled_because"]


def _run(store: S3Store, out: str, **overrides: object) -> tuple[pl.DataFrame, pl.DataFrame]:
    settings = Settings(
        store="s3",
        bucket=store.bucket,
        endpoint_url=store.endpoint_url,
        out_dir=None,
        output_prefix=out,
        **{"input_prefix": PREFIXES, "ctr_prefix": "ctr", **overrides},  # type: ignore[arg-type]
    )
    weekly_audit(week=WEEK, settings=settings)
    scores = pl.read_parquet(io.BytesIO(store.get(f"{out}/{WEEK}/scores.parquet")))
    ledger = pl.read_csv(io.BytesIO(store.get(f"{out}/{WEEK}/ledger.csv")))
    return scores.select(COLUMNS).drop("rubric_version").sort("contact_id"), ledger


def _first_in_rank_order(contacts: list[Contact]) -> list[Contact]:
    """Each agent's first contact in sample order: every sample-first run fetches it."""
    by_agent: dict[str, list[Contact]] = defaultdict(list)
    for c in contacts:
        assert c.agent_id is not None
        by_agent[c.agent_id].append(c)
    return [
        min(group, key=lambda c: sample_rank(WEEK, agent, c.contact_id))
        for agent, group in sorted(by_agent.items())
    ]


def test_sample_first_reads_less_and_scores_the_same(s3_store: S3Store) -> None:
    # the stratified default; the random policy is covered by the property test of
    # tests/flows/select/test_sample_first.py
    policy = "stratified"
    contacts = generate_week(WEEK, seed=5)
    first = _first_in_rank_order(contacts)
    lost, spared = first[0], first[1]  # unreadable; its redacted copy unreadable, raw fine
    for c in contacts:
        for redacted in (False, True):
            key, data = to_contact_lens(c, redacted=redacted)
            broken = c is lost or (c is spared and redacted)
            s3_store.put(key, b"{ not json" if broken else data)
    for key, data in to_ctr_files(contacts):
        s3_store.put(key, data)

    fast, fast_ledger = _run(s3_store, f"first-{policy}", sample_policy=policy)
    full, full_ledger = _run(s3_store, f"all-{policy}", sample_policy=policy, read_all=True)

    assert fast.height == 5 * len({c.agent_id for c in contacts})  # the next filled the gap
    assert lost.contact_id not in fast["contact_id"].to_list()
    assert fast.equals(full)
    # every listed file ends in exactly one state in both runs
    assert fast_ledger["key"].n_unique() == fast_ledger.height
    assert sorted(fast_ledger["key"]) == sorted(full_ledger["key"])
    unread = fast_ledger.filter(pl.col("reason") == NOT_FETCHED)
    assert unread.height > len(contacts) // 3  # most of the week was never fetched
    assert set(unread["state"]) == {"not_sampled"}
    manifest = json.loads(s3_store.get(f"first-{policy}/{WEEK}/manifest.json"))
    assert manifest["counts"]["not_fetched"] == unread.height
    assert (manifest["sample_policy"], manifest["screen"]) == ("stratified", "10")
    full_manifest = json.loads(s3_store.get(f"all-{policy}/{WEEK}/manifest.json"))
    assert full_manifest["counts"]["not_fetched"] == 0
    # the files it did read end where reading everything put them
    read = fast_ledger.filter(pl.col("reason").is_null() | (pl.col("reason") != NOT_FETCHED))
    same = read.join(full_ledger, on="key", suffix="_full")
    assert same.height == read.height
    assert same.filter(pl.col("state") != pl.col("state_full")).is_empty()
    # the broken first-ranked contact was read, quarantined, and the next one took its place
    quarantined = read.filter(pl.col("state") == "quarantined")["key"].to_list()
    assert any(lost.contact_id in k for k in quarantined)
    assert fast.filter(pl.col("contact_id") == spared.contact_id).height == 1


@pytest.mark.parametrize("layout", ["transcribe", "canonical"])
def test_one_contact_files_of_other_formats_are_read_sample_first(
    s3_store: S3Store, layout: str
) -> None:
    # Transcribe outputs named after their contact, with contact records; a canonical week laid
    # out one <contact id>.json.gz per contact, with a roster
    contacts = generate_week(WEEK, seed=8)
    first = _first_in_rank_order(contacts)
    lost = first[0]  # its file is broken: the next in rank order takes its place
    prefix = f"{layout}-in"
    for c in contacts:
        assert c.started_at is not None
        day = f"{c.started_at:%Y/%m/%d}"
        if layout == "transcribe":
            _, data = to_transcribe(c)
            key = f"{prefix}/{day}/{c.contact_id}.json"
        else:
            data = gzip.compress(json.dumps(contact_to_json(c)).encode("utf-8"))
            key = f"{prefix}/{day}/{c.contact_id}.json.gz"
        s3_store.put(key, b"{ not json" if c is lost else data)
    overrides: dict[str, object] = {"input_prefix": prefix}
    if layout == "transcribe":
        for key, data in to_ctr_files(contacts):
            s3_store.put(key, data)
    else:
        s3_store.put("roster/agents.csv", to_roster_csv(contacts))
        overrides |= {"ctr_prefix": None, "roster": "roster/agents.csv"}

    fast, fast_ledger = _run(s3_store, f"first-{layout}", **overrides)
    full, full_ledger = _run(s3_store, f"all-{layout}", read_all=True, **overrides)

    assert fast.height == 5 * len({c.agent_id for c in contacts})
    assert lost.contact_id not in fast["contact_id"].to_list()
    assert fast.equals(full)
    assert sorted(fast_ledger["key"]) == sorted(full_ledger["key"])
    unread = fast_ledger.filter(pl.col("reason") == NOT_FETCHED)
    assert unread.height > len(contacts) // 3
    assert full_ledger.filter(pl.col("reason") == NOT_FETCHED).is_empty()
