"""Coaching picks: customers contacting again, then the longest contacts, scored and listed
apart from the sample and never in a mean."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import polars as pl
import pytest
from pypdf import PdfReader

from checks.rubric.rubric import load_rubric
from flows.render.pdf import render_scorecard_pdf
from flows.report.model import WeekReport
from flows.select.coaching_picks import (
    BECAUSE_LONG,
    BECAUSE_REPEAT,
    PICK_STATE,
    coaching_picks,
    with_coaching_picks,
)
from flows.select.ledger import select_week
from tests.flows.report.example_report import example_report

WEEK = "2026-W47"


def _week(lengths: dict[str, int], again: set[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    contacts = pl.DataFrame(
        {
            "contact_id": list(lengths),
            "agent_id": ["a"] * len(lengths),
            "started_at": [datetime(2026, 11, 17, 9, tzinfo=UTC)] * len(lengths),
            "source_key": [f"in/{c}.json" for c in lengths],
        }
    )
    turns = pl.DataFrame(
        [
            (
                c,
                t,
                "customer" if t % 2 == 0 else "agent",
                "This is the third time I've called about it" if c in again and t == 0 else "ok",
            )
            for c, n in lengths.items()
            for t in range(n)
        ],
        schema=["contact_id", "turn", "speaker", "text"],
        orient="row",
    )
    return contacts, turns


def test_customers_contacting_again_come_first_then_the_longest() -> None:
    contacts, turns = _week({"c1": 4, "c2": 12, "c3": 6, "c4": 20, "c5": 2}, again={"c3"})
    picks = coaching_picks(contacts, turns, load_rubric(), WEEK, 2)
    assert picks["contact_id"].to_list() == ["c3", "c4"]
    assert picks["sampled_because"].to_list() == [BECAUSE_REPEAT, BECAUSE_LONG]
    assert picks["weight"].null_count() == 2  # never in a mean
    shuffled = contacts.sample(fraction=1.0, shuffle=True, seed=3)
    assert coaching_picks(shuffled, turns, load_rubric(), WEEK, 2).equals(picks)
    assert coaching_picks(contacts, turns, load_rubric(), WEEK, 0).is_empty()


def test_picks_come_from_the_contacts_not_sampled_and_say_so_in_the_ledger() -> None:
    contacts, turns = _week({f"c{i}": 2 + i for i in range(10)}, again=set())
    selection = select_week(
        contacts,
        [],
        week=WEEK,
        start=datetime(2026, 11, 16, tzinfo=UTC),
        end=datetime(2026, 11, 23, tzinfo=UTC),
        sample_size=5,
    )
    picked = with_coaching_picks(selection, contacts, turns, load_rubric(), WEEK, 2)
    assert picked.picks is not None
    assert picked.picks.height == 2
    sampled = set(selection.sampled["contact_id"])
    assert not set(picked.picks["contact_id"]) & sampled
    states = dict(picked.ledger.select("contact_id", "state").iter_rows())
    assert {c for c, s in states.items() if s == PICK_STATE} == set(picked.picks["contact_id"])
    assert set(picked.to_score["contact_id"]) == sampled | set(picked.picks["contact_id"])
    reasons = picked.ledger.filter(pl.col("state") == PICK_STATE)["reason"].to_list()
    assert all("never in a mean" in r for r in reasons)


@pytest.fixture(scope="module")
def reports() -> tuple[WeekReport, WeekReport]:
    return example_report(), example_report(picks=2)


def test_picks_are_listed_apart_and_change_no_number(
    reports: tuple[WeekReport, WeekReport],
) -> None:
    plain, picked = reports
    assert plain.team.n_contacts == picked.team.n_contacts
    for a, b in zip(plain.agents, picked.agents, strict=True):
        assert not a.coaching_picks
        assert len(b.coaching_picks) == 2
        assert (a.overall, a.overall_interval, a.criteria) == (
            b.overall,
            b.overall_interval,
            b.criteria,
        )
        assert (a.signals, a.opportunities, a.coaching) == (b.signals, b.opportunities, b.coaching)
        assert {r.contact_id for r in a.contacts} == {r.contact_id for r in b.contacts}
        assert not {r.contact_id for r in b.coaching_picks} & {r.contact_id for r in b.contacts}


def test_the_card_shows_the_picks_with_why(reports: tuple[WeekReport, WeekReport]) -> None:
    card = reports[1].agents[0]
    pages = PdfReader(io.BytesIO(render_scorecard_pdf(card))).pages
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pages))
    assert "PICKED FOR COACHING" in text.upper()
    assert "never counted in a score above" in text
    for row in card.coaching_picks:
        assert row.contact_id in text
        assert row.why in text
