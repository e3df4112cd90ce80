"""Transcript readers: bytes of one stored file in, canonical contacts or quarantine reasons out."""

from __future__ import annotations

from flows.formats.contact_lens import (
    choose_contact_lens_keys,
    contact_lens_contact_id,
    is_redacted_key,
)
from flows.formats.csv_turns import CsvColumns
from flows.formats.detect import DEFAULT_MAX_BYTES, FORMATS, Format, parse_file
from flows.formats.model import ParseResult, Quarantine, TranscriptError
from flows.formats.validate import validate_contact

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "CsvColumns",
    "Format",
    "ParseResult",
    "Quarantine",
    "TranscriptError",
    "choose_contact_lens_keys",
    "contact_lens_contact_id",
    "is_redacted_key",
    "parse_file",
    "validate_contact",
]
