"""Contacts picked for coaching beside the scored sample: customers contacting again, then the
longest contacts. They are scored and listed on the card apart from the sample, and never enter
a mean, a count or a trend (their rows carry state ``coaching_pick``)."""

from __future__ import annotations

from typing import Final

import polars as pl

from checks.rubric.rubric import Rubric
from checks.signals.signals import alternation
from flows.select.ledger import WeekSelection
from flows.select.sampling import sample_rank

PICK_STATE: Final = "coaching_pick"
PICK_BECAUSE_PREFIX: Final = "coaching pick: "
BECAUSE_REPEAT: Final = PICK_BECAUSE_PREFIX + "customer contacting again"
BECAUSE_LONG: Final = PICK_BECAUSE_PREFIX + "one of the longest contacts"


def coaching_picks(
    candidates: pl.DataFrame, turns: pl.DataFrame, rubric: Rubric, week: str, per_agent: int
) -> pl.DataFrame:
    """Up to ``per_agent`` of each agent's ``candidates`` (contact rows not in the sample):
    customers who say they are contacting again first, then the most turns; ties by the
    week's seeded rank, so the same files give the same picks. Adds ``weight`` (null: never in
    a mean) and ``sampled_because``."""
    if per_agent < 1 or candidates.is_empty():
        return candidates.head(0).with_columns(
            weight=pl.lit(None, pl.Float64), sampled_because=pl.lit(None, pl.String)
        )
    mine = turns.join(candidates.select("contact_id"), on="contact_id", how="semi")
    pattern = alternation([], list(rubric.context.repeat_contact))
    customer = pl.col("speaker") == "customer"
    again = (
        customer & pl.col("text").fill_null("").str.contains(pattern)
        if pattern is not None
        else pl.lit(False)
    )
    per_contact = mine.group_by("contact_id").agg(_turns=pl.len(), _again=again.any())
    ranks = [
        sample_rank(week, a, c)
        for a, c in zip(
            candidates["agent_id"].to_list(), candidates["contact_id"].to_list(), strict=True
        )
    ]
    return (
        candidates.with_columns(pl.Series("_rank", ranks, dtype=pl.String))
        .join(per_contact, on="contact_id", how="left")
        .with_columns(pl.col("_turns").fill_null(0), pl.col("_again").fill_null(False))
        .sort(["agent_id", "_again", "_turns", "_rank"], descending=[False, True, True, False])
        .group_by("agent_id", maintain_order=True)
        .head(per_agent)
        .with_columns(
            weight=pl.lit(None, pl.Float64),
            sampled_because=pl.when("_again")
            .then(pl.lit(BECAUSE_REPEAT))
            .otherwise(pl.lit(BECAUSE_LONG)),
        )
        .select(*candidates.columns, "weight", "sampled_because")
    )


def with_coaching_picks(
    selection: WeekSelection,
    contacts: pl.DataFrame,
    turns: pl.DataFrame,
    rubric: Rubric,
    week: str,
    per_agent: int,
) -> WeekSelection:
    """The selection with coaching picks drawn from its not-sampled contacts: their ledger rows
    move to ``coaching_pick`` (with the reason) and they are returned in ``picks``."""
    if per_agent < 1:
        return selection
    not_sampled = selection.ledger.filter(pl.col("state") == "not_sampled").select(
        "contact_id", source_key="key"
    )
    candidates = contacts.join(not_sampled, on=["contact_id", "source_key"], how="semi").unique(
        "contact_id", keep="first", maintain_order=True
    )
    picks = coaching_picks(candidates, turns, rubric, week, per_agent)
    why = dict(zip(picks["contact_id"].to_list(), picks["sampled_because"].to_list(), strict=True))
    hit = (pl.col("state") == "not_sampled") & pl.col("contact_id").is_in(list(why))
    ledger = selection.ledger.with_columns(
        state=pl.when(hit).then(pl.lit(PICK_STATE)).otherwise("state"),
        reason=pl.when(hit)
        .then(
            pl.col("contact_id").replace_strict(why, default=None, return_dtype=pl.String)
            + pl.lit(" (scored for coaching, never in a mean)")
        )
        .otherwise("reason"),
    ).sort("state", "key", "contact_id")
    return WeekSelection(ledger=ledger, sampled=selection.sampled, picks=picks)
