"""VADER sentiment, vectorised in polars, following vaderSentiment's own rules and lexicon.

``SentimentIntensityAnalyzer.polarity_scores`` (vaderSentiment 3.3.2) scores a text word by
word; this module applies the same rules to whole columns of turns at once:

- tokens are the text split on whitespace, each stripped of leading and trailing ASCII
  punctuation unless that leaves two characters or fewer ("No." stays "no.", which is not the
  lexicon's "no"; ":)" stays an emoticon);
- a lexicon word's valence is raised by ALL-CAPS when the text mixes capitalised and other
  tokens; moved by booster words ("very", "kind of") up to three tokens before it; negated
  (x -0.74) by a negation word or any "n't" word up to three tokens before it, by "no" one or
  two tokens before it ("no problem", "no worries", "no complaints") or three before with
  "or"/"nor" in between, and by "least" right before it (not "at least", "very least");
  multiplied by 1.25 after "never so/this" (and, as the package has it, after a "so" or
  "this" right before it once three tokens precede it); replaced by the value of a special
  idiom ("yeah right", "to die for", ...). Apart from "no", a lexicon word modifies
  nothing after it, and "no" has no valence of its own before a lexicon word;
- words before the first "but" count half, words after it one and a half;
- '!' (up to 4) and repeated '?' add emphasis; the sum is normalised to -1..1 and rounded to
  4 places as the package does.

Deliberate differences from the package: emoji are not replaced by their names (the evidence
of a finding must be text of the turn), a curly apostrophe reads as a straight one ("don’t"
negates like "don't"), and the 'but' rule scales every word before and after the first "but"
(the package's loop finds words by value and can skip one whose valence equals an earlier
one's).
"""

from __future__ import annotations

import string
from collections.abc import Collection, Sequence
from typing import Final

import polars as pl
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    SPECIAL_CASES,
)

from checks.signals.vader_vocab import NT, PLAIN, Vocab, vocab

ALPHA: Final = 15.0
BANG_INCR: Final = 0.292
MAX_BANGS: Final = 4
QM_INCR: Final = 0.18
QM_MAX: Final = 0.96
NEVER_SO_THIS: Final = 1.25
DAMPING: Final = {1: 1.0, 2: 0.95, 3: 0.9}
PUNCTUATION: Final = string.punctuation
ODD_SPACE: Final = r"\s{2,}|[^\S ]"


def sentiment_input(rows: pl.DataFrame) -> pl.DataFrame:
    """Per-turn inputs of the sentiment: row, text, bangs ('!'), qmarks ('?')."""
    text = pl.col("text").fill_null("")
    return rows.select(
        "row",
        text=text,
        bangs=text.str.count_matches("!", literal=True).cast(pl.Int32),
        qmarks=text.str.count_matches("?", literal=True).cast(pl.Int32),
    )


def _split(turns: pl.DataFrame, *, lower: bool) -> pl.DataFrame:
    """Whitespace tokens of ``turns`` (row, text): row, pos, tok (lower case if ``lower``)."""
    text = pl.col("text").fill_null("").str.replace_all("’", "'", literal=True)
    if lower:
        text = text.str.to_lowercase()
    t = pl.col("text")
    plain = turns.select("row", text=text).with_columns(
        odd=t.str.contains(ODD_SPACE) | t.str.starts_with(" ") | t.str.ends_with(" ")
    )
    spaced = plain.filter(pl.col("odd"))
    if spaced.height:
        spaced = spaced.with_columns(
            pl.col("text").str.replace_all(ODD_SPACE, " ").str.strip_chars()
        )
        plain = pl.concat([plain.filter(~pl.col("odd")), spaced])
    # each turn's tokens stay together and in order: the rules look at neighbours by shifting
    pieces = plain.select("row", tok=pl.col("text").str.split(" "))
    return (
        pieces.with_columns(pos=pl.int_ranges(0, pl.col("tok").list.len(), dtype=pl.UInt32))
        .explode(["tok", "pos"])
        .filter(pl.col("tok") != "")
    )


def _item(tok: pl.Expr) -> pl.Expr:
    core = tok.str.strip_chars(PUNCTUATION)
    return pl.when(core.str.len_chars() > 2).then(core).otherwise(tok)


def vader_tokens(turns: pl.DataFrame) -> pl.DataFrame:
    """VADER's tokens of ``turns`` (row, text): row, pos, tok (as written), word (lower case).

    The text split on whitespace; a token loses its leading and trailing ASCII punctuation
    unless that leaves two characters or fewer, then it is kept whole ("No." -> "no.").
    """
    toks = _split(turns, lower=False).with_columns(tok=_item(pl.col("tok")))
    return toks.with_columns(word=pl.col("tok").str.to_lowercase())


