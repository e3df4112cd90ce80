"""CSV that is safe to open in a spreadsheet: no cell of ours runs as a formula."""

from __future__ import annotations

import io
from typing import Final, TypeVar

import polars as pl

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets
# (=HYPERLINK(...), +SUM(...), @SUM(...), -1+1), or begins one after a tab or carriage return.
FORMULA_START: Final = r"^[=+\-@\t\r]"
CSV_SLICE_ROWS: Final = 50_000


Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def spreadsheet_safe(frame: Frame) -> Frame:
    """The frame with every text cell that a spreadsheet would run as a formula prefixed with an
    apostrophe (shown as text, the apostrophe hidden); numbers, dates and other cells unchanged."""
    text = [
        name
        for name, dtype in frame.collect_schema().items()
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


def spreadsheet_safe_csv(frame: pl.DataFrame | pl.LazyFrame) -> bytes:
    """The frame as CSV bytes (UTF-8, header first), every cell safe to open in a spreadsheet
    (a lazy frame streams into them: it is never in memory whole)."""
    # Written slice by slice into one buffer whose bytes are handed over without a copy: a
    # million contacts' table as one string, then its bytes, then a safe copy of its text
    # columns would cost the flow ~0.8 GiB at once instead of the ~0.3 GiB the CSV is.
    buffer = io.BytesIO()
    if isinstance(frame, pl.LazyFrame):
        spreadsheet_safe(frame).sink_csv(buffer)
        return buffer.getvalue()
    for start in range(0, max(frame.height, 1), CSV_SLICE_ROWS):
        part = spreadsheet_safe(frame.slice(start, CSV_SLICE_ROWS))
        part.write_csv(buffer, include_header=start == 0)
    return buffer.getvalue()
