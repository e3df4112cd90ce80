"""Small report charts (matplotlib, Agg) as SVG strings to inline in the HTML."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure

from flows.config.weeks import IsoWeek
from flows.render.palette import colour

# Every colour comes from the palette in style.css (flows/render/palette.py).
INK: Final = colour("ink")
MUTED: Final = colour("muted")
ACCENT: Final = colour("accent")
TRACK: Final = colour("track")
GRID: Final = colour("grid")
MEDIAN: Final = colour("median")
PAPER: Final = colour("paper")
FONT: Final = "Liberation Sans"


@dataclass(frozen=True, slots=True)
class LineStyle:
    """How one series is drawn: colour, dash pattern, marker and weight (readable in grey)."""

    color: str
    dash: str | tuple[int, tuple[float, ...]]
    marker: str
    width: float


SERIES_STYLES: Final[Mapping[str, LineStyle]] = {
    "overall": LineStyle(ACCENT, "-", "o", 2.2),
    "empathy": LineStyle(colour("series-empathy"), (0, (4.0, 1.6)), "s", 1.1),
    "compassion": LineStyle(colour("series-compassion"), (0, (1.2, 1.4)), "^", 1.1),
    "sympathy_overload": LineStyle(
        colour("series-sympathy-overload"), (0, (5.0, 1.5, 1.2, 1.5)), "D", 1.1
    ),
    "hospitality": LineStyle(colour("series-hospitality"), (0, (2.2, 1.2)), "v", 1.1),
}

_RC: Final[dict[Any, Any]] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "rapport",
    "font.family": FONT,
    "font.size": 7.0,
    "text.color": INK,
    "axes.unicode_minus": False,
}
_PROLOG = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return _PROLOG.sub("", buf.getvalue(), count=1)


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


BAR_MM: Final = 43.0
TICK_MM: Final = 0.7


@dataclass(frozen=True, slots=True)
class CriterionBar:
    """A 0-100 bar drawn with plain boxes: the fill is the box's left border, the tick a child."""

    fill_mm: float
    tick_mm: float | None  # the median tick's left edge, from the end of the fill
    # the 90% interval's box: left edge from the end of the fill, and its width
    range_mm: tuple[float, float] | None = None


def criterion_bar(
    score: float | None,
    team_median: float | None,
    width_mm: float = BAR_MM,
    interval: tuple[float, float] | None = None,
) -> CriterionBar:
    """Geometry of one criterion's bar (score), team-median tick and 90% interval box (low,
    high), in millimetres."""
    # Borders and solid boxes, not gradients or SVG: those cost WeasyPrint ~5-10% of a scorecard.
    s = 0.0 if score is None else max(0.0, min(100.0, score))
    fill = round(width_mm * s / 100.0, 2)
    span = None
    if interval is not None:
        lo, hi = (width_mm * max(0.0, min(100.0, v)) / 100.0 for v in interval)
        span = (round(lo - fill, 2), round(max(hi - lo, TICK_MM), 2))
    if team_median is None:
        return CriterionBar(fill, None, span)
    m = max(0.0, min(100.0, team_median))
    centre = width_mm * m / 100.0
    left = max(0.0, min(width_mm - TICK_MM, centre - TICK_MM / 2))
    return CriterionBar(fill, round(left - fill, 2), span)


_SVG_DASH: Final[Mapping[str, str]] = {
    "overall": "",
    "empathy": "5 2",
    "compassion": "1.5 2",
    "sympathy_overload": "6 2 1.5 2",
    "hospitality": "3 1.5",
}


def _marker(shape: str, x: float, y: float, r: float) -> str:
    a, b, c, d, e, f = (_num(v) for v in (x - r, x, x + r, y - r, y, y + r))
    if shape == "o":
        # a dot: a zero-length segment with round caps (_series_line); WeasyPrint turns every
        # arc into curves in Python, which took ~1.5% of a scorecard for eight circles
        return f"M{b} {e}h0"
    if shape == "s":
        return f"M{a} {d}H{c}V{f}H{a}Z"
    if shape == "^":
        return f"M{b} {d}L{c} {f}H{a}Z"
    if shape == "v":
        return f"M{b} {f}L{c} {d}H{a}Z"
    return f"M{b} {d}L{c} {e}L{b} {f}L{a} {e}Z"


def _band(
    lows: Sequence[float | None], highs: Sequence[float | None], px: Any, py: Any
) -> list[str]:
    """Paths of the overall's 90% band: one shape per run of weeks with an interval."""
    shapes: list[str] = []
    run: list[int] = []
    for i in [*range(len(lows)), -1]:
        if i >= 0 and lows[i] is not None and highs[i] is not None:
            run.append(i)
            continue
        if len(run) == 1:  # a lone week: a short bar
            j = run[0]
            x0, x1 = px(j) - 3.5, px(j) + 3.5
            top, bottom = py(highs[j]), py(lows[j])
            shapes.append(f"M{_num(x0)} {_num(top)}H{_num(x1)}V{_num(bottom)}H{_num(x0)}Z")
        elif run:
            upper = [f"{_num(px(j))} {_num(py(highs[j]))}" for j in run]
            lower = [f"{_num(px(j))} {_num(py(lows[j]))}" for j in reversed(run)]
            shapes.append("M" + "L".join(upper + lower) + "Z")
        run = []
    return shapes


