"""The vectorised VADER sentiment gives the compound score of vaderSentiment's own analyser."""

from __future__ import annotations

import random

import polars as pl
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from checks.rubric.rubric import load_rubric
from checks.signals.sentiment import (
    compound_scores,
    sentiment_input,
    turn_sentiment,
    vader_tokens,
    vader_valence,
)
from checks.signals.vader_vocab import vader_lexicon


@pytest.fixture(scope="module")
def analyser() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def vader(analyser: SentimentIntensityAnalyzer, texts: list[str]) -> list[float]:
    return [float(analyser.polarity_scores(t)["compound"]) for t in texts]


# "no" before a sentiment word negates it (VADER's own rule, not its negation word list)
NO_BEFORE = ["No problem.", "No worries at all.", "I have no complaints."]
# vaderSentiment's own examples, one rule or more each
RULES = [
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Not bad at all",
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "With VADER, sentiment analysis is the shit!",
    "On the other hand, VADER is quite bad ass",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.",
    "No.",  # two characters once stripped: the token stays "no.", not the lexicon's "no"
    "Ok.",
    "ok",
    "no good no bad",
    "I am GOOD",
    "I AM GOOD",
    "GOOD 10/10",
    "what??? this is terrible???",
    "it is not so good",
    "really not good",
    "Oh great, this is just great... yeah right it works",
    "I was\tnot\n\nhappy  with it ",
    "",
]


@pytest.mark.parametrize("text", NO_BEFORE)
def test_no_before_a_sentiment_word_is_positive_like_vader(
    analyser: SentimentIntensityAnalyzer, text: str
) -> None:
    (ours,) = compound_scores([text])
    assert ours == vader(analyser, [text])[0]
    assert ours > 0.3
    assert ours > load_rubric().sentiment.customer_distress_below


def test_vaders_own_examples_score_exactly_alike(analyser: SentimentIntensityAnalyzer) -> None:
    assert compound_scores(RULES) == vader(analyser, RULES)


CS_WORDS = [
    "problem", "worries", "complaints", "issues", "help", "thanks", "sorry", "great", "awful",
    "terrible", "happy", "frustrated", "angry", "good", "bad", "love", "hate", "fine", "ok",
    "please", "helpful", "useless", "ridiculous", "delay", "annoyed", "pleased", "perfect",
    "disappointed", "worst", "best", "stressful", "appreciate", "upset", "kind", "rude",
]  # fmt: skip
NEGATIONS = [
    "not", "never", "isn't", "don't", "didn't", "can't", "won't", "wasn't", "without", "nothing",
    "nor", "no", "none", "couldn't", "shouldn't've", "ain't", "uh-uh", "rarely", "despite",
]  # fmt: skip
BOOSTERS = [
    "very", "really", "so", "extremely", "kind of", "sort of", "somewhat", "barely", "totally",
    "absolutely", "just enough", "kinda", "quite", "most", "less", "slightly", "incredibly",
]  # fmt: skip
OTHERS = [
    "the", "a", "this", "that", "at", "least", "or", "of", "to", "for", "yeah", "right", "so",
    "doubt", "but", "and", "my", "your", "order", "at all", "I", "we", "the agent", "it", "is",
    "was", "has been", "seems", "you", "they", "refund", "today", "again",
]  # fmt: skip
ENDINGS = ["", ".", "!", "!!", "!!!!!", "?", "??", "????", "...", ",", " :)", " :(", " :D", "?!"]


