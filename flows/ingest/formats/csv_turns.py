"""CSV transcripts with one row per turn; column names configurable, speaker aliases mapped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Final

from checks.transcripts.transcript import Contact, Turn
from flows.ingest.formats.csv_table import (
    cell,
    find_columns,
    first_line,
    read_table,
    sniff_delimiter,
)
from flows.ingest.formats.keys import date_from_key
from flows.ingest.formats.model import ParseResult, Quarantine, TranscriptError
from flows.ingest.formats.speakers import speaker_from_label

REQUIRED: Final = ("contact_id", "speaker", "text")


@dataclass(frozen=True, slots=True)
class CsvColumns:
    """Header name of each field in a turn-per-row CSV (matched ignoring case and separators)."""

    contact_id: str = "contact_id"
    agent_id: str = "agent_id"
    speaker: str = "speaker"
    text: str = "text"
    begin_ms: str = "begin_ms"
    end_ms: str = "end_ms"
    started_at: str = "started_at"
    team: str = "team"
    agent_name: str = "agent_name"
    channel: str = "channel"
    language: str = "language"


# Other names tried only when a field keeps its default column name.
COLUMN_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "contact_id": (
        "contact",
        "conversation_id",
        "call_id",
        "chat_id",
        "interaction_id",
        "ticket_id",
    ),
    "agent_id": ("agent", "agent_username", "username", "rep_id", "agent_login"),
    "speaker": (
        "role",
        "participant",
        "participant_role",
        "speaker_role",
        "sender",
        "from",
        "party",
    ),
    "text": ("content", "message", "utterance", "transcript", "body"),
    "begin_ms": ("start_ms", "begin_offset_ms", "begin_offset_millis", "offset_ms"),
    "end_ms": ("end_offset_ms", "end_offset_millis", "stop_ms"),
    "started_at": ("contact_started_at", "start_time", "initiation_timestamp", "started"),
    "team": ("queue", "queue_name", "group", "department"),
    "agent_name": ("rep_name", "agent_full_name"),
    "channel": ("medium",),
    "language": ("language_code", "locale", "lang"),
}


def column_candidates(columns: CsvColumns) -> dict[str, tuple[str, ...]]:
    """For each field, the header names to try, in order."""
    default = CsvColumns()
    out: dict[str, tuple[str, ...]] = {}
    for f in fields(CsvColumns):
        name = getattr(columns, f.name)
        extra = COLUMN_ALIASES.get(f.name, ()) if name == getattr(default, f.name) else ()
        out[f.name] = (name, *extra)
    return out


def looks_like_csv_turns(text: str, columns: CsvColumns | None = None) -> bool:
    """True when the first line is a header holding contact id, speaker and text columns."""
    line = first_line(text)
    if not line or sniff_delimiter(line) not in line:
        return False
    try:
        header, _ = read_table(line)
        find_columns(header, column_candidates(columns or CsvColumns()), REQUIRED)
    except TranscriptError:
        return False
    return True


def _millis(value: str, name: str, line: int) -> int | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise TranscriptError(f"line {line}: {name} {value[:20]!r} is not a number") from exc
    if not 0 <= number <= 10**12:
        raise TranscriptError(f"line {line}: {name} {value[:20]!r} is out of range")
    return int(number)


def parse_csv_timestamp(value: str) -> datetime:
    """ISO 8601 date or timestamp; one without a zone is taken as UTC."""
    try:
        ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise TranscriptError(f"started_at {value[:40]!r} is not an ISO 8601 timestamp") from exc
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts


def _first(rows: Sequence[tuple[int, list[str]]], cols: dict[str, int], name: str) -> str | None:
    if name not in cols:
        return None
    return next((v for _, r in rows if (v := cell(r, cols, name))), None)


def _contact(
    key: str, contact_id: str, rows: list[tuple[int, list[str]]], cols: dict[str, int]
) -> Contact:
    turns: list[Turn] = []
    for line, row in rows:
        try:
            speaker = speaker_from_label(cell(row, cols, "speaker"))
        except TranscriptError as exc:
            raise TranscriptError(f"line {line}: {exc}") from exc
        text = row[cols["text"]] if cols["text"] < len(row) else ""
        begin = _millis(cell(row, cols, "begin_ms"), "begin_ms", line)
        end = _millis(cell(row, cols, "end_ms"), "end_ms", line)
        turns.append(Turn(speaker, text, begin, end))
    if turns and all(t.begin_ms is not None for t in turns):
        turns.sort(key=lambda t: t.begin_ms or 0)
    agents = list(dict.fromkeys(v for _, r in rows if (v := cell(r, cols, "agent_id"))))
    if len(agents) > 1:
        raise TranscriptError(f"rows name more than one agent ({', '.join(agents[:3])})")
    started = _first(rows, cols, "started_at")
    channel = _first(rows, cols, "channel")
    return Contact(
        contact_id=contact_id,
        agent_id=agents[0] if agents else None,
        turns=tuple(turns),
        started_at=parse_csv_timestamp(started) if started else date_from_key(key),
        agent_name=_first(rows, cols, "agent_name"),
        team=_first(rows, cols, "team"),
        channel=channel.lower() if channel else None,
        language=_first(rows, cols, "language"),
        source_key=key,
    )


def parse_csv_turns(key: str, text: str, columns: CsvColumns | None = None) -> ParseResult:
    """Read a turn-per-row CSV; each bad contact (or id-less row) is quarantined on its own."""
    header, rows = read_table(text)
    cols = find_columns(header, column_candidates(columns or CsvColumns()), REQUIRED)
    grouped: dict[str, list[tuple[int, list[str]]]] = {}
    result = ParseResult()
    for line, row in rows:
        contact_id = cell(row, cols, "contact_id")
        if not contact_id:
            result.problems.append(Quarantine(f"{key}#L{line}", f"line {line}: blank contact id"))
            continue
        grouped.setdefault(contact_id, []).append((line, row))
    for contact_id, contact_rows in grouped.items():
        try:
            result.contacts.append(_contact(key, contact_id, contact_rows, cols))
        except TranscriptError as exc:
            result.problems.append(Quarantine(f"{key}#{contact_id}", str(exc)))
    if not result.contacts and not result.problems:
        raise TranscriptError("empty transcript: CSV has a header but no rows")
    return result


def columns_from_mapping(mapping: dict[str, str]) -> CsvColumns:
    """Build CsvColumns from a field->header mapping (e.g. from settings); unknown fields error."""
    known = set(asdict(CsvColumns()))
    unknown = set(mapping) - known
    if unknown:
        raise ValueError(f"unknown CSV column field(s): {', '.join(sorted(unknown))}")
    return CsvColumns(**mapping)
