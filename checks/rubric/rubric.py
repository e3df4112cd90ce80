"""The rubric: versioned weights, thresholds and phrase lists, validated at load."""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Final, Literal

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


class CriteriaWeights(_Strict):
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


class Weights(_Strict):
    """Criteria weights for emotional contacts and for routine ones."""

    emotional: CriteriaWeights = Field(
        description="Weights in a contact where the customer shows distress."
    )
    routine: CriteriaWeights = Field(description="Weights in a contact without distress.")


class SentimentConfig(_Strict):
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


class ReflectionConfig(_Strict):
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


class ScriptedConfig(_Strict):
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


class EmpathyConfig(_Strict):
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


class ProblemSpec(_Strict):
    """Customer wording that shows a problem to solve."""

    phrases: list[Phrase] = Field(
        default_factory=list, description="Plain wording that shows a problem (as in signals)."
    )
    groups: dict[str, list[Regex]] = Field(
        default_factory=dict, description="Named lists of regular expressions (as in signals)."
    )


class CompassionConfig(_Strict):
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


class SympathyConfig(_Strict):
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


class HospitalityConfig(_Strict):
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


class ContextConfig(_Strict):
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


class BandsConfig(_Strict):
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


class ReportPolicy(_Strict):
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


class Rubric(_Strict):
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

