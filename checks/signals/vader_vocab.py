"""VADER's lexicon, boosters, negations and rule words as one numbered vocabulary."""

import importlib.resources
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import polars as pl
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    NEGATE,
    SPECIAL_CASES,
)

PLAIN: Final = 0  # a token that is no lexicon, booster, negation or marker word
NT: Final = 1  # an unlisted word with "n't" in it (VADER counts it as a negation)
MARKERS: Final = (
    "no", "or", "nor", "least", "at", "very", "never", "so", "this", "without", "doubt",
    "kind", "of", "but",
)  # fmt: skip


@lru_cache(maxsize=1)
def lexicon() -> dict[str, float]:
    """The lexicon as vaderSentiment reads it: the last line of a word wins, and only keys in
    lower case can be found (the package looks words up in lower case)."""
    text = (
        importlib.resources.files("vaderSentiment")
        .joinpath("vader_lexicon.txt")
        .read_text(encoding="utf-8")
    )
    lex: dict[str, float] = {}
    for line in text.rstrip("\n").split("\n"):
        parts = line.strip().split("\t")
        if len(parts) >= 2 and parts[0]:
            lex[parts[0]] = float(parts[1])
    return {w: v for w, v in lex.items() if w == w.lower()}


def vader_lexicon() -> pl.DataFrame:
    """The VADER lexicon as a frame (word, valence): the entries a lookup can reach."""
    lex = lexicon()
    return pl.DataFrame(
        {"word": list(lex), "valence": list(lex.values())},
        schema={"word": pl.String, "valence": pl.Float64},
    )


@dataclass(frozen=True, slots=True)
class Vocab:
    """Every word a rule looks at, numbered; attributes by number (0 plain, 1 "n't" word)."""

    table: pl.DataFrame  # word, id (UInt16)
    lex: pl.Series  # by id: lexicon valence or null
    boost: pl.Series  # by id: booster increment, 0.0 for other words
    neg: pl.Series  # by id: a negation word
    ids: dict[str, int]


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    lex = lexicon()
    single_boost = {k: float(v) for k, v in BOOSTER_DICT.items() if " " not in k}
    phrase_words = {w for k in (*SPECIAL_CASES, *BOOSTER_DICT) for w in k.split(" ")}
    negations = {w.lower() for w in NEGATE}
    names = sorted(set(lex) | set(single_boost) | negations | set(MARKERS) | phrase_words)
    ids = {w: i + 2 for i, w in enumerate(names)}
    lex_by_id: list[float | None] = [None, None]
    lex_by_id += [lex.get(w) for w in names]
    boost_by_id = [0.0, 0.0] + [single_boost.get(w, 0.0) for w in names]
    neg_by_id = [False, True] + [w in negations or "n't" in w for w in names]
    table = pl.DataFrame(
        {"word": names, "id": list(ids.values())}, schema={"word": pl.String, "id": pl.UInt16}
    )
    return Vocab(
        table=table,
        lex=pl.Series("lex", lex_by_id, dtype=pl.Float64),
        boost=pl.Series("boost", boost_by_id, dtype=pl.Float64),
        neg=pl.Series("neg", neg_by_id, dtype=pl.Boolean),
        ids=ids,
    )
