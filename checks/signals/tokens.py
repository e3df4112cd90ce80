"""Vectorised word tokens (lowercase, punctuation dropped) and locating a word in its turn."""

from __future__ import annotations

import re
from typing import Final

import polars as pl

NON_WORD: Final = r"[^\w'’]+"
_WORD_RE: Final = re.compile(r"[\w'’]+")


def words(frame: pl.DataFrame) -> pl.DataFrame:
    """Tokens of ``frame`` (row, text): row, pos (index in the turn), word (lowercase)."""
    clean = (
        pl.col("text")
        .fill_null("")
        .str.to_lowercase()
        .str.replace_all(NON_WORD, " ")
        .str.replace_all("’", "'", literal=True)
    )
    pieces = frame.select("row", word=clean.str.split(" "))
    return (
        pieces.with_columns(pos=pl.int_ranges(0, pl.col("word").list.len(), dtype=pl.UInt32))
        .explode(["word", "pos"])
        .filter(pl.col("word") != "")
    )


def locate(text: str, word: str) -> tuple[int, int] | None:
    """Char span of the first token of ``text`` equal to ``word`` (as ``words`` lowercases it)."""
    for m in _WORD_RE.finditer(text):
        if m.group(0).lower().replace("’", "'") == word:
            return m.start(), m.end()
    return None


def spans_of(rows: pl.DataFrame) -> pl.DataFrame:
    """Locate (row, text, word) triples: row, start, end, match (rows not found are dropped)."""
    lower = pl.col("text").str.to_lowercase().str.replace_all("’", "'", literal=True)
    b = pl.col("b").cast(pl.Int64)
    wlen = pl.col("word").str.len_chars().cast(pl.Int64)
    before = pl.col("lower").str.slice((b - 1).clip(0, None), pl.when(b > 0).then(1).otherwise(0))
    after = pl.col("lower").str.slice(b + wlen, 1)
    probe = rows.select("row", "text", "word", lower=lower).with_columns(
        b=pl.col("lower").str.find(pl.col("word"), literal=True),
        ascii=pl.col("text").str.len_bytes() == pl.col("text").str.len_chars(),
    )
    clean = (
        pl.col("ascii")
        & pl.col("b").is_not_null()
        & ~before.str.contains(r"[\w']")
        & ~after.str.contains(r"[\w']")
    )
    probe = probe.with_columns(clean=clean)
    fast = probe.filter(pl.col("clean")).select(
        pl.col("row").cast(pl.UInt32),
        start=b.cast(pl.Int32),
        end=(b + wlen).cast(pl.Int32),
    )
    out_rows: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    for row, text, word in probe.filter(~pl.col("clean")).select("row", "text", "word").iter_rows():
        span = locate(text or "", word)
        if span is not None:
            out_rows.append(row)
            starts.append(span[0])
            ends.append(span[1])
    slow = pl.DataFrame(
        {"row": out_rows, "start": starts, "end": ends},
        schema={"row": pl.UInt32, "start": pl.Int32, "end": pl.Int32},
    )
    found = pl.concat([fast, slow])
    return found.join(rows.select("row", "text"), on="row", how="left").select(
        "row",
        "start",
        "end",
        match=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")),
    )
