"""Earlier weeks' published score tables, for trends and week-over-week change."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

import polars as pl

from checks.criteria.intervals import Interval
from flows.config.weeks import IsoWeek
from flows.publish.publish import week_prefix
from flows.report.aggregate import TREND_COLUMNS, Trends, trend_history
from flows.report.model import TrendPoint
from flows.stores.base import ObjectStore

log = logging.getLogger(__name__)


def read_trends(store: ObjectStore, output_prefix: str, week: IsoWeek, weeks: int) -> Trends:
    """Each agent's trend points of up to `weeks` weeks before `week`, read one week at a time
    and only the columns a trend needs (a million contacts a week would not fit at once)."""
    trend: dict[str, list[TrendPoint]] = {}
    previous: dict[str, tuple[str, float | None, Interval | None]] = {}
    for back in range(weeks, 0, -1):  # oldest first: points in week order, the latest wins
        frame = _read_scores(store, output_prefix, week.shift(-back), TREND_COLUMNS)
        if frame is None or not set(TREND_COLUMNS) - {"state", "weight"} <= set(frame.columns):
            continue
        points, latest = trend_history(frame, str(week))
        for agent, more in points.items():
            trend.setdefault(agent, []).extend(more)
        previous.update(latest)
    return trend, previous


def _read_scores(
    store: ObjectStore, output_prefix: str, week: IsoWeek, columns: Sequence[str] | None = None
) -> pl.DataFrame | None:
    """One earlier week's scores.parquet (those of ``columns`` it has), None when it has none
    or it cannot be read."""
    key = week_prefix(output_prefix, str(week)) + "scores.parquet"
    if not any(obj.key == key for obj in store.list(key)):
        return None
    try:
        data = io.BytesIO(store.get(key))
        if columns is None:
            return pl.read_parquet(data)
        present = set(pl.read_parquet_schema(data))
        data.seek(0)
        return pl.read_parquet(data, columns=[c for c in columns if c in present])
    except Exception as exc:  # a damaged old table must not stop this week
        log.warning("skipping unreadable history %s: %s", key, exc)
        return None


def read_history(
    store: ObjectStore, output_prefix: str, week: IsoWeek, weeks: int, empty: pl.DataFrame
) -> pl.DataFrame:
    """The scores.parquet of up to `weeks` weeks before `week`, concatenated (gaps skipped)."""
    frames = [empty]
    for back in range(1, weeks + 1):
        frame = _read_scores(store, output_prefix, week.shift(-back))
        if frame is not None:
            frames.append(frame.select([c for c in empty.columns if c in frame.columns]))
    return pl.concat(frames, how="diagonal_relaxed")
