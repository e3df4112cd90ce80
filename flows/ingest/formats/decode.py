"""Bytes to text: gzip, byte-order marks and legacy encodings."""

from __future__ import annotations

import zlib

from flows.ingest.formats.model import TranscriptError

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20
# Bytes Windows-1252 leaves undefined: a file holding them is neither Latin-1 text nor cp1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def gunzip_if_needed(key: str, data: bytes, max_bytes: int | None = None) -> bytes:
    """Decompress gzip data (detected by magic bytes), refusing output over max_bytes.

    Every member is read (`cat a.gz b.gz` and appended exports are valid gzip), the size limit
    counting all of them together; zero padding after the last member is allowed, any other
    bytes after it are refused (the file is quarantined, not read in part).
    """
    if data[:2] != GZIP_MAGIC:
        if key.endswith(".gz"):
            raise TranscriptError("named .gz but not gzip data")
        return data
    out = bytearray()
    pending = data
    members = 0
    try:
        while True:
            stream = zlib.decompressobj(wbits=31)
            members += 1
            while not stream.eof:
                limit = _CHUNK if max_bytes is None else min(_CHUNK, max_bytes + 1 - len(out))
                chunk = stream.decompress(pending, limit)
                out += chunk
                if max_bytes is not None and len(out) > max_bytes:
                    raise TranscriptError(f"gzip data expands to over the {max_bytes:,}-byte limit")
                pending = stream.unconsumed_tail
                if not chunk and not pending:
                    break  # no input left and nothing more comes out: cut short
            if not stream.eof:
                raise TranscriptError(f"corrupt gzip data: member {members} is truncated")
            pending = stream.unused_data
            if not pending.strip(b"\x00"):
                return bytes(out)
            if pending[:2] != GZIP_MAGIC:
                raise TranscriptError(
                    f"corrupt gzip data: {len(pending):,} bytes that are not gzip after "
                    f"member {members}"
                )
    except zlib.error as exc:
        raise TranscriptError(f"corrupt gzip data: {exc}") from exc


def _looks_utf16_without_bom(data: bytes) -> bool:
    sample = data[:200]
    return len(sample) >= 4 and (
        sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4
    )


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, Latin-1 or Windows-1252."""
    if data.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")):
        raise TranscriptError("UTF-32 text is not supported: re-save the file as UTF-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise TranscriptError(f"invalid UTF-16 text: {exc.reason}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if b"\x00" in data:
            if _looks_utf16_without_bom(data):
                raise TranscriptError(
                    "looks like UTF-16 without a byte-order mark: re-save as UTF-8"
                ) from exc
            raise TranscriptError("binary data, not text") from exc
        if not any(0x80 <= b < 0xA0 for b in data):
            return data.decode("latin-1")
        if any(b in _CP1252_UNDEFINED for b in data):
            raise TranscriptError(
                f"not UTF-8 (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}) "
                "and not Latin-1 or Windows-1252 text either"
            ) from exc
        return data.decode("cp1252")
