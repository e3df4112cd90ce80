"""CSV that is safe to open in a spreadsheet: no cell of ours runs as a formula."""

from __future__ import annotations

import io
from typing import BinaryIO, Final, TypeVar

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


def write_spreadsheet_safe_csv(frame: pl.DataFrame | pl.LazyFrame, out: BinaryIO) -> None:
    """Write the frame as CSV (UTF-8, header first) to ``out``, every cell safe to open in a
    spreadsheet (a lazy frame streams into it: it is never in memory whole)."""
    if isinstance(frame, pl.LazyFrame):
        spreadsheet_safe(frame).sink_csv(out)
        return
    # slice by slice: a million contacts' safe copy of the text columns at once would cost
    # the flow ~0.5 GiB for a moment
    for start in range(0, max(frame.height, 1), CSV_SLICE_ROWS):
        part = spreadsheet_safe(frame.slice(start, CSV_SLICE_ROWS))
        part.write_csv(out, include_header=start == 0)


def spreadsheet_safe_csv(frame: pl.DataFrame | pl.LazyFrame) -> bytes:
    """The frame as CSV bytes, every cell safe to open in a spreadsheet (small tables; the
    week's large ones are written to a file: write_spreadsheet_safe_csv)."""
    buffer = io.BytesIO()
    write_spreadsheet_safe_csv(frame, buffer)
    return buffer.getvalue()
