"""CSV that is safe to open in a spreadsheet: no cell of ours runs as a formula."""

from __future__ import annotations

from typing import Final

import polars as pl

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets
# (=HYPERLINK(...), +SUM(...), @SUM(...), -1+1), or begins one after a tab or carriage return.
FORMULA_START: Final = r"^[=+\-@\t\r]"


def spreadsheet_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every text cell that a spreadsheet would run as a formula prefixed with an
    apostrophe (shown as text, the apostrophe hidden); numbers, dates and other cells unchanged."""
    text = [
        name
        for name, dtype in frame.schema.items()
        if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)
    ]
    if not text:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).cast(pl.String).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in text
    )


def spreadsheet_safe_csv(frame: pl.DataFrame) -> bytes:
    """The frame as CSV bytes (UTF-8, header first), every cell safe to open in a spreadsheet."""
    return spreadsheet_safe(frame).write_csv().encode()
