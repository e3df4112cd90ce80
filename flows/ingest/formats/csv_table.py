"""Reading a small CSV table: delimiter sniffing and header matching with aliases."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence

from flows.ingest.formats.model import TranscriptError

DELIMITERS = (",", ";", "\t", "|")


def normalise_header(name: str) -> str:
    """Header names compare without case, spaces, dashes or underscores."""
    return re.sub(r"[^0-9a-z]", "", name.strip().lower())


def first_line(text: str) -> str:
    """The first non-blank line of a text."""
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most fields."""
    return max(DELIMITERS, key=header_line.count)


def read_table(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, fields) rows of a CSV text; blank rows are skipped."""
    delimiter = sniff_delimiter(first_line(text))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if header is None:
                header = [f.strip().lstrip("\ufeff") for f in fields]
            else:
                rows.append((reader.line_num, fields))
    except csv.Error as exc:
        raise TranscriptError(f"malformed CSV at line {reader.line_num}: {exc}") from exc
    if header is None:
        raise TranscriptError("empty file")
    return header, rows


def find_columns(
    header: Sequence[str],
    wanted: Mapping[str, Sequence[str]],
    required: Sequence[str],
) -> dict[str, int]:
    """Index of each wanted field's column (first matching candidate name); error if required."""
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(normalise_header(name), i)
    found: dict[str, int] = {}
    for field, candidates in wanted.items():
        for candidate in candidates:
            position = index.get(normalise_header(candidate))
            if position is not None:
                found[field] = position
                break
    missing = [f for f in required if f not in found]
    if missing:
        looked = "; ".join(f"{f}: {', '.join(wanted[f])}" for f in missing)
        raise TranscriptError(f"wrong schema: CSV header lacks required column(s) ({looked})")
    return found


def cell(fields: Sequence[str], columns: Mapping[str, int], name: str) -> str:
    """A row's stripped value for a field, or "" when the column or cell is absent."""
    position = columns.get(name)
    if position is None or position >= len(fields):
        return ""
    return fields[position].strip()
