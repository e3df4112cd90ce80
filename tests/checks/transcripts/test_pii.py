"""PII masking: emails, phones, Luhn cards, ids, spoken digits; idempotent, never leaks a card."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.transcripts.pii import luhn_valid, mask_pii, mask_pii_expr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to dana.cole+billing@example.co.uk today", "write to [email] today"),
        ("my mail is jo (at) example.org", "my mail is [email]"),
        ("card 4111 1111 1111 1111 please", "card [card] please"),
        ("card 4111-1111-1111-1111.", "card [card]."),
        ("card 5500005555555559", "card [card]"),
        ("number 4111 1111 1111 1112 fails luhn", "number [id] fails luhn"),
        ("ssn 123-45-6789 on file", "ssn [id] on file"),
        ("call (555) 201-3344 now", "call [phone] now"),
        ("call +44 20 7946 0958", "call [phone]"),
        ("ring 555.201.3344", "ring [phone]"),
        ("customer id 99812734551 here", "customer id [phone] here"),
        ("passport 123456789", "passport [id]"),
        ("it is four one one one two two", "it is [digits]"),
        ("Four, one, one, one.", "[digits]."),
        ("double seven three nine one", "[digits]"),
        ("order 4471 on 2026-11-16 at 09:12 for $1,250.00", None),
        ("one two three and done", None),
        ("Oh, one more thing", None),
        ("the [PII] stays as it was", None),
        ("", None),
    ],
)
def test_mask_table(text: str, expected: str | None) -> None:
    assert mask_pii(text) == (text if expected is None else expected)


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("4111111111111111", True), ("4111111111111112", False), ("79927398713", True), ("", False)],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


def _luhn_complete(body: str) -> str:
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("no check digit")


cards = st.text(alphabet="0123456789", min_size=15, max_size=15).map(_luhn_complete)
separators = st.sampled_from(["", " ", "-"])
noise = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(card=cards, sep=separators, before=noise, after=noise)
def test_never_leaks_a_luhn_card(card: str, sep: str, before: str, after: str) -> None:
    grouped = sep.join(card[i : i + 4] for i in range(0, 16, 4))
    out = mask_pii(f"{before} {grouped} {after}")
    assert grouped not in out
    assert card not in re.sub(r"\D", "", out) or card in re.sub(r"\D", "", before + after)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80) | st.from_regex(r"[a-z ]{0,10}[0-9 ().+-]{0,25}[a-z ]{0,10}"))
def test_idempotent(text: str) -> None:
    once = mask_pii(text)
    assert mask_pii(once) == once


@settings(max_examples=100, deadline=None)
@given(prefix=st.text(alphabet="abc ", max_size=10), suffix=st.text(alphabet="xyz ", max_size=10))
def test_upstream_redaction_stays(prefix: str, suffix: str) -> None:
    assert "[PII]" in mask_pii(f"{prefix}[PII]{suffix}")


def test_expr_matches_python_rows() -> None:
    texts = [
        "plain text",
        None,
        "mail jo.bloggs@example.org",
        "card 4111 1111 1111 1111",
        "say four one one one two",
        "call 555-201-3344",
        "[PII] already",
    ]
    df = pl.DataFrame({"text": texts}, schema={"text": pl.String})
    got = df.select(mask_pii_expr("text"))["text"].to_list()
    assert got == [None if t is None else mask_pii(t) for t in texts]
    lazy = df.lazy().select(mask_pii_expr(pl.col("text")).alias("m")).collect()["m"].to_list()
    assert lazy == got
    assert "4111" not in " ".join(t for t in got if t)
