"""Per-turn detection of every signal of the rubric, with evidence spans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from checks.reflection import reflections
from checks.rubric import Rubric
from checks.scripted import scripted_lines
from checks.sentiment import (
    compound_expr,
    most_negative,
    sentiment_input,
    token_valence,
    turn_sentiment,
)
from checks.signals import (
    MATCH_SCHEMA,
    alternation,
    compile_rubric,
    detect,
    phrase_hits,
)
from checks.tokens import tokenize
from checks.transcript import SIGNALS

HIT_SCHEMA: Final = pl.Schema([("signal", pl.String), *MATCH_SCHEMA.items()])
PROBLEM: Final = "_problem"
CONTAGION: Final = "_contagion"


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


def _sentiment(rows: pl.DataFrame, rubric: Rubric) -> pl.DataFrame:
    toks = tokenize(sentiment_input(rows))
    val = token_valence(toks, rubric.sentiment.agent_neutral_words)
    return val


def _turn_sentiment(val: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    return rows.join(turn_sentiment(val), on="row", how="left").with_columns(
        pl.col("compound").fill_null(0.0), pl.col("compound_own").fill_null(0.0)
    )


def _span_text(spans: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """Attach the matched text to (row, start, end) spans."""
    return (
        spans.join(rows.select("row", "text"), on="row", how="left")
        .select(
            "row",
            "start",
            "end",
            match=pl.col("text").str.slice(pl.col("start"), pl.col("end") - pl.col("start")),
        )
        .cast(MATCH_SCHEMA)
    )


def _contagion(
    rows: pl.DataFrame,
    val: pl.DataFrame,
    ctx: pl.DataFrame,
    covering: pl.DataFrame,
    own_upset: pl.Series,
    rubric: Rubric,
) -> pl.DataFrame:
    """Agent turns whose own negative emotion follows a negative customer turn.

    The agent's own emotion leaves out neutral words, words the customer used earlier (the
    problem being restated) and words inside acknowledgement, apology, pity or reflection spans.
    """
    sc = rubric.sentiment
    meta = rows.select("row", "ck", "turn", "speaker")
    neg = (
        val.filter((pl.col("valence") < 0) & ~pl.col("neutral"))
        .select("row", "start", "end", "word", "valence")
        .join(meta.filter(pl.col("speaker") == "agent"), on="row", how="inner")
    )
    if neg.is_empty():
        return pl.DataFrame(schema=MATCH_SCHEMA)
    said = (
        val.select("row", "word")
        .join(neg.select("word").unique(), on="word", how="semi")
        .join(meta.filter(pl.col("speaker") == "customer"), on="row", how="inner")
        .group_by("ck", "word")
        .agg(first_turn=pl.col("turn").min())
    )
    spans = covering.select("row", c_start="start", c_end="end")
    covered = (
        neg.join(spans, on="row", how="inner")
        .filter((pl.col("start") < pl.col("c_end")) & (pl.col("end") > pl.col("c_start")))
        .select("row", "start")
        .unique()
        .with_columns(covered=pl.lit(True))
    )
    neg = (
        neg.join(said, on=["ck", "word"], how="left")
        .join(covered, on=["row", "start"], how="left")
        .with_columns(
            drop=(pl.col("first_turn") < pl.col("turn")).fill_null(False)
            | pl.col("covered").fill_null(False)
        )
    )
    dropped = neg.filter(pl.col("drop")).group_by("row").agg(excl=pl.col("valence").sum())
    own = (
        rows.select("row", "own", "bangs")
        .join(dropped, on="row", how="left")
        .select(
            "row",
            own_c=compound_expr(pl.col("own") - pl.col("excl").fill_null(0.0), pl.col("bangs")),
        )
    )
    cand = (
        ctx.join(own, on="row", how="inner")
        .filter(
            (pl.col("own_c") <= sc.agent_negative_below)
            & (pl.col("prev_customer_compound") <= sc.customer_negative_below)
            & ~pl.col("row").is_in(own_upset.implode())
        )
        .select("row")
    )
    worst = (
        neg.filter(~pl.col("drop"))
        .join(cand, on="row", how="semi")
        .sort("valence", "start")
        .group_by("row", maintain_order=True)
        .first()
        .select("row", "start", "end")
    )
    return _span_text(worst, rows)


def _context(rows: pl.DataFrame, distress_rows: pl.Series) -> pl.DataFrame:
    """Per agent row: is it the first agent turn after a distressed customer turn; the previous
    customer turn's compound."""
    is_c = pl.col("speaker") == "customer"
    is_a = pl.col("speaker") == "agent"
    r = rows.with_columns(distress=pl.col("row").is_in(distress_rows.implode()))
    r = r.with_columns(
        lc_ck=pl.when(is_c).then(pl.col("ck")).forward_fill(),
        lc_row=pl.when(is_c).then(pl.col("row")).forward_fill(),
        lc_distress=pl.when(is_c).then(pl.col("distress")).forward_fill(),
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
        prev_customer_compound=pl.when(has_c).then(pl.col("lc_compound")),
    )


