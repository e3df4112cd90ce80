"""The generated example week as the weekly flow reports it (stratified sample, two earlier
weeks of history), without S3 or Prefect: for tests that read every card."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from checks.criteria.scoring import score_turns
from checks.rubric.rubric import Rubric, load_rubric
from checks.signals.distress_screen import distressed_contacts
from checks.transcripts.transcript import contacts_frame, turns_frame
from flows.config.weeks import IsoWeek
from flows.examples.generate import generate_week
from flows.report.build import build_week_report
from flows.report.model import WeekReport
from flows.report.scores_table import PUBLISHED_SCORES_SCHEMA, published_scores_table
from flows.select.coaching_picks import coaching_picks
from flows.select.sampling import SamplePolicy, sample_per_agent


def scored_week(
    week: str,
    rubric: Rubric,
    *,
    n_agents: int = 8,
    size: int | None = 5,
    policy: SamplePolicy = "stratified",
    picks: int = 0,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(published table, findings, sampled turns) of one generated week (seeded like the demo)."""
    contacts = generate_week(week, n_agents=n_agents, seed=7 + IsoWeek.parse(week).week)
    frame, turns = contacts_frame(contacts), turns_frame(contacts)
    sampled = sample_per_agent(
        frame,
        week,
        size,
        policy=policy,
        distressed=lambda c: distressed_contacts(
            turns.join(c.select("contact_id"), on="contact_id", how="semi"), rubric
        ),
    )
    rest = frame.join(sampled.select("contact_id"), on="contact_id", how="anti")
    chosen = pl.concat([sampled, coaching_picks(rest, turns, rubric, week, picks)])
    turns = turns.join(chosen.select("contact_id"), on="contact_id", how="semi")
    batch = score_turns(turns, rubric)
    return published_scores_table(week, batch.scores, chosen), batch.findings, turns


def example_report(
    week: str = "2026-W47", *, n_agents: int = 8, size: int | None = 5, picks: int = 0
) -> WeekReport:
    """The example week's report, with the two weeks before it as history."""
    rubric = load_rubric()
    iso = IsoWeek.parse(week)
    history = [
        scored_week(str(iso.shift(-k)), rubric, n_agents=n_agents, size=size)[0] for k in (2, 1)
    ]
    table, findings, turns = scored_week(week, rubric, n_agents=n_agents, size=size, picks=picks)
    return build_week_report(
        week=week,
        table=table,
        findings=findings,
        history=pl.concat([PUBLISHED_SCORES_SCHEMA.to_frame(), *history]),
        quarantined=[],
        rubric_version=rubric.version,
        code_version="test",
        turns=turns,
        generated_at=datetime(2026, 11, 23, 6, tzinfo=UTC),
        bands=rubric.bands,
    )
