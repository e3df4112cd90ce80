"""VADER's lexicon as the package ships it, looked up in lower case."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from checks.signals.vader_vocab import vader_lexicon


@pytest.fixture(scope="module")
def analyser() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def test_lexicon_comes_from_the_package(analyser: SentimentIntensityAnalyzer) -> None:
    lex = vader_lexicon()
    assert lex.height > 7000
    assert lex.filter(lex["word"] == "terrible")["valence"].item() < 0
    # the package keeps the last line of a word and looks words up in lower case
    assert dict(lex.iter_rows()) == {w: v for w, v in analyser.lexicon.items() if w == w.lower()}
