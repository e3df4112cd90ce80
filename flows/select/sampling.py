"""Reproducible per-agent samples: the same week and agent always draw the same contacts.

Two policies. ``random`` draws every contact alike. ``stratified`` (the default) guarantees
contacts with an upset customer a share of each agent's sample, since empathy can only be judged
where a customer needs it, and the rest at random; each sampled contact carries a weight
proportional to the inverse of its chance of being drawn (``weight``) so an agent's weighted
week means stay unbiased, and a reason (``sampled_because``). Under the random policy every
contact weighs 1.

The stratified draw is two-phase: only the first ``screen`` contacts of an agent's week in rank
order (a random subset) are screened for an upset customer, and the strata are drawn from them.
So a run needs the transcripts of those contacts alone, never the whole week (issue 19). Each
sampled contact's weight is how many screened contacts of its stratum it stands for; the ratio
of the agent's contacts to the screened ones is the same for every contact of an agent, so it
cancels in the agent's weighted means and is left out (weights are only ever compared within
one agent's week). Ranks are random, so the screened set is a simple random sample of the week
and the agent's weighted mean stays unbiased.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from typing import Final, Literal

import polars as pl

SamplePolicy = Literal["random", "stratified"]
SAMPLE_POLICIES: Final = ("random", "stratified")
# Share of an agent's sample kept for contacts with an upset customer (when they have any).
DISTRESS_SHARE: Final = 0.4
BECAUSE_ALL: Final = "every contact of the week"
BECAUSE_RANDOM: Final = "random draw"
BECAUSE_DISTRESS: Final = "upset customer (guaranteed share)"
BECAUSE_REST: Final = "random draw among calm contacts"


def sample_rank(week: str, agent_id: str, contact_id: str) -> str:
    """A stable pseudo-random rank of one contact within its agent's week."""
    return hashlib.sha256(f"{week}\x1f{agent_id}\x1f{contact_id}".encode()).hexdigest()


def distress_quota(size: int, contacts: int, distressed: int) -> int:
    """How many of an agent's ``size`` draws go to their ``distressed`` contacts (of
    ``contacts``): at least DISTRESS_SHARE of the sample, at least their proportional share,
    never more than there are, and enough that the calm ones can fill the rest."""
    if size >= contacts:
        return distressed
    calm = contacts - distressed
    quota = max(math.ceil(size * DISTRESS_SHARE), round(size * distressed / contacts))
    return max(min(quota, distressed), size - calm)


def with_ranks(index: pl.DataFrame, week: str) -> pl.DataFrame:
    """`index` (contact_id, agent_id, …) with each contact's sample rank as ``_rank``."""
    ranks = [
        sample_rank(week, a, c)
        for a, c in zip(index["agent_id"].to_list(), index["contact_id"].to_list(), strict=True)
    ]
    return index.with_columns(pl.Series("_rank", ranks, dtype=pl.String))


def first_in_rank_order(ranked: pl.DataFrame, depth: int) -> pl.DataFrame:
    """The first ``depth`` rows of each agent by ``_rank`` (with_ranks)."""
    position = pl.int_range(pl.len()).over("agent_id")
    return ranked.sort("agent_id", "_rank").filter(position < depth)


def sample_per_agent(
    index: pl.DataFrame,
    week: str,
    size: int | None,
    *,
    policy: SamplePolicy = "random",
    distressed: Callable[[pl.DataFrame], pl.Series] | None = None,
    screen: int | None = None,
) -> pl.DataFrame:
    """Pick `size` contacts per agent (all when None or fewer), seeded by week and agent.

    `index` needs columns contact_id and agent_id; the result has the rows it picked plus
    ``weight`` and ``sampled_because``. Each contact's rank depends only on (week, agent,
    contact), so other agents' files never change an agent's sample. With the stratified policy
    ``distressed`` is asked once for the contact ids of the screened rows of `index` (the
    first ``screen`` of each agent in rank order, all when None) whose customer is upset.
    """
    if policy not in SAMPLE_POLICIES:
        raise ValueError(f"sample policy must be one of {', '.join(SAMPLE_POLICIES)}, not {policy}")
    if index.is_empty():
        return index.with_columns(
            weight=pl.lit(None, pl.Float64), sampled_because=pl.lit(None, pl.String)
        )
    if size is None:
        return index.with_columns(weight=pl.lit(1.0), sampled_because=pl.lit(BECAUSE_ALL))
    ranked = with_ranks(index, week)
    totals = ranked.group_by("agent_id").agg(_all=pl.len())
    if policy == "stratified" and distressed is not None:
        if screen is not None:  # never fewer than the sample
            ranked = first_in_rank_order(ranked, max(screen, size))
        upset = distressed(ranked.select(index.columns))
        ranked = ranked.with_columns(_upset=pl.col("contact_id").is_in(upset.implode()))
    else:
        ranked = ranked.with_columns(_upset=pl.lit(False))
    per_agent = (
        ranked.group_by("agent_id")
        .agg(_n=pl.len(), _d=pl.col("_upset").sum().cast(pl.Int64))
        .join(totals, on="agent_id")
    )
    quotas = per_agent.with_columns(
        _k=pl.struct("_n", "_d").map_elements(
            lambda r: distress_quota(size, r["_n"], r["_d"]), return_dtype=pl.Int64
        )
    ).with_columns(_r=pl.min_horizontal(pl.lit(size), "_n") - pl.col("_k"))
    stratum_n = pl.when("_upset").then("_d").otherwise(pl.col("_n") - pl.col("_d"))
    stratum_k = pl.when("_upset").then("_k").otherwise("_r")
    drawn = (
        ranked.join(quotas, on="agent_id")
        .sort("agent_id", "_upset", "_rank", descending=[False, True, False])
        .with_columns(_pos=pl.int_range(pl.len()).over("agent_id", "_upset"))
        .filter(pl.col("_pos") < stratum_k)
    )
    everyone = pl.col("_all") <= size
    because = (
        pl.when(everyone)
        .then(pl.lit(BECAUSE_ALL))
        .when(pl.col("_d") == 0)
        .then(pl.lit(BECAUSE_RANDOM))
        .when("_upset")
        .then(pl.lit(BECAUSE_DISTRESS))
        .otherwise(pl.lit(BECAUSE_REST))
    )
    # A random draw is a simple random sample of the agent's week: its contacts count alike.
    weight = pl.lit(1.0) if policy == "random" else (stratum_n / stratum_k).cast(pl.Float64)
    return drawn.with_columns(weight=weight, sampled_because=because).select(
        *index.columns, "weight", "sampled_because"
    )
