"""Phrase-based signal detection in polars, with char-offset evidence and negation/quote guards."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import polars as pl

from checks.rubric.rubric import Rubric, SignalSpec

MAX_HITS_PER_TURN: Final = 6
EXCLUDE_LOOKAHEAD: Final = 40
NEGATION_WINDOW: Final = 40
NEGATION_TAIL: Final = (
    r"(?i)(?:\b(?:not|never|no|hardly|barely|nothing|nobody|none|neither|nor|without)"
    r"|n['’]t)\s+(?:(?:really|that|very|so|too|even|exactly|at|all|particularly|especially"
    r"|overly|remotely|in|any|way|a|bit|the|least|one)\s+){0,3}$"
)
REPORTED_TAIL: Final = (
    r"(?i)\b(?:said|says|saying|say|told me|tells me|wrote|writes|replied|reply was|called it)"
    r"\s*[:,]?\s*$"
)
QUOTE_CHARS: Final = '["“”]'
# Chat writes ' or ’, speech recognition and hurried typing drop it or leave a space ("we ll").
APOSTROPHE: Final = "(?:['’]|\\s)?"
_META: Final = set("\\.+*?()|[]{}^$#&-~")
_OPEN_END: Final = re.compile(r"(?:\\[?.!]|\]|\}|\][?*+])$")
MATCH_SCHEMA: Final = pl.Schema(
    {"row": pl.UInt32, "start": pl.Int32, "end": pl.Int32, "match": pl.String}
)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def phrase_regex(phrase: str) -> str:
    """Regex for a plain phrase: escaped, flexible whitespace and apostrophes, word-bounded."""
    p = " ".join(phrase.split())
    out: list[str] = []
    for ch in p:
        if ch == " ":
            out.append(r"\s+")
        elif ch in "'’":
            out.append(APOSTROPHE)
        elif ch in _META:
            out.append("\\" + ch)
        else:
            out.append(ch)
    body = "".join(out)
    left = r"\b" if _is_word(p[0]) else ""
    right = r"\b" if _is_word(p[-1]) else ""
    return f"{left}{body}{right}"


def _flex_apostrophes(pattern: str) -> str:
    """Let a straight apostrophe outside character classes match a curly one too."""
    out: list[str] = []
    depth = 0
    escaped = False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
            continue
        if ch == "\\":
            escaped = True
        elif ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        out.append(APOSTROPHE if ch == "'" and depth == 0 else ch)
    return "".join(out)


def _starts_on_word(pattern: str) -> bool:
    """Whether a pattern's first matched character is a word character (so \\b may lead)."""
    p = pattern
    while p.startswith(("(?:", "(?-i:", "(?i:")):
        p = p[p.index(":") + 1 :]
    return bool(p) and (_is_word(p[0]) or p.startswith(("\\w", "\\d", "\\b")))


_ASCII_CLASSES: Final = {"w": "[0-9A-Za-z_]", "W": "[^0-9A-Za-z_]", "b": "(?-u:\\b)"}


def ascii_words(pattern: str) -> str:
    """The pattern with ASCII word classes and boundaries (\\w, \\W, \\b).

    Unicode-aware word classes blow up the regex engine's automaton once hundreds of phrases
    share one alternation (a 60x slowdown measured on a rubric of ~400 alternatives); the
    rubric's wording is English, so ASCII word characters say the same.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(_ASCII_CLASSES.get(nxt, ch + nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def alternation(phrases: list[str], patterns: list[str]) -> str | None:
    """One case-insensitive regex over phrases (longest first) and bounded patterns."""
    # patterns first: at one position the regex takes the first alternative that matches, and
    # a pattern is the longer, more specific construction ("I can see why you'd be upset")
    alts = [
        ("\\b" if _starts_on_word(p) else "")
        + f"(?:{_flex_apostrophes(p)})"
        + ("" if _OPEN_END.search(p) else r"\b")
        for p in patterns
    ]
    alts += [phrase_regex(p) for p in sorted(set(phrases), key=len, reverse=True)]
    if not alts:
        return None
    return ascii_words("(?i)(?:" + "|".join(alts) + ")")


@dataclass(frozen=True, slots=True)
class CompiledSignal:
    """A signal's matching regexes, ready for polars."""

    name: str
    speaker: str
    pattern: str | None
    after_distress: str | None
    after_retry: str | None
    weak: str | None
    exclude: str | None
    exclude_before: str | None
    negation_guard: bool
    quote_guard: bool


def compile_signal(name: str, spec: SignalSpec) -> CompiledSignal:
    """Compile one signal spec."""
    patterns = [p for group in spec.groups.values() for p in group]
    exclude = ascii_words("(?i)(?:" + "|".join(spec.exclude) + ")") if spec.exclude else None
    before = (
        ascii_words(
            "(?i)(?:" + "|".join(_flex_apostrophes(p) for p in spec.exclude_before) + r")\W*$"
        )
        if spec.exclude_before
        else None
    )
    return CompiledSignal(
        name=name,
        speaker=spec.speaker,
        pattern=alternation(list(spec.phrases), patterns),
        after_distress=alternation([], list(spec.only_after_distress)),
        after_retry=alternation([], list(spec.only_after_retry)),
        weak=alternation([], list(spec.weak)),
        exclude=exclude,
        exclude_before=before,
        negation_guard=spec.negation_guard,
        quote_guard=spec.quote_guard,
    )


def compile_rubric(rubric: Rubric) -> dict[str, CompiledSignal]:
    """Compile every signal spec of a rubric."""
    return {name: compile_signal(name, spec) for name, spec in rubric.signals.items()}


