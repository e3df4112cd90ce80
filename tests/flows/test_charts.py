"""Charts: well-formed, self-contained SVG that shows the right values."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from flows.charts import (
    ACCENT,
    MEDIAN,
    TICK_PERCENT,
    TRACK,
    criterion_bar_css,
    distribution_svg,
    trend_svg,
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


_STOPS = re.compile(r"linear-gradient\(90deg,([^)]*)\)")


@pytest.mark.parametrize(
    ("score", "median", "bar_percent", "tick_centre"),
    [
        (50.0, 70.0, 50.0, 70.0),
        (100.0, None, 100.0, None),
        (None, 40.0, 0.0, 40.0),
        (130.0, 0.0, 100.0, TICK_PERCENT),
    ],
)
def test_criterion_bar(
    score: float | None, median: float | None, bar_percent: float, tick_centre: float | None
) -> None:
    css = criterion_bar_css(score, median)
    assert "url(" not in css and "svg" not in css
    layers = [[stop.split() for stop in m.split(",")] for m in _STOPS.findall(css)]
    bar = layers[-1]
    assert [c for c, _ in bar] == [ACCENT, TRACK]
    assert float(bar[0][1].rstrip("%")) == float(bar[1][1].rstrip("%")) == bar_percent
    assert len(layers) == (1 if tick_centre is None else 2)
    if tick_centre is not None:
        tick = layers[0]
        assert [c for c, _ in tick] == ["transparent", MEDIAN, MEDIAN, "transparent"]
        left, right = (float(tick[i][1].rstrip("%")) for i in (1, 2))
        assert (left + right) / 2 == pytest.approx(tick_centre, abs=0.05)
        assert 0 <= left < right <= 100


def test_trend_with_history_draws_every_week_and_a_gap() -> None:
    weeks = [f"2026-W{n}" for n in range(40, 48)]
    overall = [60.0, 62.0, None, 66.0, 70.0, 71.0, 75.0, 80.0]
    svg = trend_svg(weeks, {"overall": overall, "empathy": [50.0] * 8}, LABELS)
    root = _parse(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    # Eight weeks: every other week is labelled, always including this week.
    assert [w for w in texts if w and w.startswith("W")] == [w[-3:] for w in weeks[1::2]]
    assert "Overall" in texts and "Empathy" in texts
    assert "No earlier weeks" not in svg
    lines = [p.get("d", "") for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]
    line = next(d for d in lines if "L53.7 63" not in d)  # empathy sits flat at 50
    assert line.count("M") == 2  # the missing week breaks the line


def test_trend_without_history_says_so() -> None:
    root = _parse(trend_svg(["2026-W47"], {"overall": [72.0]}, LABELS))
    text = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "No earlier weeks yet" in text


def test_distribution_lists_criteria_and_medians() -> None:
    svg = distribution_svg([("Empathy", [40.0, 60.0, 80.0], 60.0), ("Compassion", [], None)])
    root = _parse(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Empathy" in texts and "Compassion" in texts
    assert "median 60" in texts
