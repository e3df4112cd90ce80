from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from flows.config.weeks import IsoWeek, day_prefix, last_complete_week, parse_weeks


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W47", date(2026, 11, 16)),
        ("2026-W01", date(2025, 12, 29)),
        ("2026-W53", date(2026, 12, 28)),
    ],
)
def test_parse_gives_the_iso_monday(text: str, monday: date) -> None:
    week = IsoWeek.parse(text)
    assert week.monday == monday
    assert str(week) == text
    assert week.days()[-1] == week.sunday


@pytest.mark.parametrize("bad", ["2026-47", "2026-W54", "2025-W53", "W47", ""])
def test_parse_rejects_bad_weeks_with_the_expected_form(bad: str) -> None:
    with pytest.raises(ValueError, match="ISO week"):
        IsoWeek.parse(bad)


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (datetime(2026, 11, 22, 23, 0, tzinfo=UTC), "UTC", "2026-W46"),
        (datetime(2026, 11, 23, 0, 30, tzinfo=UTC), "UTC", "2026-W47"),
        # Still Sunday evening in New York: the week that ends tonight is not complete yet.
        (datetime(2026, 11, 23, 3, 0, tzinfo=UTC), "America/New_York", "2026-W46"),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "Europe/Berlin", "2026-W47"),
    ],
)
def test_last_complete_week_respects_the_zone(now: datetime, tz: str, expected: str) -> None:
    assert str(last_complete_week(now, tz)) == expected


def test_ranges_cross_the_year_and_dedupe() -> None:
    weeks = parse_weeks("2026-W52..2027-W02,2026-W53")
    assert [str(w) for w in weeks] == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    with pytest.raises(ValueError, match="backwards"):
        parse_weeks("2026-W47..2026-W40")


def test_utc_partitions_cover_a_zone_east_of_utc() -> None:
    week = IsoWeek.parse("2026-W47")
    assert week.utc_days("UTC") == week.days()
    berlin = week.utc_days("Europe/Berlin")
    assert berlin[0] == date(2026, 11, 15)
    assert berlin[-1] == date(2026, 11, 22)
    start, end = week.bounds("Europe/Berlin")
    assert (end - start).days == 7


def test_day_prefix() -> None:
    assert day_prefix("/transcripts/", date(2026, 1, 2)) == "transcripts/2026/01/02/"
    assert day_prefix("", date(2026, 1, 2)) == "2026/01/02/"


@pytest.mark.parametrize(
    ("week", "tz", "start", "end", "hours"),
    [
        # clocks go forward on Sunday 29 March: the week is an hour short
        (
            "2026-W13",
            "Europe/Berlin",
            "2026-03-22T23:00:00+00:00",
            "2026-03-29T22:00:00+00:00",
            167,
        ),
        # clocks go back on Sunday 1 November: an hour long
        (
            "2026-W44",
            "America/Los_Angeles",
            "2026-10-26T07:00:00+00:00",
            "2026-11-02T08:00:00+00:00",
            169,
        ),
        ("2026-W47", "Asia/Kolkata", "2026-11-15T18:30:00+00:00", "2026-11-22T18:30:00+00:00", 168),
    ],
)
def test_utc_bounds_are_the_local_midnights_with_each_days_own_offset(
    week: str, tz: str, start: str, end: str, hours: int
) -> None:
    first, last = IsoWeek.parse(week).utc_bounds(tz)
    assert (first.isoformat(), last.isoformat()) == (start, end)
    assert last - first == timedelta(hours=hours)
    days = IsoWeek.parse(week).utc_days(tz)
    assert (days[0], days[-1]) == (first.date(), (last - timedelta(microseconds=1)).date())
