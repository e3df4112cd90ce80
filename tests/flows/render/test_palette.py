"""One palette: every report colour is a custom property in style.css's :root, and the
charts draw with those values only."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest
from matplotlib.colors import CSS4_COLORS

from flows.render import charts
from flows.render.palette import PALETTE, STYLESHEET, read_palette, resolve_vars
from flows.render.pdf import ASSETS_DIR

HEX = re.compile(r"#[0-9a-fA-F]{3,8}\b")
ROOT_RULE = re.compile(r":root\s*\{[^}]*\}")
# Python 3.12 splits f-strings into parts; 3.11 has them as one STRING token
STRING_TOKENS = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}


def _palette_colours() -> set[str]:
    return {v.lower() for v in PALETTE.values()}


def test_the_palette_is_read_from_style_css() -> None:
    assert PALETTE["ink"] == "#1d2733"
    assert PALETTE["accent"] == "#1f5a8c"
    assert PALETTE["paper"] == "white"
    css = ":root {\n  /* --ghost: #000; */\n  --a: #123456;\n  --b-c: white\n}\n.x { --d: red; }"
    assert dict(read_palette(css)) == {"a": "#123456", "b-c": "white"}


def test_charts_define_no_colour_of_their_own() -> None:
    source = Path(charts.__file__).read_text(encoding="utf-8")
    strings = [
        tok.string
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type in STRING_TOKENS
    ]
    hexes = [s for s in strings if HEX.search(s)]
    named = [s for s in strings if s.strip("\"'").lower() in CSS4_COLORS]
    assert hexes == []
    assert named == []


def test_chart_svgs_draw_only_palette_colours() -> None:
    trend = charts.trend_svg(
        ["2026-W46", "2026-W47"],
        {k: [50.0, 60.0] for k in charts.SERIES_STYLES},
        band=([40.0, 50.0], [60.0, 70.0]),
    )
    lone = charts.trend_svg(["2026-W47"], {"overall": [60.0]})
    spread = charts.distribution_svg([("Empathy", [40.0, 60.0, 80.0], 60.0)])
    for svg in (trend, lone, spread):
        used = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", svg)}
        used |= set(re.findall(r'(?:fill|stroke)="([a-z]+)"', svg)) - {"none"}
        assert used
        assert used <= _palette_colours(), used - _palette_colours()


def test_stylesheet_and_templates_use_the_palette_only() -> None:
    css = STYLESHEET.read_text(encoding="utf-8")
    assert HEX.findall(ROOT_RULE.sub("", css)) == []
    used = set(re.findall(r"var\(--([\w-]+)\)", css))
    for template in ASSETS_DIR.glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        assert HEX.findall(text) == [], template.name
        used |= set(re.findall(r"var\(--([\w-]+)\)", text))
    assert used <= set(PALETTE)


def test_the_renderer_serves_the_stylesheet_resolved() -> None:
    css = resolve_vars(STYLESHEET.read_text(encoding="utf-8"), PALETTE)
    assert "var(--" not in css
    assert ":root" in css
    with pytest.raises(KeyError, match="--nope"):
        resolve_vars(".x { color: var(--nope); }", PALETTE)
