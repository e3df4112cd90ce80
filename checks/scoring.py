"""Entry point of the checks: turns in, per-contact scores and evidence findings out."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from checks.criteria import contact_scores
from checks.detection import detect_all
from checks.results import FINDINGS_SCHEMA, SCORES_SCHEMA, ScoredBatch
from checks.rubric import Rubric
from checks.transcript import SIGNALS, TURNS_SCHEMA, Contact, turns_frame


def score_turns(turns: pl.DataFrame, rubric: Rubric) -> ScoredBatch:
    """Score every contact in ``turns`` (TURNS_SCHEMA; one batch = whole agents' weeks)."""
    turns = turns.select(TURNS_SCHEMA.names()).cast(TURNS_SCHEMA)
    if turns.is_empty():
        return ScoredBatch(
            scores=pl.DataFrame(schema=SCORES_SCHEMA), findings=pl.DataFrame(schema=FINDINGS_SCHEMA)
        )
    det = detect_all(turns, rubric)
    per_contact = contact_scores(det.rows, det.hits, rubric)
    contacts = (
        turns.group_by("contact_id", maintain_order=True)
        .agg(agent_id=pl.col("agent_id").first(), n_turns=pl.len().cast(pl.Int32))
        .sort("contact_id")
        .with_row_index("ck")
        .with_columns(pl.col("ck").cast(pl.UInt32))
    )
    scores = contacts.join(per_contact, on="ck", how="left").with_columns(
        rubric_version=pl.lit(rubric.version),
        n_agent_turns=pl.col("n_agent").fill_null(0).cast(pl.Int32),
        routine=pl.col("routine").fill_null(True),
        opportunity=pl.col("opportunity").fill_null("none"),
        **{f"n_{s}": pl.col(f"n_{s}").fill_null(0).cast(pl.Int32) for s in SIGNALS},
    )
    scores = scores.select(SCORES_SCHEMA.names()).cast(SCORES_SCHEMA)
    public = det.hits.filter(pl.col("signal").is_in(list(SIGNALS)))
    findings = (
        public.join(
            det.rows.select("row", "contact_id", "agent_id", "turn", "speaker"),
            on="row",
            maintain_order="left",
        )
        .select(
            "contact_id",
            "agent_id",
            "signal",
            "turn",
            "speaker",
            "start",
            "end",
            text=pl.col("match"),
        )
        .cast(FINDINGS_SCHEMA)
    )
    return ScoredBatch(scores=scores, findings=findings)


def score_contacts(contacts: Sequence[Contact], rubric: Rubric) -> ScoredBatch:
    """Score Contact records (a convenience over ``score_turns``)."""
    return score_turns(turns_frame(contacts), rubric)
