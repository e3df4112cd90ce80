"""Compose one example conversation from the phrase banks, in a given agent style.

An emotional contact runs: greeting, the customer's complaint, the agent's first answer (the
style shows most here), a back-and-forth of details, questions and security checks, the agent's
resolution, the customer's verdict and the close. A routine contact is the same in miniature.
Every step draws from the contact's own ``random.Random`` in a fixed order, so a seed gives the
same conversation every time.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Literal

from flows.examples.personas import Persona
from flows.examples.phrases import PHRASES as P
from flows.examples.problems import Problem, Request
from flows.examples.slots import Slots
from flows.examples.talk import COMPETENT, Line, Talk, cap

# what the agent's last turn leaves the customer to do
Pending = Literal["none", "check", "calm", "deflect", "explore", "hold"]
# what the customer just did: (kind, the answer to give if it was a question)
Said = tuple[Literal["check", "ok", "distress", "detail", "question"], str]
QA = list[tuple[str, str]]


def _length_plan(length: int, fixed: int) -> int:
    return max(1, (length - fixed) // 2)


def _questions(t: Talk, question: Sequence[str], answer: Sequence[str], n_generic: int) -> QA:
    """The topic's own questions and answers, then ``n_generic`` any customer may ask."""
    qa = [*zip(question, answer, strict=True), *t.rng.sample(P.generic_qa, n_generic)]
    return [(q.format(**t.slots), a.format(**t.slots)) for q, a in qa]


# --- an upset customer with a real problem ----------------------------------------------------


def emotional_lines(
    rng: random.Random,
    persona: Persona,
    problem: Problem,
    slots: Slots,
    *,
    channel: str,
    length: int,
    pii: bool,
) -> list[Line]:
    """An upset customer with a real problem, handled in the persona's style."""
    t = Talk(rng, persona, slots, channel)
    t.head()
    _complain(t, problem)
    pending = _first_answer(t, problem)
    confirm = _will_confirm(t)
    loops = _length_plan(length, len(t.lines) + (4 if confirm else 2))
    if _back_and_forth(t, problem, pending, loops, pii=pii):
        t.add_to_first_customer_turn(t.pick(P.pii_answers))
    happy = t.style in COMPETENT
    t.say("customer", t.pick(P.customer_relieved if happy else P.customer_unhappy))
    _close(t, confirm, emotional=True, happy=happy)
    return t.lines


def _complain(t: Talk, problem: Problem) -> None:
    """The customer's opening: the problem and how they feel, in either order."""
    complaint = [t.pick(problem.opening), t.pick(P.distress)]
    if t.rng.random() < 0.4:
        complaint.reverse()
    t.say("customer", *complaint)


def _first_answer(t: Talk, problem: Problem) -> Pending:
    """The agent's answer to the complaint, where each style shows most."""
    reflect = t.pick(P.reflect_cue, reflect=t.pick(problem.reflect))
    ack = P.ack_bereavement if problem.domain == "bereavement" else P.acknowledge
    explore = t.pick(P.explore)
    style = t.style
    if style == "model":
        first = [t.pick(ack), reflect]
        pending: Pending = "explore" if t.rng.random() < 0.6 else "none"
        t.say("agent", *first, explore if pending == "explore" else "")
        return pending
    if style in ("host", "vague"):
        pending = "explore" if style == "vague" and t.rng.random() < 0.5 else "none"
        t.say("agent", t.pick(ack), reflect, explore if pending == "explore" else "")
        return pending
    if style == "dismissive":
        return _dismissive_first_answer(t, problem)
    if style == "overload":
        sorry = t.rng.sample(P.sorry_pile, 2)
        t.say("agent", t.pick(P.pity), *sorry, t.pick(P.agent_upset))
        return "none"
    if style == "broken_record":
        first_words = t.pick(P.understand)
    elif style == "scripted":
        first_words = P.script_line
    else:  # fixer
        first_words = t.pick(P.fix_first)
    t.say("agent", first_words, t.ask_check())
    return "check"


def _dismissive_first_answer(t: Talk, problem: Problem) -> Pending:
    """Calm down, have-you-tried, or straight to the security question."""
    openers: tuple[Pending, ...] = ("calm", "deflect", "check")
    opener = t.rng.choice(openers)
    if opener == "calm":
        t.say("agent", t.pick(P.calm_down), t.ask_check())
    elif opener == "deflect":
        t.say("agent", t.pick(problem.deflect))
    else:
        t.say("agent", t.ask_check())
    return opener


