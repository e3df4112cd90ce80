"""Vectorised word tokens with character offsets into each turn's text."""

from __future__ import annotations

from typing import Final

import polars as pl

PUNCT: Final = "\"'.,!?;:()[]{}<>*_~`…“”‘’-–—/\\|#@&^%$+=«»"


def tokenize(frame: pl.DataFrame) -> pl.DataFrame:
    """Tokens of ``frame`` (row, text, any extra per-row columns carried along).

    Output: row, pos, start, end (char offsets into text), raw, word (lowercase), bangs, extras.
    """
    text = pl.col("text").fill_null("")
    extras = [c for c in frame.columns if c not in ("row", "text")]
    spaced = (
        text.str.replace_all("\n", " ", literal=True)
        .str.replace_all("\t", " ", literal=True)
        .str.replace_all("\r", " ", literal=True)
    )
    turns = frame.select(
        "row",
        *extras,
        piece=spaced.str.split(" "),
        base=(text.str.len_chars() + 1).cum_sum() - (text.str.len_chars() + 1),
    ).with_columns(pos=pl.int_ranges(0, pl.col("piece").list.len(), dtype=pl.UInt32))
    toks = turns.explode(["piece", "pos"])
    plen = pl.col("piece").str.len_chars()
    toks = toks.with_columns(gstart=(plen + 1).cum_sum() - (plen + 1))
    # String work happens once per distinct piece, then joins back (pieces repeat a lot).
    core = pl.col("piece").str.strip_chars(PUNCT)
    kinds = (
        toks.select(pl.col("piece").unique())
        .with_columns(
            raw=core,
            lead=(plen - pl.col("piece").str.strip_chars_start(PUNCT).str.len_chars()),
            bangs=pl.col("piece").str.count_matches("!", literal=True).cast(pl.Int32),
        )
        .filter(pl.col("raw") != "")
        .with_columns(
            rlen=pl.col("raw").str.len_chars(),
            word=pl.col("raw").str.to_lowercase().str.replace_all("’", "'", literal=True),
        )
    )
    toks = toks.join(kinds, on="piece", how="inner", maintain_order="left")
    start = pl.col("gstart") - pl.col("base") + pl.col("lead")
    return toks.select(
        "row",
        "pos",
        *extras,
        start=start.cast(pl.Int32),
        end=(start + pl.col("rlen")).cast(pl.Int32),
        raw=pl.col("raw"),
        word=pl.col("word"),
        bangs=pl.col("bangs"),
    )
