"""Intervals as a reader sees them: rendered cards and team summary read back from the PDF."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import polars as pl
from pypdf import PdfReader

from checks.criteria.intervals import TOO_FEW, describe_change
from flows.render.pdf import render_scorecard_pdf, render_team_summary_pdf
from flows.report.build import build_week_report
from flows.report.model import WeekReport
from flows.report.scores_table import published_scores_table
from tests.flows.report.fixtures import A, C, frames, strong_agent, weak_agent

WEEK, LAST_WEEK = "2026-W47", "2026-W46"


def _text(pdf: bytes) -> str:
    raw = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", raw)


def _busy(agent: A, copies: int) -> A:
    """The agent with each contact repeated ``copies`` times (new ids), so criteria apply to
    enough contacts to get an interval."""
    contacts = [
        C(f"{c.contact_id}-{k}", c.day, c.scores, c.opportunity, c.turns, c.findings)
        for k in range(copies)
        for c in agent.contacts
    ]
    return A(agent.agent_id, agent.name, agent.team, contacts)


def _report(shift: dict[str, float], copies: int = 2) -> WeekReport:
    """This week from the fixtures; last week the same contacts with overall moved by
    ``shift[agent]`` points."""
    f = frames(WEEK, [_busy(strong_agent(), copies), _busy(weak_agent(), copies)])
    table = published_scores_table(WEEK, f["scores"], f["contacts"])
    moved = pl.col("agent_id").replace_strict(shift, default=0.0, return_dtype=pl.Float64)
    history = table.with_columns(
        week=pl.lit(LAST_WEEK),
        contact_id=pl.col("contact_id") + "-last",
        overall=(pl.col("overall") + moved).clip(0.0, 100.0),
    )
    return build_week_report(
        week=WEEK,
        table=table,
        findings=f["findings"],
        history=history,
        quarantined=[],
        rubric_version="r",
        code_version="c",
        turns=f["turns"],
        generated_at=datetime(2026, 11, 23, 6, tzinfo=UTC),
    )


def test_a_change_inside_the_noise_is_labelled_so_on_the_rendered_card() -> None:
    # a-001's week moved 4 points (noise for 6 contacts); a-002's fell from the top (not noise)
    report = _report({"a-001": -4.0, "a-002": 60.0})
    small, big = report.agents
    assert small.change is not None
    assert round(small.change) == 4
    assert small.change_verdict == "within_noise"
    assert big.change_verdict == "down"
    small_text = _text(render_scorecard_pdf(small))
    assert f"vs {LAST_WEEK}: within noise" in small_text
    assert "more than the noise" not in small_text
    big_text = _text(render_scorecard_pdf(big))
    assert f"vs {LAST_WEEK}: more than the noise" in big_text
    assert "within noise" not in big_text
    # the headline range is the model's interval, as a reader sees it
    assert small.overall_interval is not None
    assert f"90% range {small.overall_interval.label()}" in small_text
    assert describe_change(small.overall_interval, None).endswith(TOO_FEW)


def test_a_criterion_on_too_few_contacts_shows_words_not_a_number() -> None:
    report = _report({}, copies=1)  # empathy applies in 2 of each agent's 3 contacts
    card = report.agents[0]
    few = [c for c in card.criteria if c.applied < 3]
    assert few
    assert all(c.too_few and c.interval is None for c in few)
    text = _text(render_scorecard_pdf(card))
    assert text.count(TOO_FEW) >= len(few)


def test_team_summary_ranks_with_ranges_and_states_the_width() -> None:
    report = _report({"a-001": -4.0})
    text = _text(render_team_summary_pdf(report.team))
    assert report.team.width_line.startswith("How sure: with 6 contacts")
    assert "How sure: with 6 contacts an agent's overall is typically good to ±" in text
    for row in report.team.agents:
        assert row.interval is not None
        assert f"{row.overall:.0f} {row.interval.label()}" in text
