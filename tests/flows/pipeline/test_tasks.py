"""The planning worker: a week it cannot cut into chunks of agents comes back listed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from flows.config.settings import Settings
from flows.examples.generate import generate_week, week_files
from flows.examples.writers import to_contact_lens, to_roster_csv
from flows.pipeline.agent_chunks import ChunkedListing
from flows.pipeline.tasks import UncutWeek, chunked_listing

WEEK = "2026-W47"


def _write(root: Path, files: list[tuple[str, bytes]]) -> None:
    for key, data in files:
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@pytest.mark.parametrize("layout", ["canonical", "contact_lens"])
def test_a_week_is_listed_once_whether_or_not_it_can_be_cut(tmp_path: Path, layout: str) -> None:
    contacts = generate_week(WEEK, seed=3)
    if layout == "canonical":  # files of many contacts among them: the listing cannot cut
        files = week_files(contacts, "in", with_broken=False)
    else:
        files = [to_contact_lens(c) for c in contacts]
    _write(tmp_path, [*files, ("roster.csv", to_roster_csv(contacts))])
    prefix = "in" if layout == "canonical" else "Analysis/Voice,Analysis/Chat"
    settings = Settings(
        store="local", local_root=tmp_path, input_prefix=prefix, roster="roster.csv"
    )

    planned = chunked_listing(settings, WEEK)

    if layout == "contact_lens":
        assert isinstance(planned, ChunkedListing)
        assert sum(chunk.height for chunk in planned.plan) == planned.listed == len(files)
        return
    assert isinstance(planned, UncutWeek)
    assert sorted(o.key for o in planned.listing.objects) == sorted(k for k, _ in files)
    assert planned.agents is not None
    assert set(planned.agents.by_contact) == {c.contact_id for c in contacts}
    assert (logging.INFO, f"Listed {len(files)} files") in [
        (level, line.split(" (")[0]) for level, line in planned.log
    ]


def test_what_reading_the_records_warns_of_reaches_the_run(tmp_path: Path) -> None:
    contacts = generate_week(WEEK, seed=3)
    roster = to_roster_csv(contacts)
    contact = contacts[0].contact_id.encode()
    _write(tmp_path, [to_contact_lens(c) for c in contacts])
    # the first contact again, under another agent
    _write(tmp_path, [("roster.csv", roster + contact + b",someone-else,,\r\n")])
    settings = Settings(
        store="local",
        local_root=tmp_path,
        input_prefix="Analysis/Voice,Analysis/Chat",
        roster="roster.csv",
    )
    planned = chunked_listing(settings, WEEK)
    warned = [line for level, line in planned.log if level == logging.WARNING]
    assert any("twice, first kept" in line for line in warned)
