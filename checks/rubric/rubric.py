"""The rubric: versioned weights, thresholds and phrase lists, validated at load."""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import polars as pl
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from checks.transcripts.language import DETECTABLE
from checks.transcripts.transcript import CRITERIA, SIGNALS

DEFAULT_RUBRIC = "rubric.yaml"


class RubricError(ValueError):
    """A rubric file that cannot be used; the message names the file, key path and problem."""


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


def _check_languages(value: list[str]) -> list[str]:
    if not value:
        raise ValueError("list at least one language the phrase lists are written in, e.g. [en]")
    repeated = sorted({code for code in value if value.count(code) > 1})
    if repeated:
        raise ValueError(f"{', '.join(repeated)} listed more than once")
    return value


Phrase = Annotated[str, AfterValidator(_check_phrase)]
Regex = Annotated[str, AfterValidator(_check_regex)]
Weight = Annotated[float, AfterValidator(_check_positive)]
Points = Annotated[float, Field(ge=0, le=100)]
LanguageCode = Annotated[str, AfterValidator(_check_language)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SignalSpec(_Strict):
    """How one signal is matched: phrases, regex groups and guards."""

    speaker: Literal["agent", "customer"] = "agent"
    phrases: list[Phrase] = Field(default_factory=list)
    groups: dict[str, list[Regex]] = Field(default_factory=dict)
    only_after_distress: list[Regex] = Field(default_factory=list)
    only_after_retry: list[Regex] = Field(default_factory=list)
    # weak cues ("!!", "still", "please help"): they count in a turn whose tone is negative
    # (compound at most sentiment.weak_cue_below) or that holds two of them
    weak: list[Regex] = Field(default_factory=list)
    exclude: list[Regex] = Field(default_factory=list)
    # patterns that, ending just before a match, drop it ("DM us here:" before a link)
    exclude_before: list[Regex] = Field(default_factory=list)
    negation_guard: bool = True
    quote_guard: bool = True


class CriteriaWeights(_Strict):
    """Weight of each criterion in the overall score."""

    empathy: Weight
    compassion: Weight
    sympathy_overload: Weight
    hospitality: Weight

    def as_dict(self) -> dict[str, float]:
        """Weights keyed by criterion name."""
        return {name: float(getattr(self, name)) for name in CRITERIA}


class Weights(_Strict):
    """Criteria weights for emotional contacts and for routine ones."""

    emotional: CriteriaWeights
    routine: CriteriaWeights


class SentimentConfig(_Strict):
    """Compound-score thresholds (VADER scale, -1..1)."""

    customer_distress_below: float = Field(default=-0.55, ge=-1, le=0)
    customer_negative_below: float = Field(default=-0.35, ge=-1, le=0)
    weak_cue_below: float = Field(default=-0.05, ge=-1, le=0)
    agent_negative_below: float = Field(default=-0.35, ge=-1, le=0)
    agent_neutral_words: list[Phrase] = Field(default_factory=list)


class ReflectionConfig(_Strict):
    """Content-word overlap needed for the agent to reflect the customer's problem."""

    min_shared: int = Field(default=3, ge=1)
    min_shared_with_cue: int = Field(default=1, ge=0)
    min_share_of_agent_words: float = Field(default=0.12, ge=0, le=1)
    min_word_length: int = Field(default=3, ge=1)
    stopwords: list[Phrase] = Field(default_factory=list)


class ScriptedConfig(_Strict):
    """When a repeated agent sentence counts as a scripted line."""

    min_contacts: int = Field(default=3, ge=2)
    min_share: float = Field(default=0.5, gt=0, le=1)
    min_words: int = Field(default=4, ge=1)
    signals: list[str] = Field(default_factory=list)


class EmpathyConfig(_Strict):
    """Points and deductions for the empathy criterion."""

    early_window_agent_turns: int = Field(default=2, ge=1)
    points_ack_early: Points = 55
    points_ack_late: Points = 35
    points_reflect: Points = 30
    points_explore: Points = 15
    # agent signals that show the customer turn just before them was an emotional moment
    implied_by: list[Literal["acknowledges_feeling", "pity", "dismissive", "apology"]] = Field(
        default_factory=list
    )
    # an apology after the distress with no acknowledgement: formulaic empathy, shown but weak
    points_apology_only: Points = 30
    scripted_factor: float = Field(default=0.5, ge=0, le=1)
    penalty_broken_record: Points = 20
    penalty_per_empty_understand: Points = 5
    penalty_per_dismissive: Points = 30
    broken_record_min: int = Field(default=2, ge=1)


class ProblemSpec(_Strict):
    """Customer wording that shows a problem to solve."""

    phrases: list[Phrase] = Field(default_factory=list)
    groups: dict[str, list[Regex]] = Field(default_factory=dict)


class CompassionConfig(_Strict):
    """Points and deductions for the compassion criterion."""

    points_ownership: Points = 40
    points_next_step: Points = 30
    points_confirm_close: Points = 30
    points_confirm_early: Points = 15
    close_window_agent_turns: int = Field(default=2, ge=1)
    penalty_action_before_empathy: Points = 20
    penalty_per_dismissive: Points = 25
    # the agent works the problem (asks for the details needed to act): some direction
    points_works_problem: Points = 15
    works_problem: list[Regex] = Field(default_factory=list)
    problem: ProblemSpec = Field(default_factory=ProblemSpec)


class SympathyConfig(_Strict):
    """Deductions for the sympathy-overload control criterion."""

    apology_max_total: int = Field(default=2, ge=1)
    apology_per_agent_turns: float = Field(default=3, gt=0)
    penalty_per_excess_apology: Points = 12
    penalty_per_pity: Points = 15
    penalty_per_agent_distress: Points = 25
    penalty_per_co_blaming: Points = 20
    penalty_per_contagion_turn: Points = 10


class HospitalityConfig(_Strict):
    """Points for warmth, courtesy and efficiency."""

    points_opening: Points = 30
    points_closing: Points = 30
    points_courtesy: Points = 20
    points_efficiency: Points = 20
    # depth of warmth: points per warmth cue per agent turn, counted up to warm_cues_full_at
    points_per_warm_cue: Points = 15
    warm_cues_full_at: float = Field(default=3, gt=0)
    # enthusiasm: the share of agent turns that exclaim ("Happy to help!")
    points_enthusiasm: Points = 30
    # a reply that sends the customer elsewhere (a link, "DM us") instead of answering reads
    # as less hospitable: scaled by the share of agent turns that hand off
    penalty_handoff: Points = 15
    handoff: list[Regex] = Field(default_factory=list)
    efficient_max_agent_turns: int = Field(default=8, ge=1)
    penalty_per_dismissive: Points = 20


class ContextConfig(_Strict):
    """Customer wording that changes how the next agent turn reads."""

    customer_retry: list[Regex] = Field(default_factory=list)
    # wording of a customer who is contacting again about the same thing (coaching picks)
    repeat_contact: list[Regex] = Field(default_factory=list)


class BandsConfig(_Strict):
    """Performance bands on a 0-100 score: below ``meets_from`` needs improvement, from
    ``exceeds_from`` exceeds, between them meets expectations."""

    meets_from: Points = 60
    exceeds_from: Points = 85

    def model_post_init(self, context: Any, /) -> None:
        """Refuse bands that overlap (checked after both thresholds are read)."""
        if self.exceeds_from <= self.meets_from:
            raise ValueError(
                f"exceeds_from ({self.exceeds_from}) must be above meets_from ({self.meets_from})"
            )

    def band(self, score: float | None) -> str | None:
        """The band a score falls in (None for no score)."""
        if score is None:
            return None
        if score >= self.exceeds_from:
            return "exceeds"
        return "meets" if score >= self.meets_from else "needs improvement"


class Rubric(_Strict):
    """A validated rubric."""

    version: Annotated[str, Field(min_length=1)]
    # Languages the phrase lists are written in (ISO 639-1); contacts in others are not scored.
    languages: Annotated[list[LanguageCode], AfterValidator(_check_languages)] = Field(
        default_factory=lambda: ["en"]
    )
    source: str = "<default>"
    weights: Weights
    sentiment: SentimentConfig = SentimentConfig()
    reflection: ReflectionConfig = ReflectionConfig()
    scripted: ScriptedConfig = ScriptedConfig()
    empathy: EmpathyConfig = EmpathyConfig()
    compassion: CompassionConfig = CompassionConfig()
    sympathy_overload: SympathyConfig = SympathyConfig()
    hospitality: HospitalityConfig = HospitalityConfig()
    context: ContextConfig = ContextConfig()
    bands: BandsConfig = BandsConfig()
    signals: dict[str, SignalSpec] = Field(default_factory=dict)

    def signal(self, name: str) -> SignalSpec:
        """The spec of one signal (an empty spec when the rubric leaves it out)."""
        return self.signals.get(name, SignalSpec())


def _key_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "<top>"


def _precheck(raw: Any, source: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise RubricError(f"{source}: <top>: expected a mapping, got {type(raw).__name__}")
    if "version" not in raw:
        raise RubricError(f"{source}: version: missing (every rubric must say its version)")
    if not isinstance(raw["version"], str):
        raise RubricError(f'{source}: version: must be a quoted string such as "2026.11.1"')
    signals = raw.get("signals") or {}
    if not isinstance(signals, dict):
        raise RubricError(f"{source}: signals: expected a mapping of signal name to spec")
    for name in signals:
        if name not in SIGNALS:
            raise RubricError(
                f"{source}: signals.{name}: unknown signal name (known: {', '.join(SIGNALS)})"
            )
    languages = raw.get("languages", ["en"])
    if not isinstance(languages, list):
        raise RubricError(
            f"{source}: languages: expected a list of ISO 639-1 codes such as [en, es]"
        )
    for i, code in enumerate(languages):
        if isinstance(code, bool):  # YAML 1.1 reads a bare no (Norwegian) as false
            raise RubricError(
                f'{source}: languages[{i}]: {code} is not a language code; quote it ("no")'
            )
    scripted = raw.get("scripted") or {}
    if isinstance(scripted, dict):
        for i, name in enumerate(scripted.get("signals") or []):
            if name not in SIGNALS:
                raise RubricError(f"{source}: scripted.signals[{i}]: unknown signal name {name!r}")
    return raw


def parse_rubric(text: str, source: str) -> Rubric:
    """Parse and validate rubric YAML; raise RubricError naming source, key path and problem."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RubricError(f"{source}: not valid YAML: {exc}") from None
    data = dict(_precheck(raw, source))
    data["source"] = source
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = str(err["msg"]).removeprefix("Value error, ")
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise RubricError(f"{source}: {_key_path(tuple(err['loc']))}: {msg}{more}") from None


def load_rubric(path: Path | str | None = None) -> Rubric:
    """Load a rubric file, or the packaged default when path is None."""
    if path is None:
        resource = importlib.resources.files("checks.rubric").joinpath(DEFAULT_RUBRIC)
        return parse_rubric(resource.read_text(encoding="utf-8"), f"checks/rubric/{DEFAULT_RUBRIC}")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise RubricError(f"{p}: cannot read: {exc.strerror or exc}") from None
    return parse_rubric(text, str(p))
