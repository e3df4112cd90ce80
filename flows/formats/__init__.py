"""Transcript readers: bytes of one stored file in, canonical contacts or quarantine reasons out."""

from __future__ import annotations

from flows.formats.detect import parse_file
from flows.formats.model import ParseResult, Quarantine

__all__ = ["ParseResult", "Quarantine", "parse_file"]
