"""Earlier weeks' published score tables, for trends and week-over-week change."""

from __future__ import annotations

import io
import logging

import polars as pl

from flows.config.weeks import IsoWeek
from flows.publish.publish import week_prefix
from flows.stores.base import ObjectStore

log = logging.getLogger(__name__)


def read_history(
    store: ObjectStore, output_prefix: str, week: IsoWeek, weeks: int, empty: pl.DataFrame
) -> pl.DataFrame:
    """The scores.parquet of up to `weeks` weeks before `week`, concatenated (gaps skipped)."""
    frames = [empty]
    for back in range(1, weeks + 1):
        earlier = week.shift(-back)
        key = week_prefix(output_prefix, str(earlier)) + "scores.parquet"
        if not any(obj.key == key for obj in store.list(key)):
            continue
        try:
            frame = pl.read_parquet(io.BytesIO(store.get(key)))
        except Exception as exc:  # a damaged old table must not stop this week
            log.warning("skipping unreadable history %s: %s", key, exc)
            continue
        frames.append(frame.select([c for c in empty.columns if c in frame.columns]))
    return pl.concat(frames, how="diagonal_relaxed")
