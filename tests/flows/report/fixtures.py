"""Tiny hand-written score/finding/turn frames (in the checks' schemas) for report tests."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import polars as pl

from checks.criteria.results import FINDINGS_SCHEMA, SCORES_SCHEMA
from checks.rubric.rubric import ReportPolicy
from checks.transcripts.transcript import CONTACTS_SCHEMA, CRITERIA, SIGNALS, TURNS_SCHEMA
from flows.report.build import build_week_report
from flows.report.model import WeekReport
from flows.report.scores_table import PUBLISHED_SCORES_SCHEMA, published_scores_table, week_bounds

RAW_EMAIL = "jo.bloggs@example.org"
RAW_PHONE = "(555) 201-3344"
RAW_CARD = "4111 1111 1111 1111"
RAW_SPOKEN = "four one one one two two"


@dataclass
class C:
    """One contact: turns, findings (signal, turn, phrase) and criterion scores."""

    contact_id: str
    day: int
    scores: tuple[float | None, float | None, float | None, float | None]
    opportunity: str
    turns: list[tuple[str, str]]
    findings: list[tuple[str, int, str]] = field(default_factory=list)
    channel: str = "voice"
    language: str = "en"  # any other: not scored (state unsupported_language, all N/A)


@dataclass
class A:
    """One agent and their contacts."""

    agent_id: str
    name: str
    team: str
    contacts: list[C]


def frames(week: str, agents: list[A], rubric: str = "rubric-test-1") -> dict[str, pl.DataFrame]:
    """scores, findings, contacts and turns frames for the given agents."""
    monday, _ = week_bounds(week)
    start = datetime(monday.year, monday.month, monday.day, 9, tzinfo=UTC)
    score_rows: list[dict[str, object]] = []
    finding_rows: list[dict[str, object]] = []
    contact_rows: list[dict[str, object]] = []
    turn_rows: list[dict[str, object]] = []
    for a in agents:
        for c in a.contacts:
            counts = dict.fromkeys(SIGNALS, 0)
            for signal, turn, phrase in c.findings:
                text = c.turns[turn][1]
                s = text.index(phrase)
                counts[signal] += 1
                finding_rows.append(
                    {
                        "contact_id": c.contact_id,
                        "agent_id": a.agent_id,
                        "signal": signal,
                        "turn": turn,
                        "speaker": c.turns[turn][0],
                        "start": s,
                        "end": s + len(phrase),
                        "text": phrase,
                    }
                )
            applicable = [v for v in c.scores if v is not None]
            row: dict[str, object] = {
                "contact_id": c.contact_id,
                "agent_id": a.agent_id,
                "rubric_version": rubric,
                "language": c.language,
                "state": "scored",
                **dict(zip(CRITERIA, c.scores, strict=True)),
                "overall": sum(applicable) / len(applicable) if applicable else None,
                "opportunity": c.opportunity,
                "routine": c.opportunity == "none" and c.scores[1] is None,
                "n_turns": len(c.turns),
                "n_agent_turns": sum(1 for sp, _ in c.turns if sp == "agent"),
                **{f"n_{k}": v for k, v in counts.items()},
            }
            if c.language != "en":  # as the checks leave it: no score, no finding, no count
                assert not c.findings
                assert not applicable
                judged = [
                    *CRITERIA,
                    "overall",
                    "opportunity",
                    "routine",
                    *(f"n_{k}" for k in SIGNALS),
                ]
                row |= dict.fromkeys(judged) | {"state": "unsupported_language"}
            score_rows.append(row)
            contact_rows.append(
                {
                    "contact_id": c.contact_id,
                    "agent_id": a.agent_id,
                    "agent_name": a.name,
                    "team": a.team,
                    "started_at": start + timedelta(days=c.day, minutes=17 * len(contact_rows)),
                    "channel": c.channel,
                    "language": c.language,
                    "source_key": f"in/{c.contact_id}.json",
                }
            )
            for i, (speaker, text) in enumerate(c.turns):
                turn_rows.append(
                    {
                        "contact_id": c.contact_id,
                        "agent_id": a.agent_id,
                        "turn": i,
                        "speaker": speaker,
                        "text": text,
                        "begin_ms": None,
                        "end_ms": None,
                    }
                )
    return {
        "scores": pl.DataFrame(score_rows, schema=SCORES_SCHEMA),
        "findings": pl.DataFrame(finding_rows, schema=FINDINGS_SCHEMA),
        "contacts": pl.DataFrame(contact_rows, schema=CONTACTS_SCHEMA),
        "turns": pl.DataFrame(turn_rows, schema=TURNS_SCHEMA),
    }


def strong_agent() -> A:
    """An agent who leads with empathy and closes with compassion."""
    return A(
        "a-001",
        "Dana Cole",
        "Billing",
        [
            C(
                "c-1001",
                0,
                (95.0, 90.0, 100.0, 92.0),
                "needed_shown",
                [
                    ("customer", "This is the third time I call and my refund is still missing!"),
                    (
                        "agent",
                        "That sounds really frustrating. So the refund from May still hasn't "
                        f"reached you. I'll send it today, you'll get an email at {RAW_EMAIL}.",
                    ),
                    ("customer", "ok thanks"),
                    ("agent", "Is there anything else I can help with today? Take care!"),
                ],
                [
                    ("customer_distress", 0, "third time I call"),
                    ("acknowledges_feeling", 1, "That sounds really frustrating"),
                    ("reflects_problem", 1, "So the refund from May still hasn't"),
                    ("takes_ownership", 1, "I'll send it today"),
                    ("next_step", 1, "you'll get an email"),
                    ("confirms_resolution", 3, "Is there anything else I can help with"),
                    ("warmth", 3, "Take care!"),
                ],
            ),
            C(
                "c-1002",
                1,
                (None, None, 100.0, 96.0),
                "none",
                [
                    ("customer", "What are your opening hours?"),
                    ("agent", "Happy to help! We are open nine to five. Have a lovely day."),
                ],
                [("warmth", 1, "Happy to help!"), ("warmth", 1, "Have a lovely day")],
                channel="chat",
            ),
            C(
                "c-1003",
                2,
                (88.0, 85.0, 100.0, 90.0),
                "needed_shown",
                [
                    ("customer", "I'm really worried, my card was charged twice."),
                    (
                        "agent",
                        "I can see why that's worrying. Let me refund the second charge now, it "
                        "will show by Friday.",
                    ),
                    ("customer", "Great."),
                    ("agent", "Did that come through on your side? Thanks for calling."),
                ],
                [
                    ("customer_distress", 0, "really worried"),
                    ("acknowledges_feeling", 1, "I can see why that's worrying"),
                    ("takes_ownership", 1, "Let me refund the second charge"),
                    ("next_step", 1, "by Friday"),
                    ("confirms_resolution", 3, "Did that come through"),
                    ("warmth", 3, "Thanks for calling"),
                ],
            ),
        ],
    )


def weak_agent() -> A:
    """An agent with sympathy overload, a broken record and missed empathy."""
    return A(
        "a-002",
        "Sam Reed",
        "Billing",
        [
            C(
                "c-2001",
                0,
                (20.0, 35.0, 30.0, 55.0),
                "needed_missed",
                [
                    ("customer", f"I'm furious, my card {RAW_CARD} was blocked again!"),
                    ("agent", "I understand. I understand. Sorry, so sorry, I'm so sorry."),
                    ("customer", f"Call me on {RAW_PHONE} then."),
                    ("agent", "That's terrible, what a nightmare, they always mess this up."),
                ],
                [
                    ("customer_distress", 0, "I'm furious"),
                    ("empty_understand", 1, "I understand."),
                    ("empty_understand", 1, "I understand. Sorry"),
                    ("apology", 1, "Sorry"),
                    ("apology", 1, "so sorry"),
                    ("apology", 1, "I'm so sorry"),
                    ("pity", 3, "That's terrible"),
                    ("pity", 3, "what a nightmare"),
                    ("co_blaming", 3, "they always mess this up"),
                ],
            ),
            C(
                "c-2002",
                3,
                (15.0, 30.0, 90.0, 40.0),
                "needed_missed",
                [
                    ("customer", "This is ridiculous, nobody ever calls back."),
                    ("agent", "Have you tried restarting it? That's our policy."),
                    ("customer", f"My account is {RAW_SPOKEN} nine."),
                    ("agent", "I understand."),
                ],
                [
                    ("customer_distress", 0, "This is ridiculous"),
                    ("dismissive", 1, "Have you tried restarting it?"),
                    ("dismissive", 1, "That's our policy"),
                    ("empty_understand", 3, "I understand."),
                ],
            ),
            C(
                "c-2003",
                4,
                (None, 60.0, 100.0, 62.0),
                "none",
                [
                    ("customer", "I need a new invoice copy."),
                    ("agent", "I will send the invoice copy now."),
                ],
                [("takes_ownership", 1, "I will send the invoice copy")],
                channel="email",
            ),
        ],
    )


def history_table(
    week: str,
    agents: dict[str, tuple[str, str]],
    overall: dict[str, list[float]],
    contacts: int = 1,
) -> pl.DataFrame:
    """Earlier weeks' published tables: `contacts` contacts per agent and week, overall as
    given."""
    rows = []
    for aid, values in overall.items():
        weeks_back = [(b, v, n) for b, v in enumerate(reversed(values), 1) for n in range(contacts)]
        for back, value, n in weeks_back:
            monday, _ = week_bounds(week)
            day = monday - timedelta(weeks=back)
            iso = day.isocalendar()
            rows.append(
                {
                    "week": f"{iso.year}-W{iso.week:02d}",
                    "contact_id": f"h-{aid}-{back}" + (f"-{n}" if n else ""),
                    "agent_id": aid,
                    "rubric_version": "rubric-test-1",
                    "empathy": value - 5,
                    "compassion": value + 5,
                    "sympathy_overload": 90.0,
                    "hospitality": value,
                    "overall": value,
                    "opportunity": "needed_shown",
                    "routine": False,
                    "n_turns": 4,
                    "n_agent_turns": 2,
                    **{f"n_{s}": 0 for s in SIGNALS},
                    "agent_name": agents[aid][0],
                    "team": agents[aid][1],
                    "started_at": datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
                    "channel": "voice",
                }
            )
    return pl.DataFrame(rows, schema=PUBLISHED_SCORES_SCHEMA)


WEEK = "2026-W47"


NAMES = {"a-001": ("Dana Cole", "Billing"), "a-002": ("Sam Reed", "Billing")}


def build(history: pl.DataFrame | None = None, agents: list[A] | None = None) -> WeekReport:
    """The week's report of the given agents (the strong and the weak one by default)."""
    f = frames(WEEK, agents or [strong_agent(), weak_agent()])
    return build_week_report(
        week=WEEK,
        table=published_scores_table(WEEK, f["scores"], f["contacts"]),
        findings=f["findings"],
        history=history if history is not None else PUBLISHED_SCORES_SCHEMA.to_frame(),
        quarantined=[("in/2026/11/17/bad.json", f"bad JSON near {RAW_EMAIL}")],
        rubric_version="rubric-test-1",
        code_version="0.1.0",
        turns=f["turns"],
        generated_at=datetime(2026, 11, 23, 6, tzinfo=UTC),
    )


