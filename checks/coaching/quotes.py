"""Masked excerpts of turns: the quoted moment snapped to whole words, with context around it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from checks.transcripts.pii import mask_pii

EXCERPT_CHARS: Final = 90
MATCH_CHARS: Final = 160  # the highlighted words themselves are cut only past this


@dataclass(frozen=True, slots=True)
class Quote:
    """A short, PII-masked excerpt of one turn with the highlighted moment in ``match``."""

    contact_id: str
    date: str
    turn: int
    speaker: str
    before: str
    match: str
    after: str


@dataclass(frozen=True, slots=True)
class Finding:
    """The finding a point quotes: where it is, what it matched and the whole turn's text."""

    contact_id: str
    turn: int
    speaker: str | None
    start: int | None
    end: int | None
    text: str | None
    turn_text: str | None


def _cut_left(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    cut = text[-width:]
    space = cut.find(" ")
    return "…" + (cut[space + 1 :] if 0 <= space < width // 2 else cut)


def _cut_right(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    cut = text[:width]
    space = cut.rfind(" ")
    return (cut[:space] if space > width // 2 else cut) + "…"


def _in_word(text: str, i: int) -> bool:
    """Whether text[i] belongs to a word (letters, digits, an apostrophe inside a word)."""
    ch = text[i]
    if ch.isalnum():
        return True
    return ch in "'’" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words (“third time I” + “'ve” -> “third time I've”) and
    trim spaces and punctuation the span starts with and spaces it ends with."""
    while start < end and not _in_word(text, start):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return start, end
    while start > 0 and _in_word(text, start - 1):
        start -= 1
    while end < len(text) and _in_word(text, end):
        end += 1
    return start, end


def make_quote(
    *,
    contact_id: str,
    date: str,
    turn: int,
    speaker: str,
    matched: str,
    turn_text: str | None = None,
    start: int | None = None,
    end: int | None = None,
    width: int = EXCERPT_CHARS,
) -> Quote:
    """Build a masked excerpt around ``matched`` (context from ``turn_text`` when its span fits)."""
    masked = _cut_right(mask_pii(matched), MATCH_CHARS)
    base = Quote(contact_id, date, turn, speaker, "", masked, "")
    if turn_text is None or start is None or end is None:
        return base
    if not (0 <= start <= end <= len(turn_text)) or turn_text[start:end].strip() == "":
        return base
    start, end = snap_to_words(turn_text, start, end)
    if start == end:
        return base
    head, mid, tail = turn_text[:start], turn_text[start:end], turn_text[end:]
    m_head, m_mid, m_tail = mask_pii(head), mask_pii(mid), mask_pii(tail)
    if m_head + m_mid + m_tail != mask_pii(turn_text):
        # PII straddles the span edge: masking the pieces separately could leak a fragment.
        return base
    side = max(20, (width - len(m_mid)) // 2)
    return Quote(
        contact_id,
        date,
        turn,
        speaker,
        _cut_left(m_head, side),
        _cut_right(m_mid, MATCH_CHARS),
        _cut_right(m_tail, side),
    )


def turn_quote(*, contact_id: str, date: str, turn: int, speaker: str, text: str) -> Quote:
    """A masked excerpt of a whole turn with nothing highlighted (what the agent said)."""
    return Quote(contact_id, date, turn, speaker, _cut_right(mask_pii(text), EXCERPT_CHARS), "", "")


def quote_finding(finding: Finding | None, dates: Mapping[str, str]) -> Quote | None:
    """The masked excerpt of a finding, dated from ``dates`` (None when there is none)."""
    if finding is None:
        return None
    return make_quote(
        contact_id=finding.contact_id,
        date=dates.get(finding.contact_id, ""),
        turn=int(finding.turn),
        speaker=finding.speaker or "",
        matched=finding.text or "",
        turn_text=finding.turn_text,
        start=finding.start,
        end=finding.end,
    )
