"""The code version recorded in every manifest."""

from __future__ import annotations

import os
import subprocess
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


@cache
def code_version() -> str:
    """Package version plus the git commit in a checkout (or RAPPORT_CODE_VERSION)."""
    if env := os.environ.get("RAPPORT_CODE_VERSION"):
        return env
    try:
        base = version("rapport")
    except PackageNotFoundError:
        base = "0+unknown"
    root = Path(__file__).resolve().parents[2]
    if (root / ".git").exists():
        try:
            sha = subprocess.run(
                ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            sha = ""
        if sha:
            return f"{base}+g{sha}"
    return base
