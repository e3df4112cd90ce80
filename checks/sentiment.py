"""VADER-style sentiment, vectorised in polars over the lexicon that vaderSentiment ships."""

from __future__ import annotations

import importlib.resources
from collections.abc import Collection
from functools import lru_cache
from typing import Final

import polars as pl
from vaderSentiment.vaderSentiment import BOOSTER_DICT, C_INCR, N_SCALAR, NEGATE

from checks.tokens import caps_words, words

ALPHA: Final = 15.0
BANG_INCR: Final = 0.292
MAX_BANGS: Final = 4
SCALES: Final = (1.0, 0.95, 0.9)


@lru_cache(maxsize=1)
def vader_lexicon() -> pl.DataFrame:
    """The VADER lexicon as a frame (word, valence)."""
    text = (
        importlib.resources.files("vaderSentiment")
        .joinpath("vader_lexicon.txt")
        .read_text(encoding="utf-8")
    )
    words: list[str] = []
    vals: list[float] = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0]:
            words.append(parts[0].lower())
            vals.append(float(parts[1]))
    return pl.DataFrame(
        {"word": words, "valence": vals}, schema={"word": pl.String, "valence": pl.Float64}
    ).unique("word", keep="first")


@lru_cache(maxsize=1)
def _word_table() -> pl.DataFrame:
    lex = vader_lexicon()
    single = {k: float(v) for k, v in BOOSTER_DICT.items() if " " not in k}
    boost = pl.DataFrame(
        {"word": list(single), "boost": list(single.values())},
        schema={"word": pl.String, "boost": pl.Float64},
    )
    neg = pl.DataFrame({"word": sorted({w.lower() for w in NEGATE}), "is_neg": True})
    but = pl.DataFrame({"word": ["but"], "valence": [0.0]})
    return (
        pl.concat([lex, but.filter(~pl.col("word").is_in(lex["word"].implode()))])
        .join(boost, on="word", how="full", coalesce=True)
        .join(neg, on="word", how="full", coalesce=True)
        .with_columns(
            pl.col("valence").fill_null(0.0),
            pl.col("boost").fill_null(0.0),
            pl.col("is_neg").fill_null(False),
        )
    )


def sentiment_input(rows: pl.DataFrame) -> pl.DataFrame:
    """Per-turn inputs of the sentiment: row, shouting (no lowercase letter), has_but, bangs."""
    return rows.select(
        "row",
        shouting=~pl.col("text").str.contains("[a-z]"),
        has_but=pl.col("text").str.contains(r"(?i)\bbut\b"),
        bangs=pl.col("text").str.count_matches("!", literal=True).cast(pl.Int32),
    )


def token_valence(
    tokens: pl.DataFrame,
    turns: pl.DataFrame,
    caps: pl.DataFrame,
    neutral_words: Collection[str] = (),
) -> pl.DataFrame:
    """Valence of every sentiment-bearing token after caps, booster, negation and 'but' rules.

    ``tokens``: row, pos, word (from ``words``); ``turns``: ``sentiment_input``; ``caps``:
    ``caps_words``. Only tokens in the lexicon, boosters, negations and 'but' are kept.
    """
    t = (
        tokens.join(_word_table(), on="word", how="inner")
        .with_columns(is_but=pl.col("word") == "but")
        .sort("row", "pos")
    )
    t = t.join(turns.select("row", "shouting", "has_but"), on="row", how="left").join(
        caps.with_columns(is_caps=pl.lit(True)), on=["row", "word"], how="left"
    )
    row, pos = pl.col("row"), pl.col("pos")
    v = pl.col("valence")
    sign = v.sign()
    val = v + pl.when(pl.col("is_caps").fill_null(False) & ~pl.col("shouting")).then(
        sign * C_INCR
    ).otherwise(0.0)
    negated = pl.lit(False)
    for k in range(1, len(SCALES) + 1):
        dist = pos.cast(pl.Int64) - pos.shift(k).cast(pl.Int64)
        near = (row.shift(k) == row) & (dist <= len(SCALES))
        scale = (
            pl.when(dist == 1).then(SCALES[0]).when(dist == 2).then(SCALES[1]).otherwise(SCALES[2])
        )
        val = val + pl.when(near).then(pl.col("boost").shift(k) * scale * sign).otherwise(0.0)
        negated = negated | (near & pl.col("is_neg").shift(k)).fill_null(False)
    val = pl.when(negated).then(val * N_SCALAR).otherwise(val)
    # VADER: words before the first "but" count half, words after it count 1.5x.
    buts = pl.col("is_but").cast(pl.Int32)
    seen = buts.cum_sum() - buts
    first_of_row = (row != row.shift(1)).fill_null(True)
    base = pl.when(first_of_row).then(seen).otherwise(None).forward_fill()
    scale_but = (
        pl.when(~pl.col("has_but") | pl.col("is_but"))
        .then(1.0)
        .when(seen - base > 0)
        .then(1.5)
        .otherwise(0.5)
    )
    neutral = list({w.lower() for w in neutral_words})
    return (
        t.with_columns(valence=pl.when(v == 0).then(0.0).otherwise(val) * scale_but)
        .filter(pl.col("valence") != 0)
        .select("row", "pos", "word", "valence", neutral=pl.col("word").is_in(neutral))
    )


def compound_expr(total: pl.Expr, bangs: pl.Expr) -> pl.Expr:
    """VADER's normalisation of a summed valence (with '!' emphasis) into -1..1."""
    emph = bangs.clip(0, MAX_BANGS) * BANG_INCR
    s = pl.when(total > 0).then(total + emph).when(total < 0).then(total - emph).otherwise(total)
    return (s / (s * s + ALPHA).sqrt()).clip(-1.0, 1.0)


def turn_sentiment(valenced: pl.DataFrame, turns: pl.DataFrame) -> pl.DataFrame:
    """Per turn: compound, compound_own (neutral words masked) and their inputs own, bangs."""
    agg = valenced.group_by("row").agg(
        total=pl.col("valence").sum(),
        own=pl.when(pl.col("neutral")).then(0.0).otherwise(pl.col("valence")).sum(),
    )
    t = (
        turns.select("row", "bangs")
        .join(agg, on="row", how="left")
        .with_columns(pl.col("total").fill_null(0.0), pl.col("own").fill_null(0.0))
    )
    return t.select(
        "row",
        "own",
        "bangs",
        compound=compound_expr(pl.col("total"), pl.col("bangs")),
        compound_own=compound_expr(pl.col("own"), pl.col("bangs")),
    )


def most_negative(valenced: pl.DataFrame, rows: pl.Series, *, own: bool) -> pl.DataFrame:
    """The most negative word of each given row (row, word), neutral words skipped if own."""
    t = valenced.filter(pl.col("row").is_in(rows.implode()) & (pl.col("valence") < 0))
    if own:
        t = t.filter(~pl.col("neutral"))
    return (
        t.sort("valence", "pos").group_by("row", maintain_order=True).first().select("row", "word")
    )


def compound_scores(texts: list[str]) -> list[float]:
    """Compound score of each text (a convenience for tests and small inputs)."""
    frame = pl.DataFrame({"row": list(range(len(texts))), "text": texts}).with_columns(
        pl.col("row").cast(pl.UInt32)
    )
    turns = sentiment_input(frame)
    val = token_valence(words(frame), turns, caps_words(frame))
    sent = turn_sentiment(val, turns).sort("row")
    return [float(x) for x in sent["compound"].to_list()]
