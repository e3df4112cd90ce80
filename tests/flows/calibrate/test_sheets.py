"""Graded sheets: bad ones are refused naming the file, the row and every problem."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from checks.transcripts.transcript import CRITERIA
from flows.calibrate.draw import sheet_csv
from flows.calibrate.readings import Reading
from flows.calibrate.scale import SHEET_COLUMNS, SIGNALS, CalibrationError
from flows.calibrate.sheets import read_sheets


def _known() -> dict[str, Reading]:
    blank = Reading("a-1", {}, {c: 1 for c in CRITERIA}, {s: False for s in SIGNALS})
    return {"c-1": blank, "c-2": blank}


def test_bad_sheets_are_refused_naming_file_row_and_problem(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(sheet_csv("2026-W47", [("c-1", "a-1"), ("c-2", "a-1")], ["ana"]))
    rows = list(csv.DictReader(io.StringIO(good.read_text())))
    rows[0].update({"empathy": "3", "apology": "maybe"})
    rows[1]["contact_id"] = "c-9"
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=SHEET_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    short = tmp_path / "short.csv"
    short.write_text("contact_id,grader,empathy\nc-1,ana,2\n")
    with pytest.raises(CalibrationError) as err:
        read_sheets([bad, short], _known())
    assert str(err.value).splitlines() == [
        f"{bad}: row 2: empathy: '3' is not 0, 1, 2 or blank (does not apply)",
        f"{bad}: row 2: apology: 'maybe' is not yes, no or blank",
        f"{bad}: row 3: unknown contact id 'c-9' (not in the drawn set)",
        f"{short}: missing column(s) compassion, sympathy_overload, hospitality, "
        + ", ".join(SIGNALS),
    ]
