"""Value checks and constrained types shared by the rubric's sections."""

from __future__ import annotations

import re
from typing import Annotated

import polars as pl
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from checks.transcripts.language import DETECTABLE


def _check_phrase(value: str) -> str:
    if not value.strip():
        raise ValueError("phrase is empty")
    return value


def _check_regex(value: str) -> str:
    if not value.strip():
        raise ValueError("pattern is empty")
    try:
        matches_empty = pl.Series([""]).str.contains(value).item()
    except pl.exceptions.PolarsError as exc:
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
        why = next((ln for ln in lines if ln.startswith("error:")), " ".join(lines[:3]))
        raise ValueError(f"bad regular expression {value!r}: {why[:200]}") from None
    if matches_empty:
        raise ValueError(f"pattern {value!r} matches the empty string")
    return value


def _check_positive(value: float) -> float:
    if not value > 0:
        raise ValueError(f"weight must be positive, got {value}")
    return value


def _check_language(value: str) -> str:
    if not re.fullmatch(r"[a-z]{2}", value):
        raise ValueError(
            f"{value!r} is not an ISO 639-1 language code (two lower-case letters, such as en)"
        )
    if value not in DETECTABLE:
        raise ValueError(
            f"{value!r} is not a language code the language identifier knows "
            "(such as en, es, fr, de; the list is DETECTABLE in checks/transcripts/language.py)"
        )
    return value


Phrase = Annotated[str, AfterValidator(_check_phrase)]
Regex = Annotated[str, AfterValidator(_check_regex)]
Weight = Annotated[float, AfterValidator(_check_positive)]
Points = Annotated[float, Field(ge=0, le=100)]
LanguageCode = Annotated[str, AfterValidator(_check_language)]


class StrictModel(BaseModel):
    """A rubric section: unknown keys refused, values frozen once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)