def _word_ids(toks: pl.DataFrame, voc: Vocab) -> pl.DataFrame:
    """Lower-case tokens (row, pos, tok) with core (punctuation stripped), short (the token is
    its own VADER item: two characters or fewer once stripped) and id (vocabulary number)."""
    core = pl.col("tok").str.strip_chars(PUNCTUATION)
    t = toks.with_columns(core=core).with_columns(
        short=(pl.col("core").str.len_chars() <= 2)
        & (pl.col("core").str.len_bytes() != pl.col("tok").str.len_bytes())
    )
    names, numbers = voc.table["word"], voc.table["id"]
    ids = t["core"].replace_strict(names, numbers, default=PLAIN, return_dtype=pl.UInt16)
    short = t["short"].arg_true()
    if short.len():
        whole = t["tok"].gather(short)
        ids = ids.scatter(
            short, whole.replace_strict(names, numbers, default=PLAIN, return_dtype=pl.UInt16)
        )
    return t.with_columns(id=ids)


def _at(values: pl.Series, index: pl.Expr) -> pl.Expr:
    return pl.lit(values).gather(index)


def _upper_tokens(turns: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Tokens written in capitals (str.isupper: a cased letter and no lower-case one) as
    (row, pos), and whether each such turn also has other tokens (row, cap_diff).

    Only turns with a capitals token other than a lone "I" or "A" are looked at: no lexicon or
    booster word is spelt with those letters alone.
    """
    text = pl.col("text").fill_null("")
    shout = text.str.contains(
        r"(?:^|\s)[^\s\p{Ll}]*(?:\p{Lu}[^\s\p{Ll}]*\p{Lu}|[\p{Lu}--[AI]])[^\s\p{Ll}]*(?:\s|$)"
    )
    cand = turns.filter(shout)
    if cand.is_empty():
        empty = pl.DataFrame(schema={"row": pl.UInt32, "pos": pl.UInt32})
        return empty, pl.DataFrame(schema={"row": pl.UInt32, "cap_diff": pl.Boolean})
    item = _item(pl.col("tok"))
    upper = (
        _split(cand, lower=False)
        .filter(item.str.contains(r"\p{Lu}") & ~item.str.contains(r"\p{Ll}"))
        .select("row", "pos")
    )
    # with a capitals token present, the turn mixes when a token has a lower-case letter or
    # no cased letter at all
    mixed = text.str.contains(r"\p{Ll}") | text.str.contains(
        r"(?:^|\s)[^\s\p{Lu}\p{Ll}\p{Lt}]+(?:\s|$)"
    )
    return upper, cand.select("row", cap_diff=mixed)


def _special_case(cols: Sequence[pl.Expr], ids: dict[str, int], size: int) -> pl.Expr:
    """The SPECIAL_CASES value of the phrase spelt by ``cols`` (of ``size`` words), or null."""
    out = pl.lit(None, dtype=pl.Float64)
    for phrase, value in SPECIAL_CASES.items():
        words = phrase.split(" ")
        if len(words) != size:
            continue
        cond = pl.lit(True)
        for col, w in zip(cols, words, strict=True):
            cond = cond & (col == ids[w])
        out = pl.when(cond).then(pl.lit(float(value))).otherwise(out)
    return out


def _ngram_boost(cols: Sequence[pl.Expr], ids: dict[str, int]) -> pl.Expr:
    """The booster value of a multi-word booster ("kind of") spelt by ``cols``, else 0."""
    out = pl.lit(0.0)
    for phrase, value in BOOSTER_DICT.items():
        words = phrase.split(" ")
        if len(words) != len(cols):
            continue
        cond = pl.lit(True)
        for col, w in zip(cols, words, strict=True):
            cond = cond & (col == ids[w])
        out = pl.when(cond).then(pl.lit(float(value))).otherwise(out)
    return out


VALENCE_SCHEMA: Final = pl.Schema(
    {
        "row": pl.UInt32,
        "pos": pl.UInt32,
        "word": pl.String,
        "valence": pl.Float64,
        "neutral": pl.Boolean,
    }
)


def vader_valence(turns: pl.DataFrame, neutral_words: Collection[str] = ()) -> pl.DataFrame:
    """Valence of every sentiment-bearing token of ``turns`` (``sentiment_input``) after VADER's
    rules: row, pos (token index), word (lower case), valence (non-zero), neutral (the word is
    one of ``neutral_words``)."""
    voc = vocab()
    ids = voc.ids
    row, pos, wid = pl.col("row"), pl.col("pos"), pl.col("id")
    toks = _word_ids(_split(turns, lower=True), voc)
    # the ids of the 3 tokens before and 2 after each token (null beyond the turn's ends)
    toks = toks.with_columns(
        **{f"b{d}": pl.when(pos >= d).then(wid.shift(d)) for d in (1, 2, 3)},
        **{f"f{d}": pl.when(row.shift(-d) == row).then(wid.shift(-d)) for d in (1, 2)},
        **{f"core{d}": pl.when(pos >= d).then(pl.col("core").shift(d)) for d in (1, 2, 3)},
    )
    first_but = toks.filter(wid == ids["but"]).group_by("row").agg(but=pos.min())
    b1, b2, b3, f1, f2 = (pl.col(c) for c in ("b1", "b2", "b3", "f1", "f2"))
    items = toks.filter(
        _at(voc.lex, wid).is_not_null()
        & ~((wid == ids["kind"]) & (f1 == ids["of"])).fill_null(False)
    )
    if items.is_empty():
        return pl.DataFrame(schema={**VALENCE_SCHEMA, "row": turns.schema["row"]})
    # a word outside the vocabulary with "n't" in it negates too
    items = items.with_columns(
        **{
            f"b{d}": pl.when(
                (pl.col(f"b{d}") == PLAIN) & pl.col(f"core{d}").str.contains("n't", literal=True)
            )
            .then(pl.lit(NT, pl.UInt16))
            .otherwise(pl.col(f"b{d}"))
            for d in (1, 2, 3)
        },
        word=pl.when(pl.col("short")).then(pl.col("tok")).otherwise(pl.col("core")),
        lex=_at(voc.lex, wid),
    )
    items = _with_caps(items, turns, voc)
    back = {1: b1, 2: b2, 3: b3}
    so_this = [ids["so"], ids["this"]]
    v = pl.col("v")
    lex = pl.col("lex")
    no = ids["no"]
    # "no" has no valence of its own before a lexicon word; it negates a word one or two
    # tokens after it, or three after it with "or"/"nor" in between
    no_before = (b1 == no) | (b2 == no) | ((b3 == no) & b1.is_in([ids["or"], ids["nor"]]))
    items = items.with_columns(
        v=pl.when((wid == no) & _at(voc.lex, f1).is_not_null()).then(0.0).otherwise(lex)
    ).with_columns(v=pl.when(no_before.fill_null(False)).then(lex * N_SCALAR).otherwise(v))
    items = items.with_columns(
        v=pl.when(pl.col("up0") & pl.col("cap_diff"))
        .then(pl.when(v > 0).then(v + C_INCR).otherwise(v - C_INCR))
        .otherwise(v)
    )
    for d, e in back.items():
        step = e.is_not_null() & _at(voc.lex, e).is_null()
        b = _at(voc.boost, e)
        scalar = pl.when(v < 0).then(-b).otherwise(b) + pl.when(
            pl.col(f"up{d}") & pl.col("cap_diff")
        ).then(pl.when(v > 0).then(C_INCR).otherwise(-C_INCR)).otherwise(0.0)
        items = items.with_columns(
            v=pl.when(step).then(v + scalar * DAMPING[d]).otherwise(v), step=step
        )
        negated = _at(voc.neg, e)
        if d == 1:
            checked = pl.when(negated).then(v * N_SCALAR).otherwise(v)
        elif d == 2:
            checked = (
                pl.when((b2 == ids["never"]) & b1.is_in(so_this))
                .then(v * NEVER_SO_THIS)
                .when((b2 == ids["without"]) & (b1 == ids["doubt"]))
                .then(v)
                .when(negated)
                .then(v * N_SCALAR)
                .otherwise(v)
            )
        else:
            checked = (
                pl.when(((b3 == ids["never"]) & b2.is_in(so_this)) | b1.is_in(so_this))
                .then(v * NEVER_SO_THIS)
                .when((b3 == ids["without"]) & ((b2 == ids["doubt"]) | (b1 == ids["doubt"])))
                .then(v)
                .when(negated)
                .then(v * N_SCALAR)
                .otherwise(v)
            )
        items = items.with_columns(v=pl.when(pl.col("step")).then(checked).otherwise(v))
        if d == 3:
            items = _idioms(items, wid, b1, b2, b3, f1, f2, ids)
    least = b1 == ids["least"]
    items = items.with_columns(
        v=pl.when(least & (b2.is_null() | ~b2.is_in([ids["at"], ids["very"]])))
        .then(v * N_SCALAR)
        .otherwise(v)
    )
    # words before the first "but" count half, words after it one and a half
    items = items.join(first_but, on="row", how="left").with_columns(
        v=pl.when(pl.col("but").is_null())
        .then(v)
        .when(pos < pl.col("but"))
        .then(v * 0.5)
        .otherwise(v * 1.5)
    )
    neutral = list({w.lower() for w in neutral_words})
    return items.filter(v != 0).select(
        "row", "pos", "word", valence="v", neutral=pl.col("word").is_in(neutral)
    )


def _with_caps(items: pl.DataFrame, turns: pl.DataFrame, voc: Vocab) -> pl.DataFrame:
    """Add up0 (the word is in capitals), up1..up3 (a booster 1..3 tokens before it is) and
    cap_diff (its turn mixes capitals with other tokens)."""
    upper, diff = _upper_tokens(turns)
    flags = {f"up{d}": pl.lit(False) for d in range(4)}
    if upper.is_empty():
        return items.with_columns(**flags, cap_diff=pl.lit(False))
    rows = diff.filter(pl.col("cap_diff"))["row"].implode()
    mine = pl.col("row").is_in(rows)
    rest = items.filter(~mine).with_columns(**flags, cap_diff=pl.lit(False))
    some = items.filter(mine)
    if some.is_empty():
        return rest
    up = upper.with_columns(up=pl.lit(True))
    some = some.join(up.rename({"up": "up0"}), on=["row", "pos"], how="left")
    for d in (1, 2, 3):
        at = (pl.col("pos").cast(pl.Int64) - d).alias("at")
        some = (
            some.with_columns(at)
            .join(
                up.select("row", at=pl.col("pos").cast(pl.Int64), **{f"up{d}": "up"}),
                on=["row", "at"],
                how="left",
            )
            .drop("at")
            .with_columns(pl.col(f"up{d}") & (_at(voc.boost, pl.col(f"b{d}")) != 0))
        )
    some = some.with_columns(pl.col(f"up{d}").fill_null(False) for d in range(4)).with_columns(
        cap_diff=pl.lit(True)
    )
    return pl.concat([rest, some.select(rest.columns)])


def _idioms(
    items: pl.DataFrame,
    wid: pl.Expr,
    b1: pl.Expr,
    b2: pl.Expr,
    b3: pl.Expr,
    f1: pl.Expr,
    f2: pl.Expr,
    ids: dict[str, int],
) -> pl.DataFrame:
    """VADER's special idioms and multi-word boosters, checked when three words precede."""
    v = pl.col("v")
    before = pl.coalesce(
        _special_case([b1, wid], ids, 2),
        _special_case([b2, b1, wid], ids, 3),
        _special_case([b2, b1], ids, 2),
        _special_case([b3, b2, b1], ids, 3),
        _special_case([b3, b2], ids, 2),
    )
    after = pl.coalesce(_special_case([wid, f1, f2], ids, 3), _special_case([wid, f1], ids, 2))
    idiom = pl.coalesce(after, before, v)
    boosted = idiom + _ngram_boost([b3, b2, b1], ids) + _ngram_boost([b3, b2], ids)
    boosted = boosted + _ngram_boost([b2, b1], ids)
    return items.with_columns(v=pl.when(pl.col("step")).then(boosted).otherwise(v))


def compound_expr(total: pl.Expr, bangs: pl.Expr, qmarks: pl.Expr | None = None) -> pl.Expr:
    """VADER's normalisation of a summed valence, with the emphasis of '!' (up to 4) and of
    two or more '?', into -1..1, rounded to 4 places."""
    emph = bangs.clip(0, MAX_BANGS) * BANG_INCR
    if qmarks is not None:
        emph = emph + pl.when(qmarks > 3).then(QM_MAX).when(qmarks > 1).then(
            qmarks * QM_INCR
        ).otherwise(0.0)
    s = pl.when(total > 0).then(total + emph).when(total < 0).then(total - emph).otherwise(total)
    return (s / (s * s + ALPHA).sqrt()).clip(-1.0, 1.0).round(4)


def turn_sentiment(valenced: pl.DataFrame, turns: pl.DataFrame) -> pl.DataFrame:
    """Per turn: compound, compound_own (neutral words masked) and their inputs own, bangs,
    qmarks."""
    agg = valenced.group_by("row").agg(
        total=pl.col("valence").sum(),
        own=pl.when(pl.col("neutral")).then(0.0).otherwise(pl.col("valence")).sum(),
    )
    t = (
        turns.select("row", "bangs", "qmarks")
        .join(agg, on="row", how="left")
        .with_columns(pl.col("total").fill_null(0.0), pl.col("own").fill_null(0.0))
    )
    return t.select(
        "row",
        "own",
        "bangs",
        "qmarks",
        compound=compound_expr(pl.col("total"), pl.col("bangs"), pl.col("qmarks")),
        compound_own=compound_expr(pl.col("own"), pl.col("bangs"), pl.col("qmarks")),
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
    sent = turn_sentiment(vader_valence(turns), turns).sort("row")
    return [float(x) for x in sent["compound"].to_list()]
