"""The generated example week's agents come out the way their personas intend."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from checks.criteria.scoring import score_contacts
from checks.rubric.rubric import Rubric
from checks.transcripts.transcript import CRITERIA, SIGNALS

generate = pytest.importorskip("flows.examples.generate")
PERSONAS = generate.PERSONAS
MEASURES = [*CRITERIA, "overall"]


@pytest.fixture(scope="module")
def week(rubric: Rubric) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    scores = score_contacts(generate.generate_week("2026-W47"), rubric).scores
    means = scores.group_by("agent_id").agg([pl.col(m).mean() for m in MEASURES])
    shares = scores.group_by("agent_id").agg(
        [(pl.col(f"n_{s}") > 0).mean().alias(s) for s in SIGNALS]
    )
    return (
        {r["agent_id"]: r for r in means.iter_rows(named=True)},
        {r["agent_id"]: r for r in shares.iter_rows(named=True)},
    )


def _cases(kind: str) -> list[tuple[str, str, str]]:
    return [(p.agent_id, p.style, name) for p in PERSONAS for name in p.expect.get(kind, ())]


def _all(table: dict[str, dict[str, Any]], key: str) -> list[float]:
    return [row[key] for row in table.values() if row[key] is not None]


EXTREMES = [("highest", *c) for c in _cases("highest")] + [("lowest", *c) for c in _cases("lowest")]


@pytest.mark.parametrize(("kind", "agent", "style", "measure"), EXTREMES)
def test_highest_and_lowest(week: Any, kind: str, agent: str, style: str, measure: str) -> None:
    means, _ = week
    values = _all(means, measure)
    if kind == "highest":
        assert means[agent][measure] >= max(values) - 1e-9
    else:
        assert means[agent][measure] <= min(values) + 1e-9


@pytest.mark.parametrize(("agent", "style", "measure"), _cases("high"))
def test_high(week: Any, agent: str, style: str, measure: str) -> None:
    means, _ = week
    values = _all(means, measure)
    assert means[agent][measure] > sum(values) / len(values)


@pytest.mark.parametrize(("agent", "style", "measure"), _cases("low"))
def test_low(week: Any, agent: str, style: str, measure: str) -> None:
    means, _ = week
    values = _all(means, measure)
    assert means[agent][measure] < sum(values) / len(values)


@pytest.mark.parametrize(("agent", "style", "signal"), _cases("flags"))
def test_flags(week: Any, agent: str, style: str, signal: str) -> None:
    _, shares = week
    values = _all(shares, signal)
    assert shares[agent][signal] >= 0.25
    assert shares[agent][signal] > sum(values) / len(values)


@pytest.mark.parametrize(("agent", "style", "signal"), _cases("rare"))
def test_rare(week: Any, agent: str, style: str, signal: str) -> None:
    _, shares = week
    assert shares[agent][signal] <= 0.1


def test_named_expectations(week: Any) -> None:
    means, shares = week
    by_style = {p.style: p.agent_id for p in PERSONAS}
    control = {a: r["sympathy_overload"] for a, r in means.items()}
    assert min(control, key=control.__getitem__) == by_style["overload"]
    assert shares[by_style["broken_record"]]["empty_understand"] >= 0.5
    assert shares[by_style["scripted"]]["scripted_line"] >= 0.5
    assert means[by_style["host"]]["hospitality"] > means[by_style["dismissive"]]["hospitality"]


def test_missed_empathy_agent_has_needed_missed(rubric: Rubric) -> None:
    scores = score_contacts(generate.generate_week("2026-W47"), rubric).scores
    by_style = {p.style: p.agent_id for p in PERSONAS}
    opp = scores.filter(pl.col("agent_id") == by_style["dismissive"])["opportunity"]
    assert (opp == "needed_missed").sum() >= 3
    assert (opp == "needed_shown").sum() == 0


def test_coaching_counts_never_exceed_their_base(rubric: Rubric) -> None:
    import re

    from checks.coaching.coaching import coach_agents
    from checks.transcripts.transcript import turns_frame

    contacts = generate.generate_week("2026-W47")
    batch = score_contacts(contacts, rubric)
    coached = coach_agents(batch.scores, batch.findings, turns=turns_frame(contacts))
    counts = [
        (agent, p.detail, int(a), int(b))
        for agent, c in coached.items()
        for p in (*c.went_well, *c.focus)
        for a, b in re.findall(r"(\d+) of (\d+)", p.detail)
    ]
    assert counts
    assert [c for c in counts if c[2] > c[3]] == []
