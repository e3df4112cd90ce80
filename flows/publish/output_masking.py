"""Personal data out of every output of a week: contact ids and object keys that carry a phone
number or an e-mail address get a stable pseudonym, quarantine reasons are masked, and the
pseudonym key lives where the outputs never show it."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

import polars as pl

from checks.transcripts.pseudonyms import Pseudonyms, mask_text_column, replace_column
from flows.config.settings import Settings
from flows.select.ledger import WeekSelection
from flows.stores.base import ObjectStore, StoreError

log = logging.getLogger(__name__)


def pseudonym_key_name(output_prefix: str) -> str:
    """Where a key made by Rapport itself is kept: beside the weeks, never inside one."""
    return f"{output_prefix.strip('/')}/.keys/pseudonyms.key".lstrip("/")


def pseudonym_key(settings: Settings, store: ObjectStore) -> bytes:
    """The secret behind the pseudonyms: `pseudonym_key` when set, else one made once and kept
    in the output store (the same for every week and rerun)."""
    if settings.pseudonym_key is not None:
        return settings.pseudonym_key.get_secret_value().encode()
    name = pseudonym_key_name(settings.output_prefix)
    try:
        return store.get(name).strip()
    except FileNotFoundError:
        pass
    except StoreError as exc:
        if "(NoSuchKey)" not in str(exc):
            raise
    made = secrets.token_hex(32).encode()
    if store.put_new(name, made, "text/plain"):
        log.info("Made a pseudonym key at %s (set pseudonym_key to keep it elsewhere)", name)
        return made
    return store.get(name).strip()  # another run made it first


@dataclass(frozen=True, slots=True)
class MaskedWeek:
    """A week's tables as they may be published."""

    selection: WeekSelection
    scores: pl.DataFrame
    findings: pl.DataFrame
    turns: pl.DataFrame
    pseudonyms: dict[str, str]  # raw id or key -> pseudonym (never published)


def mask_week(
    names: Pseudonyms,
    selection: WeekSelection,
    scores: pl.DataFrame,
    findings: pl.DataFrame,
    turns: pl.DataFrame,
) -> MaskedWeek:
    """Swap every contact id and key carrying personal data for its pseudonym (the same one in
    every table) and mask the ledger's reasons."""
    raw = selection.ledger
    ledger = mask_text_column(
        raw, "reason", names, [*raw["key"].to_list(), *raw["contact_id"].to_list()]
    )
    ledger, ids = replace_column(ledger, "contact_id", names)
    ledger, keys = replace_column(ledger, "key", names, keys=True)
    known = {**keys, **ids}
    if known:  # keep the ledger in the order its readers see (pseudonyms sort elsewhere)
        ledger = ledger.sort("state", "key", "contact_id")
    sampled, picks = selection.sampled, selection.picks
    if ids:
        sampled, scores, findings, turns = (
            f.with_columns(pl.col("contact_id").replace(ids)) if "contact_id" in f.columns else f
            for f in (sampled, scores, findings, turns)
        )
        if picks is not None:
            picks = picks.with_columns(pl.col("contact_id").replace(ids))
    sampled, more_keys = replace_column(sampled, "source_key", names, keys=True)
    if picks is not None:  # the coaching picks, scored apart: kept, masked as the sample is
        picks, pick_keys = replace_column(picks, "source_key", names, keys=True)
        more_keys = {**more_keys, **pick_keys}
    return MaskedWeek(
        WeekSelection(ledger=ledger, sampled=sampled, picks=picks),
        scores,
        findings,
        turns,
        {**known, **more_keys},
    )
