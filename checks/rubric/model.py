"""The validated rubric as a whole: its sections, performance bands, report policy, and the
signals each criterion reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final

from pydantic import AfterValidator, Field

from checks.rubric.criterion_config import (
    CompassionConfig,
    EmpathyConfig,
    HospitalityConfig,
    SympathyConfig,
    Weights,
)
from checks.rubric.fields import LanguageCode, Points, StrictModel
from checks.rubric.signal_config import (
    ContextConfig,
    ReflectionConfig,
    ScriptedConfig,
    SentimentConfig,
    SignalSpec,
)


def _check_languages(value: list[str]) -> list[str]:
    if not value:
        raise ValueError("list at least one language the phrase lists are written in, e.g. [en]")
    repeated = sorted({code for code in value if value.count(code) > 1})
    if repeated:
        raise ValueError(f"{', '.join(repeated)} listed more than once")
    return value


class BandsConfig(StrictModel):
    """Performance bands on a 0-100 score: below ``meets_from`` needs improvement, from
    ``exceeds_from`` exceeds, between them meets expectations."""

    meets_from: Points = Field(
        default=60, description="Lowest score that meets expectations (below: needs improvement)."
    )
    exceeds_from: Points = Field(
        default=85, description="Lowest score that exceeds expectations (above meets_from)."
    )

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


class ReportPolicy(StrictModel):
    """What the scorecards and the team summary show, and when an agent is flagged."""

    trend_weeks: int = Field(
        default=8,
        ge=2,
        le=52,
        description="Weeks in a card's trend chart, this one included (at most the weeks of "
        "history the run reads, its history_weeks setting).",
    )
    card_contact_rows: int = Field(
        default=5,
        ge=1,
        le=50,
        description="Contacts listed on a card: the lowest-scoring ones (scores.csv has all).",
    )
    overload_flag_control_below: Points = Field(
        default=70,
        description="An agent whose sympathy-overload control is below this is flagged.",
    )
    overload_flag_incidents: int = Field(
        default=2,
        ge=1,
        description="Apology piles plus pity, own-upset or blaming findings in a week that "
        "flag an agent for sympathy overload whatever the control score.",
    )


class Rubric(StrictModel):
    """A validated rubric."""

    version: Annotated[str, Field(min_length=1)] = Field(
        description="The rubric's version, recorded in every output (a quoted string)."
    )
    languages: Annotated[list[LanguageCode], AfterValidator(_check_languages)] = Field(
        default_factory=lambda: ["en"],
        description="Languages the phrase lists are written in (ISO 639-1 codes); contacts in "
        "others are not scored.",
    )
    source: str = Field(
        default="<default>", description="Set by Rapport: the file the rubric was read from."
    )
    sha256: str = Field(
        default="",
        description="Set by Rapport: sha256 of the file's bytes, recorded in every output.",
    )
    weights: Weights = Field(description="Weights of the criteria in the overall score.")
    sentiment: SentimentConfig = Field(default=SentimentConfig(), description="Tone thresholds.")
    reflection: ReflectionConfig = Field(
        default=ReflectionConfig(), description="When the agent reflects the problem back."
    )
    scripted: ScriptedConfig = Field(
        default=ScriptedConfig(), description="When a repeated sentence is scripted."
    )
    empathy: EmpathyConfig = Field(default=EmpathyConfig(), description="Empathy scoring.")
    compassion: CompassionConfig = Field(
        default=CompassionConfig(), description="Compassion scoring."
    )
    sympathy_overload: SympathyConfig = Field(
        default=SympathyConfig(), description="Sympathy-overload control scoring."
    )
    hospitality: HospitalityConfig = Field(
        default=HospitalityConfig(), description="Hospitality scoring."
    )
    context: ContextConfig = Field(
        default=ContextConfig(), description="Customer wording that changes the next reading."
    )
    signals: dict[str, SignalSpec] = Field(
        default_factory=dict, description="How each signal is found, by signal name."
    )
    report: ReportPolicy = Field(
        default=ReportPolicy(), description="What the PDFs show and when agents are flagged."
    )
    bands: BandsConfig = Field(
        default=BandsConfig(),
        description="Performance bands (needs improvement / meets / exceeds) on every score.",
    )

    def signal(self, name: str) -> SignalSpec:
        """The spec of one signal (an empty spec when the rubric leaves it out)."""
        return self.signals.get(name, SignalSpec())

    @property
    def label(self) -> str:
        """Version and short content hash, as outputs show them ("2026.11.3 · sha256 1a2b…")."""
        return f"{self.version} · sha256 {self.sha256[:12]}" if self.sha256 else self.version


# Signals each criterion reads. A rubric that leaves one of these out (or empties its phrase
# lists) would silently turn the criterion N/A or full marks everywhere, so it is refused.
# reflects_problem is found by word overlap too, and scripted_line across contacts: neither
# needs phrase lists.
CRITERION_SIGNALS: Final[Mapping[str, tuple[str, ...]]] = {
    "empathy": (
        "customer_distress",
        "acknowledges_feeling",
        "explores",
        "empty_understand",
        "dismissive",
        "apology",
    ),
    "compassion": ("takes_ownership", "next_step", "confirms_resolution", "dismissive"),
    "sympathy_overload": ("apology", "pity", "agent_distress", "co_blaming"),
    "hospitality": ("warmth", "dismissive"),
}
