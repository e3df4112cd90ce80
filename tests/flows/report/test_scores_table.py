"""The published score table: week dates, schema, masking and each agent's scorecard file."""

from __future__ import annotations

import polars as pl
import pytest

from checks.transcripts.transcript import CRITERIA
from flows.report.build import build_week_report
from flows.report.scores_table import (
    PUBLISHED_SCORES_SCHEMA,
    published_scores_table,
    week_bounds,
    week_dates_label,
)
from tests.flows.report.fixtures import RAW_CARD, WEEK, frames, strong_agent, weak_agent


@pytest.mark.parametrize(
    ("week", "monday", "label"),
    [
        ("2026-W47", "2026-11-16", "Mon 16 – Sun 22 Nov 2026"),
        ("2026-W49", "2026-11-30", "Mon 30 Nov – Sun 6 Dec 2026"),
        ("2026-W53", "2026-12-28", "Mon 28 Dec 2026 – Sun 3 Jan 2027"),
    ],
)
def test_week_dates(week: str, monday: str, label: str) -> None:
    assert str(week_bounds(week)[0]) == monday
    assert week_dates_label(week) == label


def test_published_table_schema_and_masking() -> None:
    agent = strong_agent()
    agent.name = f"Dana {RAW_CARD}"
    f = frames(WEEK, [agent])
    table = published_scores_table(WEEK, f["scores"], f["contacts"])
    assert table.schema == PUBLISHED_SCORES_SCHEMA
    assert table.height == 3
    assert set(table["week"]) == {WEEK}
    assert table["agent_name"].to_list() == ["Dana [card]"] * 3
    assert all(c in table.columns for c in CRITERIA)
    back = build_week_report(
        week="2026-W48",
        table=published_scores_table("2026-W48", f["scores"], f["contacts"]),
        findings=f["findings"],
        history=table,
        quarantined=[],
        rubric_version="r",
        code_version="c",
    )
    assert back.agents[0].previous_week == WEEK


def test_the_score_table_names_each_agents_scorecard_file() -> None:
    """Issue 18, hole 3: readers find a card from scores.csv, whatever the agent id."""
    from flows.report.file_names import scorecard_file_name

    odd, plain = strong_agent(), weak_agent()
    odd.agent_id = "team-summary/Ärger"
    f = frames(WEEK, [odd, plain])
    table = published_scores_table(WEEK, f["scores"], f["contacts"])
    files = dict(table.select("agent_id", "scorecard").unique().iter_rows())
    assert files == {
        odd.agent_id: scorecard_file_name(odd.agent_id),
        plain.agent_id: f"{plain.agent_id}.pdf",
    }
    assert files[odd.agent_id].startswith("team-summary_Arger~")


def test_an_agent_without_a_card_has_no_scorecard_file_in_the_table() -> None:
    f = frames(WEEK, [strong_agent(), weak_agent()])
    scores = f["scores"].with_columns(
        pl.when(pl.col("agent_id") == weak_agent().agent_id)
        .then(pl.lit("unsupported_language"))
        .otherwise(pl.col("state"))
        .alias("state")
    )
    table = published_scores_table(WEEK, scores, f["contacts"])
    files = dict(table.select("agent_id", "scorecard").unique().iter_rows())
    assert files == {strong_agent().agent_id: f"{strong_agent().agent_id}.pdf",
                     weak_agent().agent_id: None}  # fmt: skip
