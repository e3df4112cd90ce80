"""Per-turn detection of every signal of the rubric, with evidence spans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from checks.rubric.rubric import Rubric
from checks.signals.reflection import reflections
from checks.signals.scripted import scripted_lines
from checks.signals.sentiment import (
    compound_expr,
    most_negative,
    sentiment_input,
    turn_sentiment,
    vader_valence,
)
from checks.signals.signals import (
    MATCH_SCHEMA,
    CompiledSignal,
    alternation,
    compile_rubric,
    detect,
    first_offsets,
    phrase_hits,
)
from checks.signals.tokens import spans_of, words
from checks.transcripts.transcript import SIGNALS

HIT_SCHEMA: Final = pl.Schema([("signal", pl.String), *MATCH_SCHEMA.items()])
PROBLEM: Final = "_problem"
CONTAGION: Final = "_contagion"
MIN_OWN_NEGATIVE_WORDS: Final = 2


@dataclass(frozen=True, slots=True)
class Detected:
    """Rows (one per non-system turn, with sentiment) and hits (row, signal, span)."""

    rows: pl.DataFrame
    hits: pl.DataFrame


def prepare_rows(turns: pl.DataFrame) -> pl.DataFrame:
    """Sort turns, drop system turns and number them: row, ck, contact_id, agent_id, turn, ..."""
    t = turns.sort("contact_id", "turn").with_columns(
        ck=pl.col("contact_id").rank("dense").cast(pl.UInt32) - 1
    )
    return (
        t.filter(pl.col("speaker") != "system")
        .with_row_index("row")
        .with_columns(pl.col("text").fill_null(""))
    )


def _tag(matches: pl.DataFrame, signal: str) -> pl.DataFrame:
    return matches.select(pl.lit(signal).alias("signal"), *MATCH_SCHEMA.names()).cast(HIT_SCHEMA)


@dataclass(frozen=True, slots=True)
class _Tokens:
    words: pl.DataFrame
    valenced: pl.DataFrame
    turns: pl.DataFrame


def _tokens(rows: pl.DataFrame, rubric: Rubric) -> _Tokens:
    frame = rows.select("row", "text")
    toks = words(frame)
    turns = sentiment_input(rows)
    val = vader_valence(turns, rubric.sentiment.agent_neutral_words)
    return _Tokens(words=toks, valenced=val, turns=turns)


def _turn_sentiment(tk: _Tokens, rows: pl.DataFrame) -> pl.DataFrame:
    return rows.join(turn_sentiment(tk.valenced, tk.turns), on="row", how="left")


def _contagion(
    rows: pl.DataFrame,
    toks: pl.DataFrame,
    val: pl.DataFrame,
    ctx: pl.DataFrame,
    covering: pl.DataFrame,
    own_upset: pl.Series,
    rubric: Rubric,
) -> pl.DataFrame:
    """Agent turns whose own negative emotion follows a negative customer turn.

    The agent's own emotion leaves out neutral words, words the customer used earlier (the
    problem being restated) and words in the sentence of an acknowledgement, apology or pity.
    """
    sc = rubric.sentiment
    meta = rows.select("row", "ck", "turn", "speaker")
    # leaving words out only raises the agent's score, so these rows are the only candidates
    maybe = (
        rows.join(ctx, on="row", how="inner")
        .filter(
            (pl.col("speaker") == "agent")
            & (pl.col("compound_own") <= sc.agent_negative_below)
            & (pl.col("prev_customer_compound") <= sc.customer_negative_below)
        )
        .select("row")
    )
    neg = (
        val.join(maybe, on="row", how="semi")
        .filter((pl.col("valence") < 0) & ~pl.col("neutral"))
        .select("row", "pos", "word", "valence")
        .join(meta, on="row", how="inner")
    )
    if neg.is_empty():
        return pl.DataFrame(schema=MATCH_SCHEMA)
    said = (
        toks.join(neg.select("word").unique(), on="word", how="semi")
        .join(meta.filter(pl.col("speaker") == "customer"), on="row", how="inner")
        .group_by("ck", "word")
        .agg(first_turn=pl.col("turn").min())
    )
    # a covering span reaches to the end of its sentence ("that must have been a horrible shock")
    to_stop = pl.col("text").str.slice(pl.col("end")).str.find(r"[.!?\n]").cast(pl.Int64)
    sentences = (
        covering.join(maybe, on="row", how="semi")
        .join(rows.select("row", "text"), on="row", how="left")
        .select(
            "row",
            text=pl.col("text").str.slice(
                pl.col("start"),
                pl.col("end") - pl.col("start") + to_stop.fill_null(pl.col("text").str.len_chars()),
            ),
        )
    )
    covered = (
        words(sentences.with_row_index("i").select(pl.col("i").alias("row"), "text"))
        .join(
            sentences.with_row_index("i").select(pl.col("i").alias("row"), sent_row="row"), on="row"
        )
        .select(row="sent_row", word="word")
        .unique()
        .with_columns(covered=pl.lit(True))
    )
    neg = (
        neg.join(said, on=["ck", "word"], how="left")
        .join(covered, on=["row", "word"], how="left")
        .with_columns(
            drop=(pl.col("first_turn") < pl.col("turn")).fill_null(False)
            | pl.col("covered").fill_null(False)
        )
    )
    dropped = neg.filter(pl.col("drop")).group_by("row").agg(excl=pl.col("valence").sum())
    kept = neg.filter(~pl.col("drop")).group_by("row").agg(n_neg=pl.len())
    own = (
        rows.select("row", "own", "bangs", "qmarks")
        .join(dropped, on="row", how="left")
        .select(
            "row",
            own_c=compound_expr(
                pl.col("own") - pl.col("excl").fill_null(0.0), pl.col("bangs"), pl.col("qmarks")
            ),
        )
    )
    cand = (
        ctx.join(own, on="row", how="inner")
        .join(kept, on="row", how="inner")
        .filter(
            (pl.col("own_c") <= sc.agent_negative_below)
            & (pl.col("n_neg") >= MIN_OWN_NEGATIVE_WORDS)
            & (pl.col("prev_customer_compound") <= sc.customer_negative_below)
            & ~pl.col("row").is_in(own_upset.implode())
        )
        .select("row")
    )
    worst = (
        neg.filter(~pl.col("drop"))
        .join(cand, on="row", how="semi")
        .sort("valence", "pos")
        .group_by("row", maintain_order=True)
        .first()
        .select("row", "word")
    )
    return _located(worst, rows)


def _located(row_words: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """Evidence spans for (row, word) pairs."""
    with_text = row_words.join(rows.select("row", "text"), on="row", how="left")
    return spans_of(with_text).cast(MATCH_SCHEMA)


def _weak_cues(
    rows: pl.DataFrame, compiled: dict[str, CompiledSignal], below: float
) -> pl.DataFrame:
    """Weak distress cues that hold: in a turn of negative tone, or two or more in one turn."""
    sig = compiled.get("customer_distress")
    if sig is None or sig.weak is None:
        return pl.DataFrame(schema=MATCH_SCHEMA)
    cust = rows.filter(pl.col("speaker") == "customer")
    found = detect(cust.select("row", "text"), sig, sig.weak)
    per_row = found.group_by("row").agg(n=pl.len())
    negative = cust.filter(pl.col("compound") <= below).select("row")
    keep = pl.concat([negative, per_row.filter(pl.col("n") >= 2).select("row")]).unique()
    return found.join(keep, on="row", how="semi")


def _context(rows: pl.DataFrame, distress_rows: pl.Series, retry_rows: pl.Series) -> pl.DataFrame:
    """Per agent row: is it the first agent turn after a distressed customer turn, or after one
    that says the customer already did what was asked; the previous customer turn's compound."""
    is_c = pl.col("speaker") == "customer"
    is_a = pl.col("speaker") == "agent"
    r = rows.with_columns(
        distress=pl.col("row").is_in(distress_rows.implode()),
        retry=pl.col("row").is_in(retry_rows.implode()),
    )
    r = r.with_columns(
        lc_ck=pl.when(is_c).then(pl.col("ck")).forward_fill(),
        lc_row=pl.when(is_c).then(pl.col("row")).forward_fill(),
        lc_distress=pl.when(is_c).then(pl.col("distress")).forward_fill(),
        lc_retry=pl.when(is_c).then(pl.col("retry")).forward_fill(),
        lc_compound=pl.when(is_c).then(pl.col("compound")).forward_fill(),
        pa_ck=pl.when(is_a).then(pl.col("ck")).forward_fill().shift(1),
        pa_row=pl.when(is_a).then(pl.col("row")).forward_fill().shift(1),
    )
    has_c = pl.col("lc_ck") == pl.col("ck")
    no_agent_since = (pl.col("pa_ck") != pl.col("ck")).fill_null(True) | (
        pl.col("pa_row") < pl.col("lc_row")
    )
    return r.select(
        "row",
        after_distress=(is_a & has_c & pl.col("lc_distress") & no_agent_since).fill_null(False),
        after_retry=(is_a & has_c & pl.col("lc_retry") & no_agent_since).fill_null(False),
        prev_customer_compound=pl.when(has_c).then(pl.col("lc_compound")),
    )