# The criteria first, so that the bold overall line is drawn over them.
_DRAW_ORDER: Final = ("hospitality", "sympathy_overload", "compassion", "empathy", "overall")


@dataclass(frozen=True, slots=True)
class _TrendFrame:
    """The trend chart's plot area (SVG units) and how weeks and scores map into it."""

    n: int  # weeks on the x axis
    left: float = 24.0
    # the key is a line of HTML above the chart (TrendKey), so the plot takes the whole width
    right: float = 330.0
    top: float = 8.0
    bottom: float = 118.0

    def x(self, i: int) -> float:
        """The x of the i-th week (a lone week sits where this week always does, at the right)."""
        if self.n < 2:
            return self.right
        return self.left + i * (self.right - self.left) / (self.n - 1)

    def y(self, v: float) -> float:
        """The y of a 0-100 score (clamped)."""
        return self.bottom - (self.bottom - self.top) * max(0.0, min(100.0, v)) / 100.0


def _trend_grid(frame: _TrendFrame) -> list[str]:
    """Gridlines at 0, 50 and 100 with their labels."""
    out = []
    for v in (0, 50, 100):
        y = frame.y(v)
        out.append(
            f'<line x1="{_num(frame.left - 4)}" y1="{_num(y)}" x2="{_num(frame.right + 4)}" '
            f'y2="{_num(y)}" stroke="{GRID}" stroke-width="0.6"/>'
            f'<text x="{_num(frame.left - 7)}" y="{_num(y + 2.6)}" text-anchor="end" '
            f'fill="{MUTED}">{v}</text>'
        )
    return out


def _week_labels(frame: _TrendFrame, weeks: Sequence[str]) -> list[str]:
    """The week numbers under the x axis (every other one past five weeks)."""
    out = []
    for i, w in enumerate(weeks):
        if frame.n > 5 and (frame.n - 1 - i) % 2:
            continue  # every other week: each SVG text costs WeasyPrint noticeable time
        out.append(
            f'<text x="{_num(frame.x(i))}" y="{_num(frame.bottom + 12)}" text-anchor="middle" '
            f'fill="{MUTED}">{html.escape(w.split("-")[-1])}</text>'
        )
    return out


def _band_path(
    frame: _TrendFrame, band: tuple[Sequence[float | None], Sequence[float | None]] | None
) -> list[str]:
    """The overall's shaded 90% band, when there is one."""
    shapes = [] if band is None else _band(band[0], band[1], frame.x, frame.y)
    if not shapes:
        return []
    return [
        f'<path d="{"".join(shapes)}" fill="{ACCENT}" fill-opacity="0.16" '
        f'stroke="{ACCENT}" stroke-opacity="0.35" stroke-width="0.5"/>'
    ]


def _dash(key: str) -> str:
    return f' stroke-dasharray="{_SVG_DASH[key]}"' if _SVG_DASH[key] else ""


def _series_line(frame: _TrendFrame, key: str, values: Sequence[float | None]) -> str:
    """One series' line (broken at missing weeks) and its markers."""
    st = SERIES_STYLES[key]
    r = 2.7 if key == "overall" else 2.0
    line, marks, pen = [], [], False
    for i, v in enumerate(values):
        if v is None:
            pen = False
            continue
        x, y = frame.x(i), frame.y(v)
        line.append(f"{'L' if pen else 'M'}{_num(x)} {_num(y)}")
        marks.append(_marker(st.marker, x, y, r))
        pen = True
    marks_path = (
        f'<path d="{"".join(marks)}" fill="{st.color}" stroke="{st.color}" '
        f'stroke-width="{_num(2 * r + 0.9)}" stroke-linecap="round"/>'
        if st.marker == "o"
        else f'<path d="{"".join(marks)}" fill="{st.color}" stroke="{st.color}" '
        'stroke-width="0.6"/>'
    )
    return (
        f'<path d="{"".join(line)}" fill="none" stroke="{st.color}" '
        f'stroke-width="{_num(st.width * 1.1)}"{_dash(key)}/>{marks_path}'
    )


def _no_history_note(frame: _TrendFrame) -> str:
    """The box that says the trend starts this week, over the earlier weeks' empty place (left
    of this week's points, which it never hides)."""
    left, right = frame.left + 10, frame.right - 40
    mid = _num((left + right) / 2)
    return (
        f'<rect x="{_num(left)}" y="22" width="{_num(right - left)}" '
        f'height="30" rx="4" fill="{PAPER}" stroke="{GRID}"/>'
        f'<text x="{mid}" y="34" text-anchor="middle" fill="{INK}">No earlier weeks yet:</text>'
        f'<text x="{mid}" y="45" text-anchor="middle" fill="{INK}">'
        "the trend starts this week</text>"
    )


