"""Pick the reader for a stored file and turn every failure into a quarantine reason."""

from __future__ import annotations

import json
from typing import Final, Literal, get_args

from checks.transcripts.transcript import Contact
from flows.ingest.formats.canonical import (
    canonical_jsonl_columns,
    contact_from_dict,
    parse_canonical_jsonl,
)
from flows.ingest.formats.contact_lens import (
    contact_lens_contact_id,
    looks_like_contact_lens,
    parse_contact_lens,
)
from flows.ingest.formats.csv_turns import CsvColumns, looks_like_csv_turns, parse_csv_turns
from flows.ingest.formats.decode import decode_text, gunzip_if_needed
from flows.ingest.formats.keys import file_name, file_stem
from flows.ingest.formats.model import ColumnarResult, ParseResult, Quarantine, TranscriptError
from flows.ingest.formats.transcribe import looks_like_transcribe, parse_transcribe
from flows.ingest.formats.validate import validate_contact

Format = Literal["auto", "canonical", "contact_lens", "transcribe", "csv"]
FORMATS: Final[tuple[str, ...]] = get_args(Format)
DEFAULT_MAX_BYTES: Final = 64 * 1024 * 1024
INTERNAL_ERROR: Final = "internal reader error"


def _base_name(key: str) -> str:
    name = file_name(key)
    return name[:-3] if name.endswith(".gz") else name


def listed_contact_id(key: str) -> str | None:
    """The contact a file's key names before it is read: a Contact Lens key's contact id, else
    the name of a one-document JSON file (Transcribe writes ``<job name>.json``, and a canonical
    week laid out per contact ``<contact id>.json``); None for files of many contacts."""
    contact = contact_lens_contact_id(key)
    if contact is not None:
        return contact
    return file_stem(key) if _base_name(key).lower().endswith(".json") else None


def _load_json(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    except RecursionError as exc:
        raise TranscriptError("malformed JSON: nested too deeply") from exc


def _looks_like_jsonl(text: str) -> bool:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return len(lines) > 1 and all(line.startswith("{") for line in lines[:2])


def _one_or_many(key: str, docs: list[object], read: object) -> ParseResult:
    result = ParseResult()
    for i, doc in enumerate(docs):
        where = key if len(docs) == 1 else f"{key}#{i}"
        try:
            if read == "contact_lens":
                result.contacts.append(parse_contact_lens(key, doc))
            elif read == "transcribe":
                result.contacts.append(parse_transcribe(key, doc))
            else:
                result.contacts.append(contact_from_dict(doc, source_key=key))
        except TranscriptError as exc:
            result.problems.append(Quarantine(where, str(exc)))
    return result


def _json_kind(key: str, doc: object) -> str:
    sample = doc[0] if isinstance(doc, list) and doc else doc
    if looks_like_contact_lens(sample) or contact_lens_contact_id(key) is not None:
        return "contact_lens"
    if looks_like_transcribe(sample):
        return "transcribe"
    if (
        isinstance(sample, dict)
        and "turns" not in sample
        and ("Transcript" in sample or "Participants" in sample)
    ):
        return "contact_lens"  # an Amazon document with a broken Transcript: say which field
    return "canonical"


def _reads_as_csv(key: str, text: str, fmt: Format, columns: CsvColumns | None) -> bool:
    return fmt == "csv" or (
        fmt == "auto"
        and not text.lstrip().startswith(("{", "["))
        and (_base_name(key).endswith((".csv", ".tsv")) or looks_like_csv_turns(text, columns))
    )


def _reads_as_jsonl(key: str, text: str, fmt: Format) -> bool:
    return fmt in ("auto", "canonical") and (
        _base_name(key).endswith(".jsonl") or (fmt == "auto" and _looks_like_jsonl(text))
    )


def _read(key: str, text: str, fmt: Format, columns: CsvColumns | None) -> ParseResult:
    name = _base_name(key)
    stripped = text.lstrip()
    if _reads_as_csv(key, text, fmt, columns):
        return parse_csv_turns(key, text, columns)
    if _reads_as_jsonl(key, text, fmt):
        return parse_canonical_jsonl(key, text)
    if fmt == "auto" and not stripped.startswith(("{", "[")) and not name.endswith(".json"):
        raise TranscriptError(
            "unrecognised format: not JSON, and no CSV header with contact id, speaker and text"
        )
    doc = _load_json(text)
    kind = _json_kind(key, doc) if fmt == "auto" else fmt
    docs = doc if isinstance(doc, list) else [doc]
    if not docs:
        raise TranscriptError("empty file: an empty JSON list")
    return _one_or_many(key, docs, kind)


def _validated(key: str, result: ParseResult) -> ParseResult:
    out = ParseResult(problems=list(result.problems))
    many = len(result.contacts) > 1
    for contact in result.contacts:
        try:
            validate_contact(contact)
        except TranscriptError as exc:
            where = f"{key}#{contact.contact_id}" if many else key
            out.problems.append(Quarantine(where, str(exc)))
            continue
        out.contacts.append(contact)
    return out


def _text_of(key: str, data: bytes, fmt: Format, max_bytes: int | None) -> str:
    if fmt not in FORMATS:
        raise TranscriptError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if max_bytes is not None and len(data) > max_bytes:
        raise TranscriptError(f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit")
    text = decode_text(gunzip_if_needed(key, data, max_bytes))
    if not text.strip():
        raise TranscriptError("empty file (nothing but whitespace)")
    return text


def parse_file(
    key: str,
    data: bytes,
    *,
    format: Format = "auto",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    csv_columns: CsvColumns | None = None,
) -> ParseResult:
    """Read one stored file; never raises for bad content, quarantines it instead."""
    try:
        text = _text_of(key, data, format, max_bytes)
        return _validated(key, _read(key, text, format, csv_columns))
    except TranscriptError as exc:
        return ParseResult(problems=[Quarantine(key, str(exc))])
    except Exception as exc:  # a reader bug must not stop the week; the reason says so
        return ParseResult(problems=[Quarantine(key, f"{INTERNAL_ERROR}: {type(exc).__name__}")])


def parse_file_columns(
    key: str,
    data: bytes,
    *,
    format: Format = "auto",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    csv_columns: CsvColumns | None = None,
) -> ColumnarResult:
    """parse_file with turns as columns; clean canonical .jsonl skips the per-turn records."""
    try:
        text = _text_of(key, data, format, max_bytes)
        if not _reads_as_csv(key, text, format, csv_columns) and _reads_as_jsonl(key, text, format):
            fast = canonical_jsonl_columns(key, text)
            if fast is not None:
                return ColumnarResult(fast)
    except Exception:  # parse_file below turns the same failure into its exact reason
        pass
    result = parse_file(key, data, format=format, max_bytes=max_bytes, csv_columns=csv_columns)
    return ColumnarResult.of(result)


def read_contacts(key: str, data: bytes) -> list[Contact]:
    """Contacts of a file that must read cleanly (tests, demo); raise TranscriptError otherwise."""
    result = parse_file(key, data)
    if result.problems:
        raise TranscriptError("; ".join(f"{q.key}: {q.reason}" for q in result.problems))
    return result.contacts
