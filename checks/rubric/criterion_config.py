"""The rubric's sections on scoring: criterion weights, and each criterion's points and
deductions."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from checks.rubric.fields import Phrase, Points, Regex, StrictModel, Weight
from checks.transcripts.transcript import CRITERIA


class CriteriaWeights(StrictModel):
    """Weight of each criterion in the overall score."""

    empathy: Weight = Field(description="Weight of empathy in the overall (positive).")
    compassion: Weight = Field(description="Weight of compassion in the overall (positive).")
    sympathy_overload: Weight = Field(
        description="Weight of sympathy-overload control in the overall (positive)."
    )
    hospitality: Weight = Field(description="Weight of hospitality in the overall (positive).")

    def as_dict(self) -> dict[str, float]:
        """Weights keyed by criterion name."""
        return {name: float(getattr(self, name)) for name in CRITERIA}


class Weights(StrictModel):
    """Criteria weights for emotional contacts and for routine ones."""

    emotional: CriteriaWeights = Field(
        description="Weights in a contact where the customer shows distress."
    )
    routine: CriteriaWeights = Field(description="Weights in a contact without distress.")


class EmpathyConfig(StrictModel):
    """Points and deductions for the empathy criterion."""

    early_window_agent_turns: int = Field(
        default=2,
        ge=1,
        description="Agent turns after the distress within which an acknowledgement is early.",
    )
    points_ack_early: Points = Field(default=55, description="Feeling acknowledged early.")
    points_ack_late: Points = Field(default=35, description="Feeling acknowledged, but late.")
    points_reflect: Points = Field(default=30, description="The problem reflected back.")
    points_explore: Points = Field(default=15, description="An open question about the story.")
    implied_by: list[Literal["acknowledges_feeling", "pity", "dismissive", "apology"]] = Field(
        default_factory=list,
        description="Agent signals that show the customer turn just before them was an "
        "emotional moment (an empathy opportunity the words did not show).",
    )
    points_apology_only: Points = Field(
        default=30,
        description="An apology after the distress with no acknowledgement: formulaic "
        "empathy, shown but weak.",
    )
    scripted_factor: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Factor on acknowledgement points when the acknowledgement is scripted.",
    )
    penalty_broken_record: Points = Field(
        default=20, description="Deduction for a broken-record 'I understand'."
    )
    penalty_per_empty_understand: Points = Field(
        default=5, description="Deduction per empty 'I understand'."
    )
    penalty_per_dismissive: Points = Field(default=30, description="Deduction per dismissal.")
    broken_record_min: int = Field(
        default=2, ge=1, description="Empty 'I understand's that make a broken record."
    )


class ProblemSpec(StrictModel):
    """Customer wording that shows a problem to solve."""

    phrases: list[Phrase] = Field(
        default_factory=list, description="Plain wording that shows a problem (as in signals)."
    )
    groups: dict[str, list[Regex]] = Field(
        default_factory=dict, description="Named lists of regular expressions (as in signals)."
    )


class CompassionConfig(StrictModel):
    """Points and deductions for the compassion criterion."""

    points_ownership: Points = Field(default=40, description="The agent takes ownership.")
    points_next_step: Points = Field(default=30, description="A concrete next step is given.")
    points_confirm_close: Points = Field(
        default=30, description="Resolution confirmed near the close."
    )
    points_confirm_early: Points = Field(
        default=15, description="Resolution checked, but not near the close."
    )
    close_window_agent_turns: int = Field(
        default=2, ge=1, description="Last agent turns that count as the close."
    )
    penalty_action_before_empathy: Points = Field(
        default=20,
        description="Deduction for acting before acknowledging in an emotional contact.",
    )
    penalty_per_dismissive: Points = Field(default=25, description="Deduction per dismissal.")
    points_works_problem: Points = Field(
        default=15,
        description="The agent works the problem (asks for what is needed to act): some "
        "direction, points once.",
    )
    works_problem: list[Regex] = Field(
        default_factory=list, description="Agent wording that works the problem."
    )
    problem: ProblemSpec = Field(
        default_factory=ProblemSpec,
        description="Customer wording that shows a problem (compassion applies only then).",
    )


class SympathyConfig(StrictModel):
    """Deductions for the sympathy-overload control criterion."""

    apology_max_total: int = Field(
        default=2, ge=1, description="Apologies in a contact before they count as a pile."
    )
    apology_per_agent_turns: float = Field(
        default=3, gt=0, description="Agent turns per apology allowed in longer contacts."
    )
    penalty_per_excess_apology: Points = Field(
        default=12, description="Deduction per apology beyond the allowance."
    )
    penalty_per_pity: Points = Field(default=15, description="Deduction per pity finding.")
    penalty_per_agent_distress: Points = Field(
        default=25, description="Deduction per finding of the agent's own upset."
    )
    penalty_per_co_blaming: Points = Field(
        default=20, description="Deduction per co-blaming finding."
    )
    penalty_per_contagion_turn: Points = Field(
        default=10,
        description="Deduction per agent turn whose negative tone rises with the customer's.",
    )


class HospitalityConfig(StrictModel):
    """Points for warmth, courtesy and efficiency."""

    points_opening: Points = Field(default=30, description="A warm opening.")
    points_closing: Points = Field(default=30, description="A warm close.")
    points_courtesy: Points = Field(
        default=20, description="Scaled by the share of agent turns that carry warmth."
    )
    points_efficiency: Points = Field(
        default=20, description="A contact resolved within efficient_max_agent_turns."
    )
    points_per_warm_cue: Points = Field(
        default=15,
        description="Depth of warmth: points per warmth cue per agent turn, counted up to "
        "warm_cues_full_at.",
    )
    warm_cues_full_at: float = Field(
        default=3, gt=0, description="Warmth cues per agent turn that earn the full depth."
    )
    points_enthusiasm: Points = Field(
        default=30, description="Scaled by the share of agent turns that exclaim."
    )
    penalty_handoff: Points = Field(
        default=15,
        description="Scaled by the share of agent turns that send the customer elsewhere (a "
        "link, 'DM us') instead of answering.",
    )
    handoff: list[Regex] = Field(
        default_factory=list, description="Agent wording that hands the customer off."
    )
    efficient_max_agent_turns: int = Field(
        default=8, ge=1, description="Agent turns within which a contact is efficient."
    )
    penalty_per_dismissive: Points = Field(default=20, description="Deduction per dismissal.")
