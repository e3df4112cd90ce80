"""Transcript readers: bytes of one stored file in, canonical contacts or quarantine reasons out."""

from __future__ import annotations

from flows.ingest.formats.contact_lens import (
    choose_contact_lens_keys,
    contact_lens_contact_id,
    is_redacted_key,
)
from flows.ingest.formats.csv_turns import CsvColumns
from flows.ingest.formats.detect import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    Format,
    listed_contact_id,
    parse_file,
    parse_file_columns,
)
from flows.ingest.formats.model import (
    ColumnarResult,
    ParseResult,
    Quarantine,
    TranscriptError,
    TurnColumns,
)
from flows.ingest.formats.validate import validate_contact

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "ColumnarResult",
    "CsvColumns",
    "Format",
    "ParseResult",
    "Quarantine",
    "TranscriptError",
    "TurnColumns",
    "choose_contact_lens_keys",
    "contact_lens_contact_id",
    "is_redacted_key",
    "listed_contact_id",
    "parse_file",
    "parse_file_columns",
    "validate_contact",
]
