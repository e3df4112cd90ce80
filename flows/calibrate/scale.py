"""The calibration's shared terms: the items graders read, their scales, the sheet's columns
and the files of the loop.

Graders read contacts on the 0-2 scale of the cs-dev guidelines (0 none, 1 some, 2 clear;
blank when the criterion does not apply) and say yes or no per signal. Rapport's 0-100
criterion scores are put on the same scale by the cut points in ``LEVEL_CUTS``; its signal
reading is yes when the contact has a finding of that signal. Sympathy-overload control reads
the same way round as Rapport's score: 2 means no overload.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from checks.transcripts.transcript import CRITERIA
from flows.evaluate.cs_dev import LABELLED

SHEET_FILE: Final = "calibration-sheet.csv"
PACKET_FILE: Final = "calibration-packet.pdf"
READINGS_FILE: Final = "rapport-readings.json"
REPORT_FILE: Final = "calibration-report.pdf"
TABLE_FILE: Final = "calibration.csv"

RAPPORT: Final = "Rapport"
LEVELS: Final = (0, 1, 2)
YES_NO: Final = (0, 1)
# A 0-100 score at or above the first cut reads as level 1, at or above the second as level 2.
LEVEL_CUTS: Final = (40.0, 70.0)
SIGNALS: Final = LABELLED  # the signals graders read per contact, as `rapport eval` labels them
ITEMS: Final = (*CRITERIA, *SIGNALS)
SHEET_COLUMNS: Final = ("week", "contact_id", "agent_id", "grader", *CRITERIA, *SIGNALS, "notes")
REQUIRED_COLUMNS: Final = ("contact_id", "grader", *CRITERIA, *SIGNALS)


class CalibrationError(ValueError):
    """Sheets or readings that cannot be used; the message names every file, row and problem."""


def level_of(score: float | None, cuts: Sequence[float] = LEVEL_CUTS) -> int | None:
    """A 0-100 criterion score on the graders' 0-2 scale (None stays N/A)."""
    if score is None:
        return None
    return sum(score >= cut for cut in cuts)
