"""What a benchmark ran on, printed first: figures only compare on the same interpreter."""

from __future__ import annotations

import os
import platform
import sys


def describe() -> str:
    """The interpreter (its real file: a venv links to it) and the cores, on one line."""
    return (
        f"Python {platform.python_version()} ({os.path.realpath(sys.executable)}), "
        f"{os.cpu_count()} cores"
    )
