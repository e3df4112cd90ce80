"""Read the configured attribution sources (contact records, roster) from the input store."""

from __future__ import annotations

import logging
from datetime import timedelta

from flows.config.settings import Settings
from flows.config.weeks import IsoWeek, day_prefix
from flows.ingest.attribution import (
    Attribution,
    RosterColumns,
    attribution_from_ctr_jsonl,
    attribution_from_roster_csv,
    merge_attributions,
)
from flows.stores.base import ObjectStore

log = logging.getLogger(__name__)


def read_attribution(store: ObjectStore, settings: Settings, week: IsoWeek) -> Attribution | None:
    """Contact records of the week (plus the next day: they land after the contact) and roster."""
    sources: list[Attribution] = []
    if settings.ctr_prefix:
        days = week.utc_days(settings.timezone)
        for day in [*days, days[-1] + timedelta(days=1)]:
            for obj in store.list(day_prefix(settings.ctr_prefix, day)):
                sources.append(attribution_from_ctr_jsonl(store.get(obj.key)))
    if settings.roster:
        columns = RosterColumns(**settings.roster_columns)
        sources.append(attribution_from_roster_csv(store.get(settings.roster), columns))
    if not sources:
        return None
    merged = merge_attributions(*sources)
    for problem in merged.problems[:20]:
        log.warning("attribution: %s", problem)
    return merged
