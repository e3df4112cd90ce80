"""Amazon Connect Contact Lens post-call analysis files (voice and chat, raw and redacted)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from checks.transcripts.transcript import Contact, Speaker, Turn
from flows.ingest.formats.keys import date_from_key, file_name, file_stem
from flows.ingest.formats.model import TranscriptError
from flows.ingest.formats.speakers import speaker_from_label

_NAME = re.compile(
    r"^(?P<id>.+?)_analysis(?P<redacted>_redacted)?(?:_(?P<ts>[^/]*?))?\.json(?:\.gz)?$"
)
_CHANNEL_DIR = re.compile(r"(?:^|/)Analysis/(Voice|Chat|Email)/", re.IGNORECASE)
_TS_FORMATS = ("%Y%m%dT%H:%M%z", "%Y%m%dT%H:%M:%S%z", "%Y%m%dT%H%M%S%z", "%Y%m%dT%H%M%z")
_EVENT_CONTENT_TYPE = "application/vnd.amazonaws.connect.event."


def is_redacted_key(key: str) -> bool:
    """True for a redacted Contact Lens copy (under .../Redacted/ or named _analysis_redacted_)."""
    match = _NAME.match(file_name(key))
    return "/Redacted/" in f"/{key}" or bool(match and match["redacted"])


def contact_lens_contact_id(key: str) -> str | None:
    """The contact id in a Contact Lens key name (<contactId>_analysis_...), else None."""
    match = _NAME.match(file_name(key))
    return match["id"] if match else None


def timestamp_from_key(key: str) -> datetime | None:
    """The timestamp in a Contact Lens key name (when the agent connected, UTC), else None."""
    match = _NAME.match(file_name(key))
    raw = match["ts"] if match else None
    if not raw:
        return None
    text = raw.replace("_UTC", "Z").replace("UTC", "Z")
    try:
        ts = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        ts = None
        for fmt in _TS_FORMATS:
            try:
                ts = datetime.strptime(text.replace("Z", "+0000"), fmt)
                break
            except ValueError:
                continue
    if ts is None:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def choose_contact_lens_keys(keys: Iterable[str]) -> tuple[list[str], dict[str, str]]:
    """Keep one key per contact id (redacted first, then the latest name): (kept, dropped->kept)."""
    best: dict[str, str] = {}
    others: list[str] = []
    for key in keys:
        contact_id = contact_lens_contact_id(key)
        if contact_id is None:
            others.append(key)
            continue
        current = best.get(contact_id)
        if current is None or _preference(key) > _preference(current):
            best[contact_id] = key
    kept_set = set(best.values())
    dropped = {
        key: best[cid]
        for key in keys
        if (cid := contact_lens_contact_id(key)) is not None and key not in kept_set
    }
    kept_set.update(others)
    return list(dict.fromkeys(k for k in keys if k in kept_set)), dropped


def _preference(key: str) -> tuple[bool, str, str]:
    ts = timestamp_from_key(key)
    return is_redacted_key(key), ts.isoformat() if ts else "", key


def looks_like_contact_lens(doc: object) -> bool:
    """A JSON object with a Transcript list and a ParticipantId on turns (or CustomerMetadata)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("Transcript"), list):
        return False
    if "CustomerMetadata" in doc:
        return True
    return any(isinstance(t, dict) and "ParticipantId" in t for t in doc["Transcript"])


@dataclass(frozen=True, slots=True)
class _Item:
    order: tuple[float, float, int]
    speaker: Speaker
    text: str
    begin_ms: int | None
    end_ms: int | None


def _role_map(doc: dict[str, Any]) -> tuple[dict[str, Speaker], str | None]:
    participants = doc.get("Participants", [])
    if not isinstance(participants, list):
        raise TranscriptError("wrong schema: field 'Participants' must be a list")
    roles: dict[str, Speaker] = {}
    agent_names: set[str] = set()
    for i, p in enumerate(participants):
        if not isinstance(p, dict):
            raise TranscriptError(f"wrong schema: Participants[{i}] is not an object")
        pid, role = p.get("ParticipantId"), p.get("ParticipantRole")
        if role is None and isinstance(pid, str):
            # Amazon's redacted chat lists participants without roles; each turn carries its own.
            continue
        if not isinstance(pid, str) or not isinstance(role, str):
            raise TranscriptError(
                f"wrong schema: Participants[{i}] needs string ParticipantId and ParticipantRole"
            )
        roles[pid] = _role(role, f"Participants[{i}]")
        name = p.get("DisplayName")
        if roles[pid] == "agent" and isinstance(name, str) and name.strip():
            agent_names.add(name.strip())
    agent_name = agent_names.pop() if len(agent_names) == 1 else None
    return roles, agent_name


def _role(label: str, where: str) -> Speaker:
    try:
        return speaker_from_label(label)
    except TranscriptError as exc:
        raise TranscriptError(f"{where}: {exc}") from exc


