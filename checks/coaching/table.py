"""The coaching table: strength and tip wording, thresholds and severities from tips.yaml."""

from __future__ import annotations

import importlib.resources
import string
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Final, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from checks.coaching.evidence import POSITIVE_SIGNALS
from checks.transcripts.transcript import CRITERIA

TABLE_FILE: Final = "checks/coaching/tips.yaml"

# What a detail may say: the numbers coaching computes for every point.
DETAIL_FIELDS: Final = (
    "findings",
    "contacts",
    "all",
    "problems",
    "shown",
    "upset",
    "owned",
    "apologies",
    "apologies_per_contact",
)
# Where a tip's contacts come from: its own findings' contacts, or a per-contact flag.
ContactSource = Literal["findings", "missed", "piled", "lack_own", "lack_next", "lack_conf", "cold"]

Measure = Literal["findings", "contacts", "apologies"]


class TableError(ValueError):
    """A coaching table that cannot be used; the message names the file and key."""


class Count(int):
    """A count a detail can write with its noun: ``{n:time}`` -> "2 times"."""

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(int(self))
        one, _, many = spec.partition("|")
        return f"{int(self)} {one if self == 1 else (many or one + 's')}"


def _check_detail(text: str) -> str:
    """A detail names only DETAIL_FIELDS and formats with any counts."""
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None and name not in DETAIL_FIELDS:
            raise ValueError(f"unknown field {{{name}}}; use one of {', '.join(DETAIL_FIELDS)}")
    text.format(**{f: Count(1) for f in DETAIL_FIELDS})
    return text


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StrengthRule(_Frozen):
    """One strength: its title, rank weight, the criterion it feeds and its detail."""

    title: str
    weight: float
    criterion: Literal["empathy", "compassion", "sympathy_overload", "hospitality"]
    detail: str
    needs: Literal["upset", "problems"] | None = None

    _detail = field_validator("detail")(_check_detail)


class Threshold(_Frozen):
    """The evidence a tip needs: at least this many findings or contacts, or share of the week."""

    findings: int = 0
    contacts: int = 0
    share: float = 0.0


class TipRule(_Frozen):
    """One tip: wording, where its contacts come from, when it shows and how severe it is."""

    title: str
    detail: str
    contacts_from: ContactSource
    quoted: bool = True
    at_least: Threshold
    severity: Annotated[dict[Measure, float], Field(min_length=1)]
    twin: str | None = None

    _detail = field_validator("detail")(_check_detail)


class CoachingTable(_Frozen):
    """Everything tips.yaml holds."""

    strengths: dict[str, StrengthRule]
    fallback_detail: str
    tips: dict[str, TipRule]
    stretch_goals: dict[str, str]

    _fallback = field_validator("fallback_detail")(_check_detail)

    @field_validator("stretch_goals")
    @classmethod
    def _every_criterion(cls, goals: Mapping[str, str]) -> Mapping[str, str]:
        if set(goals) != set(CRITERIA):
            raise ValueError(f"needs exactly one goal per criterion: {', '.join(CRITERIA)}")
        return goals


def parse_table(text: str, source: str = TABLE_FILE) -> CoachingTable:
    """Parse and validate a coaching table; TableError names the source and the key."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TableError(f"{source}: not YAML: {exc}") from None
    try:
        table = CoachingTable.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"{source}: {'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors()
        ]
        raise TableError("\n".join(problems)) from None
    if set(table.strengths) != set(POSITIVE_SIGNALS):
        raise TableError(f"{source}: strengths: needs exactly {', '.join(POSITIVE_SIGNALS)}")
    for key, tip in table.tips.items():
        if tip.twin is not None and tip.twin not in table.strengths:
            raise TableError(f"{source}: tips.{key}.twin: {tip.twin!r} is not a strength")
    return table


@cache
def coaching_table() -> CoachingTable:
    """The packaged table, read and validated once."""
    text = importlib.resources.files("checks.coaching").joinpath("tips.yaml").read_text("utf-8")
    return parse_table(text)
