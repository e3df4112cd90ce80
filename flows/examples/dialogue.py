"""Compose one example conversation from the phrase banks, in a given agent style."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

from checks.transcripts.transcript import Speaker, Turn
from flows.examples import lines as L
from flows.examples.personas import LAST_NAMES, Persona, Style
from flows.examples.problems import Problem, Request

Line = tuple[Speaker, str]
Slots = dict[str, str]

TEST_CARDS = (
    "4111 1111 1111 1111",
    "5555 5555 5555 4444",
    "4012 8888 8888 1881",
    "6011 1111 1111 1117",
    "5105 1051 0510 5100",
    "3782 822463 10005",
)
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
CUSTOMER_NAMES = (
    "Aisha", "Bernard", "Carla", "Dominic", "Edith", "Felix", "Gemma", "Harold", "Imogen",
    "Jamal", "Keira", "Leon", "Marisol", "Neil", "Orla", "Patrick", "Rhea", "Stefan", "Tilly",
    "Umar", "Valerie", "Wendell", "Ximena", "Yusuf", "Zara", "Agnes", "Bruno", "Celine",
)  # fmt: skip
PRODUCTS = (
    "standing desk", "espresso machine", "pair of trail shoes", "kettle", "laptop bag",
    "air fryer", "garden bench", "baby monitor", "winter coat", "robot vacuum", "saucepan set",
    "bike helmet", "pair of headphones", "bookcase", "mattress topper", "cordless drill", "tablet",
    "office chair", "wool rug", "blender", "lamp", "toaster",
)  # fmt: skip
PLANS = ("Unlimited 30", "Family Share", "SIM Saver", "Premium TV", "Fibre 500", "Plus")
CITIES = (
    "Lisbon", "Denver", "Glasgow", "Toronto", "Kraków", "Dublin", "Porto", "Seville", "Oslo",
    "Boston", "Edinburgh", "Vienna", "Malaga", "Bergen",
)  # fmt: skip
RELATIVES = (
    ("mother", "she", "her"), ("father", "he", "his"), ("husband", "he", "his"),
    ("wife", "she", "her"), ("grandmother", "she", "her"), ("brother", "he", "his"),
    ("partner", "they", "their"), ("aunt", "she", "her"), ("uncle", "he", "his"),
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CLAIM_ITEMS = ("burst pipe", "stolen bike", "cracked windscreen", "flooded kitchen", "lost ring")
STREETS = ("Alder Road", "Mill Lane", "Harbour Street", "Orchard Close", "Station Road", "Elm Way")
NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _spoken(digits: str) -> str:
    groups = digits.split()
    return ", ".join(" ".join(DIGIT_WORDS[int(d)] for d in g) for g in groups)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def make_slots(
    rng: random.Random, persona: Persona, brand: str, started_at: datetime, third_party: str
) -> Slots:
    """Draw the slot values (names, amounts, dates, PII) for one contact."""
    name = rng.choice(CUSTOMER_NAMES)
    surname = rng.choice(LAST_NAMES)
    low = rng.randint(9, 240)
    cents = rng.choice(("00", "49", "99", "50", "20", "75"))
    relative, they, their = rng.choice(RELATIVES)
    products = rng.sample(PRODUCTS, 2)
    hour = started_at.hour
    daypart = "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"
    card = rng.choice(TEST_CARDS)
    phone = f"07700 900{rng.randint(0, 999):03d}"
    return {
        "name": name,
        "agent": persona.first_name,
        "brand": brand,
        "daypart": f"Good {daypart}",
        "daypart_short": daypart,
        "amount": f"${low}.{cents}",
        "amount2": f"${low + rng.randint(12, 90)}.{cents}",
        "plan": rng.choice(PLANS),
        "product": products[0],
        "product2": products[1],
        "date": rng.choice(("last ", "on ", "this past ")) + rng.choice(WEEKDAYS[:5]),
        "next_day": rng.choice(WEEKDAYS),
        "city": rng.choice(CITIES),
        "days": rng.choice(NUMBER_WORDS),
        "weeks": rng.choice(NUMBER_WORDS),
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
        "claim_item": rng.choice(CLAIM_ITEMS),
        "postcode": f"{rng.choice('BLMNS')}{rng.choice('EKRS')}{rng.randint(1, 19)}"
        f" {rng.randint(1, 9)}{rng.choice('ADHPT')}{rng.choice('BLQWX')}",
        "dob": f"{_ordinal(rng.randint(1, 28))} of {rng.choice(MONTHS)} {rng.randint(1944, 2004)}",
        "street": f"{rng.randint(2, 140)} {rng.choice(STREETS)}",
        "email": f"{name.lower()}.{surname.lower()}{rng.randint(1, 99)}@example.com",
        "phone": phone,
        "card": card,
        "spoken_card": _spoken(card),
        "spoken_phone": _spoken(phone),
        "ordinal": _ordinal(rng.choice((1, 5, 10, 15, 20, 25, 28))),
        "points": f"{rng.randint(100, 999)}",
        "reading": f"{rng.randint(10000, 99999)}",
        "third_party": third_party,
    }


MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

COMPETENT: frozenset[Style] = frozenset({"model", "host", "broken_record", "scripted", "fixer"})
WARM: frozenset[Style] = frozenset({"model", "host", "scripted", "fixer", "vague", "overload"})


class _Talk:
    """Builds one conversation turn by turn, filling slots as it goes."""

    def __init__(self, rng: random.Random, persona: Persona, slots: Slots, channel: str) -> None:
        self.rng = rng
        self.style: Style = persona.style
        self.slots = slots
        self.channel = channel
        self.lines: list[Line] = []
        self.check_idx = 0
        self.held = False

    def pick(self, bank: Sequence[str], **extra: str) -> str:
        return self.rng.choice(bank).format(**self.slots, **extra)

    def say(self, speaker: Speaker, *parts: str) -> None:
        text = " ".join(p for p in parts if p)
        if self.channel == "chat":
            text = text.replace("for calling", "for getting in touch")
        self.lines.append((speaker, _cap(text)))

    def hold(self) -> str:
        self.held = True
        return self.pick(L.HOLD_ASK)

    def head(self) -> None:
        if self.channel == "chat" and self.rng.random() < 0.5:
            self.say("system", f"{self.slots['agent']} joined the chat.")
        if self.channel == "chat" and self.rng.random() < 0.3:
            self.say("customer", self.pick(L.CUSTOMER_HELLO))
        greet = L.GREET_FLAT if self.style == "dismissive" else L.GREET_WARM
        self.say("agent", self.pick(greet))

    def ask_check(self) -> str:
        bank = L.ASK_CHECK_FLAT if self.style == "dismissive" else L.ASK_CHECK_WARM
        self.check_idx = self.rng.randrange(len(bank))
        return bank[self.check_idx].format(**self.slots)

    def check_answer(self, pii: bool) -> str:
        answer = L.CHECK_ANSWERS[self.check_idx].format(**self.slots)
        if not pii:
            return answer
        spoken = self.channel == "voice" and self.rng.random() < 0.5
        return f"{answer} {self.pick(L.PII_SPOKEN if spoken else L.PII_ANSWERS)}"


def _length_plan(length: int, fixed: int) -> int:
    return max(1, (length - fixed) // 2)


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
    t = _Talk(rng, persona, slots, channel)
    style = persona.style
    t.head()
    complaint = [t.pick(problem.opening), t.pick(L.DISTRESS)]
    if rng.random() < 0.4:
        complaint.reverse()
    t.say("customer", *complaint)
    bereaved = problem.domain == "bereavement"
    reflect = t.pick(L.REFLECT_CUE, reflect=t.pick(problem.reflect))
    ack_bank = L.ACK_BEREAVEMENT if bereaved else L.ACKNOWLEDGE
    explore = t.pick(L.EXPLORE)
    pending: str
    if style == "model":
        first = [t.pick(ack_bank), reflect]
        pending = "explore" if rng.random() < 0.6 else "none"
        t.say("agent", *first, explore if pending == "explore" else "")
    elif style in ("host", "vague"):
        pending = "explore" if style == "vague" and rng.random() < 0.5 else "none"
        t.say("agent", t.pick(ack_bank), reflect, explore if pending == "explore" else "")
    elif style == "dismissive":
        opener = rng.choice(("calm", "deflect", "check"))
        if opener == "calm":
            t.say("agent", t.pick(L.CALM_DOWN), t.ask_check())
        elif opener == "deflect":
            t.say("agent", t.pick(problem.deflect))
        else:
            t.say("agent", t.ask_check())
        pending = opener
    elif style == "overload":
        sorry = rng.sample(L.SORRY_PILE, 2)
        t.say("agent", t.pick(L.PITY), *sorry, t.pick(L.AGENT_UPSET))
        pending = "none"
    elif style == "broken_record":
        t.say("agent", t.pick(L.UNDERSTAND), t.ask_check())
        pending = "check"
    elif style == "scripted":
        t.say("agent", L.SCRIPT_LINE, t.ask_check())
        pending = "check"
    else:  # fixer
        t.say("agent", t.pick(L.FIX_FIRST), t.ask_check())
        pending = "check"

    confirm = style in COMPETENT or (style == "vague" and rng.random() < 0.2)
    confirm = confirm or (style in ("overload", "dismissive") and rng.random() < 0.4)
    tail = 4 if confirm else 2
    loops = _length_plan(length, len(t.lines) + tail)
    checked = pending == "check" or pending == "calm"
    asked = 0
    details = [d.format(**slots) for d in problem.detail]
    rng.shuffle(details)
    qa = list(zip(problem.question, problem.answer, strict=True)) + rng.sample(L.GENERIC_QA, 3)
    qa = [(q.format(**slots), a.format(**slots)) for q, a in qa]
    for i in range(loops):
        last = i == loops - 1
        said = _customer_reply(t, pending, details, qa, pii=pii and pending in ("check", "calm"))
        if pending in ("check", "calm"):
            pii = False
        reply = _agent_react(t, problem, said, asked)
        pending = "none"
        if last:
            t.say("agent", reply, _resolution(t, problem))
            break
        if not checked:
            checked = True
            pending = "check"
            t.say("agent", reply, t.ask_check())
        elif style in ("model", "vague") and rng.random() < 0.3:
            pending = "explore"
            t.say("agent", reply, t.pick(L.EXPLORE))
        elif not t.held and rng.random() < 0.3:
            pending = "hold"
            t.say("agent", reply, t.hold())
        else:
            t.say("agent", reply or t.pick(L.DETAIL_FLAT))
        asked += said[0] == "question"
    if pii:
        idx = next(i for i, (s, _) in enumerate(t.lines) if s == "customer")
        extra = t.pick(L.PII_ANSWERS)
        t.lines[idx] = ("customer", f"{t.lines[idx][1]} {extra}")
    happy = style in COMPETENT
    t.say("customer", t.pick(L.CUSTOMER_RELIEVED if happy else L.CUSTOMER_UNHAPPY))
    _close(t, confirm, emotional=True, happy=happy)
    return t.lines


def _customer_reply(
    t: _Talk, pending: str, details: list[str], qa: list[tuple[str, str]], *, pii: bool
) -> tuple[str, str]:
    """Say the customer's next line; return (kind, answer-for-a-question)."""
    rng = t.rng
    if pending in ("check", "calm"):
        extra = t.pick(L.DONT_CALM) if pending == "calm" else ""
        t.say("customer", extra, t.check_answer(pii))
        return ("check", "")
    if pending == "hold":
        t.say("customer", t.pick(L.CUSTOMER_OK))
        return ("ok", "")
    if pending == "deflect":
        t.say("customer", t.pick(L.TRIED), t.pick(L.DISTRESS_AGAIN))
        return ("distress", "")
    roll = rng.random()
    if details and (pending == "explore" or roll < 0.45):
        t.say("customer", details.pop())
        return ("detail", "")
    if qa and roll < 0.75:
        q, a = qa.pop(0)
        t.say("customer", q)
        return ("question", a)
    t.say("customer", t.pick(L.DISTRESS_AGAIN))
    return ("distress", "")


