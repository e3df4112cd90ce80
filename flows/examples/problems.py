"""Customer problems and routine requests (``data/problems.yaml``) the generator combines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Final

from pydantic import BeforeValidator, ConfigDict, Field

from flows.examples.datafiles import keyed_by, load_data

Lines = Annotated[tuple[str, ...], Field(min_length=1)]


def _check_qa(question: tuple[str, ...], answer: tuple[str, ...]) -> None:
    if len(question) != len(answer):
        raise ValueError(
            f"{len(question)} questions but {len(answer)} answers (answer[i] answers question[i])"
        )


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem a customer brings, with the lines each side can say about it (str.format slots)."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    key: str
    domain: str
    brands: Lines
    opening: Lines
    detail: Lines
    reflect: Lines
    action: Lines
    next_step: Lines
    deflect: Lines
    question: Lines
    answer: Lines
    third_party: str

    def __post_init__(self) -> None:
        _check_qa(self.question, self.answer)


@dataclass(frozen=True, slots=True)
class Request:
    """A routine request: no distress, a quick friendly answer is all it needs."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    key: str
    brands: Lines
    ask: Lines
    done: Lines
    info: Lines
    question: Lines
    answer: Lines

    def __post_init__(self) -> None:
        _check_qa(self.question, self.answer)


@dataclass(frozen=True, slots=True)
class ProblemsFile:
    """``data/problems.yaml``: which domains each team handles, the problems, the requests."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    team_domains: dict[str, Lines]
    problems: Annotated[dict[str, Problem], BeforeValidator(keyed_by("key")), Field(min_length=1)]
    requests: Annotated[dict[str, Request], BeforeValidator(keyed_by("key")), Field(min_length=1)]

    def __post_init__(self) -> None:
        known = {p.domain for p in self.problems.values()}
        for team, domains in self.team_domains.items():
            if unknown := [d for d in domains if d not in known]:
                raise ValueError(
                    f"team_domains: {team!r} lists {', '.join(unknown)}, which no problem has"
                    f" (domains: {', '.join(sorted(known))})"
                )


_FILE: Final = load_data("problems.yaml", ProblemsFile)
PROBLEMS: Final[tuple[Problem, ...]] = tuple(_FILE.problems.values())
REQUESTS: Final[tuple[Request, ...]] = tuple(_FILE.requests.values())
DOMAIN_TEAMS: Final[dict[str, tuple[str, ...]]] = _FILE.team_domains