def _drawn(values: Sequence[float | None] | None) -> bool:
    return values is not None and any(v is not None for v in values)


# The marker shapes as text: the chart's key is a line of HTML, each series named after the
# glyph of its markers (all in Liberation Sans), because WeasyPrint lays out and draws SVG text
# letter by letter: the five names drawn in the chart took ~4% of a scorecard.
_KEY_GLYPHS: Final[Mapping[str, str]] = {"o": "●", "s": "■", "^": "▲", "D": "♦", "v": "▼"}


@dataclass(frozen=True, slots=True)
class TrendKey:
    """One series of the trend chart in its key: the glyph of its markers and its name."""

    glyph: str
    label: str


def trend_key(
    series: Mapping[str, Sequence[float | None]], labels: Mapping[str, str]
) -> list[TrendKey]:
    """The trend chart's key: every series it draws, the overall first."""
    return [
        TrendKey(_KEY_GLYPHS[SERIES_STYLES[k].marker], labels.get(k, k))
        for k in reversed(_DRAW_ORDER)
        if _drawn(series.get(k))
    ]


def trend_svg(
    weeks: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    band: tuple[Sequence[float | None], Sequence[float | None]] | None = None,
) -> str:
    """Weekly lines (overall bold, criteria dashed) over the overall's 90% band (low, high per
    week) when given; says so when there is no history yet. Its key is trend_key."""
    frame = _TrendFrame(len(weeks))
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 340 134" '
        f'font-family="{FONT}" font-size="7.5">',
        *_trend_grid(frame),
        *_week_labels(frame, weeks),
        *_band_path(frame, band),
    ]
    out += [_series_line(frame, k, series[k]) for k in _DRAW_ORDER if _drawn(series.get(k))]
    if frame.n < 2:
        out.append(_no_history_note(frame))
    out.append("</svg>")
    return "".join(out)


def weeks_covered(weeks: Sequence[str]) -> int:
    """How many calendar weeks a trend spans, first week to last, weeks without data included."""
    if len(weeks) < 2:
        return len(weeks)
    try:
        first, last = IsoWeek.parse(weeks[0]), IsoWeek.parse(weeks[-1])
    except ValueError:  # not ISO weeks: count the points
        return len(weeks)
    return (last.monday - first.monday).days // 7 + 1


def trend_title(weeks: Sequence[str]) -> str:
    """The trend chart's heading: the weeks it shows, as the report policy and history chose."""
    n = weeks_covered(weeks)
    return "Trend, this week" if n < 2 else f"Trend, last {n} weeks"


def distribution_svg(rows: Sequence[tuple[str, Sequence[float], float | None]]) -> str:
    """Team spread per criterion (matplotlib): agents per 10-point band and a median tick."""
    # Bands, not one dot per agent: the SVG stays the same size for 8 agents or 1,000.
    n = max(len(rows), 1)
    height = 0.5 * n + 0.3
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(7.0, height))
        fig.patch.set_alpha(0.0)
        ax = fig.add_axes((0.17, 0.25 / height, 0.78, 1 - 0.3 / height))
        ax.set_axis_off()
        ax.set_xlim(-1, 101)
        ax.set_ylim(n - 0.5, -0.55)
        for x in (0, 50, 100):
            ax.plot([x, x], [-0.5, n - 0.55], color=GRID, lw=0.5, zorder=0)
            ax.text(x, n - 0.5, str(x), ha="center", va="top", color=MUTED, fontsize=6.5)
        for i, (label, values, median) in enumerate(rows):
            ax.text(-4, i, label, ha="right", va="center", fontsize=8.5, color=INK)
            counts = [0] * 10
            for v in values:
                counts[min(9, max(0, int(v // 10)))] += 1
            top = max(counts) or 1
            bands = [b for b in range(10) if counts[b]]
            heights = [0.62 * counts[b] / top for b in bands]
            ax.plot([0, 100], [i + 0.31, i + 0.31], color=GRID, lw=0.8)
            ax.bar(
                [b * 10 + 5 for b in bands],
                heights,
                width=9.2,
                bottom=[i + 0.31 - h for h in heights],
                color=TRACK,
                edgecolor=ACCENT,
                linewidth=0.6,
            )
            for b, c in enumerate(counts):
                if c:
                    ax.text(b * 10 + 5, i + 0.27, str(c), ha="center", va="bottom", fontsize=6)
            if median is not None:
                ax.plot([median, median], [i - 0.42, i + 0.36], color=MEDIAN, lw=2.0)
                # Near the right edge the label goes left of the tick, or it would be clipped.
                left = median > 80
                ax.text(
                    median - 1.2 if left else median + 1.2,
                    i - 0.42,
                    f"median {median:.0f}",
                    va="top",
                    ha="right" if left else "left",
                    fontsize=6.5,
                )
        return _svg(fig)
