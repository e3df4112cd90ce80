"""read_trends, a week at a time and only the columns a trend needs, gives the trend points
that trend_history gives from every earlier week's table read whole."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from checks.criteria.results import empty_batch
from checks.rubric.rubric import load_rubric
from checks.transcripts.transcript import CONTACTS_SCHEMA
from flows.config.weeks import IsoWeek
from flows.publish.publish import week_prefix
from flows.report.aggregate import trend_history
from flows.report.history import read_history, read_trends
from flows.report.scores_table import published_scores_table
from flows.stores.local import LocalStore
from tests.flows.report.example_report import scored_week

WEEK = IsoWeek.parse("2026-W47")


def _publish(store: LocalStore, table: pl.DataFrame, week: IsoWeek) -> None:
    buffer = io.BytesIO()
    table.write_parquet(buffer)
    store.put(week_prefix("scorecards", str(week)) + "scores.parquet", buffer.getvalue())


def test_trends_read_a_week_at_a_time_are_the_trends_of_the_whole_history(
    tmp_path: Path,
) -> None:
    store = LocalStore(tmp_path)
    rubric = load_rubric()
    for back in (1, 2, 4):  # week -3 missing: a gap
        earlier = WEEK.shift(-back)
        _publish(store, scored_week(str(earlier), rubric, n_agents=5 + back)[0], earlier)
    store.put(week_prefix("scorecards", str(WEEK.shift(-5))) + "scores.parquet", b"not parquet")
    empty = published_scores_table(
        str(WEEK), empty_batch().scores, pl.DataFrame(schema=CONTACTS_SCHEMA)
    )

    whole = trend_history(read_history(store, "scorecards", WEEK, 7, empty), str(WEEK))
    points, latest = read_trends(store, "scorecards", WEEK, 7)

    assert (points, latest) == whole
    assert len(points) == 9  # agents of any earlier week
    assert {p.week for pts in points.values() for p in pts} == {
        str(WEEK.shift(-b)) for b in (1, 2, 4)
    }
    assert read_trends(store, "scorecards", WEEK, 0) == ({}, {})