def char_offset(text: str, byte_offset: int) -> int:
    """Character offset of a UTF-8 byte offset into ``text``."""
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def first_offsets(frame: pl.DataFrame, patterns: dict[str, str]) -> pl.DataFrame:
    """Byte offset of each pattern's first match per row of ``frame`` (one column per name).

    One select, so polars runs the patterns in parallel.
    """
    text = pl.col("text").fill_null("")
    return frame.select([text.str.find(p).alias(name) for name, p in patterns.items()])


def find_all(
    frame: pl.DataFrame,
    pattern: str,
    max_hits: int = MAX_HITS_PER_TURN,
    first: pl.Series | None = None,
) -> pl.DataFrame:
    """Every non-overlapping match of ``pattern`` in ``frame`` (row, text), as char offsets.

    ``first`` may carry the first pass (``first_offsets``) for the same rows.
    """
    found: list[pl.DataFrame] = []
    cur = frame.select(
        pl.col("row"), rest=pl.col("text").fill_null(""), consumed=pl.lit(0, pl.Int32)
    )
    for i in range(max_hits):
        b = first.alias("b") if i == 0 and first is not None else pl.col("rest").str.find(pattern)
        cur = cur.with_columns(b=b).filter(pl.col("b").is_not_null())
        if cur.is_empty():
            break
        cur = cur.with_columns(
            match=pl.col("rest").str.extract(pattern, 0),
            ascii=pl.col("rest").str.len_bytes() == pl.col("rest").str.len_chars(),
        )
        if not cur["ascii"].all():
            odd = cur.with_row_index("i").filter(~pl.col("ascii"))
            fixed = [char_offset(rest, b) for rest, b in zip(odd["rest"], odd["b"], strict=True)]
            idx = odd["i"].to_list()
            b_all = cur["b"].to_list()
            for i, v in zip(idx, fixed, strict=True):
                b_all[i] = v
            cur = cur.with_columns(b=pl.Series(b_all, dtype=pl.UInt32))
        mlen = pl.col("match").str.len_chars().cast(pl.Int32)
        cur = cur.with_columns(c=pl.col("b").cast(pl.Int32), mlen=mlen)
        found.append(
            cur.select(
                "row",
                start=pl.col("consumed") + pl.col("c"),
                end=pl.col("consumed") + pl.col("c") + pl.col("mlen"),
                match="match",
            )
        )
        step = pl.col("c") + pl.col("mlen").clip(1, None)
        cur = cur.select(
            "row", rest=pl.col("rest").str.slice(step), consumed=pl.col("consumed") + step
        )
    if not found:
        return pl.DataFrame(schema=MATCH_SCHEMA)
    return pl.concat(found).cast(MATCH_SCHEMA)


def guard(
    matches: pl.DataFrame,
    frame: pl.DataFrame,
    *,
    negation: bool,
    quote: bool,
    exclude: str | None,
    exclude_before: str | None = None,
) -> pl.DataFrame:
    """Drop matches after a negation, inside quotes/reported speech, or hit by an exclude."""
    if matches.is_empty() or not (negation or quote or exclude or exclude_before):
        return matches
    m = matches.join(frame.select("row", "text"), on="row", how="left")
    text = pl.col("text").fill_null("")
    keep = pl.lit(True)
    if negation:
        w0 = (pl.col("start") - NEGATION_WINDOW).clip(0, None)
        before = text.str.slice(w0, pl.col("start") - w0)
        keep = keep & ~before.str.contains(NEGATION_TAIL)
    if quote:
        prefix = text.str.slice(0, pl.col("start"))
        in_quote = prefix.str.count_matches(QUOTE_CHARS) % 2 == 1
        w0 = (pl.col("start") - NEGATION_WINDOW).clip(0, None)
        reported = text.str.slice(w0, pl.col("start") - w0).str.contains(REPORTED_TAIL)
        keep = keep & ~in_quote & ~reported
    if exclude_before:
        w0 = (pl.col("start") - NEGATION_WINDOW).clip(0, None)
        keep = keep & ~text.str.slice(w0, pl.col("start") - w0).str.contains(exclude_before)
    if exclude:
        tail = text.str.slice(pl.col("end"), EXCLUDE_LOOKAHEAD).str.extract(r"^([^.!?\n]*)", 1)
        ctx = pl.col("match") + tail.fill_null("")
        keep = keep & ~ctx.str.contains(exclude)
    return m.filter(keep).select(matches.columns)


def detect(
    frame: pl.DataFrame,
    sig: CompiledSignal,
    pattern: str | None = None,
    first: pl.Series | None = None,
) -> pl.DataFrame:
    """Guarded matches of one signal (or of ``pattern`` with its guards) in ``frame``."""
    pat = sig.pattern if pattern is None else pattern
    if pat is None or frame.is_empty():
        return pl.DataFrame(schema=MATCH_SCHEMA)
    raw = find_all(frame, pat, first=first)
    return guard(
        raw,
        frame,
        negation=sig.negation_guard,
        quote=sig.quote_guard,
        exclude=sig.exclude,
        exclude_before=sig.exclude_before,
    )


def phrase_hits(frame: pl.DataFrame, pattern: str | None) -> pl.DataFrame:
    """Unguarded matches of a plain alternation (used for cue phrases and problem wording)."""
    if pattern is None or frame.is_empty():
        return pl.DataFrame(schema=MATCH_SCHEMA)
    return find_all(frame, pattern)
