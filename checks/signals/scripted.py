"""Scripted lines: the same normalised agent sentence in most of one agent's contacts."""

from __future__ import annotations

import polars as pl

from checks.rubric.rubric import ScriptedConfig
from checks.signals.signals import MATCH_SCHEMA, char_offset

SENTENCE = r"[^.!?\n]+[.!?]*"


def normalise(sentence: pl.Expr) -> pl.Expr:
    """Lowercase, letters and digits only, single spaces."""
    return (
        sentence.str.to_lowercase()
        .str.replace_all("’", "'", literal=True)
        .str.replace_all(r"[^a-z0-9']+", " ")
        .str.strip_chars()
    )


def scripted_lines(rows: pl.DataFrame, evidence: pl.DataFrame, cfg: ScriptedConfig) -> pl.DataFrame:
    """Scripted sentences as evidence spans.

    ``rows``: row, ck, agent_id, speaker, text (all turns of the batch); ``evidence``: matches
    (row, start, end) of the signals that make a repeated sentence count (``cfg.signals``).
    """
    agents = rows.filter(pl.col("speaker") == "agent")
    if cfg.signals:
        # only sentences that carry the evidence can be reported; the same wording carries
        # the same evidence in every contact, so counting only these rows loses nothing
        agents = agents.join(evidence.select("row").unique(), on="row", how="semi")
    n_contacts = rows.group_by("agent_id").agg(n_contacts=pl.col("ck").n_unique())
    sents = (
        agents.select("row", "ck", "agent_id", sent=pl.col("text").str.extract_all(SENTENCE))
        .explode("sent")
        .drop_nulls("sent")
        .with_columns(norm=normalise(pl.col("sent")))
        .filter(pl.col("norm").str.count_matches(" ") + 1 >= cfg.min_words)
    )
    repeated = (
        sents.group_by("agent_id", "norm")
        .agg(n=pl.col("ck").n_unique())
        .join(n_contacts, on="agent_id", how="left")
        .filter(
            (pl.col("n") >= cfg.min_contacts)
            & (pl.col("n") >= cfg.min_share * pl.col("n_contacts"))
        )
    )
    if repeated.is_empty():
        return pl.DataFrame(schema=MATCH_SCHEMA)
    cand = (
        sents.join(repeated.select("agent_id", "norm"), on=["agent_id", "norm"], how="semi")
        .join(agents.select("row", "text"), on="row", how="left")
        .with_columns(sent=pl.col("sent").str.strip_chars())
        .with_columns(b=pl.col("text").str.find(pl.col("sent"), literal=True))
        .drop_nulls("b")
        .unique(["row", "b"])
    )
    starts = [
        b if len(t) == len(t.encode("utf-8")) else char_offset(t, b)
        for t, b in zip(cand["text"], cand["b"], strict=True)
    ]
    spans = cand.with_columns(start=pl.Series(starts, dtype=pl.Int32)).select(
        "row",
        "start",
        end=(pl.col("start") + pl.col("sent").str.len_chars()).cast(pl.Int32),
        match=pl.col("sent"),
    )
    if cfg.signals:
        ev = evidence.select("row", e_start="start", e_end="end")
        spans = (
            spans.join(ev, on="row", how="inner")
            .filter((pl.col("e_start") < pl.col("end")) & (pl.col("e_end") > pl.col("start")))
            .unique(["row", "start"])
        )
    return spans.select(MATCH_SCHEMA.names()).cast(MATCH_SCHEMA)
