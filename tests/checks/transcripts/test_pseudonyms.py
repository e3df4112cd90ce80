"""Stable pseudonyms (issue 18, hole 6): ids and keys carrying PII are replaced, the same raw
value always by the same pseudonym under one key, ordinary ids and UUIDs kept."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.transcripts.pii import mask_pii
from checks.transcripts.pseudonyms import (
    Pseudonyms,
    carries_pii,
    mask_text,
    mask_text_column,
    replace_column,
)

KEY = b"k" * 32


@pytest.mark.parametrize(
    "raw",
    [
        "+15551234567",
        "john.doe@example.com",
        "c-555-201-3344",
        "4111111111111111",
        "DE89370400440532013000",
    ],
)
def test_an_id_with_pii_gets_a_stable_pseudonym_that_shows_none_of_it(raw: str) -> None:
    names = Pseudonyms(KEY)
    first = names.of_id(raw)
    assert first != raw
    assert "~" in first
    assert first == Pseudonyms(KEY).of_id(raw)  # another run, same key: same pseudonym
    assert first != Pseudonyms(b"o" * 32).of_id(raw)  # another key: another pseudonym
    assert mask_pii(first) == first
    assert not carries_pii(first)
    digits = "".join(ch for ch in raw if ch.isdigit())
    assert not digits or digits[-4:] not in first


@pytest.mark.parametrize(
    "raw",
    [
        "c-2026w47-001-002",
        "a-001",
        "3b2c9a6e-1234-5678-9012-345678901234",
        "cl-1_analysis_redacted_2026-11-19T10:00:00Z",
        "contacts-20261116-01",
        "call-20261117T090000-x",
        "stream-1-2026-11-17-09-00-00-abc",
        "contact 17",
    ],
)
def test_ids_without_pii_stay_as_they_are(raw: str) -> None:
    assert Pseudonyms(KEY).of_id(raw) == raw


def test_a_key_keeps_its_folders_and_extension_and_matches_its_contact_id() -> None:
    names = Pseudonyms(KEY)
    key = "transcripts/2026/11/17/+15551234567.jsonl.gz"
    masked = names.of_key(key)
    assert masked.startswith("transcripts/2026/11/17/")
    assert masked.endswith(".jsonl.gz")
    assert masked == f"transcripts/2026/11/17/{names.of_id('+15551234567')}.jsonl.gz"
    assert "5551234567" not in masked
    assert names.of_key("transcripts/2026/11/17/c-1.json") == "transcripts/2026/11/17/c-1.json"
    mail = names.of_key("in/jo.doe@example.com.json")
    assert "jo.doe" not in mail
    assert mail.endswith(".json")


def test_distinct_ids_never_share_a_pseudonym() -> None:
    names = Pseudonyms(KEY)
    raws = [f"+1555{n:07d}" for n in range(5000)]
    assert len({names.of_id(r) for r in raws}) == len(raws)


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        Pseudonyms(b"short")


def test_columns_and_reasons() -> None:
    names = Pseudonyms(KEY)
    phone_key = "in/+15551234567.json"
    plain_key = "in/c-2026w47-001-002.json"
    frame = pl.DataFrame(
        {
            "contact_id": ["c-1", "+15551234567", None, "+15551234567"],
            "reason": [
                None,
                f"another file holds this contact: {phone_key}",
                f"turn 3 of {plain_key}: customer said call 555 201 3344.",
                "bad",
            ],
        }
    )
    out, pairs = replace_column(frame, "contact_id", names)
    assert pairs == {"+15551234567": names.of_id("+15551234567")}
    pseudonym = pairs["+15551234567"]
    assert out["contact_id"].to_list() == ["c-1", pseudonym, None, pseudonym]
    reasons = mask_text_column(out, "reason", names, [phone_key, plain_key])["reason"].to_list()
    assert reasons == [
        None,
        f"another file holds this contact: in/{pseudonym}.json",
        f"turn 3 of {plain_key}: customer said call [phone].",  # the plain key kept whole
        "bad",
    ]
    known = {phone_key, plain_key}
    assert reasons[1:] == [mask_text(r, names, known) for r in frame["reason"].to_list()[1:]]


ids = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"[a-z]{0,4}[-_ ]?\+?[0-9 ().-]{6,18}[a-z]{0,3}", fullmatch=True),
    st.from_regex(r"[a-z.]{1,8}(@| at | \(at\) )[a-z]{2,6}( dot |\.)(com|org|de)", fullmatch=True),
    st.from_regex(r"(my name is|iban|card ending|cvv) [A-Za-z0-9 ]{1,12}", fullmatch=True),
    st.uuids().map(str),
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(ids, min_size=1, max_size=20))
def test_the_polars_preselection_misses_no_id_python_would_change(values: list[str]) -> None:
    names = Pseudonyms(KEY)
    frame = pl.DataFrame({"contact_id": values}, schema={"contact_id": pl.String})
    out, _ = replace_column(frame, "contact_id", names)
    assert out["contact_id"].to_list() == [names.of_id(v) for v in values]
