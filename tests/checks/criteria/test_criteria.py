"""Each criterion on short transcripts written for it."""

from __future__ import annotations

from typing import Any

import pytest

from checks.rubric.rubric import Rubric
from checks.transcripts.transcript import Contact
from tests.checks.factories import ROUTINE, UPSET, contact, score


def one(rubric: Rubric, c: Contact) -> dict[str, Any]:
    return score(rubric, c).scores.row(0, named=True)


def test_empathy_not_applicable_without_distress(rubric: Rubric) -> None:
    row = one(rubric, contact(("c", ROUTINE), ("a", "Hello! We open at nine. Have a lovely day!")))
    assert row["empathy"] is None
    assert row["opportunity"] == "none"
    assert row["routine"] is True


def test_empathy_needed_and_shown_beats_missed(rubric: Rubric) -> None:
    shown = one(
        rubric,
        contact(
            ("c", UPSET),
            (
                "a",
                "That sounds really frustrating, so the refund still hasn't arrived.",
            ),
        ),
    )
    missed = one(rubric, contact(("c", UPSET), ("a", "Account number?")))
    assert shown["opportunity"] == "needed_shown"
    assert missed["opportunity"] == "needed_missed"
    assert shown["empathy"] > missed["empathy"]
    assert shown["empathy"] >= 80


def test_early_acknowledgement_scores_more_than_late(rubric: Rubric) -> None:
    early = contact(
        ("c", UPSET),
        ("a", "That sounds so stressful."),
        ("a", "Let me look."),
        ("a", "Still looking."),
        ("a", "Nearly there."),
    )
    late = contact(
        ("c", UPSET),
        ("a", "Let me look."),
        ("a", "Still looking."),
        ("a", "Nearly there."),
        ("a", "That sounds so stressful."),
    )
    assert one(rubric, early)["empathy"] > one(rubric, late)["empathy"]


def test_broken_record_lowers_empathy(rubric: Rubric) -> None:
    base = [("c", UPSET), ("a", "That sounds stressful.")]
    once = one(rubric, contact(*base, ("a", "I understand. One moment.")))
    twice = one(
        rubric,
        contact(*base, ("a", "I understand. One moment."), ("a", "I hear you. Nearly done.")),
    )
    assert twice["n_empty_understand"] == 2
    assert twice["empathy"] < once["empathy"]


def test_dismissive_reply_lowers_empathy_and_hospitality(rubric: Rubric) -> None:
    calm = one(rubric, contact(("c", UPSET), ("a", "That sounds stressful. Let me check.")))
    rude = one(
        rubric, contact(("c", UPSET), ("a", "That sounds stressful. Calm down, let me check."))
    )
    assert rude["n_dismissive"] == 1
    assert rude["empathy"] < calm["empathy"]
    assert rude["hospitality"] < calm["hospitality"]


def test_scripted_empathy_scores_less_than_genuine(rubric: Rubric) -> None:
    line = "I completely understand how frustrating this must be for you."
    scripted = [
        contact(("c", UPSET), ("a", f"{line} Ticket {i}."), cid=f"s-{i}", agent="a-s")
        for i in range(4)
    ]
    genuine = [
        contact(("c", UPSET), ("a", f"{line} Ticket {i}."), cid=f"g-{i}", agent=f"a-g{i}")
        for i in range(4)
    ]
    s = score(rubric, *scripted, *genuine).scores
    by_agent = dict(zip(s["agent_id"], s["empathy"], strict=True))
    assert by_agent["a-s"] < by_agent["a-g0"]


def test_compassion_needs_a_problem(rubric: Rubric) -> None:
    row = one(rubric, contact(("c", "Just saying thanks for last week!"), ("a", "Thank you!")))
    assert row["compassion"] is None


def test_compassion_full_marks(rubric: Rubric) -> None:
    row = one(
        rubric,
        contact(
            ("c", "My card was charged twice for one order."),
            ("a", "I'll refund the second charge now; you'll get an email within 24 hours."),
            ("c", "Great."),
            ("a", "Is there anything else I can help with?"),
        ),
    )
    assert row["compassion"] == 100


def test_compassion_confirmation_counts_more_near_close(rubric: Rubric) -> None:
    def build(confirm_first: bool) -> Contact:
        turns = [("a", "I'll refund the second charge."), ("a", "Done."), ("a", "Bye now.")]
        if confirm_first:
            turns[0] = ("a", "I'll refund the second charge. Does that help?")
        else:
            turns[2] = ("a", "Does that help?")
        return contact(("c", "My card was charged twice."), *turns)

    assert one(rubric, build(False))["compassion"] > one(rubric, build(True))["compassion"]


def test_action_before_empathy_earns_less_in_emotional_contact(rubric: Rubric) -> None:
    lead = contact(
        ("c", UPSET), ("a", "That sounds really stressful."), ("a", "I'll refund it today.")
    )
    rush = contact(
        ("c", UPSET), ("a", "I'll refund it today."), ("a", "That sounds really stressful.")
    )
    assert one(rubric, lead)["compassion"] > one(rubric, rush)["compassion"]


