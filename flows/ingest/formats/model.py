"""What a reader returns: the contacts it read and the problems it quarantined."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from checks.transcripts.transcript import Contact


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


@dataclass(frozen=True, slots=True)
class TurnColumns:
    """One contact's turns as parallel columns (the same values as its Turn records)."""

    speaker: list[str]
    text: list[str]
    begin_ms: list[int | None]
    end_ms: list[int | None]

    @classmethod
    def of(cls, contact: Contact) -> TurnColumns:
        """The columns of a contact's Turn records."""
        turns = contact.turns
        return cls(
            [t.speaker for t in turns],
            [t.text for t in turns],
            [t.begin_ms for t in turns],
            [t.end_ms for t in turns],
        )


@dataclass(slots=True)
class ColumnarResult:
    """A ParseResult with each contact's turns as columns: contacts carry metadata only."""

    contacts: list[tuple[Contact, TurnColumns]] = field(default_factory=list)
    problems: list[Quarantine] = field(default_factory=list)

    @classmethod
    def of(cls, result: ParseResult) -> ColumnarResult:
        """The same contacts and problems, turns moved into columns."""
        return cls(
            [(replace(c, turns=()), TurnColumns.of(c)) for c in result.contacts],
            list(result.problems),
        )
