"""The report data model: cards, team summary and the published score table."""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from checks.transcripts.transcript import CRITERIA
from flows.report.build import build_week_report
from flows.report.model import CARD_CONTACT_ROWS, WeekReport
from flows.report.scores_table import (
    PUBLISHED_SCORES_SCHEMA,
    published_scores_table,
    week_bounds,
    week_dates_label,
)
from tests.flows.report.fixtures import (
    RAW_CARD,
    RAW_EMAIL,
    A,
    C,
    frames,
    history_table,
    strong_agent,
    weak_agent,
)

WEEK = "2026-W47"
NAMES = {"a-001": ("Dana Cole", "Billing"), "a-002": ("Sam Reed", "Billing")}


def build(history: pl.DataFrame | None = None, agents: list[A] | None = None) -> WeekReport:
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


@pytest.mark.parametrize(
    ("week", "monday", "label"),
    [
        ("2026-W47", "2026-11-16", "Mon 16 – Sun 22 Nov 2026"),
        ("2026-W49", "2026-11-30", "Mon 30 Nov – Sun 6 Dec 2026"),
        ("2026-W53", "2026-12-28", "Mon 28 Dec 2026 – Sun 3 Jan 2027"),
    ],
)
def test_week_dates(week: str, monday: str, label: str) -> None:
    assert str(week_bounds(week)[0]) == monday
    assert week_dates_label(week) == label


def test_cards_headline_and_criteria() -> None:
    report = build()
    dana, sam = report.agents
    assert (dana.agent_name, sam.agent_name) == ("Dana Cole", "Sam Reed")
    assert dana.contacts_sampled == 3
    assert dana.week == WEEK
    f = frames(WEEK, [strong_agent()])
    assert dana.overall == pytest.approx(f["scores"]["overall"].mean())
    emp = next(c for c in sam.criteria if c.key == "empathy")
    assert emp.score == pytest.approx((20 + 15) / 2)
    assert emp.applied == 2
    assert emp.team_median == pytest.approx(statistics.median([(95 + 88) / 2, 17.5]))
    assert sam.opportunities.needed_missed == 2
    assert sam.opportunities.none == 1
    assert dana.overall is not None
    assert sam.overall is not None
    assert dana.team_median == pytest.approx(statistics.median([dana.overall, sam.overall]))
    assert dana.change is None
    assert dana.previous_week is None
    assert len(dana.trend) == 1
    assert dana.trend[-1].week == WEEK


def test_change_and_trend_from_history() -> None:
    hist = history_table(WEEK, NAMES, {"a-001": [60, 62, 64, 66, 68, 70, 72, 74, 80]})
    dana, sam = build(hist).agents
    assert dana.previous_week == "2026-W46"
    assert dana.change == pytest.approx(dana.overall - 80)  # type: ignore[operator]
    assert len(dana.trend) == 8
    assert [p.week for p in dana.trend][-2:] == ["2026-W46", WEEK]
    assert sam.change is None
    assert len(sam.trend) == 1


def test_history_of_the_same_week_is_ignored() -> None:
    hist = history_table(WEEK, NAMES, {"a-001": [50]})
    rerun = hist.with_columns(week=pl.lit(WEEK), overall=pl.lit(1.0))
    dana = build(pl.concat([hist, rerun])).agents[0]
    assert dana.previous_week == "2026-W46"
    assert dana.trend[-1].overall == dana.overall


def test_signals_and_contact_flags() -> None:
    sam = build().agents[1]
    signals = {s.key: s for s in sam.signals}
    assert signals["broken_record"].value == "3"
    assert signals["broken_record"].flagged
    assert signals["dismissive"].value == "2"
    assert signals["missed_ack"].value == "2"
    assert signals["apologies"].value == f"{3 / 3:.1f}"
    flags = {r.contact_id: r.flags for r in sam.contacts}
    assert {"missed empathy", "broken record", "apology pile", "overload"} <= set(flags["c-2001"])
    assert "dismissive" in flags["c-2002"]


