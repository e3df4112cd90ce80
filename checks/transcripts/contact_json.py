"""The public per-contact JSON of `rapport score --json` (a stable interface)."""

from __future__ import annotations

from typing import Any

import polars as pl

from checks.criteria.results import ScoredBatch
from checks.transcripts.transcript import CRITERIA

FINDING_KEYS = ("signal", "turn", "speaker", "start", "end", "text")


def _num(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def contact_results(batch: ScoredBatch) -> list[dict[str, Any]]:
    """One JSON-ready dict per contact, in the order of ``batch.scores``: ``state`` is
    ``scored``, or ``unsupported_language`` (``language`` is not one the rubric has phrase
    lists for: overall, every criterion and the opportunity are null, no findings)."""
    by_contact: dict[str, list[dict[str, Any]]] = {}
    findings = batch.findings.sort("contact_id", "turn", "start", "signal")
    for row in findings.select("contact_id", *FINDING_KEYS).iter_rows(named=True):
        by_contact.setdefault(row["contact_id"], []).append({k: row[k] for k in FINDING_KEYS})
    out: list[dict[str, Any]] = []
    cols = [
        "contact_id",
        "agent_id",
        "rubric_version",
        "rubric_sha256",
        "language",
        "state",
        "overall",
        "opportunity",
        *CRITERIA,
    ]
    for row in batch.scores.select(pl.col(cols)).iter_rows(named=True):
        criteria: dict[str, dict[str, Any]] = {
            name: {"score": _num(row[name])} for name in CRITERIA
        }
        criteria["empathy"]["opportunity"] = row["opportunity"]
        out.append(
            {
                "contact_id": row["contact_id"],
                "agent_id": row["agent_id"],
                "rubric_version": row["rubric_version"],
                "rubric_sha256": row["rubric_sha256"],
                "language": row["language"],
                "state": row["state"],
                "overall": _num(row["overall"]),
                "criteria": criteria,
                "findings": by_contact.get(row["contact_id"], []),
            }
        )
    return out
