"""Token offsets point back into the turn text."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from checks.tokens import tokenize


@given(st.lists(st.text(alphabet=st.sampled_from("ab é’'!,.\n\t-"), max_size=30), max_size=5))
def test_offsets_slice_back_to_the_token(texts: list[str]) -> None:
    frame = pl.DataFrame({"row": list(range(len(texts))), "text": texts}).with_columns(
        pl.col("row").cast(pl.UInt32)
    )
    for row in tokenize(frame).iter_rows(named=True):
        assert texts[row["row"]][row["start"] : row["end"]] == row["raw"]
        assert row["word"] == row["raw"].lower().replace("’", "'")


def test_punctuation_is_stripped() -> None:
    frame = pl.DataFrame({"row": [0], "text": ['"Hello," (world)!']}).with_columns(
        pl.col("row").cast(pl.UInt32)
    )
    assert tokenize(frame)["raw"].to_list() == ["Hello", "world"]
