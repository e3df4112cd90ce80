"""Write contacts in the formats users have (tests and the demo): Contact Lens, CTR, CSV."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from checks.transcripts.transcript import Contact
from flows.ingest.formats.csv_turns import CsvColumns

_NAMESPACE: Final = uuid.UUID("8b6f1f5e-2a4c-4d7e-9a57-0c3f1e2d4b6a")
_ACCOUNT: Final = "123456789012"
_INSTANCE: Final = "f23fc323-3d6d-48aa-95dc-000000000000"
_EPOCH: Final = datetime(2000, 1, 1, tzinfo=UTC)
_ROLE: Final = {"agent": "AGENT", "customer": "CUSTOMER", "system": "SYSTEM"}


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _iso(ts: datetime, *, millis: bool = False) -> str:
    text = ts.astimezone(UTC).isoformat(timespec="milliseconds" if millis else "seconds")
    return text.replace("+00:00", "Z")


def _offsets(contact: Contact) -> list[tuple[int, int]]:
    """Begin/end per turn; a turn without times gets a made-up slot after the previous one."""
    out: list[tuple[int, int]] = []
    clock = 0
    for turn in contact.turns:
        begin = turn.begin_ms if turn.begin_ms is not None else clock
        end = turn.end_ms if turn.end_ms is not None else begin + 1000
        out.append((begin, end))
        clock = max(clock, end)
    return out


def contact_lens_key(contact: Contact, *, redacted: bool = False) -> str:
    """Where Contact Lens would store this contact's analysis, relative to the bucket prefix."""
    started = (contact.started_at or _EPOCH).astimezone(UTC)
    folder = "Chat" if (contact.channel or "").lower() == "chat" else "Voice"
    part = "Redacted/" if redacted else ""
    tag = "analysis_redacted" if redacted else "analysis"
    return (
        f"Analysis/{folder}/{part}{started:%Y/%m/%d}/"
        f"{contact.contact_id}_{tag}_{_iso(started)}.json"
    )


def _chat_transcript(contact: Contact, ids: dict[str, str]) -> list[dict[str, Any]]:
    started = (contact.started_at or _EPOCH).astimezone(UTC)
    items: list[dict[str, Any]] = [
        {
            "AbsoluteTime": _iso(started, millis=True),
            "ContentType": "application/vnd.amazonaws.connect.event.participant.joined",
            "Id": _uid(contact.contact_id, "joined"),
            "ParticipantId": ids["customer"],
            "ParticipantRole": "CUSTOMER",
            "Type": "EVENT",
        }
    ]
    for i, (turn, (begin, _)) in enumerate(zip(contact.turns, _offsets(contact), strict=True)):
        items.append(
            {
                "AbsoluteTime": _iso(started + timedelta(milliseconds=begin), millis=True),
                "Content": turn.text,
                "ContentType": "text/plain",
                "Id": _uid(contact.contact_id, str(i)),
                "ParticipantId": ids[turn.speaker],
                "ParticipantRole": _ROLE[turn.speaker],
                "Type": "MESSAGE",
            }
        )
    return items


def _voice_transcript(contact: Contact, ids: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "BeginOffsetMillis": begin,
            "Content": turn.text,
            "EndOffsetMillis": end,
            "Id": _uid(contact.contact_id, str(i)),
            "ParticipantId": ids[turn.speaker],
            "Sentiment": "NEUTRAL",
        }
        for i, (turn, (begin, end)) in enumerate(zip(contact.turns, _offsets(contact), strict=True))
    ]


def to_contact_lens(contact: Contact, *, redacted: bool = False) -> tuple[str, bytes]:
    """A Contact Lens analysis file (Version 1.1.0 layout): (key relative to prefix, JSON bytes)."""
    chat = (contact.channel or "").lower() == "chat"
    # voice files name participants by role, chat files by UUID: the reader must handle both
    ids = {role: _uid(contact.contact_id, role) for role in _ROLE} if chat else dict(_ROLE)
    participants: list[dict[str, str]] = []
    for role, label in _ROLE.items():
        if role == "system" and not any(t.speaker == "system" for t in contact.turns):
            continue
        entry = {"ParticipantId": ids[role], "ParticipantRole": label}
        if chat and role == "agent" and contact.agent_name:
            entry["DisplayName"] = contact.agent_name
        participants.append(entry)
    doc: dict[str, Any] = {
        "Version": "1.1.0",
        "AccountId": _ACCOUNT,
        "Channel": "CHAT" if chat else "VOICE",
        "ContentMetadata": {"Output": "Redacted" if redacted else "Raw"},
        "CustomerMetadata": {
            "ContactId": contact.contact_id,
            "InstanceId": _INSTANCE,
            "InputS3Uri": f"s3://example-connect-bucket/{contact.contact_id}",
        },
        "JobStatus": "COMPLETED",
        "LanguageCode": contact.language or "en-US",
        "Participants": participants,
        "Categories": {"MatchedCategories": [], "MatchedDetails": {}},
        "Transcript": _chat_transcript(contact, ids) if chat else _voice_transcript(contact, ids),
    }
    key = contact_lens_key(contact, redacted=redacted)
    return key, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def to_transcribe(contact: Contact) -> tuple[str, bytes]:
    """A Transcribe Call Analytics output file: (key analytics/<contact id>.json, JSON bytes)."""
    transcript = [
        {
            "BeginOffsetMillis": begin,
            "Content": turn.text,
            "EndOffsetMillis": end,
            "Id": _uid(contact.contact_id, str(i)),
            "ParticipantRole": _ROLE[turn.speaker],
            "Sentiment": "NEUTRAL",
        }
        for i, (turn, (begin, end)) in enumerate(zip(contact.turns, _offsets(contact), strict=True))
    ]
    doc = {
        "JobName": contact.contact_id,
        "JobStatus": "COMPLETED",
        "LanguageCode": contact.language or "en-US",
        "Transcript": transcript,
    }
    day = f"{contact.started_at.astimezone(UTC):%Y/%m/%d}/" if contact.started_at else ""
    return f"analytics/{day}{contact.contact_id}.json", json.dumps(doc).encode("utf-8")


