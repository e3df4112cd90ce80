"""What a reader returns: the contacts it read and the problems it quarantined."""

from __future__ import annotations

from dataclasses import dataclass, field

from checks.transcript import Contact


@dataclass(frozen=True, slots=True)
class Quarantine:
    """A file (or one line of it) that could not be read, with a one-line reason."""

    key: str
    reason: str


@dataclass(slots=True)
class ParseResult:
    """Contacts read from one file, and anything in it that had to be quarantined."""

    contacts: list[Contact] = field(default_factory=list)
    problems: list[Quarantine] = field(default_factory=list)


class TranscriptError(ValueError):
    """A transcript breaks its format; the message is the one-line quarantine reason."""
