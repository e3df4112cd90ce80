"""Attribution sources that failed as a whole (a bomb, a roster with no column matched, contact
records of which nothing could be read): named in the manifest and on the team summary, not
only in a log line."""

from __future__ import annotations

from checks.transcripts.pii import mask_pii
from checks.transcripts.pseudonyms import Pseudonyms
from flows.ingest.attribution import Attribution


def source_failure(attribution: Attribution) -> str | None:
    """Why a source gave nothing (its first problem, and how many more), or None when it gave
    something or had nothing to say (an empty file of contact records is no failure)."""
    if attribution.by_contact or attribution.directory or not attribution.problems:
        return None
    first, more = attribution.problems[0], len(attribution.problems) - 1
    return first if more == 0 else f"{first} (and {more} more problem{'s' if more > 1 else ''})"


def published_failures(
    attribution: Attribution | None, names: Pseudonyms
) -> tuple[tuple[str, str], ...]:
    """The failed sources as outputs show them: a key holding PII as its pseudonym, reasons
    masked (an attribution that found nobody still has its failures: no truth test on it)."""
    failed = attribution.failed_sources if attribution is not None else ()
    return tuple((names.of_key(key), mask_pii(reason)) for key, reason in failed)
