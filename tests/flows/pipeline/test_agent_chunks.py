"""Chunks of agents: when a week can be split before reading, into what, and what each chunk's
job carries (only its own files, copies and contact records)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.rubric.rubric import load_rubric
from flows.config.settings import Settings
from flows.ingest.attribution import AgentRef, Attribution
from flows.pipeline.agent_chunks import CHUNK_CONTACTS, ScoreJob, chunk_plan, score_jobs
from flows.stores.base import StoredObject
from flows.stores.local import LocalStore
from flows.stores.scratch import Scratch

DAY = "Analysis/Voice/2026/11/17/"


def _key(contact: str, redacted: bool = False) -> str:
    folder, tag = ("Redacted/", "_redacted") if redacted else ("", "")
    return f"{DAY}{folder}{contact}_analysis{tag}_2026-11-17T10:00:00Z.json"


def _week(per_agent: dict[str, int]) -> tuple[list[StoredObject], Attribution]:
    objects, refs = [], {}
    for agent, n in per_agent.items():
        for i in range(n):
            contact = f"{agent}-c{i}"
            objects.append(StoredObject(_key(contact), 100))
            refs[contact] = AgentRef(agent)
    return objects, Attribution(by_contact=refs)


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 30), min_size=1, max_size=25),
    workers=st.integers(1, 4),
)
def test_chunks_hold_whole_agents_and_every_file_once(sizes: list[int], workers: int) -> None:
    objects, agents = _week({f"a{n:03d}": size for n, size in enumerate(sizes)})
    plan = chunk_plan(Settings(render_workers=workers), objects, agents)
    assert plan is not None
    keys = [k for chunk in plan for k in chunk["key"].to_list()]
    assert sorted(keys) == sorted(o.key for o in objects)  # each file in exactly one chunk
    owners = [set(chunk["agent_id"].to_list()) for chunk in plan]
    for i, mine in enumerate(owners):
        for other in owners[i + 1 :]:
            assert not mine & other  # an agent's week is never split
    target = max(1, min(CHUNK_CONTACTS, -(-len(objects) // (4 * workers))))
    for chunk in plan:  # over the target only when one agent alone is over it
        assert chunk.height <= target or chunk["agent_id"].n_unique() == 1


def test_no_chunks_when_a_file_must_be_read_to_know_its_agent() -> None:
    objects, agents = _week({"a1": 3, "a2": 2})
    assert chunk_plan(Settings(), objects, agents) is not None
    assert chunk_plan(Settings(whole_week=True), objects, agents) is None
    assert chunk_plan(Settings(), objects, None) is None  # no contact records, no roster
    unattributed = [*objects, StoredObject(_key("nobody-knows"), 100)]
    assert chunk_plan(Settings(), unattributed, agents) is None
    per_agent_file = [*objects, StoredObject("transcripts/2026/11/17/a1.jsonl", 100)]
    assert chunk_plan(Settings(), per_agent_file, agents) is None
    assert chunk_plan(Settings(), [], agents) is None


def test_each_job_carries_only_its_own_files_copies_and_records(tmp_path: Path) -> None:
    objects, agents = _week({"a1": 4, "a2": 3, "a3": 5})
    copy = StoredObject(_key("a2-c1", redacted=True), 90)  # the redacted copy, skipped
    duplicates = {copy.key: _key("a2-c1")}
    plan = chunk_plan(Settings(render_workers=1), objects, agents)
    assert plan is not None
    assert len(plan) == 3
    base = ScoreJob(
        number=0,
        settings=Settings(),
        week="2026-W47",
        rubric=load_rubric(),
        known=plan[0].head(0),
        duplicates={},
        spares={},
        directory={},
        pseudonym_key=b"k",
        disputes=[],
        scratch=Scratch(LocalStore(tmp_path), "", tmp_path),
    )
    by_key = {o.key: o for o in objects}
    jobs = list(score_jobs(plan, base, duplicates, {copy.key: copy}))
    assert plan == []  # handed out: the flow keeps none
    assert [j.number for j in jobs] == [0, 1, 2]
    for job in jobs:
        (agent,) = job.known["agent_id"].unique().to_list()
        files = job.objects()
        assert {k: files[k] for k in files if k != copy.key} == {
            k: by_key[k] for k in job.known["key"].to_list()
        }
        refs = job.attribution().by_contact
        assert refs == {c: agents.by_contact[c] for c in job.known["contact_id"].to_list()}
        assert {ref.agent_id for ref in refs.values()} == {agent}
        assert job.duplicates == (duplicates if agent == "a2" else {})
        assert (copy.key in job.spares) == (agent == "a2")
        assert job.scratch.folder == tmp_path


@pytest.mark.parametrize("rows", [0, 1])
def test_an_empty_or_tiny_week(rows: int) -> None:
    objects, agents = _week({"a1": rows} if rows else {})
    plan = chunk_plan(Settings(), objects, agents)
    assert (plan is None) == (rows == 0)
    if plan is not None:
        assert pl.concat(plan).height == rows