def generated_sentences(n: int, seed: int = 14) -> list[str]:
    """Varied sentences exercising VADER's rules: "no" + a sentiment word, negations up to three
    words back, boosters and dampeners (also in capitals), "but", "least", "kind of", idioms,
    '!' and '?' emphasis, punctuation around and inside the words, odd whitespace."""
    rng = random.Random(seed)
    lexicon = [w for w in vader_lexicon()["word"].to_list() if w.isalpha()]
    out: list[str] = []
    for _ in range(n):
        if rng.random() < 0.25:
            words = [
                rng.choice(["No", "no", "NO", "I have no", "There is no", "no real", "no or"]),
                rng.choice(CS_WORDS + lexicon),
            ]
            if rng.random() < 0.4:
                words.append(rng.choice(["at all", "whatsoever", "but", "but thanks", "thanks"]))
        else:
            words = []
            for _ in range(rng.randint(2, 12)):
                r = rng.random()
                pool = (
                    CS_WORDS + lexicon
                    if r < 0.3
                    else NEGATIONS
                    if r < 0.45
                    else BOOSTERS
                    if r < 0.6
                    else OTHERS
                )
                words.append(rng.choice(pool))
        words = [w.upper() if rng.random() < 0.08 else w for w in words]
        text = " ".join(words)
        if rng.random() < 0.3:
            text = text[0].upper() + text[1:]
        text += rng.choice(ENDINGS)
        if rng.random() < 0.2:
            i = rng.randrange(len(text) + 1)
            text = (
                text[:i] + rng.choice([", ", ". ", "! ", " - ", "  ", "\n", "\t", "("]) + text[i:]
            )
        out.append(text)
    return out


def test_generated_sentences_agree_with_vader(analyser: SentimentIntensityAnalyzer) -> None:
    texts = generated_sentences(5000)
    ours = compound_scores(texts)
    theirs = vader(analyser, texts)
    close = [abs(a - b) <= 0.01 for a, b in zip(ours, theirs, strict=True)]
    exact = [a == b for a, b in zip(ours, theirs, strict=True)]
    # the package sums in a different order: a sum that is zero here can be 1e-16 there
    assert sum(close) >= 0.995 * len(texts)
    assert sum(exact) >= 0.99 * len(texts)
    signs = sum(
        (a > 0) == (b > 0) and (a < 0) == (b < 0) for a, b in zip(ours, theirs, strict=True)
    )
    assert signs >= 0.995 * len(texts)


def test_curly_apostrophes_read_as_straight_ones() -> None:
    straight, curly = compound_scores(["I don't like it", "I don’t like it"])
    assert straight == curly < 0


def test_valenced_words_carry_their_turn_position_and_text() -> None:
    frame = pl.DataFrame(
        {
            "row": [0, 1],
            "text": ["No problem, thanks!", "This is NOT good. The delivery was awful."],
        }
    ).with_columns(pl.col("row").cast(pl.UInt32))
    turns = sentiment_input(frame)
    val = vader_valence(turns, ["awful"]).sort("row", "pos")
    assert val.select("row", "pos", "word").rows() == [
        (0, 1, "problem"),
        (0, 2, "thanks"),
        (1, 3, "good"),
        (1, 7, "awful"),
    ]
    assert val["valence"][0] > 0  # "no problem" is negated
    assert val["valence"][2] < 0  # "NOT good"
    assert val["neutral"].to_list() == [False, False, False, True]
    sent = turn_sentiment(val, turns).sort("row")
    assert sent["compound"].to_list() == compound_scores(frame["text"].to_list())
    assert sent["compound_own"][1] > sent["compound"][1]


def test_tokens_keep_short_words_with_their_punctuation() -> None:
    frame = pl.DataFrame({"row": [0], "text": ["No. (Great) job :)  ok,\tthanks"]})
    assert vader_tokens(frame)["word"].to_list() == ["no.", "great", "job", ":)", "ok,", "thanks"]


@pytest.mark.parametrize(
    ("plain", "changed", "relation"),
    [
        ("I am happy", "I am not happy", "lower"),
        ("This is bad", "This is very bad", "lower"),
        ("This is good", "This is GOOD", "higher"),
        ("This is good", "This is good!!!", "higher"),
        ("I am upset", "I am not upset", "higher"),
        ("There is a problem", "There is no problem", "higher"),
    ],
)
def test_negation_boosters_caps_and_bangs(plain: str, changed: str, relation: str) -> None:
    a, b = compound_scores([plain, changed])
    assert (b < a) if relation == "lower" else (b > a)


def test_scores_are_bounded_and_empty_is_neutral() -> None:
    scores = compound_scores(["", "awful " * 50, "great " * 50])
    assert scores[0] == 0.0
    assert all(-1.0 <= s <= 1.0 for s in scores)
