"""The published score table (scores.csv, scores.parquet) and the week's dates."""

from __future__ import annotations

from datetime import date
from typing import Final

import polars as pl

from checks.criteria.results import SCORES_SCHEMA
from checks.transcripts.pii import mask_pii_expr
from flows.report.file_names import scorecard_file_name
from flows.select.coaching_picks import PICK_BECAUSE_PREFIX, PICK_STATE

PUBLISHED_SCORES_SCHEMA: Final = pl.Schema(
    [
        ("week", pl.String()),
        *SCORES_SCHEMA.items(),
        ("agent_name", pl.String()),
        ("team", pl.String()),
        ("started_at", pl.Datetime("us", "UTC")),
        ("channel", pl.String()),
        ("scorecard", pl.String()),  # the file name of the agent's PDF (see file_names)
        # inverse of the contact's chance of being drawn (week means are weighted by it)
        ("weight", pl.Float64()),
        ("sampled_because", pl.String()),
    ]
)


def week_bounds(week: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week written ``YYYY-Www``."""
    year, _, num = week.partition("-W")
    monday = date.fromisocalendar(int(year), int(num), 1)
    return monday, date.fromisocalendar(int(year), int(num), 7)


def week_dates_label(week: str) -> str:
    """Human dates of an ISO week, e.g. ``Mon 16 – Sun 22 Nov 2026``."""
    mon, sun = week_bounds(week)
    if mon.month == sun.month:
        return f"Mon {mon.day} – Sun {sun.day} {sun:%b %Y}"
    if mon.year == sun.year:
        return f"Mon {mon.day} {mon:%b} – Sun {sun.day} {sun:%b %Y}"
    return f"Mon {mon.day} {mon:%b %Y} – Sun {sun.day} {sun:%b %Y}"


def published_scores_table(week: str, scores: pl.DataFrame, contacts: pl.DataFrame) -> pl.DataFrame:
    """The week's machine-readable score table (PUBLISHED_SCORES_SCHEMA), PII masked."""
    sampling = [
        pl.col(c) if c in contacts.columns else pl.lit(None, PUBLISHED_SCORES_SCHEMA[c]).alias(c)
        for c in ("weight", "sampled_because")
    ]
    meta = contacts.select(
        "contact_id", "agent_name", "team", "started_at", "channel", *sampling
    ).unique("contact_id", keep="first", maintain_order=True)
    table = (
        scores.cast(dict(SCORES_SCHEMA))  # type: ignore[arg-type]
        .join(meta, on="contact_id", how="left")
        .with_columns(
            pl.lit(week, pl.String).alias("week"),
            # an agent's own name and team stay readable: no stated names or addresses there
            mask_pii_expr("agent_name", names=False).alias("agent_name"),
            mask_pii_expr("team", names=False).alias("team"),
            mask_pii_expr("channel").alias("channel"),
        )
    )
    # coaching picks keep their scores but never count as scored (see scored_rows)
    pick = pl.col("sampled_because").fill_null("").str.starts_with(PICK_BECAUSE_PREFIX)
    table = table.with_columns(
        state=pl.when(pick).then(pl.lit(PICK_STATE)).otherwise(pl.col("state"))
    )
    # only agents with a card (a scored contact): the others' rows name no file
    agents = scored_rows(table)["agent_id"].unique().drop_nulls().to_list()
    files = {agent: scorecard_file_name(agent) for agent in agents}
    table = table.with_columns(
        pl.col("agent_id")
        .replace_strict(files, default=None, return_dtype=pl.String)
        .alias("scorecard")
    )
    return (
        table.select(PUBLISHED_SCORES_SCHEMA.names())
        .cast(
            dict(PUBLISHED_SCORES_SCHEMA)  # type: ignore[arg-type]
        )
        .sort("agent_id", "contact_id")
    )


def scored_rows(table: pl.DataFrame) -> pl.DataFrame:
    """The rows of a published score table that were scored (not those left out for their
    language); tables published before the ``state`` column existed hold scored rows only."""
    if "state" not in table.columns:
        return table
    return table.filter(pl.col("state").fill_null("scored") == "scored")