def detect_all(turns: pl.DataFrame, rubric: Rubric) -> Detected:
    """Detect every signal on every non-system turn of ``turns`` (TURNS_SCHEMA)."""
    rows = prepare_rows(turns)
    compiled = compile_rubric(rubric)
    val = _sentiment(rows, rubric)
    rows = _turn_sentiment(val, rows)
    by_speaker = {
        sp: rows.filter(pl.col("speaker") == sp).select("row", "text")
        for sp in ("agent", "customer")
    }
    hits: dict[str, pl.DataFrame] = {}

    def run(name: str) -> pl.DataFrame:
        sig = compiled.get(name)
        if sig is None:
            return pl.DataFrame(schema=MATCH_SCHEMA)
        return detect(by_speaker[sig.speaker], sig)

    simple = [s for s in SIGNALS if s not in {"reflects_problem", "scripted_line"}]
    for name in simple:
        hits[name] = run(name)

    sc = rubric.sentiment
    distress = hits["customer_distress"]
    cust = rows.filter(pl.col("speaker") == "customer")
    tone_rows = cust.filter(
        (pl.col("compound") <= sc.customer_distress_below)
        & ~pl.col("row").is_in(distress["row"].implode())
    )["row"]
    by_tone = _span_text(most_negative(val, tone_rows, own=False), rows)
    hits["customer_distress"] = pl.concat([distress, by_tone])
    ctx = _context(rows, hits["customer_distress"]["row"].unique())
    ack_rows = hits["acknowledges_feeling"]["row"].unique().implode()

    dis = compiled.get("dismissive")
    if dis is not None and dis.after_distress is not None:
        eligible = (
            by_speaker["agent"]
            .join(ctx.filter(pl.col("after_distress")), on="row", how="semi")
            .filter(~pl.col("row").is_in(ack_rows))
        )
        extra = detect(eligible, dis, dis.after_distress)
        hits["dismissive"] = pl.concat([hits["dismissive"], extra])

    cue_sig = compiled.get("reflects_problem")
    cues = (
        detect(by_speaker["agent"], cue_sig)
        if cue_sig is not None
        else pl.DataFrame(schema=MATCH_SCHEMA)
    )
    hits["reflects_problem"] = reflections(rows, val, cues, rubric.reflection)

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
    covering = [hits[n] for n in ("acknowledges_feeling", "apology", "pity", "reflects_problem")]
    contagion = _contagion(rows, val, ctx, pl.concat(covering), own_upset, rubric)

    prob = rubric.compassion.problem
    pattern = alternation(list(prob.phrases), [p for g in prob.groups.values() for p in g])
    problem = phrase_hits(by_speaker["customer"], pattern)

    parts = [_tag(hits[name], name) for name in SIGNALS]
    parts += [
        _tag(contagion, "agent_distress"),
        _tag(contagion, CONTAGION),
        _tag(problem, PROBLEM),
    ]
    all_hits = pl.concat(parts).unique(["row", "signal", "start"]).sort("row", "start", "signal")
    return Detected(rows=rows.join(ctx, on="row", how="left"), hits=all_hits)
