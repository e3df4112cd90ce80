"""Word tokens, and locating a token back in its turn text."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from checks.signals.tokens import locate, spans_of, words


def _frame(texts: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"row": list(range(len(texts))), "text": texts}).with_columns(
        pl.col("row").cast(pl.UInt32)
    )


def test_words_are_lowercase_without_punctuation() -> None:
    toks = words(_frame(['"Hello," (WORLD)! I’m  fine...']))
    assert toks["word"].to_list() == ["hello", "world", "i'm", "fine"]
    assert toks["pos"].to_list() == sorted(toks["pos"].to_list())


@given(st.lists(st.text(alphabet=st.sampled_from("abAB é’'!,.\n\t-"), max_size=30), max_size=5))
def test_every_token_can_be_located_in_its_text(texts: list[str]) -> None:
    for row, word in words(_frame(texts)).select("row", "word").iter_rows():
        span = locate(texts[row], word)
        assert span is not None
        start, end = span
        assert texts[row][start:end].lower().replace("’", "'") == word


@given(
    st.lists(
        st.text(alphabet=st.sampled_from("abAB é’'!,.\n\t-"), min_size=1, max_size=30), max_size=6
    )
)
def test_spans_of_agrees_with_locate(texts: list[str]) -> None:
    toks = words(_frame(texts)).group_by("row").agg(pl.col("word").last())
    rows = toks.with_columns(text=pl.col("row").map_elements(lambda r: texts[r], pl.String))
    for row, start, end, match in spans_of(rows).iter_rows():
        word = rows.filter(pl.col("row") == row)["word"].item()
        assert (start, end) == locate(texts[row], word)
        assert match == texts[row][start:end]
