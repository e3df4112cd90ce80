"""`agents.csv`: one row per agent with the week's scores, their 90% intervals and the change
verdict, the machine-readable twin of the scorecards' headline and criteria."""

from __future__ import annotations

from typing import Any, Final

import polars as pl

from checks.criteria.intervals import Interval
from checks.transcripts.transcript import CRITERIA
from flows.report.model import WeekReport

AGENT_TABLE_FILE: Final = "agents.csv"


def _span(prefix: str, iv: Interval | None) -> dict[str, Any]:
    return {
        f"{prefix}_low": None if iv is None else round(iv.low, 2),
        f"{prefix}_high": None if iv is None else round(iv.high, 2),
    }


def agent_table(report: WeekReport) -> pl.DataFrame:
    """The week's agents with overall and criteria, each with its 90% interval (empty when too
    few contacts to tell), the contacts behind it, band and change verdict."""
    rows: list[dict[str, Any]] = []
    for card in report.agents:
        row: dict[str, Any] = {
            "week": card.week,
            "agent_id": card.agent_id,
            "agent_name": card.agent_name,
            "team": card.team,
            "contacts": card.contacts_sampled,
            "upset_contacts": card.opportunities.needed_shown + card.opportunities.needed_missed,
            "overall": card.overall,
            **_span("overall", card.overall_interval),
            "band": card.band,
            "change": card.change,
            "change_verdict": card.change_verdict,
        }
        for c in card.criteria:
            row[c.key] = None if c.too_few else c.score
            row.update(_span(c.key, c.interval))
            row[f"{c.key}_contacts"] = c.applied
            row[f"{c.key}_band"] = c.band
        rows.append(row)
    schema: dict[str, Any] = {
        "week": pl.String,
        "agent_id": pl.String,
        "agent_name": pl.String,
        "team": pl.String,
        "contacts": pl.Int64,
        "upset_contacts": pl.Int64,
        "overall": pl.Float64,
        "overall_low": pl.Float64,
        "overall_high": pl.Float64,
        "band": pl.String,
        "change": pl.Float64,
        "change_verdict": pl.String,
    }
    for key in CRITERIA:
        schema |= {
            key: pl.Float64,
            f"{key}_low": pl.Float64,
            f"{key}_high": pl.Float64,
            f"{key}_contacts": pl.Int64,
            f"{key}_band": pl.String,
        }
    return pl.DataFrame(rows, schema=schema).sort("agent_id")