def _agent_react(t: _Talk, problem: Problem, said: tuple[str, str], asked: int) -> str:
    """The first part of the agent's turn: a reaction to what the customer just said."""
    kind, answer = said
    style = t.style
    rng = t.rng
    if kind == "check" or kind == "ok":
        if style == "dismissive":
            return t.pick(L.DETAIL_FLAT)
        if style == "overload":
            return t.pick(L.SORRY_PILE)
        if style == "broken_record" and kind == "ok":
            return t.pick(L.UNDERSTAND)
        return t.pick(L.THANKS_AFTER_CHECK)
    if kind == "question":
        if style == "dismissive":
            return t.pick(L.DISMISS)
        if style == "vague":
            return t.pick(L.VAGUE_ANSWER)
        if style == "overload":
            return "Honestly, I don't know. " + t.pick(L.SORRY_PILE)
        return answer
    distress = kind == "distress"
    if style in ("model", "host"):
        return t.pick(L.ACKNOWLEDGE if distress else L.DETAIL_WARM)
    if style == "vague":
        return t.pick(L.ACKNOWLEDGE if distress else L.DETAIL_VAGUE)
    if style == "dismissive":
        return t.pick(L.CALM_DOWN if distress and rng.random() < 0.5 else L.DISMISS)
    if style == "overload":
        parts = [t.pick(L.PITY if rng.random() < 0.5 else L.CO_BLAME), t.pick(L.SORRY_PILE)]
        return " ".join(parts)
    if style == "broken_record":
        return t.pick(L.UNDERSTAND)
    if style == "scripted":
        return t.pick(L.DETAIL_SCRIPTED)
    return t.pick(L.DETAIL_FIXER)


