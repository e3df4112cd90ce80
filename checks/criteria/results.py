"""Output contract of the checks: per-contact score rows and per-finding evidence rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from checks.transcripts.transcript import CRITERIA, SIGNALS

OPPORTUNITIES: Final = ("needed_shown", "needed_missed", "none")
# What happened to a contact handed to the checks: scored, or not scored because it is in a
# language the rubric has no phrase lists for (every criterion, overall, the opportunity, the
# routine flag and the signal counts are then null, and it has no findings).
CONTACT_STATES: Final = ("scored", "unsupported_language")

# One row per contact, sorted by contact_id. ``language`` is the ISO 639-1 code the contact
# was treated as (checks.transcripts.language); criteria and overall are 0-100 or null (N/A).
SCORES_SCHEMA: Final = pl.Schema(
    {
        "contact_id": pl.String,
        "agent_id": pl.String,
        "rubric_version": pl.String,
        "rubric_sha256": pl.String,  # of the rubric file's bytes: an edit shows
        "language": pl.String,
        "state": pl.String,
        **{name: pl.Float64 for name in CRITERIA},
        "overall": pl.Float64,
        "opportunity": pl.String,
        "routine": pl.Boolean,
        "n_turns": pl.Int32,
        "n_agent_turns": pl.Int32,
        **{f"n_{name}": pl.Int32 for name in SIGNALS},
    }
)

FINDINGS_SCHEMA: Final = pl.Schema(
    {
        "contact_id": pl.String,
        "agent_id": pl.String,
        "signal": pl.String,
        "turn": pl.Int32,
        "speaker": pl.String,
        "start": pl.Int32,
        "end": pl.Int32,
        "text": pl.String,
    }
)


@dataclass(frozen=True, slots=True)
class ScoredBatch:
    """Scores (one row per contact, SCORES_SCHEMA) and findings (FINDINGS_SCHEMA)."""

    scores: pl.DataFrame
    findings: pl.DataFrame


def empty_batch() -> ScoredBatch:
    """A batch with no rows, in the output schemas."""
    return ScoredBatch(pl.DataFrame(schema=SCORES_SCHEMA), pl.DataFrame(schema=FINDINGS_SCHEMA))