def test_team_summary() -> None:
    team = build(history_table(WEEK, NAMES, {"a-002": [70]})).team
    assert [a.agent_name for a in team.agents] == ["Dana Cole", "Sam Reed"]
    assert team.agents[1].change == pytest.approx(team.agents[1].overall - 70)  # type: ignore[operator]
    assert [f.agent_id for f in team.overload_flags] == ["a-002"]
    assert [f.agent_id for f in team.empathy_flags] == ["a-002"]
    assert team.n_agents == 2
    assert team.n_contacts == 6
    # each agent's empathy rests on 2 contacts: too few to tell, so no agent is placed
    emp = next(d for d in team.distributions if d.key == "empathy")
    assert emp.values == ()
    assert all("empathy" in a.too_few for a in team.agents)
    assert all(a.criteria["empathy"] is None for a in team.agents)
    host = next(d for d in team.distributions if d.key == "hospitality")
    assert len(host.values) == 2
    assert team.quarantined[0][0] == "in/2026/11/17/bad.json"
    assert RAW_EMAIL not in team.quarantined[0][1]


def test_published_table_schema_and_masking() -> None:
    agent = strong_agent()
    agent.name = f"Dana {RAW_CARD}"
    f = frames(WEEK, [agent])
    table = published_scores_table(WEEK, f["scores"], f["contacts"])
    assert table.schema == PUBLISHED_SCORES_SCHEMA
    assert table.height == 3
    assert set(table["week"]) == {WEEK}
    assert table["agent_name"].to_list() == ["Dana [card]"] * 3
    assert all(c in table.columns for c in CRITERIA)
    back = build_week_report(
        week="2026-W48",
        table=published_scores_table("2026-W48", f["scores"], f["contacts"]),
        findings=f["findings"],
        history=table,
        quarantined=[],
        rubric_version="r",
        code_version="c",
    )
    assert back.agents[0].previous_week == WEEK


def test_empty_findings_and_no_turns() -> None:
    f = frames(WEEK, [strong_agent()])
    report = build_week_report(
        week=WEEK,
        table=published_scores_table(WEEK, f["scores"], f["contacts"]),
        findings=f["findings"].clear(),
        history=PUBLISHED_SCORES_SCHEMA.to_frame(),
        quarantined=[],
        rubric_version="r",
        code_version="c",
    )
    card = report.agents[0]
    assert card.coaching.went_well == ()
    assert len(card.coaching.focus) >= 1


@pytest.fixture(scope="module")
def generated() -> dict[str, pl.DataFrame]:
    from checks.criteria.scoring import score_turns
    from checks.rubric.rubric import load_rubric
    from checks.transcripts.transcript import contacts_frame, turns_frame
    from flows.examples.generate import generate_week

    contacts = generate_week(WEEK, n_agents=12, seed=5)
    turns = turns_frame(contacts)
    batch = score_turns(turns, load_rubric())
    return {
        "scores": batch.scores,
        "findings": batch.findings,
        "contacts": contacts_frame(contacts),
        "turns": turns,
    }


def _generated_report(f: dict[str, pl.DataFrame], tz: str = "UTC") -> WeekReport:
    return build_week_report(
        week=WEEK,
        table=published_scores_table(WEEK, f["scores"], f["contacts"]),
        findings=f["findings"],
        history=PUBLISHED_SCORES_SCHEMA.to_frame(),
        quarantined=[],
        rubric_version="r",
        code_version="c",
        timezone=tz,
        turns=f["turns"],
        generated_at=datetime(2026, 11, 23, 6, tzinfo=UTC),
    )


