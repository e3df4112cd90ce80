"""What a stored file's key says about it: its date partition and its name."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_DATE_DIRS = re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})/")
_COMPRESSED = (".gz",)


def file_name(key: str) -> str:
    """The last path segment of a key."""
    return key.rstrip("/").rsplit("/", 1)[-1]


def file_stem(key: str) -> str:
    """The file name without .gz and then without its extension."""
    name = file_name(key)
    for suffix in _COMPRESSED:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name


def date_from_key(key: str) -> datetime | None:
    """Midnight UTC of the last YYYY/MM/DD/ partition in the key, if any."""
    matches = _DATE_DIRS.findall(key)
    if not matches:
        return None
    year, month, day = (int(part) for part in matches[-1])
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None
