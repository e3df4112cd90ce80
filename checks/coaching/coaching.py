"""Pick what went well, what to work on, and the best and worst moment from one agent's week."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

import polars as pl

from checks.transcripts.pii import mask_pii

EXCERPT_CHARS: Final = 90

POSITIVE_SIGNALS: Final = (
    "acknowledges_feeling",
    "reflects_problem",
    "takes_ownership",
    "next_step",
    "confirms_resolution",
    "explores",
    "warmth",
)
NEGATIVE_SIGNALS: Final = (
    "dismissive",
    "empty_understand",
    "agent_distress",
    "co_blaming",
    "pity",
    "apology",
    "scripted_line",
)
SIGNAL_LABELS: Final[Mapping[str, str]] = {
    "customer_distress": "customer upset",
    "acknowledges_feeling": "named the feeling",
    "reflects_problem": "played the problem back",
    "explores": "open question",
    "empty_understand": "empty “I understand”",
    "dismissive": "dismissive reply",
    "takes_ownership": "took ownership",
    "next_step": "clear next step",
    "confirms_resolution": "checked the fix",
    "apology": "apology",
    "pity": "pity language",
    "agent_distress": "agent upset",
    "co_blaming": "blamed the company",
    "warmth": "warm wording",
    "scripted_line": "scripted line",
}


@dataclass(frozen=True, slots=True)
class Quote:
    """A short, PII-masked excerpt of one turn with the highlighted moment in ``match``."""

    contact_id: str
    date: str
    turn: int
    speaker: str
    before: str
    match: str
    after: str


@dataclass(frozen=True, slots=True)
class CoachingPoint:
    """One strength or one tip, with the counts behind it and a quote that proves it."""

    key: str
    title: str
    detail: str
    count: int
    contact_ids: tuple[str, ...]
    quote: Quote | None
    # the customer's turn the agent was answering, shown beside ``quote`` and labelled
    context: Quote | None = None


@dataclass(frozen=True, slots=True)
class Moment:
    """The best or worst contact of the week, with the quote that shows why."""

    kind: Literal["best", "worst"]
    contact_id: str
    date: str
    overall: float | None
    note: str
    quote: Quote | None


@dataclass(frozen=True, slots=True)
class Coaching:
    """What went well (up to 3), focus tips (1 to 3), best and worst moment."""

    went_well: tuple[CoachingPoint, ...]
    focus: tuple[CoachingPoint, ...]
    best: Moment | None
    worst: Moment | None


def _cut_left(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    cut = text[-width:]
    space = cut.find(" ")
    return "…" + (cut[space + 1 :] if 0 <= space < width // 2 else cut)


def _cut_right(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    cut = text[:width]
    space = cut.rfind(" ")
    return (cut[:space] if space > width // 2 else cut) + "…"


def _in_word(text: str, i: int) -> bool:
    """Whether text[i] belongs to a word (letters, digits, an apostrophe inside a word)."""
    ch = text[i]
    if ch.isalnum():
        return True
    return ch in "'’" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words (“third time I” + “'ve” -> “third time I've”) and
    trim spaces and punctuation the span starts with and spaces it ends with."""
    while start < end and not _in_word(text, start):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return start, end
    while start > 0 and _in_word(text, start - 1):
        start -= 1
    while end < len(text) and _in_word(text, end):
        end += 1
    return start, end