def test_generated_week_numbers_match_independent_polars(
    generated: dict[str, pl.DataFrame],
) -> None:
    f = generated
    report = _generated_report(f)
    s = f["scores"]
    expected = {
        r["agent_id"]: r
        for r in s.group_by("agent_id")
        .agg(
            n=pl.len(),
            overall=pl.col("overall").mean(),
            missed=(pl.col("opportunity") == "needed_missed").sum(),
            shown=(pl.col("opportunity") == "needed_shown").sum(),
            dismissive=pl.col("n_dismissive").sum(),
            und=pl.col("n_empty_understand").sum(),
            **{f"mean_{c}": pl.col(c).mean() for c in CRITERIA},
            **{f"applied_{c}": pl.col(c).count() for c in CRITERIA},
        )
        .iter_rows(named=True)
    }
    assert {c.agent_id for c in report.agents} == set(expected)
    names = [(c.agent_name.lower(), c.agent_id) for c in report.agents]
    assert names == sorted(names)
    for card in report.agents:
        e = expected[card.agent_id]
        assert card.contacts_sampled == e["n"]
        assert len(card.contacts) == min(e["n"], CARD_CONTACT_ROWS)
        assert card.overall == pytest.approx(e["overall"])
        for crit in card.criteria:
            assert crit.applied == e[f"applied_{crit.key}"]
            assert crit.score == pytest.approx(e[f"mean_{crit.key}"], nan_ok=True)
        assert card.opportunities.needed_missed == e["missed"]
        assert card.opportunities.needed_shown == e["shown"]
        signals = {sig.key: sig.value for sig in card.signals}
        assert signals["dismissive"] == str(e["dismissive"])
        assert signals["broken_record"] == str(e["und"])
        mine = s.filter(pl.col("agent_id") == card.agent_id)
        overall_of = dict(zip(mine["contact_id"], mine["overall"], strict=True))
        started = (
            f["contacts"]
            .filter(pl.col("agent_id") == card.agent_id)
            .sort("started_at", "contact_id")["contact_id"]
            .to_list()
        )
        # the lowest-scoring (ties in date order), listed in date order
        ranked = sorted(started, key=lambda c: (overall_of[c] is None, overall_of[c] or 0.0))
        lowest = set(ranked[:CARD_CONTACT_ROWS])
        assert [r.contact_id for r in card.contacts] == [c for c in started if c in lowest]
    assert report.team.n_contacts == s.height
    overall = [a.overall for a in report.team.agents if a.overall is not None]
    assert overall == sorted(overall, reverse=True)


def test_generated_week_quotes_come_from_the_agents_turns(
    generated: dict[str, pl.DataFrame],
) -> None:
    from checks.transcripts.pii import mask_pii

    f = generated
    report = _generated_report(f)
    turns = {
        (cid, turn): (aid, speaker, text)
        for cid, turn, aid, speaker, text in f["turns"]
        .select("contact_id", "turn", "agent_id", "speaker", "text")
        .iter_rows()
    }
    n_quotes = 0
    for card in report.agents:
        c = card.coaching
        points = (*c.went_well, *c.focus)
        quotes = [p.quote for p in points if p.quote]
        own = set(f["scores"].filter(pl.col("agent_id") == card.agent_id)["contact_id"])
        for p in points:
            assert set(p.contact_ids) <= own
            assert list(p.contact_ids) == sorted(set(p.contact_ids))
        for q in quotes:
            aid, speaker, text = turns[(q.contact_id, q.turn)]
            assert aid == card.agent_id
            assert q.speaker == speaker
            masked = mask_pii(text)
            for piece in (q.before + q.match + q.after).split("…"):
                assert piece in masked
            n_quotes += 1
    assert n_quotes >= 2 * len(report.agents)


def test_generated_week_coaching_equals_one_agent_at_a_time(
    generated: dict[str, pl.DataFrame],
) -> None:
    from checks.coaching.coaching import coach_agent

    f = generated
    report = _generated_report(f, tz="America/New_York")
    for card in report.agents[:4]:
        aid = card.agent_id
        dates = {}
        for cid, ts in (
            f["contacts"].filter(pl.col("agent_id") == aid).select("contact_id", "started_at")
        ).iter_rows():
            dates[cid] = ts.astimezone(ZoneInfo("America/New_York")).strftime("%a %d %b")
        alone = coach_agent(
            f["scores"].filter(pl.col("agent_id") == aid),
            f["findings"].filter(pl.col("agent_id") == aid),
            turns=f["turns"].filter(pl.col("agent_id") == aid),
            contact_dates=dates,
        )
        assert card.coaching == alone
        listed = [r.contact_id for r in card.contacts]
        assert [r.date for r in card.contacts] == [
            ts.astimezone(ZoneInfo("America/New_York")).strftime("%a %d %b %H:%M")
            for ts in f["contacts"]
            .filter(pl.col("contact_id").is_in(listed))
            .sort("started_at", "contact_id")["started_at"]
        ]