def detect_all(turns: pl.DataFrame, rubric: Rubric) -> Detected:
    """Detect every signal on every non-system turn of ``turns`` (TURNS_SCHEMA)."""
    rows = prepare_rows(turns)
    compiled = compile_rubric(rubric)
    tk = _tokens(rows, rubric)
    rows = _turn_sentiment(tk, rows)
    val = tk.valenced
    by_speaker = {
        sp: rows.filter(pl.col("speaker") == sp).select("row", "text")
        for sp in ("agent", "customer")
    }
    hits: dict[str, pl.DataFrame] = {}
    phrase_signals = [s for s in SIGNALS if s != "scripted_line"]
    for speaker, frame in by_speaker.items():
        mine = {
            n: sig.pattern
            for n in phrase_signals
            if (sig := compiled.get(n)) is not None
            and sig.speaker == speaker
            and sig.pattern is not None
        }
        firsts = first_offsets(frame, mine)
        for name in mine:
            hits[name] = detect(frame, compiled[name], first=firsts[name])
    for name in phrase_signals:
        hits.setdefault(name, pl.DataFrame(schema=MATCH_SCHEMA))

    sc = rubric.sentiment
    distress = pl.concat([hits["customer_distress"], _weak_cues(rows, compiled, sc.weak_cue_below)])
    cust = rows.filter(pl.col("speaker") == "customer")
    tone_rows = cust.filter(
        (pl.col("compound") <= sc.customer_distress_below)
        & ~pl.col("row").is_in(distress["row"].implode())
    )["row"]
    by_tone = _located(most_negative(val, tone_rows, own=False), rows)
    hits["customer_distress"] = pl.concat([distress, by_tone])
    retry_pattern = alternation([], list(rubric.context.customer_retry))
    retry = phrase_hits(by_speaker["customer"], retry_pattern)
    ctx = _context(rows, hits["customer_distress"]["row"].unique(), retry["row"].unique())
    # a reply that recognises the customer (acknowledges, apologises) or acts is not a brush-off
    answered = (
        pl.concat([hits[n]["row"] for n in ("acknowledges_feeling", "apology", "takes_ownership")])
        .unique()
        .implode()
    )

    dis = compiled.get("dismissive")
    if dis is not None:
        for context, pattern in (
            ("after_distress", dis.after_distress),
            ("after_retry", dis.after_retry),
        ):
            if pattern is None:
                continue
            eligible = (
                by_speaker["agent"]
                .join(ctx.filter(pl.col(context)), on="row", how="semi")
                .filter(~pl.col("row").is_in(answered))
            )
            hits["dismissive"] = pl.concat([hits["dismissive"], detect(eligible, dis, pattern)])

    hits["reflects_problem"] = reflections(
        rows, tk.words, hits["reflects_problem"], rubric.reflection
    )

    keep_empty = ~pl.col("row").is_in(
        pl.concat([hits["acknowledges_feeling"]["row"], hits["reflects_problem"]["row"]]).implode()
    )
    hits["empty_understand"] = hits["empty_understand"].filter(keep_empty)

    ev_names = rubric.scripted.signals
    evidence = pl.concat(
        [hits[n] for n in ev_names if n in hits] or [pl.DataFrame(schema=MATCH_SCHEMA)]
    )
    hits["scripted_line"] = scripted_lines(rows, evidence, rubric.scripted)

    own_upset = pl.concat([hits["pity"]["row"], hits["agent_distress"]["row"]])
    covering = [hits[n] for n in ("acknowledges_feeling", "apology", "pity")]
    contagion = _contagion(rows, tk.words, val, ctx, pl.concat(covering), own_upset, rubric)

    prob = rubric.compassion.problem
    pattern = alternation(list(prob.phrases), [p for g in prob.groups.values() for p in g])
    problem = phrase_hits(by_speaker["customer"], pattern)

    parts = [_tag(hits[name], name) for name in SIGNALS]
    parts += [
        _tag(contagion, "agent_distress"),
        _tag(contagion, CONTAGION),
        _tag(problem, PROBLEM),
    ]
    # rows follow (contact_id, turn), so this order is the findings' order
    all_hits = pl.concat(parts).unique(["row", "signal", "start"]).sort("row", "start", "signal")
    return Detected(rows=rows.join(ctx, on="row", how="left"), hits=all_hits)
