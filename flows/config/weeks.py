"""ISO weeks: parsing, ranges, time bounds in a zone, and the date partitions they cover."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, order=True, slots=True)
class IsoWeek:
    """An ISO 8601 week such as 2026-W47."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """Parse '2026-W47'; raise ValueError with the expected form otherwise."""
        m = _WEEK.match(text.strip())
        if not m:
            raise ValueError(f"not an ISO week: {text!r} (expected e.g. 2026-W47)")
        year, week = int(m.group(1)), int(m.group(2))
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError as exc:
            raise ValueError(f"not an ISO week: {text!r} ({year} has no week {week})") from exc
        return cls(year, week)

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        """The ISO week a date falls in."""
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        """First day of the week."""
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        """Last day of the week."""
        return self.monday + timedelta(days=6)

    def days(self) -> list[date]:
        """The seven dates of the week."""
        return [self.monday + timedelta(days=i) for i in range(7)]

    def shift(self, weeks: int) -> IsoWeek:
        """The week `weeks` weeks later (negative: earlier)."""
        return IsoWeek.of(self.monday + timedelta(weeks=weeks))

    def bounds(self, tz: str = "UTC") -> tuple[datetime, datetime]:
        """Start (inclusive) and end (exclusive) of the week: local midnights in the given zone."""
        zone = ZoneInfo(tz)
        start = datetime.combine(self.monday, time(), zone)
        end = datetime.combine(self.monday + timedelta(days=7), time(), zone)
        return start, end

    def utc_bounds(self, tz: str = "UTC") -> tuple[datetime, datetime]:
        """The same two instants in UTC: what timestamps (always stored in UTC) compare with."""
        # Each midnight gets its own offset, so a week holding a DST change is 167 or 169 hours.
        start, end = self.bounds(tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    def utc_days(self, tz: str = "UTC") -> list[date]:
        """UTC dates whose partitions can hold contacts of this week in the given zone."""
        start, end = self.utc_bounds(tz)
        first = start.date()
        last = (end - timedelta(microseconds=1)).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def check_zone(value: str) -> str:
    """The zone name if it is a known IANA zone; ValueError naming it otherwise."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}") from exc
    return value


def last_complete_week(now: datetime, tz: str = "UTC") -> IsoWeek:
    """The most recent week that has fully ended in the given zone."""
    local = now.astimezone(ZoneInfo(tz)).date()
    return IsoWeek.of(local).shift(-1)


def parse_weeks(spec: str) -> list[IsoWeek]:
    """'2026-W47', '2026-W40..2026-W47' or a comma list of either."""
    weeks: list[IsoWeek] = []
    for part in spec.split(","):
        if ".." in part:
            first_s, last_s = part.split("..", 1)
            first, last = IsoWeek.parse(first_s), IsoWeek.parse(last_s)
            if last < first:
                raise ValueError(f"week range runs backwards: {part!r}")
            week = first
            while week <= last:
                weeks.append(week)
                week = week.shift(1)
        else:
            weeks.append(IsoWeek.parse(part))
    return sorted(set(weeks))


def day_prefix(prefix: str, day: date) -> str:
    """The date partition `<prefix>/YYYY/MM/DD/` of one day."""
    base = prefix.strip("/")
    head = f"{base}/" if base else ""
    return f"{head}{day:%Y/%m/%d}/"
