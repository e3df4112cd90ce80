"""The slot values of one contact: names, amounts, dates and PII that fill the phrase templates.

The word lists the slots draw from are ``data/slot_values.yaml`` (surnames: ``personas.yaml``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Final

from pydantic import ConfigDict, Field

from flows.examples.datafiles import load_data
from flows.examples.personas import LAST_NAMES, Persona

Slots = dict[str, str]
Words = Annotated[tuple[str, ...], Field(min_length=1)]

DIGIT_WORDS: Final = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
)
WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SlotValues:
    """``data/slot_values.yaml``: the lists the slots of a contact are drawn from."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    customer_names: Words
    products: Annotated[tuple[str, ...], Field(min_length=2)]
    plans: Words
    cities: Words
    claim_items: Words
    streets: Words
    number_words: Words
    relatives: Annotated[tuple[tuple[str, str, str], ...], Field(min_length=1)]
    test_cards: Words

    def __post_init__(self) -> None:
        for i, card in enumerate(self.test_cards):
            if not card.replace(" ", "").isdigit():
                raise ValueError(f"test_cards[{i}]: {card!r} is not digits in groups")


SLOT_VALUES: Final = load_data("slot_values.yaml", SlotValues)
CUSTOMER_NAMES: Final = SLOT_VALUES.customer_names


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``11th``, ``23rd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def spoken(digits: str) -> str:
    """Digits in groups as a caller says them: ``"41 12"`` → ``"four one, one two"``."""
    groups = digits.split()
    return ", ".join(" ".join(DIGIT_WORDS[int(d)] for d in g) for g in groups)


def make_slots(
    rng: random.Random, persona: Persona, brand: str, started_at: datetime, third_party: str
) -> Slots:
    """Draw the slot values (names, amounts, dates, PII) for one contact."""
    v = SLOT_VALUES
    name = rng.choice(v.customer_names)
    surname = rng.choice(LAST_NAMES)
    low = rng.randint(9, 240)
    cents = rng.choice(("00", "49", "99", "50", "20", "75"))
    relative, they, their = rng.choice(v.relatives)
    products = rng.sample(v.products, 2)
    hour = started_at.hour
    daypart = "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"
    card = rng.choice(v.test_cards)
    phone = f"07700 900{rng.randint(0, 999):03d}"
    return {
        "name": name,
        "agent": persona.first_name,
        "brand": brand,
        "daypart": f"Good {daypart}",
        "daypart_short": daypart,
        "amount": f"${low}.{cents}",
        "amount2": f"${low + rng.randint(12, 90)}.{cents}",
        "plan": rng.choice(v.plans),
        "product": products[0],
        "product2": products[1],
        "date": rng.choice(("last ", "on ", "this past ")) + rng.choice(WEEKDAYS[:5]),
        "next_day": rng.choice(WEEKDAYS),
        "city": rng.choice(v.cities),
        "days": rng.choice(v.number_words),
        "weeks": rng.choice(v.number_words),
        "nth": rng.choice(("third", "fourth", "fifth")),
        "n": str(rng.randint(2, 6)),
        "time": f"{rng.randint(8, 18)}:{rng.randint(0, 59):02d}",
        "window": rng.choice(("eight till one", "twelve till six", "eight till six")),
        "order": f"ORD-{rng.randint(100000, 999999)}",
        "ref": f"{rng.choice('CKRTX')}{rng.randint(10000, 99999)}",
        "relative": relative,
        "they": they,
        "their": their,
        "utility": rng.choice(("gas", "electricity", "water")),
        "router": rng.choice(("router", "hub", "modem")),
        "claim_item": rng.choice(v.claim_items),
        "postcode": f"{rng.choice('BLMNS')}{rng.choice('EKRS')}{rng.randint(1, 19)}"
        f" {rng.randint(1, 9)}{rng.choice('ADHPT')}{rng.choice('BLQWX')}",
        "dob": f"{ordinal(rng.randint(1, 28))} of {rng.choice(MONTHS)} {rng.randint(1944, 2004)}",
        "street": f"{rng.randint(2, 140)} {rng.choice(v.streets)}",
        "email": f"{name.lower()}.{surname.lower()}{rng.randint(1, 99)}@example.com",
        "phone": phone,
        "card": card,
        "spoken_card": spoken(card),
        "spoken_phone": spoken(phone),
        "ordinal": ordinal(rng.choice((1, 5, 10, 15, 20, 25, 28))),
        "points": f"{rng.randint(100, 999)}",
        "reading": f"{rng.randint(10000, 99999)}",
        "third_party": third_party,
    }
