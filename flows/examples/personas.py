"""The example agents: who they are and how their scores should come out.

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
from typing import Final, Literal

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
TEAMS: Final = ("Accounts & Billing", "Orders & Travel")


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

    @property
    def first_name(self) -> str:
        """The name the agent introduces themselves with."""
        return self.name.split()[0]


PERSONAS: Final[tuple[Persona, ...]] = (
    Persona(
        agent_id="a-001",
        name="Maya Okafor",
        team=TEAMS[0],
        style="model",
        description=(
            "Leads with empathy and closes with compassion: names the feeling early, restates"
            " the problem in the customer's words, asks an open question, then owns a concrete"
            " fix with a time frame and checks it landed."
        ),
        routine_share=0.3,
        expect={
            "high": ("empathy", "compassion", "sympathy_overload", "hospitality", "overall"),
            "flags": ("acknowledges_feeling", "reflects_problem", "takes_ownership"),
            "rare": ("empty_understand", "dismissive", "pity", "agent_distress", "co_blaming"),
        },
    ),
    Persona(
        agent_id="a-002",
        name="Tom Reyes",
        team=TEAMS[0],
        style="host",
        description=(
            "Mostly routine requests, answered warmly and quickly; on the few upset callers he"
            " acknowledges the feeling and fixes the problem."
        ),
        routine_share=0.8,
        expect={
            "high": ("hospitality", "sympathy_overload"),
            "flags": ("warmth",),
            "rare": ("empty_understand", "dismissive", "pity", "agent_distress", "co_blaming"),
        },
    ),
    Persona(
        agent_id="a-003",
        name="Derek Hale",
        team=TEAMS[0],
        style="dismissive",
        description=(
            "Misses every empathy opportunity: goes straight to procedure, tells upset customers"
            " to calm down, hides behind policy and asks 'have you tried…'; curt in routine"
            " contacts too."
        ),
        routine_share=0.35,
        expect={
            "lowest": ("hospitality", "overall"),
            "low": ("empathy", "compassion"),
            "flags": ("dismissive",),
            "rare": ("acknowledges_feeling", "pity", "agent_distress", "co_blaming"),
        },
    ),
    Persona(
        agent_id="a-004",
        name="Priya Nair",
        team=TEAMS[0],
        style="overload",
        description=(
            "Sympathy overload: piles apology on apology, says how awful it all is, gets upset"
            " herself and blames the company or the courier, but never commits to a real fix."
        ),
        routine_share=0.3,
        expect={
            "lowest": ("sympathy_overload",),
            "low": ("compassion", "overall"),
            "flags": ("apology", "pity", "agent_distress", "co_blaming"),
            "rare": ("dismissive", "empty_understand"),
        },
    ),
    Persona(
        agent_id="a-005",
        name="Lena Fischer",
        team=TEAMS[1],
        style="broken_record",
        description=(
            "A broken record: answers every complaint with 'I understand' or 'I hear you' and"
            " never says back what the problem is, though she does fix things in the end."
        ),
        routine_share=0.3,
        expect={
            "low": ("empathy",),
            "flags": ("empty_understand",),
            "rare": ("pity", "agent_distress", "co_blaming", "dismissive"),
        },
    ),
    Persona(
        agent_id="a-006",
        name="Sam Whitaker",
        team=TEAMS[1],
        style="scripted",
        description=(
            "Reads the same empathy line from the script in almost every contact, whatever the"
            " customer said; competent at the fix itself."
        ),
        routine_share=0.35,
        expect={
            "high": ("compassion",),
            "flags": ("scripted_line",),
            "rare": ("pity", "agent_distress", "co_blaming", "dismissive", "empty_understand"),
        },
    ),
    Persona(
        agent_id="a-007",
        name="Grace Liu",
        team=TEAMS[1],
        style="fixer",
        description=(
            "Jumps straight to the fix: owns the problem, gives a time frame and confirms, but"
            " only mentions the customer's feelings afterwards, if at all."
        ),
        routine_share=0.35,
        expect={
            "high": ("compassion",),
            "low": ("empathy",),
            "flags": ("takes_ownership", "next_step"),
            "rare": ("pity", "agent_distress", "co_blaming", "empty_understand"),
        },
    ),
    Persona(
        agent_id="a-008",
        name="Omar Haddad",
        team=TEAMS[1],
        style="vague",
        description=(
            "Kind and attentive: acknowledges the feeling and restates the problem, then leaves"
            " the customer with hopes and suggestions instead of an action or a time frame."
        ),
        routine_share=0.3,
        expect={
            "high": ("empathy",),
            "low": ("compassion",),
            "flags": ("acknowledges_feeling", "reflects_problem"),
            "rare": ("pity", "agent_distress", "co_blaming", "empty_understand", "dismissive"),
        },
    ),
)

FIRST_NAMES: Final = (
    "Alex", "Bea", "Chris", "Dana", "Eli", "Farah", "Gus", "Hana", "Ivan", "Jess", "Kofi", "Lara",
    "Milo", "Nina", "Oli", "Pam", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Vic", "Wes", "Yara",
    "Zoe", "Ben", "Cleo", "Dev", "Erin", "Finn",
)  # fmt: skip
LAST_NAMES: Final = (
    "Adler", "Brooks", "Castro", "Doyle", "Evans", "Ferreira", "Grant", "Hughes", "Ito", "Jansen",
    "Kaur", "Lopez", "Moreau", "Novak", "Osei", "Park", "Quist", "Rossi", "Silva", "Tanaka",
    "Usman", "Varga", "Walsh", "Young", "Zhou", "Baker", "Chen", "Diaz", "Ekström", "Flynn",
)  # fmt: skip


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
