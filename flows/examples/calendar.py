"""ISO-week arithmetic and contact start times for the generated example weeks."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from typing import Final

_WEEK: Final = re.compile(r"^(\d{4})-W(\d{2})$")
DAY_WEIGHTS: Final = (1.0, 1.0, 1.0, 1.0, 0.9, 0.45, 0.3)


def week_start(week: str) -> datetime:
    """Monday 00:00 UTC of an ISO week written like ``2026-W47``."""
    m = _WEEK.match(week)
    if m is None:
        raise ValueError(f"not an ISO week like 2026-W47: {week!r}")
    try:
        return datetime.fromisocalendar(int(m[1]), int(m[2]), 1).replace(tzinfo=UTC)
    except ValueError as exc:
        raise ValueError(f"no such ISO week: {week!r}") from exc


def start_times(rng: random.Random, monday: datetime, n: int) -> list[datetime]:
    """``n`` sorted start times in the week from ``monday``, busier on weekdays, 07–21 h UTC."""
    days = rng.choices(range(7), weights=DAY_WEIGHTS, k=n)
    return sorted(
        monday + timedelta(days=d, seconds=rng.randint(7 * 3600, 21 * 3600 - 1)) for d in days
    )
