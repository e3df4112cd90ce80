"""The duplicate rule: one contact id read twice keeps one copy, chosen the same way every run."""

from __future__ import annotations

from collections.abc import Iterable

from checks.transcript import Contact
from flows.formats.contact_lens import is_redacted_key


def _rank(contact: Contact) -> tuple[bool, str]:
    key = contact.source_key or ""
    return is_redacted_key(key), key


def dedupe_contacts(contacts: Iterable[Contact]) -> tuple[list[Contact], list[Contact]]:
    """(kept, duplicates): per contact id keep the redacted copy, else the greatest source key."""
    items = list(contacts)
    best: dict[str, Contact] = {}
    for contact in items:
        current = best.get(contact.contact_id)
        if current is None or _rank(contact) > _rank(current):
            best[contact.contact_id] = contact
    kept_ids = {id(c) for c in best.values()}
    kept = [c for c in items if id(c) in kept_ids]
    return kept, [c for c in items if id(c) not in kept_ids]
