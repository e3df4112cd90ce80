"""Speaker labels as people write them, mapped onto agent, customer and system."""

from __future__ import annotations

import re
from typing import Final

from checks.transcripts.transcript import Speaker
from flows.ingest.formats.model import TranscriptError

SPEAKER_ALIASES: Final[dict[str, Speaker]] = {
    **dict.fromkeys(
        (
            "agent",
            "rep",
            "representative",
            "advisor",
            "adviser",
            "associate",
            "csr",
            "operator",
            "staff",
            "employee",
            "support",
            "human_agent",
            "a",
        ),
        "agent",
    ),
    **dict.fromkeys(
        (
            "customer",
            "caller",
            "client",
            "user",
            "visitor",
            "guest",
            "member",
            "consumer",
            "end_user",
            "c",
        ),
        "customer",
    ),
    **dict.fromkeys(
        (
            "system",
            "bot",
            "ivr",
            "virtual_agent",
            "chatbot",
            "automated",
            "automation",
            "lex",
            "system_message",
            "custom_bot",
            "supervisor",
            "sys",
        ),
        "system",
    ),
}


def normalise_label(label: str) -> str:
    """Lower-case a label and fold spaces, dashes and dots into underscores."""
    return re.sub(r"[\s\-.]+", "_", label.strip().lower())


def speaker_from_label(label: object) -> Speaker:
    """Map a speaker label (case-insensitive, common aliases) or raise TranscriptError."""
    if not isinstance(label, str) or not label.strip():
        raise TranscriptError(f"missing speaker label (got {label!r})")
    speaker = SPEAKER_ALIASES.get(label) or SPEAKER_ALIASES.get(normalise_label(label))
    if speaker is None:
        shown = label if len(label) <= 40 else label[:40] + "…"
        raise TranscriptError(
            f"unknown speaker label {shown!r} (expected agent, customer or system, "
            "or an alias such as rep, caller, bot)"
        )
    return speaker
