"""PII told in words (issue 18, hole 6): spoken e-mails, addresses, IBANs, card security codes
and last digits, stated names; masked through mask_pii and its polars twin, ordinary text left."""

from __future__ import annotations

import time

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.transcripts.pii import mask_pii, mask_pii_expr

MASKED = [
    ("it's john dot doe at example dot com thanks", "it's [email] thanks", "john"),
    ("j underscore doe at mail dot co dot uk", "[email]", "mail dot co"),
    ("mail dana.cole at example.org please", "mail [email] please", "dana.cole"),
    ("I live at 42 Baker Street, flat 3 now", "I live at [address] now", "Baker"),
    ("send it to 12b high road", "send it to [address]", "high road"),
    ("forty two elm avenue", "[address]", "elm"),
    ("it's 5 Kings Way", "it's [address]", "Kings"),
    ("Lieferung an Hauptstraße 12 bitte", "Lieferung an [address] bitte", "Haupt"),
    ("card ending in 4242 and cvv 123", "card ending in [card] and cvv [cvv]", "4242"),
    ("card 4111 1111 1111 1111, 737", "card [card], [cvv]", "737"),
    ("the security code is four five six", "the security code is [cvv]", "four five"),
    ("the three digits on the back are 987", "the three digits on the back are [cvv]", "987"),
    ("CVC: 1234", "CVC: [cvv]", "1234"),
    ("my IBAN is GB82 WEST 1234 5698 7654 32", "my IBAN is [iban]", "WEST"),
    ("de89 3704 0044 0532 0130 00", "[iban]", "3704"),
    ("it was DE89370400440532013000.", "it was [iban].", "3704"),
    ("starts DE89 3704 0044", "starts [iban]", "3704"),
    ("my iban ends in 3000", "my iban ends in [iban]", "3000"),
    ("my name is John Smith and I", "my name is [name] and I", "Smith"),
    ("my name is john doe and i want a refund", "my name is [name] and i want a refund", "doe"),
    ("My name's Zoë.", "My name's [name].", "Zoë"),
    ("this is dana speaking", "this is [name] speaking", "dana"),
    ("Hi, I'm Maya Lin from Acme", "Hi, I'm [name] from Acme", "Lin"),
    ("please call me Bob", "please call me [name]", "Bob"),
    ("ask Mrs Patel", "ask Mrs [name]", "Patel"),
    ("Hi Sarah, thanks for waiting", "Hi [name], thanks for waiting", "Sarah"),
    ("Thanks, Omar! Anything else?", "Thanks, [name]! Anything else?", "Omar"),
]

KEPT = [
    "look at this",
    "i called 3 times about the road",
    "in 2 days we drive over",
    "iban is wrong",
    "my name is on the account",
    "i'm calling from home",
    "I'm really upset with this",
    "I'm so sorry to hear that",
    "you can call me back",
    "order 4471 on 2026-11-16 at 09:12 for $1,250.00",
    "the card was declined twice",
    "thanks for your patience, happy to help",
    "Hi there, thanks Again for your message",
    "Hello, I see the order",
]


@pytest.mark.parametrize(("text", "expected", "raw"), MASKED)
def test_told_kinds_are_masked(text: str, expected: str, raw: str) -> None:
    masked = mask_pii(text)
    assert masked == expected
    assert raw not in masked
    assert mask_pii(masked) == masked


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_text_is_kept(text: str) -> None:
    assert mask_pii(text) == text


def test_polars_twin_masks_the_same_rows() -> None:
    texts = [t for t, _, _ in MASKED] + KEPT + [None]
    df = pl.DataFrame({"text": texts}, schema={"text": pl.String})
    got = df.select(mask_pii_expr("text"))["text"].to_list()
    assert got == [None if t is None else mask_pii(t) for t in texts]


def _iban(country: str, body: str) -> str:
    """A valid IBAN (ISO 13616 check digits) for a country and an account body."""
    moved = body + country + "00"
    number = int("".join(str(int(ch, 36)) for ch in moved))
    return f"{country}{98 - number % 97:02d}{body}"


@settings(max_examples=200, deadline=None)
@given(
    country=st.sampled_from(["DE", "GB", "FR", "NL", "ES"]),
    body=st.text(alphabet="0123456789", min_size=14, max_size=22),
    spaced=st.booleans(),
    lower=st.booleans(),
    before=st.text(alphabet="abc ,.", max_size=12),
)
def test_never_leaks_an_iban(
    country: str, body: str, spaced: bool, lower: bool, before: str
) -> None:
    iban = _iban(country, body)
    told = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if spaced else iban
    told = told.lower() if lower else told
    out = mask_pii(f"{before} {told} thanks")
    assert body[:8] not in out.replace(" ", "")
    assert "[iban]" in out


def test_an_agents_own_name_and_team_stay_readable() -> None:
    for field in ("Dr Ada Byron", "12 Elm St crew", "Mrs Patel's team"):
        assert mask_pii(field, names=False) == field
    assert (
        mask_pii("Ada (ada@acme.example, +1 555 201 3344)", names=False) == "Ada ([email], [phone])"
    )
    df = pl.DataFrame({"agent_name": ["Dr Ada Byron", "call 555 201 3344"]})
    masked = df.select(mask_pii_expr("agent_name", names=False))["agent_name"].to_list()
    assert masked == ["Dr Ada Byron", "call [phone]"]


PIECES = (
    "my name is John doe dot at example com card ending in 4242 cvv 123 iban DE89 3704 0044 42 "
    "Baker Street Hi Sarah , I'm from this speaking Mrs Patel four five six security code road "
    "12b Elm St apt 9 call me 555 201 3344 +1 @ ."
)
WORDS = st.sampled_from(PIECES.split(" "))


@settings(max_examples=400, deadline=None)
@given(text=st.lists(WORDS, max_size=25).map(" ".join))
def test_masking_mixed_kinds_is_idempotent(text: str) -> None:
    once = mask_pii(text)
    assert mask_pii(once) == once


@pytest.mark.parametrize(
    "text",
    ["x" * 200_000, "x" * 200_000 + "@a.com", "a-" * 100_000, "a@" + "x." * 100_000],
    ids=["long word", "long word and @", "dashes", "long domain"],
)
def test_long_adversarial_text_is_masked_in_linear_time(text: str) -> None:
    """A 200,000-character word took minutes before the patterns were bounded."""
    from checks.transcripts.pseudonyms import mask_around_shields

    started = time.perf_counter()
    mask_pii(text)
    mask_around_shields(text)
    assert time.perf_counter() - started < 5
