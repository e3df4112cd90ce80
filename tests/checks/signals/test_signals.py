# ruff: noqa: E501
"""Per-signal detection: hits, near misses and negations/quotes, with exact evidence spans."""

from __future__ import annotations

import pytest

from checks.rubric.rubric import Rubric
from checks.signals.signals import phrase_regex
from checks.transcripts.transcript import SIGNALS
from tests.checks.factories import contact, found, score

UPSET = "My parcel still hasn't arrived and I'm really fed up with this."


CALM = "Hi, could you tell me your opening hours on Saturday please?"


DONE = "I already sent you my order number yesterday."


# (signal, customer text before, agent text, expected matched substrings in the agent turn):
# hits, near misses and the ways support agents write: team voice ("we'll", "let us"), DM
# hand-offs, links with a purpose, speech-recognition text without capitals or apostrophes.
AGENT_CASES = [
    ('acknowledges_feeling', UPSET, 'That sounds really frustrating.', ['That sounds really frustrating']),
    ('acknowledges_feeling', UPSET, "I can see why you'd be upset about this.", ["I can see why you'd be upset"]),
    ('acknowledges_feeling', UPSET, "It makes complete sense that you're annoyed.", ['makes complete sense']),
    ('acknowledges_feeling', UPSET, "I'd be frustrated too.", ["I'd be frustrated"]),
    ('acknowledges_feeling', UPSET, 'We hate hearing that your delivery went wrong.', ['We hate hearing']),
    ('acknowledges_feeling', UPSET, "That's not the experience we want for you.", ['not the experience']),
    ('acknowledges_feeling', UPSET, 'Sorry for the frustration this has caused.', ['Sorry for the frustration']),
    ('acknowledges_feeling', UPSET, "that doesn't sound good at all", ["that doesn't sound good"]),
    ('acknowledges_feeling', UPSET, 'we know how important this delivery is to you', ['we know how important']),
    ('acknowledges_feeling', UPSET, "It's completely normal to feel worried about this.", ["It's completely normal to feel"]),
    ('acknowledges_feeling', UPSET, "I'm so sorry. That must be awful.", ['That must be awful']),
    ('acknowledges_feeling', UPSET, 'It sounds like the label was printed twice.', []),
    ('acknowledges_feeling', UPSET, "I'm so sorry for the delay.", []),
    ('acknowledges_feeling', UPSET, 'Sorry to hear that.', []),
    ('acknowledges_feeling', UPSET, 'Apologies for any inconvenience.', []),
    ('acknowledges_feeling', UPSET, "I'm sorry you feel that way.", []),
    ('acknowledges_feeling', UPSET, 'I hope you have a great day.', []),
    ('acknowledges_feeling', UPSET, 'Please DM us your order number.', []),
    ('explores', UPSET, 'What happened when the driver came?', ['What happened']),
    ('explores', UPSET, 'How has this been affecting you?', ['How has this been affecting you']),
    ('explores', UPSET, "Can you tell us more about what's going on?", ['tell us more', "what's going on"]),
    ('explores', UPSET, "DM us more details about what happened and we'll take a look.", ['more details about what']),
    ('explores', UPSET, 'what seems to be the problem with the app', ['what seems to be']),
    ('explores', UPSET, 'Could I have your account number?', []),
    ('explores', UPSET, 'What is your order number?', []),
    ('explores', UPSET, 'Have you restarted the app?', []),
    ('explores', UPSET, 'Which version of the app are you on?', []),
    ('explores', CALM, 'Is there anything else I can help with?', []),
    ('empty_understand', UPSET, 'I understand. Let me look.', ['I understand']),
    ('empty_understand', UPSET, 'We understand.', ['We understand']),
    ('empty_understand', UPSET, 'I hear you.', ['I hear you']),
    ('empty_understand', UPSET, 'I understand your frustration.', []),
    ('empty_understand', UPSET, "I don't understand the error code.", []),
    ('dismissive', UPSET, 'Please calm down.', ['calm down']),
    ('dismissive', UPSET, "There's nothing we can do about it.", ['nothing we can do']),
    ('dismissive', UPSET, 'Have you tried tracking it online?', ['Have you tried']),
    ('dismissive', UPSET, "That's our policy, I'm afraid.", ["That's our policy"]),
    ('dismissive', UPSET, "We're sorry you feel that way.", ['sorry you feel that way']),
    ('dismissive', UPSET, 'You would need to contact the courier directly.', ['You would need to contact']),
    ('dismissive', UPSET, "We're unable to offer a refund on this order.", ["We're unable to offer"]),
    ('dismissive', DONE, 'Please DM us your order number.', ['DM us your order']),
    ('dismissive', UPSET, "I'm sorry, that sounds stressful. Have you tried the app?", []),
    ('dismissive', CALM, 'Have you tried the website?', []),
    ('dismissive', CALM, 'Please DM us your order number.', []),
    ('dismissive', UPSET, "That's not a problem at all, I'll sort it.", []),
    ('takes_ownership', UPSET, "I'll refund the delivery fee now.", ["I'll refund"]),
    ('takes_ownership', UPSET, "I've gone ahead and sent a replacement.", ["I've gone ahead and sent"]),
    ('takes_ownership', UPSET, 'Let me escalate this to the depot.', ['Let me escalate']),
    ('takes_ownership', UPSET, "We'll look into this for you.", ["We'll look"]),
    ('takes_ownership', UPSET, 'Let us check on that parcel.', ['Let us check']),
    ('takes_ownership', UPSET, 'Please DM us your order number so we can get this sorted.', ['so we can get this']),
    ('takes_ownership', UPSET, 'Our team is already looking into it.', ['Our team is already looking']),
    ('takes_ownership', UPSET, 'your case has been escalated to our delivery team', ['has been escalated']),
    ('takes_ownership', UPSET, 'we ll chase the courier today', ['we ll chase']),
    ('takes_ownership', UPSET, 'I have your address here.', []),
    ('takes_ownership', UPSET, "I won't be able to refund that.", []),
    ('takes_ownership', UPSET, 'Please contact the store.', []),
    ('takes_ownership', UPSET, 'Please DM us.', []),
    ('takes_ownership', UPSET, "We're here to help!", []),
    ('next_step', UPSET, "You'll get an email within 24 hours.", ["You'll get", 'within 24 hours']),
    ('next_step', UPSET, 'It will be with you by Friday.', ['by Friday']),
    ('next_step', UPSET, 'The refund shows in 3-5 business days.', ['in 3-5 business days']),
    ('next_step', UPSET, 'Please restart the app and sign in again.', ['Please restart']),
    ('next_step', UPSET, 'This article explains the steps: https://example.com/help/tracking', ['steps: https://example.com/help/tracking']),
    ('next_step', UPSET, 'you can track it under my orders in the app', ['you can track']),
    ('next_step', UPSET, "We'll see what happens.", []),
    ('next_step', UPSET, "We'll be in touch soon.", []),
    ('next_step', UPSET, 'Please DM us here: https://example.com/dm', []),
    ('next_step', UPSET, 'Have you restarted the app?', []),
    ('confirms_resolution', CALM, 'Is there anything else I can help with?', ['Is there anything else']),
    ('confirms_resolution', CALM, 'Did that fix it for you?', ['Did that fix']),
    ('confirms_resolution', UPSET, 'Let us know if that helps!', ['Let us know if']),
    ('confirms_resolution', UPSET, 'Anything else we can do?', ['Anything else']),
    ('confirms_resolution', UPSET, 'keep us posted on how it goes', ['keep us posted']),
    ('confirms_resolution', CALM, 'Thanks for calling.', []),
    ('confirms_resolution', UPSET, 'Let us know your order number.', []),
    ('apology', UPSET, "I'm so sorry about the delay.", ['sorry']),
    ('apology', UPSET, 'I do apologise for that.', ['apologise']),
    ('apology', UPSET, 'We apologize for the trouble!', ['apologize']),
    ('apology', UPSET, "I'm not sorry for following the rules.", []),
    ('apology', UPSET, 'Sorry, could you repeat that?', []),
    ('apology', UPSET, 'You said "sorry" earlier, but nothing changed.', []),
    ('apology', UPSET, 'Sorry you feel that way.', []),
    ('pity', UPSET, "Oh no, that's terrible!", ['Oh no', "that's terrible"]),
    ('pity', UPSET, 'You poor thing.', ['You poor thing']),
    ('pity', UPSET, 'Oh noooo! Let me check.', ['Oh noooo']),
    ('pity', UPSET, "That isn't terrible at all, it is easy to fix.", []),
    ('agent_distress', UPSET, 'Honestly this makes me so angry too.', ['makes me so angry']),
    ('agent_distress', UPSET, "I'm furious for you.", ["I'm furious for"]),
    ('agent_distress', UPSET, "I'm not angry with you at all.", []),
    ('co_blaming', UPSET, 'They always mess this up, the courier is useless.', ['They always mess this', 'the courier is useless']),
    ('co_blaming', UPSET, 'Our warehouse team are completely useless.', ['Our warehouse team are completely useless']),
    ('co_blaming', UPSET, 'The courier will collect it tomorrow.', []),
    ('warmth', CALM, 'Good morning! Thanks for calling. Have a lovely day.', ['Good morning', 'Have a lovely day', 'Thanks for calling']),
    ('warmth', CALM, 'Hi Sam! Happy to help :)', [' :)', 'Happy to help', 'Hi Sam']),
    ('warmth', CALM, "We're open nine to five, glad to help.", ['glad to help']),
    ('warmth', CALM, 'Open nine to five.', []),
    ('warmth', CALM, 'Please send us your postcode.', []),
    ('warmth', CALM, 'This is the history of the account.', []),
]  # fmt: skip