def _will_confirm(t: Talk) -> bool:
    """Whether the agent checks back before the farewell: competent styles always, others some."""
    style = t.style
    confirm = style in COMPETENT or (style == "vague" and t.rng.random() < 0.2)
    return confirm or (style in ("overload", "dismissive") and t.rng.random() < 0.4)


def _back_and_forth(t: Talk, problem: Problem, pending: Pending, loops: int, *, pii: bool) -> bool:
    """Customer and agent turns up to the resolution; True if the PII is still to be said."""
    checked = pending in ("check", "calm")
    details = [d.format(**t.slots) for d in problem.detail]
    t.rng.shuffle(details)
    qa = _questions(t, problem.question, problem.answer, 3)
    for i in range(loops):
        at_check = pending in ("check", "calm")
        said = _customer_reply(t, pending, details, qa, pii=pii and at_check)
        pii = pii and not at_check
        reply = _agent_react(t, said)
        if i == loops - 1:
            t.say("agent", reply, _resolution(t, problem))
            break
        pending = _agent_follow_up(t, reply, checked=checked)
        checked = True
    return pii


def _customer_reply(t: Talk, pending: Pending, details: list[str], qa: QA, *, pii: bool) -> Said:
    """Say the customer's next line; return what kind of line it was."""
    if pending in ("check", "calm"):
        extra = t.pick(P.dont_calm) if pending == "calm" else ""
        t.say("customer", extra, t.check_answer(pii))
        return ("check", "")
    if pending == "hold":
        t.say("customer", t.pick(P.customer_ok))
        return ("ok", "")
    if pending == "deflect":
        t.say("customer", t.pick(P.tried), t.pick(P.distress_again))
        return ("distress", "")
    roll = t.rng.random()
    if details and (pending == "explore" or roll < 0.45):
        t.say("customer", details.pop())
        return ("detail", "")
    if qa and roll < 0.75:
        q, a = qa.pop(0)
        t.say("customer", q)
        return ("question", a)
    t.say("customer", t.pick(P.distress_again))
    return ("distress", "")


def _agent_react(t: Talk, said: Said) -> str:
    """The first part of the agent's turn: a reaction to what the customer just said."""
    kind, answer = said
    if kind in ("check", "ok"):
        return _react_to_answer(t, waited=kind == "ok")
    if kind == "question":
        return _react_to_question(t, answer)
    return _react_to_story(t, distress=kind == "distress")


def _react_to_answer(t: Talk, *, waited: bool) -> str:
    """After the security answer, or after the customer agreed to hold."""
    style = t.style
    if style == "dismissive":
        return t.pick(P.detail_flat)
    if style == "overload":
        return t.pick(P.sorry_pile)
    if style == "broken_record" and waited:
        return t.pick(P.understand)
    return t.pick(P.thanks_after_check)


def _react_to_question(t: Talk, answer: str) -> str:
    """The answer to the customer's question, unless the style has none to give."""
    style = t.style
    if style == "dismissive":
        return t.pick(P.dismiss)
    if style == "vague":
        return t.pick(P.vague_answer)
    if style == "overload":
        return "Honestly, I don't know. " + t.pick(P.sorry_pile)
    return answer


def _react_to_story(t: Talk, *, distress: bool) -> str:
    """After a detail of the problem, or after more distress."""
    style = t.style
    if style in ("model", "host"):
        return t.pick(P.acknowledge if distress else P.detail_warm)
    if style == "vague":
        return t.pick(P.acknowledge if distress else P.detail_vague)
    if style == "dismissive":
        return t.pick(P.calm_down if distress and t.rng.random() < 0.5 else P.dismiss)
    if style == "overload":
        parts = [t.pick(P.pity if t.rng.random() < 0.5 else P.co_blame), t.pick(P.sorry_pile)]
        return " ".join(parts)
    if style == "broken_record":
        return t.pick(P.understand)
    if style == "scripted":
        return t.pick(P.detail_scripted)
    return t.pick(P.detail_fixer)


def _agent_follow_up(t: Talk, reply: str, *, checked: bool) -> Pending:
    """The rest of a middle agent turn: the security question, a question, a hold or nothing."""
    if not checked:
        t.say("agent", reply, t.ask_check())
        return "check"
    if t.style in ("model", "vague") and t.rng.random() < 0.3:
        t.say("agent", reply, t.pick(P.explore))
        return "explore"
    if not t.held and t.rng.random() < 0.3:
        t.say("agent", reply, t.hold())
        return "hold"
    t.say("agent", reply or t.pick(P.detail_flat))
    return "none"


