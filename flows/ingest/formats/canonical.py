"""Rapport's canonical transcript format: .json (one contact) or .jsonl (one per line)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Final

import orjson

from checks.transcripts.transcript import SPEAKERS, Contact, Speaker, Turn
from flows.ingest.formats.model import ParseResult, Quarantine, TranscriptError, TurnColumns
from flows.ingest.formats.validate import check_id


def parse_canonical_json(key: str, text: str) -> ParseResult:
    """Parse a file holding one canonical contact object (or a list of them)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    except RecursionError as exc:
        raise TranscriptError("malformed JSON: nested too deeply") from exc
    docs = doc if isinstance(doc, list) else [doc]
    result = ParseResult()
    for i, item in enumerate(docs):
        where = key if len(docs) == 1 else f"{key}#{i}"
        try:
            result.contacts.append(contact_from_dict(item, source_key=key))
        except TranscriptError as exc:
            result.problems.append(Quarantine(where, str(exc)))
    return result


def parse_canonical_jsonl(key: str, text: str) -> ParseResult:
    """Parse one canonical contact per line; a bad line is quarantined alone."""
    result = ParseResult()
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{key}#L{lineno}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            result.problems.append(
                Quarantine(where, f"malformed JSON: {exc.msg} (column {exc.colno})")
            )
            continue
        except RecursionError:
            result.problems.append(Quarantine(where, "malformed JSON: nested too deeply"))
            continue
        try:
            result.contacts.append(contact_from_dict(item, source_key=key))
        except TranscriptError as exc:
            result.problems.append(Quarantine(where, str(exc)))
    if not result.contacts and not result.problems:
        raise TranscriptError("empty file: no contacts")
    return result


