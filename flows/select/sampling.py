"""Reproducible per-agent samples: the same week and agent always draw the same contacts."""

from __future__ import annotations

import hashlib

import polars as pl


def sample_rank(week: str, agent_id: str, contact_id: str) -> str:
    """A stable pseudo-random rank of one contact within its agent's week."""
    return hashlib.sha256(f"{week}\x1f{agent_id}\x1f{contact_id}".encode()).hexdigest()


def sample_per_agent(index: pl.DataFrame, week: str, size: int | None) -> pl.DataFrame:
    """Pick `size` contacts per agent (all when None or fewer), seeded by week and agent.

    `index` needs columns contact_id and agent_id; the result has the same rows it picked.
    Each contact's rank depends only on (week, agent, contact), so other agents' files never
    change an agent's sample.
    """
    if size is None or index.is_empty():
        return index
    ranks = [
        sample_rank(week, a, c)
        for a, c in zip(index["agent_id"].to_list(), index["contact_id"].to_list(), strict=True)
    ]
    return (
        index.with_columns(pl.Series("_rank", ranks, dtype=pl.String))
        .sort("agent_id", "_rank")
        .group_by("agent_id", maintain_order=True)
        .head(size)
        .drop("_rank")
        .select(index.columns)
    )
