"""Charts: well-formed, self-contained SVG that shows the right values."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from flows.render.charts import (
    BAR_MM,
    TICK_MM,
    TrendKey,
    criterion_bar,
    distribution_svg,
    trend_key,
    trend_svg,
    trend_title,
    weeks_covered,
)

SVG = "{http://www.w3.org/2000/svg}"
LABELS = {"overall": "Overall", "empathy": "Empathy"}


def _parse(svg: str) -> ET.Element:
    assert svg.startswith("<svg")
    root = ET.fromstring(svg)
    assert root.find(f".//{SVG}image") is None
    for el in root.iter():
        for name, value in el.attrib.items():
            if name.endswith("href"):
                assert value.startswith("#")  # only references inside the same SVG
    return root


@pytest.mark.parametrize(
    ("score", "median"),
    [(50.0, 70.0), (80.0, 30.0), (100.0, None), (None, 40.0), (130.0, 0.0), (0.0, 100.0)],
)
def test_criterion_bar(score: float | None, median: float | None) -> None:
    bar = criterion_bar(score, median)
    expected_fill = BAR_MM * max(0.0, min(100.0, score or 0.0)) / 100
    assert bar.fill_mm == pytest.approx(expected_fill, abs=0.01)
    if median is None:
        assert bar.tick_mm is None
        return
    assert bar.tick_mm is not None
    left = bar.fill_mm + bar.tick_mm  # from the bar's left edge
    assert 0.0 <= left <= BAR_MM - TICK_MM  # the tick never leaves the bar
    if 2 < median < 98:
        assert left + TICK_MM / 2 == pytest.approx(BAR_MM * median / 100, abs=0.01)


def test_criterion_bar_scales_with_width() -> None:
    narrow, wide = criterion_bar(60.0, 20.0, width_mm=20.0), criterion_bar(60.0, 20.0)
    assert narrow.fill_mm < wide.fill_mm
    assert narrow.fill_mm + (narrow.tick_mm or 0) < wide.fill_mm + (wide.tick_mm or 0)


def test_trend_with_history_draws_every_week_and_a_gap() -> None:
    weeks = [f"2026-W{n}" for n in range(40, 48)]
    overall = [60.0, 62.0, None, 66.0, 70.0, 71.0, 75.0, 80.0]
    svg = trend_svg(weeks, {"overall": overall, "empathy": [50.0] * 8})
    root = _parse(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    # Eight weeks: every other week is labelled, always including this week.
    assert [w for w in texts if w and w.startswith("W")] == [w[-3:] for w in weeks[1::2]]
    assert not [t for t in texts if t and t[0].isalpha() and not t.startswith("W")]  # no key
    assert "No earlier weeks" not in svg
    lines = [p.get("d", "") for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]
    # empathy sits flat at 50 (y 63): the other line is the overall's
    line = next(d for d in lines if {p.split()[1] for p in re.split("[ML]", d) if p} != {"63"})
    assert line.count("M") == 2  # the missing week breaks the line


def test_trend_without_history_says_so() -> None:
    root = _parse(trend_svg(["2026-W47"], {"overall": [72.0]}))
    text = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "No earlier weeks yet" in text


def test_distribution_lists_criteria_and_medians() -> None:
    svg = distribution_svg([("Empathy", [40.0, 60.0, 80.0], 60.0), ("Compassion", [], None)])
    root = _parse(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Empathy" in texts
    assert "Compassion" in texts
    assert "median 60" in texts


def test_criterion_bar_range_box_spans_the_interval() -> None:
    bar = criterion_bar(60.0, 50.0, interval=(45.0, 75.0))
    assert bar.range_mm is not None
    left, width = bar.range_mm
    assert bar.fill_mm + left == pytest.approx(BAR_MM * 0.45, abs=0.01)  # from the bar's start
    assert width == pytest.approx(BAR_MM * 0.30, abs=0.01)
    clipped = criterion_bar(98.0, None, interval=(90.0, 130.0))
    assert clipped.range_mm is not None
    assert clipped.fill_mm + sum(clipped.range_mm) == pytest.approx(BAR_MM, abs=0.01)
    assert criterion_bar(60.0, 50.0).range_mm is None


def test_trend_band_covers_each_weeks_interval_and_breaks_at_gaps() -> None:
    weeks = [f"2026-W{n}" for n in range(42, 48)]
    overall = [60.0, 62.0, None, 66.0, 70.0, 75.0]
    lows = [50.0, 52.0, None, None, 60.0, 65.0]
    highs = [70.0, 72.0, None, None, 80.0, 85.0]
    root = _parse(trend_svg(weeks, {"overall": overall}, band=(lows, highs)))
    bands = [p for p in root.iter(f"{SVG}path") if p.get("fill-opacity")]
    assert len(bands) == 1
    d = bands[0].get("d", "")
    assert d.count("M") == 2
    assert d.count("Z") == 2
    plain = _parse(trend_svg(weeks, {"overall": overall}))
    assert not [p for p in plain.iter(f"{SVG}path") if p.get("fill-opacity")]


def test_the_trend_title_counts_calendar_weeks() -> None:
    assert weeks_covered(["2026-W44", "2026-W45", "2026-W46", "2026-W47"]) == 4
    # a week without contacts has no point, but the chart still covers it
    assert trend_title(["2026-W43", "2026-W45", "2026-W46", "2026-W47"]) == "Trend, last 5 weeks"
    assert trend_title(["2026-W52", "2027-W01"]) == "Trend, last 3 weeks"  # 2026 has 53 weeks
    assert trend_title(["2026-W47"]) == "Trend, this week"
    assert weeks_covered(["week one", "week two"]) == 2  # not ISO weeks: the points


def test_the_trend_key_names_each_drawn_series_by_its_marker_overall_first() -> None:
    series: dict[str, list[float | None]] = {
        "empathy": [50.0, 60.0],
        "overall": [70.0, 72.0],
        "hospitality": [None, None],  # never scored: not drawn, not in the key
        "compassion": [None, 80.0],
    }
    svg = _parse(trend_svg(["2026-W46", "2026-W47"], series))
    marker_paths = [p for p in svg.iter(f"{SVG}path") if p.get("fill") != "none"]
    assert len(marker_paths) == 3  # one path of markers per drawn series
    key = trend_key(series, {**LABELS, "compassion": "Compassion"})
    assert key == [
        TrendKey("\u25cf", "Overall"),  # dots
        TrendKey("\u25a0", "Empathy"),  # squares
        TrendKey("\u25b2", "Compassion"),  # triangles
    ]


def test_a_lone_week_sits_at_the_right_and_the_note_never_covers_it() -> None:
    root = _parse(trend_svg(["2026-W47"], {"overall": [40.0], "empathy": [72.0]}))
    (box,) = root.iter(f"{SVG}rect")
    box_right = float(box.get("x", "0")) + float(box.get("width", "0"))
    points = [p.get("d", "") for p in root.iter(f"{SVG}path") if p.get("fill") != "none"]
    xs = [float(x) for d in points for x in re.findall(r"M([\d.]+) ", d)]
    assert xs
    assert min(xs) - 3 > box_right  # every marker (half-width under 3) right of the box
    (label,) = [t for t in root.iter(f"{SVG}text") if (t.text or "").startswith("W")]
    assert float(label.get("x", "0")) == max(xs)  # under this week's points
