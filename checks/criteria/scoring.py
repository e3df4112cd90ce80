"""Entry point of the checks: turns in, per-contact scores and evidence findings out.

Each contact's language is identified first (checks.transcripts.language); contacts in a
language the rubric has no phrase lists for are not scored: they keep a score row in state
``unsupported_language`` with every criterion N/A, and produce no findings.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from checks.criteria.criteria import contact_scores
from checks.criteria.results import FINDINGS_SCHEMA, SCORES_SCHEMA, ScoredBatch, empty_batch
from checks.rubric.rubric import Rubric
from checks.signals.detection import detect_all
from checks.transcripts.language import contact_languages
from checks.transcripts.transcript import SIGNALS, TURNS_SCHEMA, Contact, turns_frame


def score_turns(
    turns: pl.DataFrame, rubric: Rubric, removed: pl.DataFrame | None = None
) -> ScoredBatch:
    """Score every contact in ``turns`` (TURNS_SCHEMA; one batch = whole agents' weeks) that is
    in one of the rubric's languages; the others get an ``unsupported_language`` row.
    ``removed`` (contact_id, signal, turn) names findings upheld in a dispute: they count
    towards no criterion and no signal count, but stay in the findings, so nothing is lost."""
    turns = turns.select(TURNS_SCHEMA.names()).cast(TURNS_SCHEMA)
    if turns.is_empty():
        return empty_batch()
    languages = contact_languages(turns, rubric.languages)
    unsupported = languages.filter(~pl.col("supported")).select("contact_id")
    if unsupported.is_empty():
        batch = _score_supported(turns, rubric, removed)
    else:
        # Left out of detection altogether, so that their text counts nowhere (not even
        # towards the agent's scripted lines).
        kept = turns.join(unsupported, on="contact_id", how="anti")
        batch = _score_supported(kept, rubric, removed) if kept.height else empty_batch()
        skipped = (
            turns.join(unsupported, on="contact_id", how="semi")
            .group_by("contact_id")
            .agg(
                agent_id=pl.col("agent_id").first(),
                n_turns=pl.len().cast(pl.Int32),
                n_agent_turns=(pl.col("speaker") == "agent").sum().cast(pl.Int32),
            )
            .with_columns(
                rubric_version=pl.lit(rubric.version),
                rubric_sha256=pl.lit(rubric.sha256),
                state=pl.lit("unsupported_language"),
            )
        )
        scores = pl.concat([batch.scores, skipped], how="diagonal_relaxed").sort("contact_id")
        batch = ScoredBatch(scores=scores, findings=batch.findings)
    scores = batch.scores.drop("language").join(
        languages.select("contact_id", "language"),
        on="contact_id",
        how="left",
        maintain_order="left",
    )
    return ScoredBatch(
        scores=scores.select(SCORES_SCHEMA.names()).cast(SCORES_SCHEMA), findings=batch.findings
    )


def _score_supported(
    turns: pl.DataFrame, rubric: Rubric, removed: pl.DataFrame | None = None
) -> ScoredBatch:
    """Scores and findings of contacts the rubric can read (language left null here)."""
    det = detect_all(turns, rubric)
    counted = det.hits
    if removed is not None and removed.height:
        where = det.rows.select("row", "contact_id", "turn")
        dropped = (
            det.hits.join(where, on="row")
            .join(
                removed.select("contact_id", "signal", pl.col("turn").cast(where["turn"].dtype)),
                on=["contact_id", "signal", "turn"],
                how="semi",
            )
            .select("row", "signal")
        )
        counted = det.hits.join(dropped, on=["row", "signal"], how="anti", maintain_order="left")
    per_contact = contact_scores(det.rows, counted, rubric)
    contacts = (
        turns.group_by("contact_id", maintain_order=True)
        .agg(agent_id=pl.col("agent_id").first(), n_turns=pl.len().cast(pl.Int32))
        .sort("contact_id")
        .with_row_index("ck")
        .with_columns(pl.col("ck").cast(pl.UInt32))
    )
    scores = contacts.join(per_contact, on="ck", how="left").with_columns(
        rubric_version=pl.lit(rubric.version),
        rubric_sha256=pl.lit(rubric.sha256),
        language=pl.lit(None, pl.String),
        state=pl.lit("scored"),
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
