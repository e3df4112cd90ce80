"""The large week: pinned, shaped, deterministic yet varied, and the same week as files."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import polars as pl
import pytest

from checks.transcripts.transcript import CONTACTS_SCHEMA, TURNS_SCHEMA
from flows.examples.generate import large_week_files, large_week_frames, week_start
from tests.flows.examples.fixtures import WEEK, decode_file

# A small large week, pinned: update it as consciously as WEEK_DIGEST in test_generate.py.
LARGE_DIGEST = "a8f75f235069ee01d7499ad0dd196bcb0cf0690da5dedf394ca494614ae9784c"


# --- large weeks for benchmarks ---------------------------------------------------------------


@pytest.fixture(scope="module")
def large() -> tuple[pl.DataFrame, pl.DataFrame]:
    return large_week_frames(WEEK, 30, 900, seed=3)


def test_the_large_week_is_pinned(large: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    h = hashlib.sha256()
    for frame in large:
        for row in frame.iter_rows():
            h.update(repr(row).encode())
    assert h.hexdigest() == LARGE_DIGEST


def test_large_week_frames_shape_and_schema(large: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    contacts, turns = large
    assert contacts.schema == CONTACTS_SCHEMA
    assert turns.schema == TURNS_SCHEMA
    assert contacts.height == 900
    assert contacts["contact_id"].n_unique() == 900
    assert contacts["agent_id"].n_unique() == 30
    per_contact = turns.group_by("contact_id").len()
    assert per_contact.height == 900
    assert 14 <= per_contact["len"].mean() <= 34  # type: ignore[operator]
    assert set(turns["speaker"].unique()) <= {"agent", "customer", "system"}
    assert not turns["text"].str.contains("\x1f", literal=True).any()
    assert not turns["text"].str.contains("{", literal=True).any()
    monday = week_start(WEEK)
    assert contacts["started_at"].min() >= monday  # type: ignore[operator]
    assert contacts["started_at"].max() < monday + timedelta(days=7)  # type: ignore[operator]
    joined = turns.join(contacts, on="contact_id", how="anti")
    assert joined.is_empty()


def test_large_week_is_deterministic_and_varied(large: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    contacts, turns = large_week_frames(WEEK, 30, 900, seed=3)
    assert contacts.equals(large[0])
    assert turns.equals(large[1])
    agent_text = (
        turns.filter(pl.col("speaker") == "agent")
        .group_by("contact_id")
        .agg(pl.col("text").str.join("\n"))
    )
    assert agent_text["text"].n_unique() == 900
    assert contacts["channel"].n_unique() == 2


def test_large_week_files_hold_the_same_week(large: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    contacts, turns = large
    seen: list[dict[str, Any]] = []
    for key, data in large_week_files(WEEK, 30, 900, "bench/", seed=3):
        assert re.fullmatch(r"bench/\d{4}/\d\d/\d\d/a-\d+-\d{8}\.jsonl\.gz", key)
        docs = decode_file(key, data)
        assert len({d["agent_id"] for d in docs}) == 1
        assert all(key.split("/")[1:4] == d["started_at"][:10].split("-") for d in docs)
        seen.extend(docs)
    assert len(seen) == 900
    first = next(d for d in seen if d["contact_id"] == contacts["contact_id"][0])
    want = turns.filter(pl.col("contact_id") == first["contact_id"]).sort("turn")
    assert [t["text"] for t in first["turns"]] == want["text"].to_list()
    assert first["started_at"].endswith("Z")
