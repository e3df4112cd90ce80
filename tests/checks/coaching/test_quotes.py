"""Quotes: masked excerpts snapped to whole words, never leaking a fragment of masked PII."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.coaching.quotes import Finding, make_quote, quote_finding, snap_to_words, turn_quote
from checks.transcripts.pii import mask_pii


@pytest.mark.parametrize(
    ("turn_text", "start", "end", "matched", "quote"),
    [
        (
            "I hear you. So the refund is late.",
            12,
            33,
            "So the refund is late",
            ("I hear you. ", "So the refund is late", "."),
        ),
        ("mail me at jo@x.org, sorry!", 21, 26, "sorry", ("mail me at [email], ", "sorry", "!")),
        ("short", 0, 5, "short", ("", "short", "")),
        ("span out of range", 5, 99, "range", ("", "range", "")),
        # PII across the span edge: fall back to the masked match alone, never a fragment.
        ("call 555 201 3344 now", 9, 17, "201 3344", ("", "[phone]", "")),
    ],
)
def test_make_quote(
    turn_text: str, start: int, end: int, matched: str, quote: tuple[str, str, str]
) -> None:
    q = make_quote(
        contact_id="c-1",
        date="Mon",
        turn=0,
        speaker="agent",
        matched=matched,
        turn_text=turn_text,
        start=start,
        end=end,
    )
    assert (q.before, q.match, q.after) == quote


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet="abc 0123456789@.-", min_size=1, max_size=120),
    a=st.integers(0, 120),
    b=st.integers(0, 120),
)
def test_quote_pieces_never_show_more_than_the_masked_turn(text: str, a: int, b: int) -> None:
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    q = make_quote(
        contact_id="c",
        date="",
        turn=0,
        speaker="agent",
        matched=text[start:end] or "x",
        turn_text=text,
        start=start,
        end=end,
    )
    joined = (q.before + q.match + q.after).replace("…", "")
    if q.before or q.after:
        assert all(piece in mask_pii(text) for piece in joined.split("…") if piece)
    assert mask_pii(q.match) == q.match


@pytest.mark.parametrize(
    ("text", "span", "snapped"),
    [
        ("It's the third time I've called", (9, 21), "third time I've"),
        ("  , hello there", (0, 9), "hello"),
        ("well ", (0, 5), "well"),
        ("...", (0, 3), ""),
    ],
)
def test_snap_to_words(text: str, span: tuple[int, int], snapped: str) -> None:
    start, end = snap_to_words(text, *span)
    assert text[start:end] == snapped


def test_turn_quote_masks_and_cuts_the_whole_turn() -> None:
    text = "Call me on (555) 201-3344. " + "word " * 40
    q = turn_quote(contact_id="c", date="Mon", turn=3, speaker="agent", text=text)
    assert "[phone]" in q.before
    assert "201-3344" not in q.before
    assert q.before.endswith("…")
    assert len(q.before) <= 91
    assert (q.match, q.after) == ("", "")


def test_quote_finding_dates_the_excerpt_and_none_stays_none() -> None:
    finding = Finding("c-1", 2, None, 4, 9, "sorry", "Oh, sorry about that")
    q = quote_finding(finding, {"c-1": "Tue 17 Nov"})
    assert q is not None
    assert (q.date, q.speaker, q.before, q.match, q.after) == (
        "Tue 17 Nov",
        "",
        "Oh, ",
        "sorry",
        " about that",
    )
    assert quote_finding(None, {}) is None
