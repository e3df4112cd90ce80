"""build_week_report: cards, coaching, the team summary and the rubric's report policy."""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from checks.rubric.rubric import ReportPolicy, RubricError, load_rubric, parse_rubric
from checks.transcripts.transcript import CRITERIA
from flows.report.build import build_week_report
from flows.report.model import CARD_CONTACT_ROWS, WeekReport
from flows.report.scores_table import PUBLISHED_SCORES_SCHEMA, published_scores_table
from tests.flows.report.fixtures import (
    NAMES,
    RAW_EMAIL,
    WEEK,
    build,
    build_with_policy,
    frames,
    history_table,
    strong_agent,
    weak_agent,
)


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


# the packaged rubric, to which the policy tests append a report section
DEFAULT = Path(__file__).resolve().parents[3] / "checks" / "rubric" / "rubric.yaml"


def test_the_default_rubric_keeps_todays_report() -> None:
    assert load_rubric().report == ReportPolicy()
    default, none = build_with_policy(load_rubric().report), build_with_policy(None)
    assert default == none
    assert len(default.agents[0].trend) == 8
    assert [f.agent_id for f in default.team.overload_flags] == ["a-002"]


def test_a_rubric_sets_trend_weeks_card_rows_and_flag_thresholds() -> None:
    text = DEFAULT.read_text(encoding="utf-8") + (
        "\nreport:\n  trend_weeks: 4\n  card_contact_rows: 1\n"
        "  overload_flag_control_below: 0\n  overload_flag_incidents: 50\n"
    )
    policy = parse_rubric(text, "team.yaml").report
    report = build_with_policy(policy)
    dana, sam = report.agents
    assert len(dana.trend) == 4
    assert len(sam.contacts) == 1 < sam.contacts_sampled
    assert report.team.overload_flags == ()
    assert (
        "sympathy overload"
        not in next(a for a in report.team.agents if a.agent_id == "a-002").flags
    )


def test_a_bad_report_policy_is_refused_with_its_key() -> None:
    text = DEFAULT.read_text(encoding="utf-8") + "\nreport:\n  trend_weeks: 1\n"
    with pytest.raises(RubricError, match=r"^team\.yaml: report\.trend_weeks: .*\(line \d+\)$"):
        parse_rubric(text, "team.yaml")
