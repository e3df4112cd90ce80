# ruff: noqa: E501
"""Score invariants: bounded, N/A never lowers a score, contact order does not matter."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.criteria.criteria import overall_score
from checks.criteria.scoring import score_contacts
from checks.rubric.rubric import load_rubric
from checks.transcripts.transcript import CRITERIA, Contact, Turn

RUBRIC = load_rubric()
PIECES = [
    "I'm so sorry.", "That sounds really stressful.", "I understand.", "Calm down.",
    "I'll refund it today.", "You'll get an email within 24 hours.", "Is there anything else?",
    "How awful!", "This makes me so angry too.", "They always mess this up.", "Thanks for calling!",
    "What happened next?", "This is the third time I've called, I'm furious.", "My bill is wrong.",
    "Have you tried restarting it?", "ok", "", "Hello there.", "I'm not sorry.", "Have a lovely day.",
]  # fmt: skip
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

turn = st.builds(
    Turn,
    st.sampled_from(["agent", "customer", "system"]),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map(" ".join),
)


@st.composite
def contacts(draw: st.DrawFn) -> list[Contact]:
    n = draw(st.integers(1, 6))
    return [
        Contact(f"c-{i}", f"a-{draw(st.integers(0, 2))}", tuple(draw(st.lists(turn, min_size=1, max_size=8))))
        for i in range(n)
    ]  # fmt: skip


@SETTINGS
@given(contacts())
def test_scores_are_within_0_and_100_or_null(cs: list[Contact]) -> None:
    scores = score_contacts(cs, RUBRIC).scores
    assert scores.height == len(cs)
    for name in [*CRITERIA, "overall"]:
        values = scores[name].drop_nulls()
        assert values.is_between(0, 100).all()


@SETTINGS
@given(contacts())
def test_overall_lies_between_applicable_criteria(cs: list[Contact]) -> None:
    scores = score_contacts(cs, RUBRIC).scores
    for row in scores.iter_rows(named=True):
        applicable = [row[c] for c in CRITERIA if row[c] is not None]
        if not applicable:
            assert row["overall"] is None
            continue
        assert min(applicable) - 1e-9 <= row["overall"] <= max(applicable) + 1e-9


@given(
    st.dictionaries(st.sampled_from(CRITERIA), st.floats(0, 100, allow_nan=False), min_size=1),
    st.sampled_from(CRITERIA),
)
def test_not_applicable_never_lowers_the_overall(scores: dict[str, float], dropped: str) -> None:
    weights = RUBRIC.weights.emotional.as_dict()
    with_na: dict[str, float | None] = {**scores, dropped: None}
    without: dict[str, float | None] = {k: v for k, v in with_na.items() if k != dropped}
    assert overall_score(with_na, weights) == overall_score(without, weights)
    if scores.get(dropped) is not None and len(scores) > 1:
        kept = overall_score(without, weights)
        assert kept is not None
        assert kept >= min(v for k, v in scores.items() if k != dropped) - 1e-9


@SETTINGS
@given(contacts(), st.randoms(use_true_random=False))
def test_contact_order_does_not_change_an_agents_mean(cs: list[Contact], rnd: object) -> None:
    shuffled = list(cs)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]

    def means(batch: list[Contact]) -> dict[str, float | None]:
        s = score_contacts(batch, RUBRIC).scores
        agg = s.group_by("agent_id").agg(pl.col("overall").mean()).sort("agent_id")
        return dict(zip(agg["agent_id"], agg["overall"], strict=True))

    assert means(cs) == means(shuffled)