def _text_field(doc: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = doc.get(name)
    if value is None:
        if required:
            raise TranscriptError(f"missing required field '{name}'")
        return None
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
        raise TranscriptError(f"field '{name}' must be a non-empty string")
    return str(value)


def parse_timestamp(value: object, name: str = "started_at") -> datetime:
    """ISO 8601 timestamp with an explicit zone."""
    if not isinstance(value, str):
        raise TranscriptError(f"field '{name}' must be an ISO 8601 string")
    try:
        ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise TranscriptError(f"field '{name}' is not ISO 8601: {value!r}") from exc
    if ts.tzinfo is None:
        raise TranscriptError(f"field '{name}' has no time zone: {value!r}")
    return ts


# The longest offset any reader accepts (about 31 years in ms): larger numbers are not times,
# and past 2**63 they would not fit the week's Int64 columns.
MAX_MS: Final = 10**12


def _ms(turn: dict[str, Any], name: str, index: int) -> int | None:
    value = turn.get(name)
    if value is None:
        return None
    # `not value >= 0` is also true for NaN
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise TranscriptError(f"turn {index}: '{name}' must be a non-negative number")
    if value > MAX_MS:
        raise TranscriptError(f"turn {index}: '{name}' is out of range (over {MAX_MS:,} ms)")
    return int(value)


def contact_from_dict(doc: object, *, source_key: str | None = None) -> Contact:
    """Validate one canonical contact object; raise TranscriptError with a one-line reason."""
    if not isinstance(doc, dict):
        raise TranscriptError(f"expected a JSON object, got {type(doc).__name__}")
    contact_id = _text_field(doc, "contact_id", required=True)
    agent_id = _text_field(doc, "agent_id", required=True)
    started_at = parse_timestamp(doc.get("started_at")) if "started_at" in doc else None
    if started_at is None:
        raise TranscriptError("missing required field 'started_at'")
    raw_turns = doc.get("turns")
    if not isinstance(raw_turns, list) or not raw_turns:
        raise TranscriptError("field 'turns' must be a non-empty list")
    turns: list[Turn] = []
    for i, t in enumerate(raw_turns):
        if not isinstance(t, dict):
            raise TranscriptError(f"turn {i} is not an object")
        speaker = t.get("speaker")
        if speaker not in SPEAKERS:
            raise TranscriptError(
                f"turn {i}: unknown speaker {speaker!r} (agent, customer or system)"
            )
        text = t.get("text")
        if not isinstance(text, str):
            raise TranscriptError(f"turn {i}: 'text' must be a string")
        sp: Speaker = speaker
        begin, end = t.get("begin_ms"), t.get("end_ms")
        # The common case (absent, or a non-negative int) skips the full check.
        if begin is not None and not (type(begin) is int and 0 <= begin <= MAX_MS):
            begin = _ms(t, "begin_ms", i)
        if end is not None and not (type(end) is int and 0 <= end <= MAX_MS):
            end = _ms(t, "end_ms", i)
        turns.append(Turn(sp, text, begin, end))
    assert contact_id is not None
    return Contact(
        contact_id=contact_id,
        agent_id=agent_id,
        turns=tuple(turns),
        started_at=started_at,
        agent_name=_text_field(doc, "agent_name", required=False),
        team=_text_field(doc, "team", required=False),
        channel=_text_field(doc, "channel", required=False),
        language=_text_field(doc, "language", required=False),
        source_key=source_key,
    )


_SPEAKER_SET: Final = frozenset(SPEAKERS)
_MS_TYPES: Final = frozenset({int, type(None)})


class _NotClean(Exception):
    """A contact the fast reader leaves to the full one."""


def _clean_text(value: object) -> str:
    if type(value) is not str or value.strip() == "":
        raise _NotClean
    return value


def _clean_optional(value: object) -> str | None:
    return None if value is None else _clean_text(value)


def _clean_contact(doc: object, key: str) -> tuple[Contact, TurnColumns]:
    """A contact that reads and validates with no coercion, as columns; else raise.

    Whole-column checks (C loops) stand in for the per-turn ones of contact_from_dict and
    validate_contact; any turn they would reject or coerce raises here.
    """
    if type(doc) is not dict or "started_at" not in doc:
        raise _NotClean
    contact_id = _clean_text(doc.get("contact_id"))
    agent_id = _clean_text(doc.get("agent_id"))
    raw_turns = doc.get("turns")
    if type(raw_turns) is not list or not raw_turns:
        raise _NotClean
    if not all(type(t) is dict for t in raw_turns):
        raise _NotClean
    speakers = [t.get("speaker") for t in raw_turns]
    texts = [t.get("text") for t in raw_turns]
    begins = [t.get("begin_ms") for t in raw_turns]
    ends = [t.get("end_ms") for t in raw_turns]
    if not _SPEAKER_SET.issuperset(speakers):  # unhashable speakers raise TypeError
        raise _NotClean
    # join raises on a non-string text, encode on a lone surrogate
    "".join(texts).encode("utf-8")
    _check_ms(begins)
    _check_ms(ends)
    spoken = {sp for sp, text in zip(speakers, texts, strict=True) if text.strip()}
    if "agent" not in spoken or "customer" not in spoken:
        raise _NotClean
    check_id("contact_id", contact_id)
    check_id("agent_id", agent_id)
    contact = Contact(
        contact_id=contact_id,
        agent_id=agent_id,
        turns=(),
        started_at=parse_timestamp(doc["started_at"]),
        agent_name=_clean_optional(doc.get("agent_name")),
        team=_clean_optional(doc.get("team")),
        channel=_clean_optional(doc.get("channel")),
        language=_clean_optional(doc.get("language")),
        source_key=key,
    )
    return contact, TurnColumns(speakers, texts, begins, ends)


def _check_ms(values: list[Any]) -> None:
    """Every value None or a non-negative int (bools and floats go to the full reader)."""
    kinds = set(map(type, values))
    if not kinds <= _MS_TYPES:
        raise _NotClean
    if int in kinds:
        ints = values if len(kinds) == 1 else [v for v in values if v is not None]
        if min(ints) < 0 or max(ints) > MAX_MS:
            raise _NotClean


def canonical_jsonl_columns(key: str, text: str) -> list[tuple[Contact, TurnColumns]] | None:
    """Every contact of a canonical .jsonl file, as columns, if all read and validate cleanly.

    None as soon as any line would be quarantined, coerced or is otherwise unusual: the caller
    then reads the file with the full reader, which words every reason.
    """
    out: list[tuple[Contact, TurnColumns]] = []
    # orjson is stricter than json (NaN, lone surrogates), and reads a huge int as a float:
    # any of those ends here or in the type checks, and the full reader (json) takes over.
    loads = orjson.loads
    try:
        for line in text.splitlines():
            if line.strip():
                out.append(_clean_contact(loads(line), key))
    except Exception:  # whatever went wrong, the full reader gives the exact outcome
        return None
    return out or None
