"""Amazon Transcribe Call Analytics output: a ParticipantRole on every turn, no Participants map."""

from __future__ import annotations

from typing import Any

from checks.transcripts.transcript import Contact, Turn
from flows.ingest.formats.keys import date_from_key, file_stem
from flows.ingest.formats.model import TranscriptError
from flows.ingest.formats.speakers import speaker_from_label


def looks_like_transcribe(doc: object) -> bool:
    """A JSON object with a Transcript list whose turns carry ParticipantRole."""
    if not isinstance(doc, dict) or not isinstance(doc.get("Transcript"), list):
        return False
    return any(isinstance(t, dict) and "ParticipantRole" in t for t in doc["Transcript"])


def _offset(turn: dict[str, Any], name: str, i: int) -> int | None:
    value = turn.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10**12:
        raise TranscriptError(f"wrong schema: Transcript[{i}].{name} must be a non-negative number")
    return int(value)


def parse_transcribe(key: str, doc: object) -> Contact:
    """Read one Transcribe Call Analytics output document into a contact (agent_id None)."""
    if not isinstance(doc, dict):
        raise TranscriptError(f"wrong schema: expected a JSON object, got {type(doc).__name__}")
    raw = doc.get("Transcript")
    if not isinstance(raw, list):
        raise TranscriptError("wrong schema: field 'Transcript' must be a list")
    status = doc.get("JobStatus")
    if isinstance(status, str) and status.upper() != "COMPLETED":
        raise TranscriptError(f"Transcribe job status is {status[:30]!r}, not COMPLETED")
    entries: list[tuple[tuple[float, int], Turn]] = []
    for i, turn in enumerate(raw):
        if not isinstance(turn, dict):
            raise TranscriptError(f"wrong schema: Transcript[{i}] is not an object")
        content = turn.get("Content")
        if not isinstance(content, str):
            raise TranscriptError(f"wrong schema: Transcript[{i}].Content must be a string")
        try:
            speaker = speaker_from_label(turn.get("ParticipantRole"))
        except TranscriptError as exc:
            raise TranscriptError(f"Transcript[{i}].ParticipantRole: {exc}") from exc
        begin = _offset(turn, "BeginOffsetMillis", i)
        end = _offset(turn, "EndOffsetMillis", i)
        order = (float("inf") if begin is None else float(begin), i)
        entries.append((order, Turn(speaker, content, begin, end)))
    if all(t.begin_ms is not None for _, t in entries):
        entries.sort(key=lambda entry: entry[0])
    job = doc.get("JobName")
    contact_id = job if isinstance(job, str) and job.strip() else file_stem(key)
    language = doc.get("LanguageCode")
    return Contact(
        contact_id=contact_id,
        agent_id=None,
        turns=tuple(t for _, t in entries),
        started_at=date_from_key(key),
        channel="voice",
        language=language if isinstance(language, str) and language.strip() else None,
        source_key=key,
    )