@pytest.mark.parametrize(("signal", "before", "text", "expected"), AGENT_CASES)
def test_agent_signal(
    rubric: Rubric, signal: str, before: str, text: str, expected: list[str]
) -> None:
    batch = score(rubric, contact(("c", before), ("a", text)))
    assert sorted(found(batch, signal, turn=1)) == sorted(expected)


CUSTOMER_CASES = [
    ("This is the third time I've called about this!", True),
    ("If this isn't fixed I'm going to cancel my contract.", True),
    ('I need this sorted urgently, my rent is due.', True),
    ("I'm absolutely furious, this is a disgrace and a terrible service.", True),
    ('Everything is awful, horrible and a total disaster.', True),
    ('Thanks for ruining my weekend, great service as always', True),
    ('STILL NO REFUND AFTER TWO WEEKS', True),
    ('been on hold for 45 minutes and still nobody answers', True),
    ('I already sent my details twice, why do I have to do it again??', True),
    ('wtf is going on with your app 😡', True),
    ('this is ridiculous i have been waiting all day', True),
    ('Hi, can I change my delivery address please?', False),
    ("I'm not angry, I just want to know the opening hours.", False),
    ("Thanks, that's lovely, have a good day.", False),
    ('No problem.', False),
    ('No worries at all, thanks!', False),
    ('I have no complaints, it arrived fine.', False),
    ("my order hasn't arrived yet, when will it come?", False),
    ('Can I still get the discount?', False),
    ('You said it would arrive Monday but still nothing.', True),
    ('They promised me a call back and nobody rang.', True),
    ('this is the third time i called about this and still nothing', True),
    ('your rudest agent hung up on me', True),
    ('I was told I would get a refund, when will it come?', False),
]  # fmt: skip


