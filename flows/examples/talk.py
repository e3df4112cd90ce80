"""The conversation being written: turns said so far, slot filling, and the turns' timing."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Final

from checks.transcripts.transcript import Speaker, Turn
from flows.examples.personas import Persona, Style
from flows.examples.phrases import PHRASES as P
from flows.examples.slots import Slots

Line = tuple[Speaker, str]

# styles that fix the problem, so the customer leaves content
COMPETENT: Final[frozenset[Style]] = frozenset(
    {"model", "host", "broken_record", "scripted", "fixer"}
)


def cap(text: str) -> str:
    """``text`` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


class Talk:
    """Builds one conversation turn by turn, filling slots as it goes."""

    def __init__(self, rng: random.Random, persona: Persona, slots: Slots, channel: str) -> None:
        self.rng = rng
        self.style: Style = persona.style
        self.slots = slots
        self.channel = channel
        self.lines: list[Line] = []
        self.check_idx = 0
        self.held = False

    def pick(self, bank: Sequence[str], **extra: str) -> str:
        """One line of ``bank`` at random, its slots filled."""
        return self.rng.choice(bank).format(**self.slots, **extra)

    def say(self, speaker: Speaker, *parts: str) -> None:
        """Add a turn made of the non-empty ``parts``."""
        text = " ".join(p for p in parts if p)
        if self.channel == "chat":
            text = text.replace("for calling", "for getting in touch")
        self.lines.append((speaker, cap(text)))

    def hold(self) -> str:
        """The agent asks the customer to hold (once per contact)."""
        self.held = True
        return self.pick(P.hold_ask)

    def head(self) -> None:
        """The chat's system line and hello, if any, and the agent's greeting."""
        if self.channel == "chat" and self.rng.random() < 0.5:
            self.say("system", f"{self.slots['agent']} joined the chat.")
        if self.channel == "chat" and self.rng.random() < 0.3:
            self.say("customer", self.pick(P.customer_hello))
        greet = P.greet_flat if self.style == "dismissive" else P.greet_warm
        self.say("agent", self.pick(greet))

    def ask_check(self) -> str:
        """A security question; the customer's answer follows from its index."""
        bank = P.ask_check_flat if self.style == "dismissive" else P.ask_check_warm
        self.check_idx = self.rng.randrange(len(bank))
        return bank[self.check_idx].format(**self.slots)

    def check_answer(self, pii: bool) -> str:
        """The customer's answer to the security question, with PII volunteered if ``pii``."""
        answer = P.check_answers[self.check_idx].format(**self.slots)
        if not pii:
            return answer
        spoken = self.channel == "voice" and self.rng.random() < 0.5
        return f"{answer} {self.pick(P.pii_spoken if spoken else P.pii_answers)}"

    def add_to_first_customer_turn(self, text: str) -> None:
        """Append ``text`` to what the customer said first."""
        idx = next(i for i, (s, _) in enumerate(self.lines) if s == "customer")
        self.lines[idx] = ("customer", f"{self.lines[idx][1]} {text}")


def timed_turns(rng: random.Random, lines: Sequence[Line], *, voice: bool) -> tuple[Turn, ...]:
    """Turn records; voice turns get begin/end offsets paced by word count."""
    if not voice:
        return tuple(Turn(s, text) for s, text in lines)
    out: list[Turn] = []
    clock = rng.randint(200, 1500)
    for speaker, text in lines:
        words = len(text.split())
        end = clock + words * rng.randint(280, 420) + rng.randint(200, 600)
        out.append(Turn(speaker, text, clock, end))
        clock = end + rng.randint(150, 1400)
    return tuple(out)