def build_with_policy(policy: ReportPolicy | None) -> WeekReport:
    """The week's report under a report policy, Dana with nine earlier weeks on file."""
    f = frames(WEEK, [strong_agent(), weak_agent()])
    hist = history_table(WEEK, NAMES, {"a-001": [60, 62, 64, 66, 68, 70, 72, 74, 80]})
    return build_week_report(
        week=WEEK,
        table=published_scores_table(WEEK, f["scores"], f["contacts"]),
        findings=f["findings"],
        history=hist.select(PUBLISHED_SCORES_SCHEMA.names()),
        quarantined=[],
        rubric_version="rubric-test-1",
        code_version="0.1.0",
        turns=f["turns"],
        generated_at=datetime(2026, 11, 23, 6, tzinfo=UTC),
        policy=policy,
    )


def moved_to(agent: A, agent_id: str, name: str, team: str) -> A:
    """The same agent's week under another id, name and team (contact ids made unique)."""
    contacts = [replace(c, contact_id=f"{agent_id}-{c.contact_id}") for c in agent.contacts]
    return A(agent_id, name, team, contacts)


def two_team_agents() -> list[A]:
    """Dana and Sam in Billing, and their twins in Travel & Stays."""
    return [
        strong_agent(),  # a-001 Dana Cole, Billing
        weak_agent(),  # a-002 Sam Reed, Billing
        moved_to(strong_agent(), "t-101", "Ravi Tran", "Travel & Stays"),
        moved_to(weak_agent(), "t-102", "Lena Ortiz", "Travel & Stays"),
    ]