@pytest.mark.parametrize(("text", "distressed"), CUSTOMER_CASES)
def test_customer_distress(rubric: Rubric, text: str, distressed: bool) -> None:
    batch = score(rubric, contact(("c", text), ("a", "Thanks for getting in touch.")))
    assert bool(found(batch, "customer_distress", turn=0)) is distressed


def test_customer_quoting_agent_is_not_an_agent_signal(rubric: Rubric) -> None:
    batch = score(
        rubric,
        contact(("c", "Your colleague said 'calm down' and 'that's terrible'."), ("a", "Thanks.")),
    )
    assert found(batch, "dismissive") == []
    assert found(batch, "pity") == []


def test_agent_quoting_customer_is_not_pity(rubric: Rubric) -> None:
    batch = score(
        rubric,
        contact(("c", UPSET), ("a", 'You wrote "what a nightmare" - let me fix that now.')),
    )
    assert found(batch, "pity") == []


def test_evidence_spans_point_into_the_turn_text(rubric: Rubric) -> None:
    texts = [UPSET, "Héllo! I’m sorry — that sounds stressful. I'll refund it by Friday."]
    batch = score(rubric, contact(("c", texts[0]), ("a", texts[1])))
    assert batch.findings.height >= 4
    for row in batch.findings.iter_rows(named=True):
        assert texts[row["turn"]][row["start"] : row["end"]] == row["text"]


def test_curly_apostrophe_matches_straight_phrase(rubric: Rubric) -> None:
    batch = score(rubric, contact(("c", UPSET), ("a", "I’ll refund it and I’d be upset too.")))
    assert found(batch, "takes_ownership") == ["I’ll refund"]
    assert found(batch, "acknowledges_feeling") == ["I’d be upset"]


def test_word_boundaries(rubric: Rubric) -> None:
    batch = score(rubric, contact(("c", CALM), ("a", "This history shows thistle, hijinks.")))
    assert found(batch, "warmth") == []


def test_every_signal_is_detectable(rubric: Rubric) -> None:
    covered = {case[0] for case in AGENT_CASES} | {
        "customer_distress",
        "reflects_problem",
        "scripted_line",
    }
    assert covered == set(SIGNALS)


@pytest.mark.parametrize(
    ("phrase", "text", "hit"),
    [
        ("i'm sorry", "I’m   sorry", True),
        ("sorry", "sorrys", False),
        ("a.b", "axb", False),
        ("a.b", "a.b", True),
    ],
)
def test_phrase_regex(phrase: str, text: str, hit: bool) -> None:
    import polars as pl

    got = pl.Series([text]).str.contains("(?i)" + phrase_regex(phrase)).item()
    assert got is hit
