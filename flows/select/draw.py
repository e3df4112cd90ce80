"""The week's draw as the flow makes it: each contact's state, the sample and the coaching picks."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from checks.rubric.rubric import Rubric
from checks.signals.distress_screen import distressed_contacts
from flows.config.settings import Settings
from flows.config.weeks import IsoWeek
from flows.ingest.loading import LoadedShard
from flows.select.coaching_picks import with_coaching_picks
from flows.select.ledger import WeekSelection, select_week


def draw_week(
    shard: LoadedShard,
    duplicates: Mapping[str, str],
    settings: Settings,
    week: IsoWeek,
    rubric: Rubric,
    unread: pl.DataFrame | None = None,
) -> WeekSelection:
    """Decide each contact's state, draw the reproducible per-agent sample (upset customers
    get a share under the stratified policy) and add the coaching picks apart from it;
    ``unread``: listed contacts a sample-first load left unread (never drawn)."""
    start, end = week.utc_bounds(settings.timezone)

    def distressed(candidates: pl.DataFrame) -> pl.Series:
        # only the candidates' turns: contacts outside the week or unattributed are never drawn
        mine = shard.turns.join(candidates.select("contact_id"), on="contact_id", how="semi")
        return distressed_contacts(mine, rubric)

    selection = select_week(
        shard.contacts,
        shard.quarantined,
        week=str(week),
        start=start,
        end=end,
        sample_size=settings.sample_size,
        duplicate_keys=duplicates,
        policy=settings.sample_policy,
        distressed=distressed,
        screen=settings.screen_depth,
        unread=unread,
    )
    return with_coaching_picks(
        selection, shard.contacts, shard.turns, rubric, str(week), settings.coaching_picks
    )