def to_ctr_record(contact: Contact) -> dict[str, Any]:
    """An Amazon Connect contact record (CTR) naming the contact's agent and queue."""
    connected = (contact.started_at or _EPOCH).astimezone(UTC)
    offsets = _offsets(contact)
    talk_s = max((end for _, end in offsets), default=0) // 1000
    agent: dict[str, Any] | None = None
    if contact.agent_id is not None:
        agent = {
            "ARN": f"arn:aws:connect:us-east-1:{_ACCOUNT}:instance/{_INSTANCE}/agent/"
            + _uid("agent", contact.agent_id),
            "Username": contact.agent_id,
            "AgentInteractionDuration": talk_s,
            "AfterContactWorkDuration": 30,
            "ConnectedToAgentTimestamp": _iso(connected),
            "HierarchyGroups": None,
        }
    queue = None
    if contact.team is not None:
        queue = {
            "ARN": f"arn:aws:connect:us-east-1:{_ACCOUNT}:instance/{_INSTANCE}/queue/"
            + _uid("queue", contact.team),
            "Name": contact.team,
            "EnqueueTimestamp": _iso(connected - timedelta(seconds=40)),
        }
    return {
        "AWSAccountId": _ACCOUNT,
        "AWSContactTraceRecordFormatVersion": "2017-03-10",
        "Agent": agent,
        "Channel": "CHAT" if (contact.channel or "").lower() == "chat" else "VOICE",
        "ContactId": contact.contact_id,
        "InitialContactId": None,
        "InitiationMethod": "INBOUND",
        "InitiationTimestamp": _iso(connected - timedelta(seconds=60)),
        "ConnectedToSystemTimestamp": _iso(connected - timedelta(seconds=55)),
        "DisconnectTimestamp": _iso(connected + timedelta(seconds=talk_s)),
        "LastUpdateTimestamp": _iso(connected + timedelta(seconds=talk_s + 40)),
        "InstanceARN": f"arn:aws:connect:us-east-1:{_ACCOUNT}:instance/{_INSTANCE}",
        "Queue": queue,
    }


def to_ctr_stream(contacts: Iterable[Contact], *, newline: bool = True) -> bytes:
    """Contact records as Connect streams them: JSON lines, or objects back to back."""
    sep = "\n" if newline else ""
    return sep.join(json.dumps(to_ctr_record(c)) for c in contacts).encode("utf-8")


def to_ctr_files(
    contacts: Iterable[Contact], prefix: str = "ctr", *, hourly: bool = False
) -> list[tuple[str, bytes]]:
    """The contacts' records as Connect's stream delivers them to S3: a JSON-lines file per UTC
    day (``<prefix>/YYYY/MM/DD/00/records.json``), or per hour with ``hourly``."""
    batches: dict[str, list[Contact]] = {}
    for c in contacts:
        connected = (c.started_at or _EPOCH).astimezone(UTC)
        batches.setdefault(
            f"{connected:%Y/%m/%d}/{connected:%H}" if hourly else f"{connected:%Y/%m/%d}/00", []
        ).append(c)
    return [
        (f"{prefix}/{when}/records.json", to_ctr_stream(group)) for when, group in batches.items()
    ]


def _csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")  # quotes any \r or \n in a cell
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def to_csv_rows(
    contacts: Iterable[Contact],
    columns: CsvColumns | None = None,
    *,
    with_agent_details: bool = True,
) -> bytes:
    """One CSV row per turn; agent name and team columns only when with_agent_details."""
    cols = columns or CsvColumns()
    fields = [
        "contact_id",
        "agent_id",
        "speaker",
        "text",
        "begin_ms",
        "end_ms",
        "started_at",
        "channel",
        "language",
    ]
    if with_agent_details:
        fields += ["agent_name", "team"]
    rows: list[list[str]] = []
    for c in contacts:
        for turn in c.turns:
            values = {
                "contact_id": c.contact_id,
                "agent_id": c.agent_id or "",
                "speaker": turn.speaker,
                "text": turn.text,
                "begin_ms": "" if turn.begin_ms is None else str(turn.begin_ms),
                "end_ms": "" if turn.end_ms is None else str(turn.end_ms),
                "started_at": _iso(c.started_at) if c.started_at else "",
                "channel": c.channel or "",
                "language": c.language or "",
                "agent_name": c.agent_name or "",
                "team": c.team or "",
            }
            rows.append([values[f] for f in fields])
    return _csv_bytes([getattr(cols, f) for f in fields], rows)


def to_roster_csv(contacts: Iterable[Contact]) -> bytes:
    """Roster CSV: contact id -> agent id, name, team (contacts without an agent are left out)."""
    rows = [
        [c.contact_id, c.agent_id, c.agent_name or "", c.team or ""]
        for c in contacts
        if c.agent_id is not None
    ]
    return _csv_bytes(["contact_id", "agent_id", "agent_name", "team"], rows)