def _resolution(t: Talk, problem: Problem) -> str:
    """What the agent finally does about the problem, in its style."""
    style = t.style
    rng = t.rng
    own = t.pick(P.own_cue, action=t.pick(problem.action))
    nxt = cap(t.pick(P.next_cue, next=t.pick(problem.next_step)))
    if style == "model":
        sorry = t.pick(P.one_apology) if rng.random() < 0.35 else ""
        return " ".join(p for p in (sorry, own, nxt) if p)
    if style in ("host", "scripted", "fixer"):
        return f"{own} {nxt}"
    if style == "broken_record":
        return f"{t.pick(P.understand)} {own} {nxt}"
    if style == "dismissive":
        return t.pick(P.logged_flat if rng.random() < 0.5 else problem.deflect)
    if style == "overload":
        return " ".join((t.pick(P.vague_note), t.pick(P.sorry_pile), t.pick(P.co_blame)))
    return f"{t.pick(P.vague_hope)} {t.pick(P.vague_redirect)}"


def _close(t: Talk, confirm: bool, *, emotional: bool, happy: bool = True) -> None:
    """Confirmation (when the style checks back), the customer's goodbye, the farewell."""
    style = t.style
    flat = style == "dismissive"
    if confirm:
        if flat:
            ask = t.pick(P.close_flat)
        elif style == "overload":
            ask = "Is there anything else? " + t.pick(P.sorry_pile)
        elif style == "fixer" and emotional and t.rng.random() < 0.5:
            ask = f"{t.pick(P.late_ack)} {t.pick(P.confirm)}"
        else:
            ask = t.pick(P.confirm)
        t.say("agent", ask)
        t.say("customer", t.pick(P.customer_done if happy else P.customer_curt))
    bye = P.farewell_flat if flat else P.farewell_warm if happy else P.farewell_neutral
    t.say("agent", t.pick(bye))


# --- a calm routine request -------------------------------------------------------------------


def routine_lines(
    rng: random.Random,
    persona: Persona,
    request: Request,
    slots: Slots,
    *,
    channel: str,
    length: int,
    pii: bool,
) -> list[Line]:
    """A calm, routine request, answered in the persona's style."""
    t = Talk(rng, persona, slots, channel)
    t.head()
    t.say("customer", t.pick(P.routine_lead), t.pick(request.ask))
    t.say("agent", _routine_opener(t), t.ask_check())
    brief = t.style == "dismissive" and rng.random() < 0.5
    loops = _length_plan(length, len(t.lines) + (2 if brief else 4))
    qa = _questions(t, request.question, request.answer, 1)
    pending: Pending = "check"
    for i in range(loops):
        react = _routine_react(t, _routine_reply(t, pending, qa, pii=pii))
        if i == loops - 1:
            t.say("agent", react, cap(t.pick(request.done)) + ".", t.pick(request.info))
            break
        pending = "hold" if not t.held and rng.random() < 0.4 else "none"
        t.say("agent", react, t.hold() if pending == "hold" else "")
    t.say("customer", t.pick(P.customer_thanks))
    if brief:
        t.say("agent", t.pick(P.farewell_flat))
    else:
        _close(t, True, emotional=False)
    return t.lines


def _routine_opener(t: Talk) -> str:
    """The agent's first words on hearing the request."""
    style = t.style
    if style == "dismissive":
        return t.pick(P.routine_flat)
    if style == "overload":
        return t.pick(P.routine_sorry)
    if style == "broken_record":
        return t.pick(P.understand)
    if style == "scripted" and t.rng.random() < 0.65:
        return P.script_line
    return t.pick(P.routine_warm)


def _routine_reply(t: Talk, pending: Pending, qa: QA, *, pii: bool) -> Said:
    """The customer's next line in a routine contact: the security answer, okay, or a question."""
    if pending == "check":
        t.say("customer", t.check_answer(pii))
        return ("check", "")
    if pending != "hold" and qa:
        q, a = qa.pop(0)
        t.say("customer", q)
        return ("question", a)
    t.say("customer", t.pick(P.customer_ok))
    return ("ok", "")


def _routine_react(t: Talk, said: Said) -> str:
    """The agent's answer, or a thank-you; the overload style adds an apology."""
    kind, answer = said
    if kind == "question":
        react = answer
    else:
        react = t.pick(P.detail_flat if t.style == "dismissive" else P.thanks_after_check)
    if t.style == "overload" and t.rng.random() < 0.6:
        react = f"{react} {t.pick(P.sorry_pile)}"
    return react
