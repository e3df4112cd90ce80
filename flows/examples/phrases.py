"""Phrase banks for the example week (``data/phrases.yaml``): how customers and agent styles talk.

Every bank is a tuple of ``str.format`` templates the dialogue draws one line from; the slots are
filled per contact (``slots.make_slots``). ``PHRASES`` is the validated file, read once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Final

from pydantic import ConfigDict, Field

from flows.examples.datafiles import load_data

Bank = Annotated[tuple[str, ...], Field(min_length=1)]


@dataclass(frozen=True, slots=True)
class Phrases:
    """The phrase banks, one field per key of ``data/phrases.yaml`` (see its comments)."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    # the customer
    distress: Bank
    distress_again: Bank
    customer_hello: Bank
    routine_lead: Bank
    customer_ok: Bank
    customer_relieved: Bank
    customer_unhappy: Bank
    customer_thanks: Bank
    customer_done: Bank
    customer_curt: Bank
    tried: Bank
    dont_calm: Bank
    generic_qa: Annotated[tuple[tuple[str, str], ...], Field(min_length=3)]
    # every style
    greet_warm: Bank
    greet_flat: Bank
    hold_ask: Bank
    ask_check_warm: Bank
    ask_check_flat: Bank
    check_answers: Bank
    pii_answers: Bank
    pii_spoken: Bank
    thanks_after_check: Bank
    # model and host styles
    acknowledge: Bank
    ack_bereavement: Bank
    reflect_cue: Bank
    explore: Bank
    own_cue: Bank
    next_cue: Bank
    confirm: Bank
    one_apology: Bank
    farewell_neutral: Bank
    farewell_warm: Bank
    detail_warm: Bank
    # dismissive style
    calm_down: Bank
    dismiss: Bank
    detail_flat: Bank
    logged_flat: Bank
    close_flat: Bank
    farewell_flat: Bank
    # overload style
    pity: Bank
    sorry_pile: Annotated[tuple[str, ...], Field(min_length=2)]
    agent_upset: Bank
    co_blame: Bank
    vague_note: Bank
    # broken-record, scripted, fixer and vague styles
    understand: Bank
    script_line: str
    detail_scripted: Bank
    fix_first: Bank
    late_ack: Bank
    detail_fixer: Bank
    vague_hope: Bank
    vague_redirect: Bank
    vague_answer: Bank
    detail_vague: Bank
    # routine requests
    routine_warm: Bank
    routine_flat: Bank
    routine_sorry: Bank

    def __post_init__(self) -> None:
        # the answer to a security question is read by the question's index
        n = len(self.check_answers)
        if not len(self.ask_check_warm) == len(self.ask_check_flat) == n:
            raise ValueError(
                f"ask_check_warm, ask_check_flat and check_answers must be as long as each other"
                f" (they are read by index): {len(self.ask_check_warm)},"
                f" {len(self.ask_check_flat)} and {n}"
            )


PHRASES: Final = load_data("phrases.yaml", Phrases)
