"""The packaged default rubric as the rubric tests read it: its path, pinned hash and data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DEFAULT = Path(__file__).resolve().parents[3] / "checks" / "rubric" / "rubric.yaml"
# The default rubric's content hash. This test fails on purpose when checks/rubric/rubric.yaml is
# edited: bump its version, add a line to checks/CHANGELOG.md, then update this hash.
DEFAULT_SHA256 = "5077af7018ef2763a7bba35e25b8b369cade7eb3ebaa7019f49b9c498d53ff02"


def default_text() -> str:
    """The default rubric's YAML."""
    return DEFAULT.read_text(encoding="utf-8")


def default_data() -> dict[str, Any]:
    """The default rubric's YAML, parsed."""
    return yaml.safe_load(default_text())  # type: ignore[no-any-return]


def edited(path: str, value: object) -> dict[str, Any]:
    """The default rubric's data with the key at a dotted path (list items by index) set."""
    data = default_data()
    node: object = data
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]  # type: ignore[index]
    last = keys[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value  # type: ignore[index]
    return data
