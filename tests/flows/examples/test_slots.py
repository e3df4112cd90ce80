"""Slot values: personal data in a few customer turns only, card numbers that pass Luhn."""

from __future__ import annotations

import re

from checks.transcripts.transcript import Contact

CARD = re.compile(r"\b(?:\d[ -]?){13,19}\b")


EMAIL = re.compile(r"\b[\w.]+@[\w.]+\.\w+\b")


PHONE = re.compile(r"\b07700 900\d{3}\b")


SPOKEN = re.compile(r"\b(?:(?:zero|one|two|three|four|five|six|seven|eight|nine),? ){6,}")


def _luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def test_pii_is_in_a_few_customer_turns_only(week: list[Contact]) -> None:
    with_pii = set()
    for c in week:
        for t in c.turns:
            found = any(p.search(t.text) for p in (CARD, EMAIL, PHONE, SPOKEN))
            if found:
                assert t.speaker == "customer", (c.contact_id, t.text)
                with_pii.add(c.contact_id)
            for number in CARD.findall(t.text):
                assert _luhn_ok(number), number
    assert 8 <= len(with_pii) <= len(week) // 4
    texts = " ".join(t.text for c in week for t in c.turns)
    assert CARD.search(texts)
    assert EMAIL.search(texts)
    assert PHONE.search(texts)
