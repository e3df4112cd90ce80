"""Pick what went well, what to work on, and the best and worst moment from one agent's week."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import polars as pl

from checks.pii import mask_pii

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


@dataclass(frozen=True, slots=True)
class _Week:
    scores: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    texts: Mapping[tuple[str, int], str]
    dates: Mapping[str, str]
    overall: Mapping[str, float]

    @property
    def n(self) -> int:
        return len(self.scores)

    def of(self, signal: str) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["signal"] == signal]

    def quote(self, finding: Mapping[str, Any]) -> Quote:
        cid = finding["contact_id"]
        return make_quote(
            contact_id=cid,
            date=self.dates.get(cid, ""),
            turn=int(finding["turn"]),
            speaker=finding["speaker"] or "",
            matched=finding["text"] or "",
            turn_text=self.texts.get((cid, int(finding["turn"]))),
            start=finding["start"],
            end=finding["end"],
        )

    def best_finding(
        self, rows: Sequence[Mapping[str, Any]], *, worst: bool = False
    ) -> Mapping[str, Any] | None:
        if not rows:
            return None
        sign = 1.0 if worst else -1.0

        def key(f: Mapping[str, Any]) -> tuple[float, str, int, int]:
            o = self.overall.get(f["contact_id"], 50.0)
            has_text = 0 if (f["contact_id"], int(f["turn"])) in self.texts else 1
            return (sign * o, f["contact_id"], has_text, int(f["turn"]))

        return min(rows, key=key)


def _contacts(rows: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    return tuple(sorted({r["contact_id"] for r in rows}))


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


_POSITIVE_TEXT: Final[Mapping[str, tuple[str, float]]] = {
    "acknowledges_feeling": ("Named how the customer felt", 1.0),
    "reflects_problem": ("Played the problem back", 1.0),
    "takes_ownership": ("Took ownership of the fix", 0.9),
    "next_step": ("Set clear expectations", 0.8),
    "confirms_resolution": ("Checked the fix landed", 0.8),
    "explores": ("Asked open questions", 0.7),
    "warmth": ("Warm and courteous", 0.5),
}


def _positive_detail(signal: str, rows: Sequence[Mapping[str, Any]], wk: _Week) -> str:
    k, c = len(rows), len(_contacts(rows))
    shown = sum(1 for s in wk.scores if s["opportunity"] == "needed_shown")
    opps = shown + sum(1 for s in wk.scores if s["opportunity"] == "needed_missed")
    problems = sum(1 for s in wk.scores if s["compassion"] is not None)
    if signal == "acknowledges_feeling" and opps:
        return f"Acknowledged the customer's feelings in {shown} of {opps} upset-customer contacts."
    if signal == "reflects_problem":
        return (
            f"Restated the customer's problem in their own words {_plural(k, 'time')} "
            f"across {_plural(c, 'contact')}."
        )
    if signal == "takes_ownership" and problems:
        return f"Committed to a concrete action in {c} of {problems} contacts with a problem."
    if signal == "next_step":
        return f"Gave a time frame or a checkable outcome in {_plural(c, 'contact')}."
    if signal == "confirms_resolution":
        return f"Checked the outcome with the customer before closing in {_plural(c, 'contact')}."
    if signal == "explores":
        return f"Asked {_plural(k, 'open question')} about the customer's situation."
    if signal == "warmth":
        return f"Friendly greetings, thanks and closes in {c} of {wk.n} contacts."
    return f"Seen {_plural(k, 'time')} in {_plural(c, 'contact')}."


def _went_well(wk: _Week) -> list[CoachingPoint]:
    missed = sum(1 for s in wk.scores if s["opportunity"] == "needed_missed")
    shown = sum(1 for s in wk.scores if s["opportunity"] == "needed_shown")
    ranked: list[tuple[float, str, list[dict[str, Any]]]] = []
    for signal in POSITIVE_SIGNALS:
        rows = [f for f in wk.of(signal) if f["speaker"] in ("agent", None)]
        if not rows:
            continue
        weight = _POSITIVE_TEXT[signal][1]
        share = len(_contacts(rows)) / max(wk.n, 1)
        ok = share >= 0.34 if signal != "acknowledges_feeling" else shown >= max(missed, 1)
        ranked.append((weight * share + (1.0 if ok else 0.0), signal, rows))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    strong = [r for r in ranked if r[0] >= 1.0] or ranked[:1]
    points = []
    for _, signal, rows in strong[:3]:
        best = wk.best_finding(rows)
        points.append(
            CoachingPoint(
                key=signal,
                title=_POSITIVE_TEXT[signal][0],
                detail=_positive_detail(signal, rows, wk),
                count=len(rows),
                contact_ids=_contacts(rows),
                quote=wk.quote(best) if best else None,
            )
        )
    return points


def _focus_candidates(wk: _Week) -> list[tuple[float, CoachingPoint]]:
    out: list[tuple[float, CoachingPoint]] = []

    def add(sev: float, key: str, title: str, detail: str, rows: Sequence[Any], ids: Any) -> None:
        best = wk.best_finding(rows, worst=True)
        quote = wk.quote(best) if best else None
        out.append((sev, CoachingPoint(key, title, detail, len(rows), tuple(ids), quote)))

    und = wk.of("empty_understand")
    if len(und) >= 2:
        add(
            1.2 * len(und),
            "empty_understand",
            "Show you understood, don't just say it",
            f"Restate the customer's problem in your own words instead of repeating "
            f"“I understand” — {_plural(len(und), 'time')} "
            f"in {_plural(len(_contacts(und)), 'contact')}.",
            und,
            _contacts(und),
        )
    missed = [s for s in wk.scores if s["opportunity"] == "needed_missed"]
    if missed:
        opps = len(missed) + sum(1 for s in wk.scores if s["opportunity"] == "needed_shown")
        ids = sorted(s["contact_id"] for s in missed)
        distress = [f for f in wk.of("customer_distress") if f["contact_id"] in set(ids)]
        add(
            2.0 * len(missed),
            "missed_empathy",
            "Name the feeling before the fix",
            f"When a customer is upset, say what you hear (worry, frustration, urgency) before "
            f"solving — missed in {len(missed)} of {opps} contacts with an upset customer.",
            distress,
            ids,
        )
    dis = wk.of("dismissive")
    if dis:
        add(
            2.0 * len(dis),
            "dismissive",
            "Acknowledge before you redirect",
            f"Swap deflecting lines (policy, blame, “have you tried…”) for an acknowledgement and "
            f"a next step — {_plural(len(dis), 'dismissive reply', 'dismissive replies')} "
            f"in {_plural(len(_contacts(dis)), 'contact')}.",
            dis,
            _contacts(dis),
        )
    apo = wk.of("apology")
    piled = [
        s
        for s in wk.scores
        if s["n_apology"] > 2 or (s["n_apology"] >= 2 and s["n_apology"] * 3 > s["n_agent_turns"])
    ]
    if piled:
        ids = sorted(s["contact_id"] for s in piled)
        rows = [f for f in apo if f["contact_id"] in set(ids)]
        per = len(apo) / max(wk.n, 1)
        add(
            1.5 * len(piled) + 0.2 * len(apo),
            "apology_pile",
            "One sincere apology, then the fix",
            f"Said sorry {_plural(len(apo), 'time')} this week ({per:.1f} per contact) and it "
            f"piled up in {_plural(len(piled), 'contact')}: apologise once, then say what "
            "you will do.",
            rows,
            ids,
        )
    heavy = wk.of("pity") + wk.of("agent_distress") + wk.of("co_blaming")
    if heavy:
        add(
            1.6 * len(heavy),
            "sympathy_overload",
            "Stay steady for the customer",
            f"Pity, your own upset or blaming the company came up {_plural(len(heavy), 'time')} "
            f"in {_plural(len(_contacts(heavy)), 'contact')}: keep calm and steer to the fix.",
            heavy,
            _contacts(heavy),
        )
    scr = wk.of("scripted_line")
    if len(_contacts(scr)) >= 2:
        add(
            1.0 * len(_contacts(scr)),
            "scripted_line",
            "Say it in your own words",
            f"The same stock line appeared in {len(_contacts(scr))} of {wk.n} contacts; tie your "
            f"words to what this customer just told you.",
            scr,
            _contacts(scr),
        )
    problems = [s for s in wk.scores if s["compassion"] is not None]
    for key, col, sev, title, what in (
        (
            "no_ownership",
            "n_takes_ownership",
            1.3,
            "Commit to a concrete action",
            "had no clear “I will…” with an action such as a refund, replacement or call back",
        ),
        (
            "no_next_step",
            "n_next_step",
            1.0,
            "Give a time frame",
            "ended without a time frame or a checkable outcome (“by Friday”, “you'll get a mail”)",
        ),
        (
            "no_confirmation",
            "n_confirms_resolution",
            0.6,
            "Check the fix landed",
            "closed without checking that the fix worked or what else the customer needs",
        ),
    ):
        lacking = sorted(s["contact_id"] for s in problems if not s[col])
        if lacking:
            distress = [f for f in wk.of("customer_distress") if f["contact_id"] in set(lacking)]
            add(
                sev * len(lacking),
                key,
                title,
                f"{len(lacking)} of {len(problems)} contacts with a problem to fix {what}.",
                distress,
                lacking,
            )
    cold = sorted(s["contact_id"] for s in wk.scores if not s["n_warmth"])
    if wk.n and len(cold) * 2 >= wk.n:
        add(
            0.5 * len(cold),
            "no_warmth",
            "Open and close warmly",
            f"{len(cold)} of {wk.n} contacts had no greeting, thanks or friendly close.",
            [],
            cold,
        )
    return out


_STRETCH: Final[Mapping[str, str]] = {
    "empathy": "Name the customer's feeling in your first reply whenever they sound upset.",
    "compassion": "Close every problem contact with an action, a time frame and a check-back.",
    "sympathy_overload": "Keep apologies to one and move straight to what you will do.",
    "hospitality": "Greet by name, thank the customer and close with a friendly line.",
}


def _stretch_tip(wk: _Week) -> CoachingPoint:
    means: dict[str, float] = {}
    for crit in _STRETCH:
        vals = [s[crit] for s in wk.scores if s[crit] is not None]
        if vals:
            means[crit] = sum(vals) / len(vals)
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


def _moments(wk: _Week) -> tuple[Moment | None, Moment | None]:
    scored = [s for s in wk.scores if s["overall"] is not None]
    if not scored:
        return None, None
    best_s = max(scored, key=lambda s: (s["overall"], s["contact_id"]))
    worst_s = min(scored, key=lambda s: (s["overall"], s["contact_id"]))

    def pick(cid: str, signals: Sequence[str]) -> tuple[str, Quote | None]:
        for signal in signals:
            rows = [f for f in wk.findings if f["contact_id"] == cid and f["signal"] == signal]
            if rows:
                first = min(rows, key=lambda f: (int(f["turn"]), f["start"] or 0))
                return SIGNAL_LABELS[signal], wk.quote(first)
        return "", None

    label, quote = pick(best_s["contact_id"], POSITIVE_SIGNALS)
    best = Moment(
        "best",
        best_s["contact_id"],
        wk.dates.get(best_s["contact_id"], ""),
        best_s["overall"],
        f"Highest overall score this week; {label}." if label else "Highest overall score.",
        quote,
    )
    if worst_s["contact_id"] == best_s["contact_id"]:
        return best, None
    missed = worst_s["opportunity"] == "needed_missed"
    signals = (*NEGATIVE_SIGNALS, "customer_distress") if missed else NEGATIVE_SIGNALS
    label, quote = pick(worst_s["contact_id"], signals)
    if missed and label == SIGNAL_LABELS["customer_distress"]:
        label = "the customer was upset and it went unacknowledged"
    worst = Moment(
        "worst",
        worst_s["contact_id"],
        wk.dates.get(worst_s["contact_id"], ""),
        worst_s["overall"],
        f"Lowest overall score this week; {label}."
        if label
        else "Lowest overall score this week; no coaching signal fired in it.",
        quote,
    )
    return best, worst


def coach_agent(
    scores: pl.DataFrame,
    findings: pl.DataFrame,
    *,
    turns: pl.DataFrame | None = None,
    contact_dates: Mapping[str, str] | None = None,
) -> Coaching:
    """Coaching content for one agent's week (SCORES_SCHEMA rows, FINDINGS_SCHEMA rows)."""
    score_rows = scores.sort("contact_id").to_dicts()
    finding_rows = findings.sort("contact_id", "turn", "start").to_dicts()
    texts: dict[tuple[str, int], str] = {}
    if turns is not None and turns.height and finding_rows:
        wanted = findings.select("contact_id", "turn").unique()
        for cid, t, text in (
            turns.join(wanted, on=["contact_id", "turn"], how="semi")
            .select("contact_id", "turn", "text")
            .iter_rows()
        ):
            texts[(cid, int(t))] = text or ""
    overall = {s["contact_id"]: float(s["overall"]) for s in score_rows if s["overall"] is not None}
    wk = _Week(score_rows, finding_rows, texts, dict(contact_dates or {}), overall)
    went_well = _went_well(wk)
    ranked = sorted(_focus_candidates(wk), key=lambda r: (-r[0], r[1].key))
    focus = [p for _, p in ranked[:3]] or [_stretch_tip(wk)]
    best, worst = _moments(wk)
    return Coaching(tuple(went_well), tuple(focus), best, worst)
