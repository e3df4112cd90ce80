"""A cheap look for upset customers before scoring, so sampling can give them a share.

It runs the rubric's own customer-distress phrases (with their guards) over the customers'
turns of the candidate contacts only: no sentiment model and no other signal, so it costs one
regex pass. It finds fewer upset customers than full scoring (which adds tone and weak cues);
that only makes the guaranteed share smaller, never the weighted means wrong, because the
weights follow whatever split the screen made.
"""

from __future__ import annotations

import polars as pl

from checks.rubric.rubric import Rubric
from checks.signals.signals import compile_signal, detect


def distressed_contacts(turns: pl.DataFrame, rubric: Rubric) -> pl.Series:
    """Contact ids (unique) in ``turns`` (TURNS_SCHEMA) whose customer plainly sounds upset."""
    spec = rubric.signals.get("customer_distress")
    empty = pl.Series("contact_id", [], dtype=pl.String)
    if spec is None or turns.is_empty():
        return empty
    sig = compile_signal("customer_distress", spec)
    customer = (
        turns.filter(pl.col("speaker") == "customer")
        .select("contact_id", pl.col("text").fill_null(""))
        .with_row_index("row")
    )
    if sig.pattern is None or customer.is_empty():
        return empty
    hits = detect(customer.select("row", "text"), sig)
    rows = hits["row"].unique().implode()
    return customer.filter(pl.col("row").is_in(rows))["contact_id"].unique().sort()
