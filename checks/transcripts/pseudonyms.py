"""Stable pseudonyms for contact ids and object keys that carry personal data (a phone number,
an e-mail address, …): the same raw value always gives the same pseudonym under one secret key,
and the pseudonym keeps the value's readable part with the personal data masked."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Set
from typing import Final

import polars as pl

from checks.transcripts import pii_kinds
from checks.transcripts.pii import mask_pii, mask_pii_expr

HASH_LETTERS: Final = 12  # 48 bits: no two of a week's (or a year's) ids share one
# Parts of ids that look like digit runs but are not personal: UUIDs and timestamps (the
# pattern reads the same in Python and in polars' Rust regex).
_SHIELD: Final = (
    r"(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|\d{4}-\d{2}-\d{2}[T \-_]\d{2}[:\-]?\d{2}(?:[:\-]?\d{2}(?:\.\d+)?)?(?:Z|[+\-]\d{2}:?\d{2})?"
    # a compact date on its own, maybe with a time: contacts-20261116-01, 20261116T0900
    r"|\b(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[T_\-]?\d{4}(?:\d\d)?)?\b"
    # an ISO date on its own (2026-11-22) and a content hash ("sha256 5077af7018ef"): log lines
    r"|\b(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"
    r"|\bsha256[ :=]*[0-9a-f]{6,64}\b"
)
_SHIELD_RE: Final = re.compile(_SHIELD)
_EXTENSION_RE: Final = re.compile(r"(?:\.(?:jsonl|json|csv|gz|txt))+$", re.IGNORECASE)
_TOKEN_RE: Final = re.compile(r"\[(\w+)\]")
_UNSAFE_RE: Final = re.compile(r"[^A-Za-z0-9._\-]+")


# In an id, a digit run is a phone number only when it is as long as one with its area code:
# shorter grouped runs are how ids are numbered ("c-2026w47-001-002").
_LONG_RUN_RE: Final = re.compile(r"\+\d(?:[\s().\-/]*\d){7,}|\d(?:[\s().\-/]*\d){9,}")
_RUN_TOKENS: Final = frozenset({"[phone]", "[id]"})
# Ids worth a look in Python (Rust regex): anything carries_pii may call personal, nothing
# shorter than a phone number's digits.
_ID_CANDIDATE: Final = (
    r"(?i)@|\(at\)|\[at\]|\+\d(?:[\s().\-/]*\d){7,}|\d(?:[\s().+/\-]*\d){9,}"
    r"|\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b[\s,.\-]+|"
    + pii_kinds.CANDIDATE_PATTERN.removeprefix("(?i)")
)


_TOKEN_RUN_RE: Final = re.compile(r"[^\s'\"()<>]+")  # linear, unlike a pattern around "/"


def _mask_plain(text: str) -> str:
    out: list[str] = []
    done = 0
    for m in _SHIELD_RE.finditer(text):
        out += [mask_pii(text[done : m.start()]), m.group(0)]
        done = m.end()
    out.append(mask_pii(text[done:]))
    return "".join(out)


def mask_around_shields(text: str) -> str:
    """`text` masked for PII, for log lines and error messages: a key or URL in it is masked by
    folder and file name as ids are (contacts-20261116-01.jsonl and c-2026w47-001-002.json stay
    readable, jo.doe@example.com.json does not), UUIDs, timestamps and dates stay whole."""
    out: list[str] = []
    done = 0
    for m in _TOKEN_RUN_RE.finditer(text):
        if "/" not in m.group(0):
            continue
        parts = [mask_pii(p) if carries_pii(p) else p for p in m.group(0).split("/")]
        out += [_mask_plain(text[done : m.start()]), "/".join(parts)]
        done = m.end()
    out.append(_mask_plain(text[done:]))
    return "".join(out)


def carries_pii(value: str) -> bool:
    """Whether an id or key part holds personal data (UUIDs and timestamps aside)."""
    bare = _SHIELD_RE.sub("_", value)
    masked = mask_pii(bare)
    if masked == bare:
        return False
    tokens = set(re.findall(r"\[\w+\]", masked)) - set(re.findall(r"\[\w+\]", bare))
    return not tokens <= _RUN_TOKENS or _LONG_RUN_RE.search(bare) is not None


class Pseudonyms:
    """Pseudonyms under one secret key (keep the key out of every output)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("a pseudonym key needs at least 16 bytes")
        self._key = key

    def _letters(self, raw: str) -> str:
        digest = hmac.new(self._key, raw.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
        # letters only: a pseudonym must never look like a digit run that masking would eat
        return "".join(chr(97 + (b >> 4)) + chr(97 + (b & 15)) for b in digest)[:HASH_LETTERS]

    def of_id(self, raw: str) -> str:
        """`raw` itself when it carries no personal data, else e.g. ``phone~kdmfa…``."""
        if not carries_pii(raw):
            return raw
        readable = _UNSAFE_RE.sub("_", _TOKEN_RE.sub(r"\1", mask_pii(raw))).strip("_")
        return f"{readable[:40]}~{self._letters(raw)}"

    def of_key(self, key: str) -> str:
        """An object key with each folder or file name that carries personal data replaced by
        its pseudonym (a file keeps its extension, and its stem's pseudonym is the one its
        contact id would get)."""
        parts = key.split("/")
        for i, part in enumerate(parts):
            ext = _EXTENSION_RE.search(part)
            stem = part[: ext.start()] if ext else part
            if stem and carries_pii(stem):
                parts[i] = self.of_id(stem) + (ext.group(0) if ext else "")
        return "/".join(parts)

    def mapping(self, values: Iterable[str | None], *, keys: bool = False) -> dict[str, str]:
        """Raw -> pseudonym for the values that need one."""
        convert = self.of_key if keys else self.of_id
        pairs = ((v, convert(v)) for v in values if v is not None)
        return {raw: new for raw, new in pairs if raw != new}


def replace_column(
    frame: pl.DataFrame, column: str, names: Pseudonyms, *, keys: bool = False
) -> tuple[pl.DataFrame, dict[str, str]]:
    """`frame` with `column` pseudonymised (only rows masking would change visit Python), and
    the raw -> pseudonym pairs used."""
    if column not in frame.columns or frame.height == 0:
        return frame, {}
    col = pl.col(column)
    shielded = col.str.replace_all(_SHIELD, "_")
    suspects = frame.select(col.filter(shielded.str.contains(_ID_CANDIDATE)).unique())[column]
    pairs = names.mapping(suspects.to_list(), keys=keys)
    if not pairs:
        return frame, {}
    return frame.with_columns(col.replace(pairs)), pairs


_WORD_RE: Final = re.compile(r"[^\s'\"(),;]+")


def mask_text(text: str, names: Pseudonyms, known: Set[str]) -> str:
    """Free text (a quarantine reason): the ids and keys it names (those in `known`) as they
    are published (a pseudonym where they carry PII), everything between them masked."""
    out: list[str] = []
    done = 0
    for m in _WORD_RE.finditer(text):
        word = m.group(0)
        if word not in known:
            word = word.rstrip(".:")
            if word not in known:
                continue
        out += [mask_pii(text[done : m.start()]), names.of_key(word)]
        done = m.start() + len(word)
    out.append(mask_pii(text[done:]))
    return "".join(out)


def mask_text_column(
    frame: pl.DataFrame, column: str, names: Pseudonyms, known: Iterable[str | None]
) -> pl.DataFrame:
    """mask_text over a column; only rows that masking would change visit Python."""
    if column not in frame.columns or frame.height == 0:
        return frame
    shielded = pl.col(column).str.replace_all(_SHIELD, "_")
    hit = frame.select((mask_pii_expr(shielded) != shielded).fill_null(False))[column]
    if not hit.any():
        return frame
    idx = hit.arg_true()
    known_set = {k for k in known if k}
    rows = frame[column].gather(idx).to_list()
    fixed = pl.Series([mask_text(r, names, known_set) for r in rows], dtype=pl.String)
    return frame.with_columns(frame[column].scatter(idx, fixed))
