"""Read the configured attribution sources (contact records, roster) from the input store."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Final

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
from flows.runtime.io_threads import IOThreads
from flows.stores.base import ObjectStore, StoredObject

log = logging.getLogger(__name__)
CTR_THREADS: Final = 8


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
        prefixes = [day_prefix(settings.ctr_prefix, d) for d in [*days, days[-1] + timedelta(1)]]
        # Connect writes a contact-record file every few minutes: hundreds to thousands a week,
        # each a round trip. Read them at once (results in listing order, so the merge is the
        # same as one by one).
        with IOThreads(CTR_THREADS, "rapport-ctr") as pool:
            listed = pool.map(lambda prefix: list(store.list(prefix)), prefixes)
            files = [obj for objs in listed for obj in objs]
            sources += pool.map(lambda obj: _ctr_source(store, obj), files)
        keys += [obj.key for obj in files]
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
