"""The vectorised VADER-style sentiment agrees with vaderSentiment's own analyser."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from checks.sentiment import compound_scores, vader_lexicon

SAMPLE = [
    "This is the worst service I have ever had, I'm furious.",
    "Thanks so much, that was really helpful!",
    "I am not happy with how this was handled.",
    "The app is great but the delivery was awful.",
    "Nothing works and I'm completely fed up.",
    "Lovely, that's perfect, cheers.",
    "I'm worried my account has been hacked.",
    "It is NOT acceptable to keep me waiting.",
    "I'm not unhappy with it, it's fine.",
    "Brilliant news, thank you for sorting it so quickly!!",
    "My order never arrived and nobody answers my emails.",
    "You have been very kind and patient with me.",
    "I hate this stupid broken router.",
    "Could you update my address please?",
    "That is absolutely terrible and a disgrace.",
    "Wonderful, I really appreciate the help.",
]


def test_sign_agrees_with_vader_on_a_sample() -> None:
    analyser = SentimentIntensityAnalyzer()
    ours = compound_scores(SAMPLE)
    theirs = [analyser.polarity_scores(t)["compound"] for t in SAMPLE]
    agree = sum(
        (a > 0.05 and b > 0.05) or (a < -0.05 and b < -0.05) or (abs(a) <= 0.05 and abs(b) <= 0.05)
        for a, b in zip(ours, theirs, strict=True)
    )
    assert agree >= len(SAMPLE) - 1
    assert max(abs(a - b) for a, b in zip(ours, theirs, strict=True)) < 0.25


@pytest.mark.parametrize(
    ("plain", "changed", "relation"),
    [
        ("I am happy", "I am not happy", "lower"),
        ("This is bad", "This is very bad", "lower"),
        ("This is good", "This is GOOD", "higher"),
        ("This is good", "This is good!!!", "higher"),
    ],
)
def test_negation_boosters_caps_and_bangs(plain: str, changed: str, relation: str) -> None:
    a, b = compound_scores([plain, changed])
    assert (b < a) if relation == "lower" else (b > a)


def test_scores_are_bounded_and_empty_is_neutral() -> None:
    scores = compound_scores(["", "awful " * 50, "great " * 50])
    assert scores[0] == 0.0
    assert all(-1.0 <= s <= 1.0 for s in scores)


def test_lexicon_comes_from_the_package() -> None:
    lex = vader_lexicon()
    assert lex.height > 7000
    assert lex.filter(lex["word"] == "terrible")["valence"].item() < 0