def test_one_apology_is_never_overload(rubric: Rubric) -> None:
    row = one(rubric, contact(("c", UPSET), ("a", "I'm sorry about that, I'll fix it now.")))
    assert row["sympathy_overload"] == 100


@pytest.mark.parametrize(
    ("agent_text", "n_apologies"),
    [
        ("Sorry. I'm so sorry. I really apologise.", 3),
        ("Sorry, sorry.", 2),
    ],
)
def test_apology_pile_is_overload(rubric: Rubric, agent_text: str, n_apologies: int) -> None:
    row = one(rubric, contact(("c", UPSET), ("a", agent_text)))
    assert row["n_apology"] == n_apologies
    assert row["sympathy_overload"] < 100


def test_two_apologies_over_many_turns_are_fine(rubric: Rubric) -> None:
    turns = [("a", "Sorry for the wait.")] + [("a", f"Step {i} done.") for i in range(5)]
    turns.append(("a", "Sorry again for the trouble."))
    row = one(rubric, contact(("c", UPSET), *turns))
    assert row["n_apology"] == 2
    assert row["sympathy_overload"] == 100


@pytest.mark.parametrize(
    "agent_text",
    [
        "Oh no, how awful, you poor thing.",
        "This makes me so angry too.",
        "They always mess this up, the warehouse team are useless.",
    ],
)
def test_pity_distress_and_co_blaming_lower_control(rubric: Rubric, agent_text: str) -> None:
    row = one(rubric, contact(("c", UPSET), ("a", agent_text)))
    assert row["sympathy_overload"] < 100


def test_hospitality_rewards_warmth(rubric: Rubric) -> None:
    warm = one(
        rubric,
        contact(
            ("a", "Good morning, thanks for calling!"),
            ("c", ROUTINE),
            ("a", "Of course, we open at nine. Have a lovely day!"),
        ),
    )
    curt = one(rubric, contact(("a", "Yes?"), ("c", ROUTINE), ("a", "Nine.")))
    assert warm["hospitality"] > curt["hospitality"]
    assert warm["hospitality"] >= 90


def test_routine_contact_weighs_hospitality_more(rubric: Rubric) -> None:
    w = rubric.weights
    assert w.routine.hospitality > w.emotional.hospitality
    row = one(rubric, contact(("c", ROUTINE), ("a", "Nine.")))
    assert row["routine"] is True
    expected = (
        row["sympathy_overload"] * w.routine.sympathy_overload
        + row["hospitality"] * w.routine.hospitality
    ) / (w.routine.sympathy_overload + w.routine.hospitality)
    assert row["overall"] == pytest.approx(expected)


def test_contact_without_agent_speech_has_no_scores(rubric: Rubric) -> None:
    row = one(rubric, contact(("c", UPSET), ("s", "The customer left the chat.")))
    assert all(row[c] is None for c in ("empathy", "compassion", "sympathy_overload", "overall"))


def test_an_apology_alone_is_formulaic_empathy(rubric: Rubric) -> None:
    sorry = one(rubric, contact(("c", UPSET), ("a", "Sorry about that, let me check.")))
    named = one(
        rubric, contact(("c", UPSET), ("a", "That sounds really frustrating, let me check."))
    )
    nothing = one(rubric, contact(("c", UPSET), ("a", "Let me check.")))
    assert sorry["opportunity"] == "needed_shown"
    assert nothing["opportunity"] == "needed_missed"
    assert nothing["empathy"] < sorry["empathy"] < named["empathy"]
    assert sorry["empathy"] == rubric.empathy.points_apology_only


def test_an_acknowledgement_shows_the_turn_before_was_an_emotional_moment(
    rubric: Rubric,
) -> None:
    quiet = "My flight got moved to tomorrow."
    row = one(rubric, contact(("c", quiet), ("a", "That's not the experience we want for you.")))
    assert row["opportunity"] == "needed_shown"
    plain = one(rubric, contact(("c", quiet), ("a", "Your new flight leaves at 9am.")))
    assert plain["opportunity"] == "none"


def test_compassion_counts_working_the_problem(rubric: Rubric) -> None:
    problem = "My card was charged for an order I cancelled."
    asks = one(rubric, contact(("c", problem), ("a", "Could you send us the order number?")))
    idle = one(rubric, contact(("c", problem), ("a", "Okay.")))
    acts = one(rubric, contact(("c", problem), ("a", "I'll refund it now, within 3 days.")))
    assert idle["compassion"] < asks["compassion"] < acts["compassion"]


def test_hospitality_ranks_warm_over_polite_over_hand_off(rubric: Rubric) -> None:
    cheerful = "Hi Sam! Happy to help, we open at nine. Have a lovely day!"
    warm = one(rubric, contact(("c", ROUTINE), ("a", cheerful)))
    polite = one(rubric, contact(("c", ROUTINE), ("a", "Hello, we open at nine.")))
    hand_off = one(rubric, contact(("c", ROUTINE), ("a", "See https://example.com/hours")))
    assert warm["hospitality"] > polite["hospitality"] > hand_off["hospitality"]