def test_a_busy_card_lists_its_lowest_scoring_contacts_in_date_order() -> None:
    agent = weak_agent()
    base = agent.contacts
    scores = [70.0, 40.0, None, 90.0, 40.0, 55.0, 10.0, 85.0, 60.0, 40.0, 95.0, 20.0]
    agent.contacts = [
        replace(
            base[i % len(base)],
            contact_id=f"c-9{i:03d}",
            day=i % 7,
            scores=(s, s, s, s),
        )
        for i, s in enumerate(scores)
    ]
    card = build(agents=[agent]).agents[0]

    assert card.contacts_sampled == len(scores)
    assert len(card.contacts) == CARD_CONTACT_ROWS < len(scores)
    by_date = sorted(range(len(scores)), key=lambda i: (i % 7, i))  # the card's date order
    ranked = sorted(by_date, key=lambda i: (scores[i] is None, scores[i] or 0.0))
    expected = [f"c-9{i:03d}" for i in by_date if i in ranked[:CARD_CONTACT_ROWS]]
    assert [r.contact_id for r in card.contacts] == expected
    assert all(r.overall is not None and r.overall <= 40.0 for r in card.contacts)


def test_contacts_in_an_unsupported_language_count_on_the_team_summary_only() -> None:
    hola = [("customer", "Hola, mi pedido no ha llegado."), ("agent", "Lo siento, lo reviso.")]
    na = (None, None, None, None)
    sam = weak_agent()
    sam.contacts.append(C("c-2099", 2, na, "none", hola, language="es"))
    # Nothing of this agent's could be scored: no card, no row, no zero in any median.
    bonjour = [("customer", "Bonjour, ma commande est en retard.")]
    lu = A(
        "a-003",
        "Lu Ortega",
        "Billing",
        [
            C("c-3001", 1, na, "none", hola, language="es"),
            C("c-3002", 3, na, "none", bonjour, language="fr"),
        ],
    )
    plain = build()
    report = build(agents=[strong_agent(), sam, lu])

    f = frames(WEEK, [strong_agent(), sam, lu])
    table = published_scores_table(WEEK, f["scores"], f["contacts"])
    assert table.height == 9
    skipped = table.filter(pl.col("state") == "unsupported_language")
    assert skipped["language"].sort().to_list() == ["es", "es", "fr"]
    assert skipped.select(*CRITERIA, "overall").null_count().row(0) == (3,) * 5
    # Cards neither list nor average them; the agent's card names them.
    assert [a.agent_id for a in report.agents] == ["a-001", "a-002"]
    assert report.agents[0] == plain.agents[0]
    assert report.agents[1] == replace(plain.agents[1], unsupported_languages=(("es", 1),))
    assert report.team.unsupported_languages == (("es", 2), ("fr", 1))
    assert report.team.n_unsupported_language == 3
    assert report.team == replace(plain.team, unsupported_languages=(("es", 2), ("fr", 1)))
    assert plain.team.n_unsupported_language == 0


def test_the_score_table_names_each_agents_scorecard_file() -> None:
    """Issue 18, hole 3: readers find a card from scores.csv, whatever the agent id."""
    from flows.report.file_names import scorecard_file_name

    odd, plain = strong_agent(), weak_agent()
    odd.agent_id = "team-summary/Ärger"
    f = frames(WEEK, [odd, plain])
    table = published_scores_table(WEEK, f["scores"], f["contacts"])
    files = dict(table.select("agent_id", "scorecard").unique().iter_rows())
    assert files == {
        odd.agent_id: scorecard_file_name(odd.agent_id),
        plain.agent_id: f"{plain.agent_id}.pdf",
    }
    assert files[odd.agent_id].startswith("team-summary_Arger~")


def test_an_agent_without_a_card_has_no_scorecard_file_in_the_table() -> None:
    f = frames(WEEK, [strong_agent(), weak_agent()])
    scores = f["scores"].with_columns(
        pl.when(pl.col("agent_id") == weak_agent().agent_id)
        .then(pl.lit("unsupported_language"))
        .otherwise(pl.col("state"))
        .alias("state")
    )
    table = published_scores_table(WEEK, scores, f["contacts"])
    files = dict(table.select("agent_id", "scorecard").unique().iter_rows())
    assert files == {strong_agent().agent_id: f"{strong_agent().agent_id}.pdf",
                     weak_agent().agent_id: None}  # fmt: skip
