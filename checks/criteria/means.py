"""An agent's week mean of a criterion: weighted by how contacts were drawn, N/A left out."""

from __future__ import annotations

import polars as pl


def weighted_mean(column: str, weight: pl.Expr) -> pl.Expr:
    """Mean of ``column`` weighted by ``weight`` over the rows where it applies (not null);
    null, not NaN from 0/0, where it applied to none of them."""
    applied = pl.when(pl.col(column).is_not_null()).then(weight)
    return pl.when(applied.sum() > 0).then((pl.col(column) * applied).sum() / applied.sum())
