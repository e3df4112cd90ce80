"""A week's report built chunk by chunk of agents (each with the week's team figures) and
joined is the report built from the whole week at once."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from checks.rubric.rubric import load_rubric
from flows.config.weeks import IsoWeek
from flows.report.aggregate import footnote_text
from flows.report.build import (
    SummaryHeader,
    build_week_report,
    joined_week_report,
    team_figures,
)
from flows.report.model import WeekReport
from flows.report.scores_table import PUBLISHED_SCORES_SCHEMA
from tests.flows.report.example_report import scored_week

WEEK = "2026-W47"
WHEN = datetime(2026, 11, 23, 6, tzinfo=UTC)


def _build(
    table: pl.DataFrame,
    findings: pl.DataFrame,
    turns: pl.DataFrame,
    history: pl.DataFrame,
    **kw: object,
) -> WeekReport:
    rubric = load_rubric()
    return build_week_report(
        week=WEEK,
        table=table,
        findings=findings,
        history=history,
        quarantined=[("a/b.json", "not JSON")],
        rubric_version=rubric.label,
        code_version="test",
        turns=turns,
        generated_at=WHEN,
        bands=rubric.bands,
        policy=rubric.report,
        attribution_failures=[("ctr/x.json", "no contact matched")],
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("chunks", [1, 3, 8])
def test_chunks_joined_make_the_whole_week(chunks: int) -> None:
    rubric = load_rubric()
    history = pl.concat(
        [
            PUBLISHED_SCORES_SCHEMA.to_frame(),
            scored_week(str(IsoWeek.parse(WEEK).shift(-1)), rubric, n_agents=8)[0],
        ]
    )
    table, findings, turns = scored_week(WEEK, rubric, n_agents=8, picks=1)
    whole = _build(table, findings, turns, history)

    agents = sorted(table["agent_id"].unique().to_list())
    team = team_figures(table)
    parts = []
    for n in range(chunks):
        mine = agents[n::chunks]
        of = pl.col("agent_id").is_in(mine)
        part_table = table.filter(of)
        parts.append(
            _build(
                part_table,
                findings.join(part_table.select("contact_id"), on="contact_id", how="semi"),
                turns.join(part_table.select("contact_id"), on="contact_id", how="semi"),
                history.filter(of),
                team=team,
            )
        )
    joined = joined_week_report(
        parts,
        team,
        SummaryHeader(WEEK, rubric.label, "test", WHEN, footnote_text(rubric.label, "test")),
        quarantined=[("a/b.json", "not JSON")],
        attribution_failures=[("ctr/x.json", "no contact matched")],
    )
    assert joined.agents == whole.agents
    assert joined.team == whole.team
    assert joined == whole


def test_a_chunk_alone_compares_with_its_own_team_not_the_weeks() -> None:
    rubric = load_rubric()
    table, findings, turns = scored_week(WEEK, rubric, n_agents=8)
    one = table.filter(pl.col("agent_id") == table["agent_id"].min())
    alone = _build(one, findings, turns, PUBLISHED_SCORES_SCHEMA.to_frame())
    within = _build(
        one, findings, turns, PUBLISHED_SCORES_SCHEMA.to_frame(), team=team_figures(table)
    )
    # without the week's figures the one agent is its own team's median
    assert alone.agents[0].team_median == alone.agents[0].overall
    assert within.agents[0].team_median != alone.agents[0].team_median
