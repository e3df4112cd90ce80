"""The rubric's sections on how signals are found: phrase specs, tone, reflection, scripted
lines and the customer wording that changes the next reading."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from checks.rubric.fields import Phrase, Regex, StrictModel


class SignalSpec(StrictModel):
    """How one signal is matched: phrases, regex groups and guards."""

    speaker: Literal["agent", "customer"] = Field(
        default="agent", description="Whose turns the signal is looked for in."
    )
    phrases: list[Phrase] = Field(
        default_factory=list,
        description="Plain wording, matched case-insensitively on word boundaries; a space "
        "matches any whitespace and an apostrophe any apostrophe, a space or nothing.",
    )
    groups: dict[str, list[Regex]] = Field(
        default_factory=dict,
        description="Named lists of regular expressions (Rust regex syntax, no look-around).",
    )
    only_after_distress: list[Regex] = Field(
        default_factory=list,
        description="Patterns that count only in the first agent turn after customer distress "
        "when that turn neither acknowledges, apologises nor acts.",
    )
    only_after_retry: list[Regex] = Field(
        default_factory=list,
        description="Patterns that count only after a customer turn saying they already did "
        "what was asked (context.customer_retry).",
    )
    weak: list[Regex] = Field(
        default_factory=list,
        description="Weak cues (such as '!!' or 'still'): they count in a turn of negative tone "
        "(sentiment.weak_cue_below) or one that holds two of them.",
    )
    exclude: list[Regex] = Field(
        default_factory=list,
        description="Patterns tried from a match's start to 40 characters past its end; a hit "
        "drops the match.",
    )
    exclude_before: list[Regex] = Field(
        default_factory=list,
        description="Patterns that, ending just before a match, drop it ('DM us here:' + a link).",
    )
    negation_guard: bool = Field(
        default=True, description="Drop a match that comes straight after a negation."
    )
    quote_guard: bool = Field(
        default=True,
        description="Drop a match inside double quotes or right after 'you said'.",
    )


class SentimentConfig(StrictModel):
    """Compound-score thresholds (VADER scale, -1..1)."""

    customer_distress_below: float = Field(
        default=-0.55, ge=-1, le=0, description="A customer turn this negative shows distress."
    )
    customer_negative_below: float = Field(
        default=-0.35,
        ge=-1,
        le=0,
        description="A customer turn this negative counts as negative tone (for contagion).",
    )
    weak_cue_below: float = Field(
        default=-0.05,
        ge=-1,
        le=0,
        description="A weak distress cue holds in a turn at most this negative.",
    )
    agent_negative_below: float = Field(
        default=-0.35,
        ge=-1,
        le=0,
        description="An agent turn this negative (feeling words masked) is negative tone.",
    )
    agent_neutral_words: list[Phrase] = Field(
        default_factory=list,
        description="Words masked when measuring the agent's own tone, so that naming the "
        "customer's feeling does not read as the agent's negativity.",
    )


class ReflectionConfig(StrictModel):
    """Content-word overlap needed for the agent to reflect the customer's problem."""

    min_shared: int = Field(
        default=3, ge=1, description="Content words an agent turn must share with the customer."
    )
    min_shared_with_cue: int = Field(
        default=1,
        ge=0,
        description="Shared content words enough when the turn also has a reflection cue.",
    )
    min_share_of_agent_words: float = Field(
        default=0.12,
        ge=0,
        le=1,
        description="Share of the agent turn's content words that must be the customer's.",
    )
    min_word_length: int = Field(
        default=3, ge=1, description="Shorter words are not content words."
    )
    stopwords: list[Phrase] = Field(
        default_factory=list, description="Words never counted as content words."
    )


class ScriptedConfig(StrictModel):
    """When a repeated agent sentence counts as a scripted line."""

    min_contacts: int = Field(
        default=3, ge=2, description="Contacts of the agent's week a sentence must recur in."
    )
    min_share: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Share of the agent's contacts a sentence must recur in.",
    )
    min_words: int = Field(default=4, ge=1, description="Shorter sentences are never scripted.")
    signals: list[str] = Field(
        default_factory=list,
        description="A repeated sentence is reported only when it carries one of these "
        "signals (empty: any).",
    )


class ContextConfig(StrictModel):
    """Customer wording that changes how the next agent turn reads."""

    customer_retry: list[Regex] = Field(
        default_factory=list,
        description="Customer wording saying they already did what was asked: the same "
        "request again in the next agent turn reads as dismissive.",
    )

    # wording of a customer who is contacting again about the same thing (coaching picks)
    repeat_contact: list[Regex] = Field(
        default_factory=list,
        description="Customer wording of a repeated contact about the same thing (picks the "
        "contacts listed for coaching).",
    )