def make_quote(
    *,
    contact_id: str,
    date: str,
    turn: int,
    speaker: str,
    matched: str,
    turn_text: str | None = None,
    start: int | None = None,
    end: int | None = None,
    width: int = EXCERPT_CHARS,
) -> Quote:
    """Build a masked excerpt around ``matched`` (context from ``turn_text`` when its span fits)."""
    base = Quote(contact_id, date, turn, speaker, "", _cut_right(mask_pii(matched), 160), "")
    if turn_text is None or start is None or end is None:
        return base
    if not (0 <= start <= end <= len(turn_text)) or turn_text[start:end].strip() == "":
        return base
    start, end = snap_to_words(turn_text, start, end)
    if start == end:
        return base
    head, mid, tail = turn_text[:start], turn_text[start:end], turn_text[end:]
    m_head, m_mid, m_tail = mask_pii(head), mask_pii(mid), mask_pii(tail)
    if m_head + m_mid + m_tail != mask_pii(turn_text):
        # PII straddles the span edge: masking the pieces separately could leak a fragment.
        return base
    side = max(20, (width - len(m_mid)) // 2)
    return Quote(
        contact_id,
        date,
        turn,
        speaker,
        _cut_left(m_head, side),
        _cut_right(m_mid, 160),
        _cut_right(m_tail, side),
    )


def turn_quote(*, contact_id: str, date: str, turn: int, speaker: str, text: str) -> Quote:
    """A masked excerpt of a whole turn with nothing highlighted (what the agent said)."""
    return Quote(contact_id, date, turn, speaker, _cut_right(mask_pii(text), EXCERPT_CHARS), "", "")


_HEAVY: Final = ("pity", "agent_distress", "co_blaming")
_LACKING: Final = (
    (
        "no_ownership",
        "lack_own",
        1.3,
        "Commit to a concrete action",
        "had no clear “I will…” with an action such as a refund, replacement or call back",
    ),
    (
        "no_next_step",
        "lack_next",
        1.0,
        "Give a time frame",
        "ended without a time frame or a checkable outcome (“by Friday”, “you'll get a mail”)",
    ),
    (
        "no_confirmation",
        "lack_conf",
        0.6,
        "Check the fix landed",
        "closed without checking that the fix worked or what else the customer needs",
    ),
)
_LACK_COLS: Final = {
    "lack_own": "n_takes_ownership",
    "lack_next": "n_next_step",
    "lack_conf": "n_confirms_resolution",
}
_ID_LISTS: Final = ("missed", "piled", "lack_own", "lack_next", "lack_conf", "cold")
_FINDING_COLS: Final = ("contact_id", "turn", "speaker", "start", "end", "text", "turn_text")

_POSITIVE_TEXT: Final[Mapping[str, tuple[str, float]]] = {
    "acknowledges_feeling": ("Named how the customer felt", 1.0),
    "reflects_problem": ("Played the problem back", 1.0),
    "takes_ownership": ("Took ownership of the fix", 0.9),
    "next_step": ("Set clear expectations", 0.8),
    "confirms_resolution": ("Checked the fix landed", 0.8),
    "explores": ("Asked open questions", 0.7),
    "warmth": ("Warm and courteous", 0.5),
}

# The criterion each strength feeds: a strength is only claimed while that criterion's week
# mean reaches the floor (the rubric's "meets" band), so "warm and courteous" never sits beside
# hospitality 10.
_STRENGTH_CRITERION: Final[Mapping[str, str]] = {
    "acknowledges_feeling": "empathy",
    "reflects_problem": "empathy",
    "explores": "empathy",
    "takes_ownership": "compassion",
    "next_step": "compassion",
    "confirms_resolution": "compassion",
    "warmth": "hospitality",
}
# The rubric's default "meets" band (bands.meets_from): a criterion that needs improvement
# backs no strength.
STRENGTH_FLOOR: Final = 60.0

# A tip and the strength that rests on the same behaviour: a card never shows both, since
# "took ownership" beside "commit to a concrete action" reads as a contradiction.
_TWIN: Final[Mapping[str, str]] = {
    "no_ownership": "takes_ownership",
    "no_next_step": "next_step",
    "no_confirmation": "confirms_resolution",
    "no_warmth": "warmth",
    "missed_empathy": "acknowledges_feeling",
    "empty_understand": "reflects_problem",
}
_LACK_OF: Final[Mapping[str, str]] = {key: col for key, col, *_ in _LACKING}


def _strength_outweighs(wk: _Agent, tip: str) -> bool:
    """Whether the behaviour was shown in more of its contacts than it was missed in (then the
    strength stays and the tip goes; otherwise the other way round)."""
    if tip in _LACK_OF:
        lacking = len(wk.ids.get(_LACK_OF[tip], ()))
        return wk.problems - lacking > lacking
    if tip == "missed_empathy":
        return wk.shown > wk.missed
    if tip == "no_warmth":
        cold = len(wk.ids.get("cold", ()))
        return wk.n - cold > cold
    if tip == "empty_understand":
        reflected = wk.groups.get("reflects_problem")
        repeated = wk.groups.get("empty_understand")
        shown = len(reflected.contacts) if reflected else 0
        return shown > (len(repeated.contacts) if repeated else 0)
    return False


_STRETCH: Final[Mapping[str, str]] = {
    "empathy": "Name the customer's feeling in your first reply whenever they sound upset.",
    "compassion": "Close every problem contact with an action, a time frame and a check-back.",
    "sympathy_overload": "Keep apologies to one and move straight to what you will do.",
    "hospitality": "Greet by name, thank the customer and close with a friendly line.",
}


@dataclass(frozen=True, slots=True)
class _Group:
    """Findings behind one strength or tip: count, contacts and the finding to quote."""

    count: int
    contacts: tuple[str, ...]
    best: tuple[Any, ...] | None


@dataclass(frozen=True, slots=True)
class _Agent:
    """One agent's week, reduced to the numbers and the few findings coaching uses."""

    n: int = 0
    shown: int = 0
    missed: int = 0
    problems: int = 0
    means: Mapping[str, float] = field(default_factory=dict)
    ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    groups: dict[str, _Group] = field(default_factory=dict)
    moments: dict[str, tuple[str, float, tuple[Any, ...] | None]] = field(default_factory=dict)
    # the agent's reply to the customer turn a tip quotes: tip key -> (contact, turn, text)
    replies: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    floor: float = STRENGTH_FLOOR  # a strength's criterion must score at least this


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _quote(row: tuple[Any, ...] | None, dates: Mapping[str, str]) -> Quote | None:
    if row is None:
        return None
    cid, turn, speaker, start, end, text, turn_text = row
    return make_quote(
        contact_id=cid,
        date=dates.get(cid, ""),
        turn=int(turn),
        speaker=speaker or "",
        matched=text or "",
        turn_text=turn_text,
        start=start,
        end=end,
    )


def _positive_detail(signal: str, g: _Group, wk: _Agent) -> str:
    k, c = g.count, len(g.contacts)
    shown, opps, problems = wk.shown, wk.shown + wk.missed, wk.problems
    if signal == "acknowledges_feeling" and opps:
        return f"Acknowledged the customer's feelings in {shown} of {opps} upset-customer contacts."
    if signal == "reflects_problem":
        return (
            f"Restated the customer's problem in their own words {_plural(k, 'time')} "
            f"across {_plural(c, 'contact')}."
        )
    if signal == "takes_ownership" and problems:
        # counted over the same contacts as the denominator: ownership in a routine contact
        # is not a problem owned
        owned = problems - len(wk.ids.get("lack_own", ()))
        return f"Committed to a concrete action in {owned} of {problems} contacts with a problem."
    if signal == "next_step":
        return f"Gave a time frame or a checkable outcome in {_plural(c, 'contact')}."
    if signal == "confirms_resolution":
        return f"Checked the outcome with the customer before closing in {_plural(c, 'contact')}."
    if signal == "explores":
        return f"Asked {_plural(k, 'open question')} about the customer's situation."
    if signal == "warmth":
        return f"Friendly greetings, thanks and closes in {c} of {wk.n} contacts."
    return f"Seen {_plural(k, 'time')} in {_plural(c, 'contact')}."


def _criterion_passes(wk: _Agent, signal: str) -> bool:
    """Whether the criterion a strength feeds scored well enough to call the strength one."""
    mean = wk.means.get(_STRENGTH_CRITERION[signal])
    return mean is None or mean >= wk.floor


def _went_well(
    wk: _Agent, dates: Mapping[str, str], exclude: frozenset[str] = frozenset()
) -> list[CoachingPoint]:
    ranked: list[tuple[float, str, _Group]] = []
    for signal in POSITIVE_SIGNALS:
        g = wk.groups.get(signal)
        if g is None or not g.count or signal in exclude:
            continue
        owned_none = wk.problems and wk.problems == len(wk.ids.get("lack_own", ()))
        if signal == "takes_ownership" and owned_none:
            continue  # "committed in 0 of 3 contacts with a problem" is no strength
        weight = _POSITIVE_TEXT[signal][1]
        share = len(g.contacts) / max(wk.n, 1)
        ok = share >= 0.34 if signal != "acknowledges_feeling" else wk.shown >= max(wk.missed, 1)
        ranked.append((weight * share + (1.0 if ok else 0.0), signal, g))
    ranked = [r for r in ranked if _criterion_passes(wk, r[1])]
    ranked.sort(key=lambda r: (-r[0], r[1]))
    strong = [r for r in ranked if r[0] >= 1.0] or ranked[:1]
    return [
        CoachingPoint(
            key=signal,
            title=_POSITIVE_TEXT[signal][0],
            detail=_positive_detail(signal, g, wk),
            count=g.count,
            contact_ids=g.contacts,
            quote=_quote(g.best, dates),
        )
        for _, signal, g in strong[:3]
    ]


def _focus_candidates(wk: _Agent, dates: Mapping[str, str]) -> list[tuple[float, CoachingPoint]]:
    out: list[tuple[float, CoachingPoint]] = []
    empty = _Group(0, (), None)

    def group(key: str) -> _Group:
        return wk.groups.get(key, empty)

    def add(sev: float, key: str, title: str, detail: str, g: _Group, ids: Sequence[str]) -> None:
        quote = _quote(g.best, dates)
        out.append((sev, CoachingPoint(key, title, detail, g.count, tuple(ids), quote)))

    und = group("empty_understand")
    if und.count >= 2:
        add(
            1.2 * und.count,
            "empty_understand",
            "Show you understood, don't just say it",
            f"Restate the customer's problem in your own words instead of repeating "
            f"“I understand” — {_plural(und.count, 'time')} "
            f"in {_plural(len(und.contacts), 'contact')}.",
            und,
            und.contacts,
        )
    missed = wk.ids.get("missed", ())
    if missed:
        opps = len(missed) + wk.shown
        add(
            2.0 * len(missed),
            "missed_empathy",
            "Name the feeling before the fix",
            f"When a customer is upset, say what you hear (worry, frustration, urgency) before "
            f"solving — missed in {len(missed)} of {opps} contacts with an upset customer.",
            group("missed_empathy"),
            missed,
        )
    dis = group("dismissive")
    if dis.count:
        add(
            2.0 * dis.count,
            "dismissive",
            "Acknowledge before you redirect",
            f"Swap deflecting lines (policy, blame, “have you tried…”) for an acknowledgement and "
            f"a next step — {_plural(dis.count, 'dismissive reply', 'dismissive replies')} "
            f"in {_plural(len(dis.contacts), 'contact')}.",
            dis,
            dis.contacts,
        )
    piled = wk.ids.get("piled", ())
    if piled:
        apo = group("apology").count
        per = apo / max(wk.n, 1)
        add(
            1.5 * len(piled) + 0.2 * apo,
            "apology_pile",
            "One sincere apology, then the fix",
            f"Said sorry {_plural(apo, 'time')} this week ({per:.1f} per contact) and it "
            f"piled up in {_plural(len(piled), 'contact')}: apologise once, then say what "
            "you will do.",
            group("apology_pile"),
            piled,
        )
    heavy = group("sympathy_overload")
    if heavy.count:
        add(
            1.6 * heavy.count,
            "sympathy_overload",
            "Stay steady for the customer",
            f"Pity, your own upset or blaming the company came up {_plural(heavy.count, 'time')} "
            f"in {_plural(len(heavy.contacts), 'contact')}: keep calm and steer to the fix.",
            heavy,
            heavy.contacts,
        )
    scr = group("scripted_line")
    if len(scr.contacts) >= 2:
        add(
            1.0 * len(scr.contacts),
            "scripted_line",
            "Say it in your own words",
            f"The same stock line appeared in {len(scr.contacts)} of {wk.n} contacts; tie your "
            f"words to what this customer just told you.",
            scr,
            scr.contacts,
        )
    for key, col, sev, title, what in _LACKING:
        lacking = wk.ids.get(col, ())
        if lacking:
            add(
                sev * len(lacking),
                key,
                title,
                f"{len(lacking)} of {wk.problems} contacts with a problem to fix {what}.",
                # an absence has no words to quote: the customer's distress is not the agent's
                # behaviour, so these tips name their contacts instead
                _Group(group(key).count, group(key).contacts, None),
                lacking,
            )
    cold = wk.ids.get("cold", ())
    if wk.n and len(cold) * 2 >= wk.n:
        add(
            0.5 * len(cold),
            "no_warmth",
            "Open and close warmly",
            f"{len(cold)} of {wk.n} contacts had no greeting, thanks or friendly close.",
            empty,
            cold,
        )
    return out


def _stretch_tip(wk: _Agent) -> CoachingPoint:
    means = wk.means
    crit = min(means, key=lambda c: (means[c], c)) if means else "empathy"
    label = crit.replace("sympathy_overload", "sympathy control")
    score = f" ({means[crit]:.0f} this week)" if crit in means else ""
    return CoachingPoint(
        key=f"stretch_{crit}",
        title=f"Stretch goal: {label}",
        detail=f"Your lowest criterion{score}. {_STRETCH[crit]}",
        count=0,
        contact_ids=(),
        quote=None,
    )


def _moments(wk: _Agent, dates: Mapping[str, str]) -> tuple[Moment | None, Moment | None]:
    if "best" not in wk.moments:
        return None, None
    cid, overall, row = wk.moments["best"]
    label = SIGNAL_LABELS[row[-1]] if row else ""
    best = Moment(
        "best",
        cid,
        dates.get(cid, ""),
        overall,
        f"Highest overall score this week; {label}." if label else "Highest overall score.",
        _quote(row[:-1] if row else None, dates),
    )
    if "worst" not in wk.moments:
        return best, None
    cid, overall, row = wk.moments["worst"]
    label = SIGNAL_LABELS[row[-1]] if row else ""
    if label == SIGNAL_LABELS["customer_distress"]:
        label = "the customer was upset and it went unacknowledged"
    worst = Moment(
        "worst",
        cid,
        dates.get(cid, ""),
        overall,
        f"Lowest overall score this week; {label}."
        if label
        else "Lowest overall score this week; no coaching signal fired in it.",
        _quote(row[:-1] if row else None, dates),
    )
    return best, worst


def _with_reply(p: CoachingPoint, wk: _Agent, dates: Mapping[str, str]) -> CoachingPoint:
    """A tip quoting the customer shows the agent's reply instead, the customer beside it."""
    if p.quote is None or p.quote.speaker != "customer":
        return p
    reply = wk.replies.get(p.key)
    if reply is None:
        return replace(p, quote=None, context=p.quote)
    cid, turn, text = reply
    agent = turn_quote(
        contact_id=cid, date=dates.get(cid, ""), turn=turn, speaker="agent", text=text
    )
    return replace(p, quote=agent, context=p.quote)


def _quoted(p: CoachingPoint) -> set[tuple[str, int]]:
    return {(q.contact_id, q.turn) for q in (p.quote, p.context) if q is not None}


def _unique_quotes(
    went_well: Sequence[CoachingPoint], focus: Sequence[CoachingPoint]
) -> tuple[list[CoachingPoint], list[CoachingPoint]]:
    """No strength quotes a turn a tip quotes (the strength names its contacts instead), and no
    two points show the very same excerpt."""
    tip_turns = set().union(*(_quoted(p) for p in focus)) if focus else set()
    shown: set[Quote] = set()

    def once(p: CoachingPoint, avoid: set[tuple[str, int]]) -> CoachingPoint:
        quotes = {q for q in (p.quote, p.context) if q is not None}
        if _quoted(p) & avoid or quotes & shown:
            return replace(p, quote=None, context=None)
        shown.update(quotes)
        return p

    tips = [once(p, set()) for p in focus]
    return [once(p, tip_turns) for p in went_well], tips


def _coaching(wk: _Agent, dates: Mapping[str, str]) -> Coaching:
    strengths = {p.key for p in _went_well(wk, dates)}
    candidates = [
        (sev, p)
        for sev, p in _focus_candidates(wk, dates)
        if not (_TWIN.get(p.key) in strengths and _strength_outweighs(wk, p.key))
    ]
    ranked = sorted(candidates, key=lambda r: (-r[0], r[1].key))
    focus = [_with_reply(p, wk, dates) for _, p in ranked[:3]] or [_stretch_tip(wk)]
    taken = frozenset(_TWIN[p.key] for p in focus if p.key in _TWIN)
    went_well, focus = _unique_quotes(_went_well(wk, dates, exclude=taken), focus)
    best, worst = _moments(wk, dates)
    return Coaching(tuple(went_well), tuple(focus), best, worst)


def _contact_flags(scores: pl.DataFrame) -> pl.DataFrame:
    def lacks(col: str) -> pl.Expr:
        return pl.col(col).fill_null(0) == 0

    n_apo = pl.col("n_apology")
    # weighted like the card's means (sampling weights), so a quoted mean matches the card
    weight = pl.col("weight").fill_null(1.0) if "weight" in scores.columns else pl.lit(1.0)
    return scores.select(
        "agent_id",
        "contact_id",
        "overall",
        *_STRETCH,
        weight=weight,
        shown=pl.col("opportunity") == "needed_shown",
        missed=pl.col("opportunity") == "needed_missed",
        problem=pl.col("compassion").is_not_null(),
        piled=((n_apo > 2) | ((n_apo >= 2) & (n_apo * 3 > pl.col("n_agent_turns")))).fill_null(
            False
        ),
        cold=lacks("n_warmth"),
        **{key: pl.col("compassion").is_not_null() & lacks(col) for key, col in _LACK_COLS.items()},
    )


def _with_texts(rows: pl.DataFrame, turns: pl.DataFrame | None) -> pl.DataFrame:
    """Add ``turn_text`` and ``has_text`` (0 when the finding's turn is in ``turns``)."""
    keys = ["agent_id", "contact_id", "turn"]
    if turns is None or not turns.height:
        return rows.with_columns(turn_text=pl.lit(None, pl.String), has_text=pl.lit(1, pl.Int8))
    wanted = rows.select(keys).unique()
    texts = (
        turns.select(*keys, turn_text=pl.col("text").fill_null(""))
        .cast({"turn": pl.Int32})
        .join(wanted, on=keys, how="semi")
        .unique(keys, keep="last", maintain_order=True)
        .with_columns(has_text=pl.lit(0, pl.Int8))
    )
    return rows.join(texts, on=keys, how="left").with_columns(pl.col("has_text").fill_null(1))


def _tainted(f: pl.DataFrame) -> pl.Series:
    """Row numbers (``ix``) of positive findings whose words a negative finding also covers
    (“I'm really sorry” as empathy inside an apology pile, warmth inside a stock line): such
    words can back a tip, never a strength."""
    keys = ["ck", "turn"]
    neg = f.filter(pl.col("signal").is_in(NEGATIVE_SIGNALS)).select(
        *keys, n_start="start", n_end="end"
    )
    pos = f.filter(pl.col("signal").is_in(POSITIVE_SIGNALS)).select("ix", *keys, "start", "end")
    return (
        pos.join(neg, on=keys)
        .filter((pl.col("start") < pl.col("n_end")) & (pl.col("n_start") < pl.col("end")))["ix"]
        .unique()
    )


def _groups(f: pl.DataFrame) -> pl.DataFrame:
    """Findings behind each strength/tip, one labelled copy per group (``key``, ``sign``)."""
    sig = pl.col("signal")
    distress = sig == "customer_distress"
    clean = ~pl.col("ix").is_in(_tainted(f).implode())
    parts: list[tuple[str, float, pl.Expr]] = [
        (s, -1.0, (sig == s) & pl.col("by_agent") & clean) for s in POSITIVE_SIGNALS
    ]
    parts += [
        ("empty_understand", 1.0, sig == "empty_understand"),
        ("missed_empathy", 1.0, distress & pl.col("missed")),
        ("dismissive", 1.0, sig == "dismissive"),
        ("apology", 1.0, sig == "apology"),
        ("apology_pile", 1.0, (sig == "apology") & pl.col("piled")),
        ("sympathy_overload", 1.0, sig.is_in(_HEAVY)),
        ("scripted_line", 1.0, sig == "scripted_line"),
        *[(key, 1.0, distress & pl.col(col)) for key, col, *_ in _LACKING],
    ]
    return pl.concat(
        [
            f.filter(cond).with_columns(key=pl.lit(key), okey=pl.col("o") * sign)
            for key, sign, cond in parts
        ]
    )


def _coded(s: pl.DataFrame, findings: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """Findings with ``ix`` (row), ``ck`` (contact code in contact order) and contact flags."""
    keys = ["agent_id", "contact_id"]
    flags = ("missed", "piled", *_LACK_COLS)
    sk = s.unique(keys, keep="last", maintain_order=True)
    fk = findings.select(
        *keys,
        "signal",
        "turn",
        "start",
        "end",
        by_agent=pl.col("speaker").is_null() | (pl.col("speaker") == "agent"),
    ).with_row_index("ix")
    codes = sk.select(keys)
    for _ in range(2):
        coded = codes.sort("contact_id", "agent_id").with_row_index("ck")
        f = fk.join(coded, on=keys, how="left")
        extra = f.filter(pl.col("ck").is_null()).select(keys).unique()
        if not extra.height:
            break
        codes = pl.concat([codes, extra])
    f = (
        f.drop("contact_id")
        .join(sk.join(coded, on=keys).select("ck", "overall", *flags), on="ck", how="left")
        .with_columns(
            o=pl.col("overall").fill_null(50.0),
            sig_rank=pl.col("signal").replace_strict(
                {h: i for i, h in enumerate(_HEAVY)}, default=0, return_dtype=pl.Int8
            ),
            **{c: pl.col(c).fill_null(False) for c in flags},
        )
    )
    return f, coded, coded["contact_id"].to_list()


def _fields(rows: pl.DataFrame, findings: pl.DataFrame, turns: pl.DataFrame | None) -> pl.DataFrame:
    """Add the chosen findings' own columns (by ``ix``) and their turn texts."""
    own = findings.select("agent_id", *_FINDING_COLS[:-1])[rows["ix"]]
    return _with_texts(
        pl.concat([rows.select(pl.exclude(own.columns)), own], how="horizontal"), turns
    )


def _reduce(
    scores: pl.DataFrame, findings: pl.DataFrame, turns: pl.DataFrame | None
) -> dict[str, _Agent]:
    s = _contact_flags(scores)
    agg = s.group_by("agent_id").agg(
        n=pl.len(),
        shown=pl.col("shown").sum(),
        missed=pl.col("missed").sum(),
        problems=pl.col("problem").sum(),
        **{
            f"mean_{c}": (pl.col(c) * pl.col("weight")).sum()
            / pl.col("weight").filter(pl.col(c).is_not_null()).sum()
            for c in _STRETCH
        },
        **{f"ids_{k}": pl.col("contact_id").filter(pl.col(k)).sort() for k in _ID_LISTS},
    )
    f, coded, cids = _coded(s, findings)
    g = _groups(f)
    by = ["agent_id", "key"]
    stats = g.group_by(by).agg(
        count=pl.len(),
        contacts=pl.col("ck").unique().sort(),
        okey=pl.col("okey").min(),
    )
    # The finding to quote: lowest (okey, contact), then has_text, turn and list order.
    cand = g.join(stats.select(*by, "okey"), on=[*by, "okey"], how="semi")
    cand = cand.filter(pl.col("ck") == pl.col("ck").min().over(by))
    cand = (
        _fields(cand, findings, turns)
        .sort([*by, "has_text", "turn", "sig_rank", "start", "ix"], nulls_last=False)
        .unique(by, keep="first", maintain_order=True)
    )
    stats = stats.join(cand.select(*by, *_FINDING_COLS), on=by, how="left")

    scored = (
        s.join(coded, on=["agent_id", "contact_id"])
        .filter(pl.col("overall").is_not_null())
        .sort("overall", "contact_id")
    )
    ends = pl.concat(
        [
            scored.group_by("agent_id").agg(pl.all().last()).with_columns(kind=pl.lit("best")),
            scored.group_by("agent_id")
            .agg(pl.all().first())
            .with_columns(kind=pl.lit("worst"))
            .join(
                scored.group_by("agent_id").agg(best=pl.col("ck").last()),
                on="agent_id",
            )
            .filter(pl.col("ck") != pl.col("best"))
            .drop("best"),
        ]
    ).select("agent_id", "ck", "contact_id", "overall", "kind", "missed")
    pos = {sg: i for i, sg in enumerate(POSITIVE_SIGNALS)}
    neg = {sg: i for i, sg in enumerate(NEGATIVE_SIGNALS)}
    prio = (
        pl.when(pl.col("kind") == "best")
        .then(pl.col("signal").replace_strict(pos, default=None, return_dtype=pl.Int16))
        .when(pl.col("signal") == "customer_distress")
        .then(pl.when(pl.col("missed_m")).then(pl.lit(len(neg), pl.Int16)))
        .otherwise(pl.col("signal").replace_strict(neg, default=None, return_dtype=pl.Int16))
    )
    picks = (
        f.select("ix", "ck", "signal", "turn", "start")
        .join(ends.select("ck", "kind", missed_m="missed"), on="ck")
        .with_columns(prio=prio, start0=pl.col("start").fill_null(0))
        .filter(pl.col("prio").is_not_null())
        .sort(["ck", "kind", "prio", "turn", "start0", "start", "ix"], nulls_last=False)
        .unique(["ck", "kind"], keep="first", maintain_order=True)
    )
    picks = _fields(picks.select("ix", "ck", "kind", "signal"), findings, turns)
    ends = ends.join(
        picks.select("ck", "kind", *_FINDING_COLS, "signal"),
        on=["ck", "kind"],
        how="left",
        suffix="_f",
    )

    out: dict[str, _Agent] = {}
    for r in agg.iter_rows(named=True):
        out[r["agent_id"]] = _Agent(
            n=r["n"],
            shown=r["shown"],
            missed=r["missed"],
            problems=r["problems"],
            means={c: r[f"mean_{c}"] for c in _STRETCH if r[f"mean_{c}"] is not None},
            ids={k: tuple(r[f"ids_{k}"]) for k in _ID_LISTS},
        )
    for r in stats.iter_rows(named=True):
        wk = out.setdefault(r["agent_id"], _Agent())
        best = tuple(r[c] for c in _FINDING_COLS) if r["turn"] is not None else None
        contacts = tuple(map(cids.__getitem__, r["contacts"]))
        wk.groups[r["key"]] = _Group(r["count"], contacts, best)
    if turns is not None and turns.height:
        _add_replies(out, stats, turns)
    for r in ends.iter_rows(named=True):
        row = (
            (r["contact_id_f"], *(r[c] for c in _FINDING_COLS[1:]), r["signal"])
            if r["signal"] is not None
            else None
        )
        wk = out[r["agent_id"]]
        wk.moments[r["kind"]] = (r["contact_id"], r["overall"], row)
    return out


def _add_replies(out: dict[str, _Agent], stats: pl.DataFrame, turns: pl.DataFrame) -> None:
    """For each tip quoting a customer turn: the agent's next turn in that contact."""
    asked = stats.filter(pl.col("speaker") == "customer").select(
        "agent_id", "key", "contact_id", asked="turn"
    )
    if not asked.height:
        return
    agent_turns = turns.filter(pl.col("speaker") == "agent").select(
        "agent_id", "contact_id", pl.col("turn").cast(pl.Int64), pl.col("text").fill_null("")
    )
    replies = (
        asked.with_columns(pl.col("asked").cast(pl.Int64))
        .join(agent_turns, on=["agent_id", "contact_id"])
        .filter(pl.col("turn") > pl.col("asked"))
        .sort("turn")
        .unique(["agent_id", "key"], keep="first", maintain_order=True)
    )
    for r in replies.iter_rows(named=True):
        if r["agent_id"] in out:
            out[r["agent_id"]].replies[r["key"]] = (r["contact_id"], r["turn"], r["text"])


def coach_agents(
    scores: pl.DataFrame,
    findings: pl.DataFrame,
    *,
    turns: pl.DataFrame | None = None,
    contact_dates: Mapping[str, str] | None = None,
    strength_floor: float = STRENGTH_FLOOR,
) -> dict[str, Coaching]:
    """Coaching content for every agent in ``scores`` at once, keyed by agent id; a strength
    needs its criterion's week mean at ``strength_floor`` or more (the rubric's "meets")."""
    dates = contact_dates or {}
    reduced = _reduce(scores, findings, turns)
    agents = scores["agent_id"].unique().to_list()
    return {
        aid: _coaching(replace(reduced.get(aid, _Agent()), floor=strength_floor), dates)
        for aid in agents
    }


def coach_agent(
    scores: pl.DataFrame,
    findings: pl.DataFrame,
    *,
    turns: pl.DataFrame | None = None,
    contact_dates: Mapping[str, str] | None = None,
) -> Coaching:
    """Coaching content for one agent's week (SCORES_SCHEMA rows, FINDINGS_SCHEMA rows)."""
    one = pl.lit("", pl.String).alias("agent_id")
    reduced = _reduce(
        scores.with_columns(one),
        findings.with_columns(one),
        None if turns is None else turns.with_columns(one),
    )
    return _coaching(reduced.get("", _Agent()), contact_dates or {})
