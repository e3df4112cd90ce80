"""Reflection: the agent restates the customer's own problem (content-word overlap + cues)."""

from __future__ import annotations

import polars as pl

from checks.rubric.rubric import ReflectionConfig
from checks.signals.signals import MATCH_SCHEMA
from checks.signals.tokens import spans_of


def stem(word: pl.Expr, min_len: int) -> pl.Expr:
    """Light suffix stripping so that 'refunds', 'refunded' and 'refund' meet."""
    w = word.str.replace(r"(?:ies|ied)$", "y")
    cut = w.str.replace(r"(?:ing|ed|es|er|ly|s|e)$", "")
    return pl.when(cut.str.len_chars() >= min_len).then(cut).otherwise(w)


def content_stems(tokens: pl.DataFrame, cfg: ReflectionConfig) -> pl.DataFrame:
    """Content-word tokens (row, pos, word, stem): long enough, alphabetic, no stopword."""
    stop = list({w.lower() for w in cfg.stopwords})
    vocab = (
        tokens.select(pl.col("word").unique())
        .filter(
            (pl.col("word").str.len_chars() >= cfg.min_word_length)
            & ~pl.col("word").is_in(stop)
            & pl.col("word").str.contains(r"^[a-z][a-z'\-]*$")
        )
        .with_columns(stem=stem(pl.col("word"), cfg.min_word_length))
    )
    return tokens.select("row", "pos", "word").join(vocab, on="word", how="inner")


def _sentence_of(spans: pl.DataFrame) -> pl.DataFrame:
    """Widen (row, start, end, match, text) spans to their sentence."""
    before = pl.col("text").str.slice(0, pl.col("start"))
    start = pl.col("start") - before.str.extract(r"\s*([^.!?\n]*)$", 1).str.len_chars()
    rest = pl.col("text").str.slice(pl.col("start"))
    to_stop = rest.str.find(r"[.!?\n]").cast(pl.Int64).fill_null(rest.str.len_chars())
    end = pl.max_horizontal(pl.col("start") + to_stop, pl.col("end"))
    return spans.select("row", "text", s=start.cast(pl.Int32), e=end.cast(pl.Int32)).select(
        "row",
        start="s",
        end="e",
        match=pl.col("text").str.slice(pl.col("s"), pl.col("e") - pl.col("s")),
    )


def reflections(
    rows: pl.DataFrame,
    tokens: pl.DataFrame,
    cues: pl.DataFrame,
    cfg: ReflectionConfig,
) -> pl.DataFrame:
    """Agent turns that reflect the customer's earlier words, as evidence spans.

    ``rows``: row, ck (contact key), turn, speaker, text; ``tokens``: row, pos, word;
    ``cues``: guarded cue matches. A cue is quoted as it stands; an overlap without a cue is
    quoted as the sentence holding the first shared word.
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
        .agg(n_shared=pl.col("stem").n_unique(), first_word=pl.col("word").sort_by("pos").first())
    )
    cue = cues.sort("start").group_by("row").first()
    both = (
        per_row.join(shared, on="row", how="left")
        .join(cue, on="row", how="full", coalesce=True)
        .with_columns(pl.col("n_shared").fill_null(0), pl.col("n_content").fill_null(0))
    )
    share = pl.col("n_shared") / pl.col("n_content").clip(1, None)
    by_overlap = (pl.col("n_shared") >= cfg.min_shared) & (share >= cfg.min_share_of_agent_words)
    by_cue = pl.col("start").is_not_null() & (pl.col("n_shared") >= cfg.min_shared_with_cue)
    hit = both.filter(by_overlap | by_cue)
    with_cue = hit.filter(pl.col("start").is_not_null()).select(MATCH_SCHEMA.names())
    plain = hit.filter(pl.col("start").is_null()).select("row", word="first_word")
    text = rows.select("row", "text")
    located = spans_of(plain.join(text, on="row", how="left"))
    sentences = _sentence_of(located.join(text, on="row", how="left"))
    return pl.concat([with_cue.cast(MATCH_SCHEMA), sentences.cast(MATCH_SCHEMA)])
