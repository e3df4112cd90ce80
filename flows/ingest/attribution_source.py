"""Read the configured attribution sources (contact records, roster) from the input store."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from flows.config.settings import Settings
from flows.config.weeks import IsoWeek, day_prefix
from flows.ingest import attribution
from flows.ingest.attribution import (
    Attribution,
    RosterColumns,
    attribution_from_ctr_jsonl,
    attribution_from_roster_csv,
    merge_attributions,
)
from flows.ingest.attribution_failures import source_failure
from flows.stores.base import ObjectStore, StoredObject

log = logging.getLogger(__name__)


def _ctr_source(store: ObjectStore, obj: StoredObject) -> Attribution:
    """One contact-record file; one too big to read is not downloaded at all."""
    limit = attribution.MAX_CTR_BYTES
    if obj.size > limit:
        return Attribution(
            problems=(
                f"contact records unreadable: {obj.size:,} bytes, more than the {limit:,} allowed",
            )
        )
    return attribution_from_ctr_jsonl(store.get(obj.key))


def read_attribution(store: ObjectStore, settings: Settings, week: IsoWeek) -> Attribution | None:
    """Contact records of the week (plus the next day: they land after the contact) and roster."""
    sources: list[Attribution] = []
    keys: list[str] = []
    if settings.ctr_prefix:
        days = week.utc_days(settings.timezone)
        for day in [*days, days[-1] + timedelta(days=1)]:
            for obj in store.list(day_prefix(settings.ctr_prefix, day)):
                sources.append(_ctr_source(store, obj))
                keys.append(obj.key)
    if settings.roster:
        columns = RosterColumns(**settings.roster_columns)
        sources.append(attribution_from_roster_csv(store.get(settings.roster), columns))
        keys.append(settings.roster)
    if not sources:
        return None
    failed = [
        (key, why) for key, src in zip(keys, sources, strict=True) if (why := source_failure(src))
    ]
    merged = replace(merge_attributions(*sources), failed_sources=tuple(failed))
    for key, why in failed:
        log.warning("attribution: %s gave no attribution: %s", key, why)
    for problem in merged.problems[:20]:
        log.warning("attribution: %s", problem)
    return merged