def _resolution(t: _Talk, problem: Problem) -> str:
    """What the agent finally does about the problem, in its style."""
    style = t.style
    rng = t.rng
    own = t.pick(L.OWN_CUE, action=t.pick(problem.action))
    nxt = _cap(t.pick(L.NEXT_CUE, next=t.pick(problem.next_step)))
    if style == "model":
        sorry = t.pick(L.ONE_APOLOGY) if rng.random() < 0.35 else ""
        return " ".join(p for p in (sorry, own, nxt) if p)
    if style in ("host", "scripted", "fixer"):
        return f"{own} {nxt}"
    if style == "broken_record":
        return f"{t.pick(L.UNDERSTAND)} {own} {nxt}"
    if style == "dismissive":
        return t.pick(L.LOGGED_FLAT if rng.random() < 0.5 else problem.deflect)
    if style == "overload":
        return " ".join((t.pick(L.VAGUE_NOTE), t.pick(L.SORRY_PILE), t.pick(L.CO_BLAME)))
    return f"{t.pick(L.VAGUE_HOPE)} {t.pick(L.VAGUE_REDIRECT)}"


def _close(t: _Talk, confirm: bool, *, emotional: bool, happy: bool = True) -> None:
    """Confirmation (when the style checks back), the customer's goodbye, the farewell."""
    style = t.style
    flat = style == "dismissive"
    if confirm:
        if flat:
            ask = t.pick(L.CLOSE_FLAT)
        elif style == "overload":
            ask = "Is there anything else? " + t.pick(L.SORRY_PILE)
        elif style == "fixer" and emotional and t.rng.random() < 0.5:
            ask = f"{t.pick(L.LATE_ACK)} {t.pick(L.CONFIRM)}"
        else:
            ask = t.pick(L.CONFIRM)
        t.say("agent", ask)
        t.say("customer", t.pick(L.CUSTOMER_DONE if happy else L.CUSTOMER_CURT))
    bye = L.FAREWELL_FLAT if flat else L.FAREWELL_WARM if happy else L.FAREWELL_NEUTRAL
    t.say("agent", t.pick(bye))


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
    t = _Talk(rng, persona, slots, channel)
    style = persona.style
    t.head()
    t.say("customer", t.pick(L.ROUTINE_LEAD), t.pick(request.ask))
    if style == "dismissive":
        opener = t.pick(L.ROUTINE_FLAT)
    elif style == "overload":
        opener = t.pick(L.ROUTINE_SORRY)
    elif style == "broken_record":
        opener = t.pick(L.UNDERSTAND)
    elif style == "scripted" and rng.random() < 0.65:
        opener = L.SCRIPT_LINE
    else:
        opener = t.pick(L.ROUTINE_WARM)
    t.say("agent", opener, t.ask_check())
    tail = 2 if style == "dismissive" and rng.random() < 0.5 else 4
    loops = _length_plan(length, len(t.lines) + tail)
    pending = "check"
    qa = list(zip(request.question, request.answer, strict=True)) + rng.sample(L.GENERIC_QA, 1)
    qa = [(q.format(**slots), a.format(**slots)) for q, a in qa]
    for i in range(loops):
        if pending == "check":
            t.say("customer", t.check_answer(pii))
            said = ("check", "")
        elif pending == "hold":
            t.say("customer", t.pick(L.CUSTOMER_OK))
            said = ("ok", "")
        elif qa:
            q, a = qa.pop(0)
            t.say("customer", q)
            said = ("question", a)
        else:
            t.say("customer", t.pick(L.CUSTOMER_OK))
            said = ("ok", "")
        react = said[1] if said[0] == "question" else ""
        if said[0] != "question":
            react = t.pick(L.DETAIL_FLAT if style == "dismissive" else L.THANKS_AFTER_CHECK)
        if style == "overload" and rng.random() < 0.6:
            react = f"{react} {t.pick(L.SORRY_PILE)}"
        if i == loops - 1:
            done = _cap(t.pick(request.done)) + "."
            t.say("agent", react, done, t.pick(request.info))
            break
        pending = "hold" if not t.held and rng.random() < 0.4 else "none"
        t.say("agent", react, t.hold() if pending == "hold" else "")
    if tail == 4:
        t.say("customer", t.pick(L.CUSTOMER_THANKS))
        _close(t, True, emotional=False)
    else:
        t.say("customer", t.pick(L.CUSTOMER_THANKS))
        t.say("agent", t.pick(L.FAREWELL_FLAT))
    return t.lines


def timed_turns(rng: random.Random, lines: Sequence[Line], *, voice: bool) -> tuple[Turn, ...]:
    """Turn records; voice turns get begin/end offsets paced by word count."""
    if not voice:
        return tuple(Turn(s, text) for s, text in lines)
    out: list[Turn] = []
    clock = rng.randint(200, 1500)
    for speaker, text in lines:
        words = len(text.split())
        end = clock + words * rng.randint(280, 420) + rng.randint(200, 600)
        out.append(Turn(speaker, text, clock, end))
        clock = end + rng.randint(150, 1400)
    return tuple(out)
