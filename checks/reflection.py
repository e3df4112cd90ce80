"""Reflection: the agent restates the customer's own problem (content-word overlap + cues)."""

from __future__ import annotations

import polars as pl

from checks.rubric import ReflectionConfig
from checks.signals import MATCH_SCHEMA


def stem(word: pl.Expr, min_len: int) -> pl.Expr:
    """Light suffix stripping so that 'refunds', 'refunded' and 'refund' meet."""
    w = word.str.replace(r"(?:ies|ied)$", "y")
    cut = w.str.replace(r"(?:ing|ed|es|er|ly|s|e)$", "")
    return pl.when(cut.str.len_chars() >= min_len).then(cut).otherwise(w)


def content_stems(tokens: pl.DataFrame, cfg: ReflectionConfig) -> pl.DataFrame:
    """Content-word tokens (row, start, end, stem): long enough, alphabetic, no stopword."""
    stop = list({w.lower() for w in cfg.stopwords})
    words = (
        tokens.select(pl.col("word").unique())
        .filter(
            (pl.col("word").str.len_chars() >= cfg.min_word_length)
            & ~pl.col("word").is_in(stop)
            & pl.col("word").str.contains(r"^[a-z][a-z'\-]*$")
        )
        .with_columns(stem=stem(pl.col("word"), cfg.min_word_length))
    )
    return (
        tokens.select("row", "start", "end", "word")
        .join(words, on="word", how="inner")
        .drop("word")
    )


def reflections(
    rows: pl.DataFrame,
    tokens: pl.DataFrame,
    cues: pl.DataFrame,
    cfg: ReflectionConfig,
) -> pl.DataFrame:
    """Agent turns that reflect the customer's earlier words, as evidence spans.

    ``rows``: row, ck (contact key), turn, speaker, text; ``cues``: guarded cue matches.
    """
    meta = rows.select("row", "ck", "turn", "speaker")
    stems = content_stems(tokens, cfg).join(meta, on="row", how="inner")
    cust = (
        stems.filter(pl.col("speaker") == "customer")
        .group_by("ck", "stem")
        .agg(first_turn=pl.col("turn").min())
    )
    agent = stems.filter(pl.col("speaker") == "agent")
    per_row = agent.group_by("row").agg(n_content=pl.col("stem").n_unique())
    shared = (
        agent.join(cust, on=["ck", "stem"], how="inner")
        .filter(pl.col("first_turn") < pl.col("turn"))
        .group_by("row")
        .agg(
            n_shared=pl.col("stem").n_unique(),
            s_start=pl.col("start").min(),
            s_end=pl.col("end").max(),
        )
    )
    cue = cues.group_by("row").agg(c_start=pl.col("start").min(), c_end=pl.col("end").min())
    both = (
        per_row.join(shared, on="row", how="left")
        .join(cue, on="row", how="full", coalesce=True)
        .with_columns(pl.col("n_shared").fill_null(0), pl.col("n_content").fill_null(0))
    )
    share = pl.col("n_shared") / pl.col("n_content").clip(1, None)
    by_overlap = (pl.col("n_shared") >= cfg.min_shared) & (share >= cfg.min_share_of_agent_words)
    by_cue = pl.col("c_start").is_not_null() & (pl.col("n_shared") >= cfg.min_shared_with_cue)
    hit = both.filter(by_overlap | by_cue).join(rows.select("row", "text"), on="row", how="left")
    start = (
        pl.when(pl.col("c_start").is_not_null())
        .then(pl.col("c_start"))
        .otherwise(pl.col("s_start"))
    )
    end = pl.max_horizontal(pl.col("c_end"), pl.col("s_end"))
    out = hit.select(
        "row",
        start=start.cast(pl.Int32),
        end=end.cast(pl.Int32),
        text=pl.col("text"),
    ).with_columns(match=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")))
    return out.select(MATCH_SCHEMA.names()).cast(MATCH_SCHEMA)
