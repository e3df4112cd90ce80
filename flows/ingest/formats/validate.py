"""Checks every reader applies to the contacts it read, whatever the source format."""

from __future__ import annotations

import re

from checks.transcripts.transcript import Contact
from flows.ingest.formats.model import TranscriptError

MAX_ID_CHARS = 256
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_id(name: str, value: str | None) -> None:
    """Raise TranscriptError if an id is blank, too long or holds control characters."""
    if value is None:
        return
    if not value.strip():
        raise TranscriptError(f"'{name}' is blank")
    if len(value) > MAX_ID_CHARS:
        raise TranscriptError(f"'{name}' is longer than {MAX_ID_CHARS} characters")
    if _CONTROL.search(value):
        raise TranscriptError(f"'{name}' holds control characters")


def validate_contact(contact: Contact) -> None:
    """Raise TranscriptError (the one-line reason) if a read contact cannot be scored."""
    check_id("contact_id", contact.contact_id)
    check_id("agent_id", contact.agent_id)
    if not contact.turns:
        raise TranscriptError("no turns")
    try:
        "".join(turn.text for turn in contact.turns).encode("utf-8")
    except UnicodeEncodeError:
        for i, turn in enumerate(contact.turns):  # name the turn, only on the rare bad path
            try:
                turn.text.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise TranscriptError(
                    f"turn {i}: text holds an invalid character (lone surrogate)"
                ) from exc
    spoken = [t for t in contact.turns if t.text.strip()]
    if not spoken:
        raise TranscriptError("empty transcript: every turn's text is blank")
    if not any(t.speaker == "agent" for t in spoken):
        raise TranscriptError("no agent turns (none with text)")
    if not any(t.speaker == "customer" for t in spoken):
        raise TranscriptError("no customer turns (none with text)")
