"""The example agents (``data/personas.yaml``): who they are and how their scores should come out.

``Persona.expect`` maps a key to names the tests can check against the scored example week:

- ``highest`` / ``lowest``: criteria (or ``overall``) where this agent's weekly mean is the
  highest / lowest of all example agents (ties allowed);
- ``high`` / ``low``: criteria where its mean is above / below the mean of all example agents;
- ``flags``: signals it shows in at least a quarter of its contacts, and more often per contact
  than the average example agent;
- ``rare``: signals it shows in at most one contact in ten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Final, Literal

from pydantic import BeforeValidator, ConfigDict, Field

from flows.examples.datafiles import keyed_by, load_data

Style = Literal[
    "model", "host", "dismissive", "overload", "broken_record", "scripted", "fixer", "vague"
]
STYLES: Final[tuple[Style, ...]] = (
    "model",
    "host",
    "dismissive",
    "overload",
    "broken_record",
    "scripted",
    "fixer",
    "vague",
)
EXPECT_KEYS: Final = ("highest", "lowest", "high", "low", "flags", "rare")


@dataclass(frozen=True, slots=True)
class Persona:
    """An example agent with a fixed way of handling contacts."""

    agent_id: str
    name: str
    team: str
    style: Style
    description: str
    routine_share: float
    expect: dict[str, tuple[str, ...]] = field(default_factory=dict)

    __pydantic_config__ = ConfigDict(extra="forbid")

    @property
    def first_name(self) -> str:
        """The name the agent introduces themselves with."""
        return self.name.split()[0]


@dataclass(frozen=True, slots=True)
class PersonasFile:
    """``data/personas.yaml``: the teams, the eight example agents, names for more agents."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    teams: Annotated[tuple[str, ...], Field(min_length=2)]
    personas: Annotated[
        dict[str, Persona], BeforeValidator(keyed_by("agent_id")), Field(min_length=1)
    ]
    first_names: Annotated[tuple[str, ...], Field(min_length=1)]
    last_names: Annotated[tuple[str, ...], Field(min_length=1)]

    def __post_init__(self) -> None:
        for agent_id, p in self.personas.items():
            if p.team not in self.teams:
                raise ValueError(f"personas.{agent_id}.team: {p.team!r} is not one of teams")
            if unknown := sorted(set(p.expect) - set(EXPECT_KEYS)):
                raise ValueError(
                    f"personas.{agent_id}.expect: unknown key {', '.join(unknown)}"
                    f" (known: {', '.join(EXPECT_KEYS)})"
                )


_FILE: Final = load_data("personas.yaml", PersonasFile)
TEAMS: Final = _FILE.teams
PERSONAS: Final[tuple[Persona, ...]] = tuple(_FILE.personas.values())
FIRST_NAMES: Final = _FILE.first_names
LAST_NAMES: Final = _FILE.last_names


def personas_for(n_agents: int) -> list[Persona]:
    """The first ``n_agents`` example agents; beyond the eight, styles repeat under new names."""
    if n_agents < 1:
        raise ValueError(f"n_agents must be at least 1, got {n_agents}")
    width = max(3, len(str(n_agents)))
    out: list[Persona] = []
    for i in range(n_agents):
        base = PERSONAS[i % len(PERSONAS)]
        if i < len(PERSONAS) and width == 3:
            out.append(base)
            continue
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]
        team_no = i // 25 + 1 if n_agents > 50 else None
        team = f"{TEAMS[i % 2]} {team_no}" if team_no else base.team
        out.append(
            Persona(
                agent_id=f"a-{i + 1:0{width}d}",
                name=f"{first} {last}" if i >= len(PERSONAS) else base.name,
                team=team,
                style=base.style,
                description=base.description,
                routine_share=base.routine_share,
                expect=base.expect,
            )
        )
    return out
