"""The report palette: colours defined once, as CSS custom properties in style.css's :root.

The HTML uses them through ``var(--name)``; the SVG charts cannot (WeasyPrint draws inline SVG
with its own renderer, which resolves no CSS variables), so they take the same values from here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib.resources import files
from types import MappingProxyType
from typing import Final

_ROOT_RULE: Final = re.compile(r"(?<![\w-]):root\s*\{(?P<body>[^}]*)\}")
_COMMENT: Final = re.compile(r"/\*.*?\*/", re.DOTALL)
_CUSTOM_PROPERTY: Final = re.compile(r"--(?P<name>[\w-]+)\s*:\s*(?P<value>[^;]+?)\s*(?:;|$)")
_VAR: Final = re.compile(r"var\(\s*--(?P<name>[\w-]+)\s*\)")


def read_palette(css: str) -> Mapping[str, str]:
    """Name -> colour of the custom properties declared in a stylesheet's :root rules."""
    palette: dict[str, str] = {}
    for rule in _ROOT_RULE.finditer(_COMMENT.sub("", css)):
        for prop in _CUSTOM_PROPERTY.finditer(rule["body"]):
            palette[prop["name"]] = prop["value"]
    return MappingProxyType(palette)


STYLESHEET: Final = files("report_templates") / "style.css"
PALETTE: Final = read_palette(STYLESHEET.read_text(encoding="utf-8"))


def resolve_vars(css: str, palette: Mapping[str, str]) -> str:
    """The stylesheet with each ``var(--name)`` replaced by its palette value.

    WeasyPrint resolves var() for every element it styles: about 5% of a scorecard's render
    time, measured, so the renderer serves the scorecard stylesheet resolved once.
    """

    def value(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in palette:
            raise KeyError(f"var(--{name}) is not in style.css's :root palette")
        return palette[name]

    return _VAR.sub(value, css)


def colour(name: str) -> str:
    """One palette colour by its custom property's name (without the leading ``--``)."""
    try:
        return PALETTE[name]
    except KeyError:
        raise KeyError(f"no --{name} in style.css's :root palette") from None
