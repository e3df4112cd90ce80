"""Where the labelled data lives, and the error when it is missing or unreadable."""

from __future__ import annotations

from pathlib import Path
from typing import Final

SHARED_EVAL: Final = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
DEFAULT_CS_DEV: Final = SHARED_EVAL / "cs-dev"
DEFAULT_EPITOME: Final = SHARED_EVAL / "epitome-dev"
THREADS_FILE: Final = "threads.jsonl"
LABELS_FILE: Final = "labels.jsonl"


class EvalDataError(Exception):
    """Labelled data missing or unreadable; the message names the path."""