def _offset(turn: dict[str, Any], name: str, i: int) -> int | None:
    value = turn.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise TranscriptError(f"wrong schema: Transcript[{i}].{name} must be a non-negative number")
    if value > 10**12:
        raise TranscriptError(f"wrong schema: Transcript[{i}].{name} is out of range")
    return int(value)


def _absolute_time(turn: dict[str, Any], i: int) -> datetime | None:
    value = turn.get("AbsoluteTime")
    if value is None:
        return None
    if not isinstance(value, str):
        raise TranscriptError(f"wrong schema: Transcript[{i}].AbsoluteTime must be a string")
    try:
        ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise TranscriptError(
            f"wrong schema: Transcript[{i}].AbsoluteTime is not ISO 8601: {value[:40]!r}"
        ) from exc
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts


def _is_event(turn: dict[str, Any]) -> bool:
    kind = turn.get("Type")
    if isinstance(kind, str) and kind.upper() != "MESSAGE":
        return True
    content_type = turn.get("ContentType")
    return isinstance(content_type, str) and content_type.startswith(_EVENT_CONTENT_TYPE)


def _items(doc: dict[str, Any], roles: dict[str, Speaker]) -> tuple[list[_Item], datetime | None]:
    raw = doc["Transcript"]
    times = [_absolute_time(t, i) if isinstance(t, dict) else None for i, t in enumerate(raw)]
    known = [t for t in times if t is not None]
    origin = min(known) if known else None
    items: list[_Item] = []
    for i, turn in enumerate(raw):
        if not isinstance(turn, dict):
            raise TranscriptError(f"wrong schema: Transcript[{i}] is not an object")
        if _is_event(turn):
            continue
        content = turn.get("Content")
        if not isinstance(content, str):
            raise TranscriptError(f"wrong schema: Transcript[{i}].Content must be a string")
        pid = turn.get("ParticipantId")
        if isinstance(pid, str) and pid in roles:
            speaker = roles[pid]
        elif isinstance(turn.get("ParticipantRole"), str):
            speaker = _role(turn["ParticipantRole"], f"Transcript[{i}]")
        else:
            raise TranscriptError(
                f"wrong schema: Transcript[{i}] has ParticipantId {str(pid)[:40]!r} not in "
                "Participants with a role, and no ParticipantRole of its own"
            )
        begin, end = _offset(turn, "BeginOffsetMillis", i), _offset(turn, "EndOffsetMillis", i)
        at = times[i]
        if begin is None and at is not None and origin is not None:
            begin = int((at - origin).total_seconds() * 1000)
        order = (
            float(begin) if begin is not None else float("inf"),
            float(end) if end is not None else float("inf"),
            i,
        )
        items.append(_Item(order, speaker, content, begin, end))
    if all(item.begin_ms is not None for item in items):
        items.sort(key=lambda item: item.order)
    return items, origin


def _text(doc: dict[str, Any], name: str) -> str | None:
    value = doc.get(name)
    return value if isinstance(value, str) and value.strip() else None


def _contact_id(doc: dict[str, Any], key: str) -> str:
    meta = doc.get("CustomerMetadata")
    if meta is not None and not isinstance(meta, dict):
        raise TranscriptError("wrong schema: field 'CustomerMetadata' must be an object")
    from_meta = meta.get("ContactId") if isinstance(meta, dict) else None
    if from_meta is not None:
        if not isinstance(from_meta, str) or not from_meta.strip():
            raise TranscriptError("wrong schema: CustomerMetadata.ContactId must be a string")
        return from_meta
    return contact_lens_contact_id(key) or file_stem(key)


def _channel(doc: dict[str, Any], key: str) -> str | None:
    channel = _text(doc, "Channel")
    if channel:
        return channel.lower()
    match = _CHANNEL_DIR.search(key)
    return match.group(1).lower() if match else None


def parse_contact_lens(key: str, doc: object) -> Contact:
    """Read one Contact Lens analysis document into a contact (agent_id None: see attribution)."""
    if not isinstance(doc, dict):
        raise TranscriptError(f"wrong schema: expected a JSON object, got {type(doc).__name__}")
    if not isinstance(doc.get("Transcript"), list):
        raise TranscriptError("wrong schema: field 'Transcript' must be a list")
    status = doc.get("JobStatus")
    if isinstance(status, str) and status.upper() not in ("COMPLETED", "PARTIAL_SUCCESS"):
        raise TranscriptError(f"Contact Lens job status is {status[:30]!r}, not COMPLETED")
    roles, agent_name = _role_map(doc)
    items, first_time = _items(doc, roles)
    started_at = timestamp_from_key(key) or date_from_key(key) or first_time
    return Contact(
        contact_id=_contact_id(doc, key),
        agent_id=None,
        turns=tuple(Turn(it.speaker, it.text, it.begin_ms, it.end_ms) for it in items),
        started_at=started_at,
        agent_name=agent_name,
        channel=_channel(doc, key),
        language=_text(doc, "LanguageCode"),
        source_key=key,
    )
