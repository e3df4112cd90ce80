"""Graded sheets read back: every row checked, every problem reported at once by file and row."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from checks.transcripts.transcript import CRITERIA
from flows.calibrate.readings import Reading
from flows.calibrate.scale import ITEMS, SIGNALS, CalibrationError

REQUIRED_COLUMNS: Final = ("contact_id", "grader", *CRITERIA, *SIGNALS)
NOT_APPLICABLE: Final = frozenset({"", "n/a", "na", "-"})
YES: Final = frozenset({"yes", "y", "true", "1"})
NO: Final = frozenset({"no", "n", "false", "0"})


@dataclass(frozen=True, slots=True)
class Grade:
    """One grader's reading of one contact (None where left blank: N/A or not read)."""

    contact_id: str
    grader: str
    values: dict[str, int | None]


def _cell(item: str, raw: str) -> int | None:
    text = raw.strip().lower()
    if text in NOT_APPLICABLE:
        return None
    if item in CRITERIA:
        if text in ("0", "1", "2"):
            return int(text)
        raise ValueError(f"{item}: {raw.strip()!r} is not 0, 1, 2 or blank (does not apply)")
    if text in YES:
        return 1
    if text in NO:
        return 0
    raise ValueError(f"{item}: {raw.strip()!r} is not yes, no or blank")


def _open_sheet(path: Path, problems: list[str]) -> csv.DictReader[str] | None:
    """The sheet's rows with its header stripped, or None with the reason added to problems."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        problems.append(f"{path}: cannot read ({exc.strerror or exc})")
        return None
    except UnicodeDecodeError as exc:
        problems.append(f"{path}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8")
        return None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems.append(f"{path}: missing column(s) {', '.join(missing)}")
        return None
    reader.fieldnames = header
    return reader


def _is_blank(row: Mapping[str, str | None]) -> bool:
    """An empty line, as spreadsheets leave at the end of a sheet."""
    cid = (row.get("contact_id") or "").strip()
    return not cid and not any((v or "").strip() for v in row.values())


def _grade(
    row: Mapping[str, str | None],
    where: str,
    sheet_grader: str,
    known: Mapping[str, Reading],
    problems: list[str],
) -> Grade | None:
    """One row's grade (the grader defaulting to the sheet's name), or None for a contact
    outside the drawn set; a cell that cannot be read is added to problems."""
    cid = (row.get("contact_id") or "").strip()
    if cid not in known:
        problems.append(f"{where}: unknown contact id {cid!r} (not in the drawn set)")
        return None
    grader = (row.get("grader") or "").strip() or sheet_grader
    values: dict[str, int | None] = {}
    for item in ITEMS:
        try:
            values[item] = _cell(item, row.get(item) or "")
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
    return Grade(cid, grader, values)


def read_sheets(paths: Sequence[Path], known: Mapping[str, Reading]) -> list[Grade]:
    """Every graded row of the sheets; CalibrationError listing each problem as 'file: row N:
    problem' (rows numbered as a spreadsheet numbers them, the header being row 1)."""
    problems: list[str] = []
    grades: list[Grade] = []
    seen: dict[tuple[str, str], str] = {}
    for path in paths:
        reader = _open_sheet(path, problems)
        for number, row in enumerate(reader or [], 2):
            if _is_blank(row):
                continue
            where = f"{path}: row {number}"
            grade = _grade(row, where, path.stem, known, problems)
            if grade is None:
                continue
            key = (grade.contact_id, grade.grader)
            if key in seen:
                problems.append(f"{where}: {key[0]} graded twice by {key[1]} (also {seen[key]})")
                continue
            seen[key] = where
            grades.append(grade)
    if problems:
        raise CalibrationError("\n".join(problems))
    if not grades:
        raise CalibrationError(f"no graded rows in {', '.join(str(p) for p in paths)}")
    return grades
