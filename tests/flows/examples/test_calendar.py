"""ISO weeks and start times: every contact inside its week, spread over the days."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from checks.transcripts.transcript import Contact
from flows.examples.generate import generate_week, week_start


@pytest.mark.parametrize("iso", ["2026-W47", "2026-W01", "2026-W53", "2027-W10"])
def test_every_contact_starts_inside_its_iso_week(iso: str) -> None:
    monday = week_start(iso)
    contacts = generate_week(iso, n_agents=3)
    for c in contacts:
        assert c.started_at is not None
        assert c.started_at.tzinfo is not None
        assert monday <= c.started_at < monday + timedelta(days=7)
        assert c.started_at.isocalendar()[:2] == monday.isocalendar()[:2]


def test_contacts_are_spread_over_the_days(week: list[Contact]) -> None:
    days = Counter(c.started_at.weekday() for c in week if c.started_at)
    assert len(days) == 7
    assert days[0] > days[6]


@pytest.mark.parametrize("bad", ["2026-47", "2026-W5", "2025-W53", "W47", ""])
def test_week_start_rejects_bad_weeks(bad: str) -> None:
    with pytest.raises(ValueError, match=r"ISO week"):
        week_start(bad)