Loc = tuple[int | str, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a rubric file: where (key path, line) and what."""

    loc: Loc
    message: str
    line: int | None = None

    def render(self, source: str) -> str:
        """'file: key.path: problem (line N)'."""
        where = f" (line {self.line})" if self.line else ""
        return f"{source}: {_key_path(self.loc)}: {self.message}{where}"


def _key_path(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "<top>"


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: list[Problem]) -> None:
    """Record the line of every key and item, and report keys given twice in one mapping."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(
                        (*loc, key),
                        f"given twice (first on line {seen[key]}); YAML would silently keep "
                        "only the last",
                        line,
                    )
                )
            seen.setdefault(key, line)
            lines.setdefault((*loc, key), line)
            _walk(value_node, (*loc, key), lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.setdefault((*loc, i), item.start_mark.line + 1)
            _walk(item, (*loc, i), lines, problems)


def _line_of(loc: Loc, lines: Mapping[Loc, int]) -> int | None:
    """The line of a key path, or of its nearest ancestor written in the file."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _precheck(raw: Any) -> list[Problem]:
    """Problems pydantic would word poorly or miss (the file's shape, names of signals)."""
    if not isinstance(raw, dict):
        return [Problem((), f"expected a mapping, got {type(raw).__name__}")]
    out: list[Problem] = []
    if "version" not in raw:
        out.append(Problem(("version",), "missing (every rubric must say its version)"))
    elif not isinstance(raw["version"], str):
        out.append(Problem(("version",), 'must be a quoted string such as "2026.11.1"'))
    for key in ("source", "sha256"):
        if key in raw:
            out.append(Problem((key,), "set by Rapport from the file itself; remove it"))
    signals = raw.get("signals") or {}
    if not isinstance(signals, dict):
        out.append(Problem(("signals",), "expected a mapping of signal name to spec"))
    else:
        for name in signals:
            if name not in SIGNALS:
                out.append(
                    Problem(
                        ("signals", name),
                        f"unknown signal name (known: {', '.join(SIGNALS)})",
                    )
                )
        out += _missing_signals(signals)
    languages = raw.get("languages", ["en"])
    if not isinstance(languages, list):
        out.append(Problem(("languages",), "expected a list of ISO 639-1 codes such as [en, es]"))
    else:
        for i, code in enumerate(languages):
            if isinstance(code, bool):  # YAML 1.1 reads a bare no (Norwegian) as false
                out.append(
                    Problem(("languages", i), f'{code} is not a language code; quote it ("no")')
                )
    scripted = raw.get("scripted") or {}
    if isinstance(scripted, dict):
        for i, name in enumerate(scripted.get("signals") or []):
            if name not in SIGNALS:
                out.append(Problem(("scripted", "signals", i), f"unknown signal name {name!r}"))
    return out


def _missing_signals(signals: Mapping[str, Any]) -> list[Problem]:
    """A criterion's signal left out or with nothing to match."""
    needed_by: dict[str, list[str]] = {}
    for criterion, names in CRITERION_SIGNALS.items():
        for name in names:
            needed_by.setdefault(name, []).append(criterion)
    out: list[Problem] = []
    for name, criteria in needed_by.items():
        spec = signals.get(name)
        who = " and ".join(criteria)
        if spec is None:
            out.append(
                Problem(
                    ("signals", name),
                    f"missing, but {who} needs it (without it {who} would be scored as if "
                    "it never happened); keep the signal, with phrases or groups",
                )
            )
        elif isinstance(spec, dict) and not spec.get("phrases") and not spec.get("groups"):
            out.append(
                Problem(
                    ("signals", name),
                    f"has no phrases and no groups, so it never matches; {who} needs it",
                )
            )
    return out


def _validation_problems(exc: ValidationError) -> list[Problem]:
    return [
        Problem(tuple(err["loc"]), str(err["msg"]).removeprefix("Value error, "))
        for err in exc.errors()
    ]


def rubric_problems(text: str, source: str) -> tuple[Rubric | None, list[str]]:
    """The rubric in ``text`` and every problem found in it, each as 'file: key: problem
    (line N)', in file order (the rubric is None when there is any problem)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        why = " ".join(
            str(part)
            for part in (getattr(exc, "context", None), getattr(exc, "problem", None))
            if part
        )
        return None, [f"{source}: not valid YAML: {why or exc}{where}"]
    lines: dict[Loc, int] = {}
    problems: list[Problem] = []
    if root is not None:
        _walk(root, (), lines, problems)
    problems += _precheck(raw)
    rubric = None
    if isinstance(raw, dict):
        data = {k: v for k, v in raw.items() if k not in ("source", "sha256")}
        if isinstance(data.get("signals"), dict):  # unknown names are reported above
            data["signals"] = {k: v for k, v in data["signals"].items() if k in SIGNALS}
        data["source"] = source
        data["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        try:
            rubric = Rubric.model_validate(data)
        except ValidationError as exc:
            reported = {p.loc[:1] for p in problems if p.loc[:1] == ("version",)}
            problems += [p for p in _validation_problems(exc) if p.loc[:1] not in reported]
    seen: set[tuple[Loc, str]] = set()
    unique = []
    for p in problems:
        if (p.loc, p.message) not in seen:
            seen.add((p.loc, p.message))
            unique.append(Problem(p.loc, p.message, p.line or _line_of(p.loc, lines)))
    unique.sort(key=lambda p: p.line or 0)
    return (None if unique else rubric), [p.render(source) for p in unique]


def parse_rubric(text: str, source: str) -> Rubric:
    """Parse and validate rubric YAML; raise RubricError listing every problem, each naming
    the source, key path, problem and line."""
    rubric, problems = rubric_problems(text, source)
    if problems or rubric is None:
        raise RubricError("\n".join(problems) or f"{source}: not a rubric")
    return rubric


def default_rubric_text() -> str:
    """The packaged default rubric's YAML."""
    resource = importlib.resources.files("checks.rubric").joinpath(DEFAULT_RUBRIC)
    # bytes, not text: newline translation would change the hash of a CRLF checkout
    return resource.read_bytes().decode("utf-8")


def load_rubric(path: Path | str | None = None) -> Rubric:
    """Load a rubric file, or the packaged default when path is None."""
    if path is None:
        return parse_rubric(default_rubric_text(), f"checks/rubric/{DEFAULT_RUBRIC}")
    p = Path(path)
    try:
        # bytes, not text: the hash must be of the file as it is, newlines included
        text = p.read_bytes().decode("utf-8")
    except OSError as exc:
        raise RubricError(f"{p}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise RubricError(f"{p}: not UTF-8 text (byte {exc.start})") from None
    return parse_rubric(text, str(p))


def rubric_json_schema() -> dict[str, Any]:
    """JSON Schema of a rubric file (the keys a QA lead writes, each with its description)."""
    schema = Rubric.model_json_schema(mode="validation")
    for key in ("source", "sha256"):  # set by Rapport, never written in the file
        schema["properties"].pop(key, None)
    schema["title"] = "Rapport rubric"
    return schema
