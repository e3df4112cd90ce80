"""Strengths: claimed on habits, quoted from the best-scored contact, never on a low criterion."""

from __future__ import annotations

import polars as pl
import pytest

from checks.coaching.coaching import coach_agent
from checks.coaching.strengths import went_well
from checks.coaching.week import AgentWeek, Evidence
from tests.flows.report.fixtures import frames, strong_agent


def test_strength_quote_comes_from_the_best_scored_contact() -> None:
    f = frames("2026-W47", [strong_agent()])
    c = coach_agent(f["scores"], f["findings"], turns=f["turns"])
    overall = dict(f["scores"].select("contact_id", "overall").iter_rows())
    for p in c.went_well:
        assert p.quote is not None
        best = max(overall[cid] for cid in p.contact_ids)
        assert overall[p.quote.contact_id] == best
        assert p.quote.contact_id == min(cid for cid in p.contact_ids if overall[cid] == best)


@pytest.mark.parametrize("criterion", ["empathy", "compassion"])
def test_no_strength_is_claimed_for_a_criterion_that_scored_low(criterion: str) -> None:
    f = frames("2026-W47", [strong_agent()])
    feeds = {
        "empathy": {"acknowledges_feeling", "reflects_problem", "explores"},
        "compassion": {"takes_ownership", "next_step", "confirms_resolution"},
    }[criterion]
    before = coach_agent(f["scores"], f["findings"], turns=f["turns"])
    assert {p.key for p in before.went_well} & feeds
    low = f["scores"].with_columns(pl.lit(20.0).alias(criterion))
    after = coach_agent(low, f["findings"], turns=f["turns"])
    assert not {p.key for p in after.went_well} & feeds


def _week(**evidence: Evidence) -> AgentWeek:
    return AgentWeek(n=4, shown=1, missed=1, problems=3, evidence=dict(evidence))


def test_strength_details_read_from_the_table() -> None:
    wk = _week(
        reflects_problem=Evidence(3, ("c1", "c2")),
        warmth=Evidence(4, ("c1", "c2", "c3", "c4")),
        explores=Evidence(1, ("c1", "c2")),
    )
    details = {p.key: p.detail for p in went_well(wk, {})}
    assert details == {
        "warmth": "Friendly greetings, thanks and closes in 4 of 4 contacts.",
        "reflects_problem": (
            "Restated the customer's problem in their own words 3 times across 2 contacts."
        ),
        "explores": "Asked 1 open question about the customer's situation.",
    }


def test_a_detail_without_its_base_falls_back_and_ownership_of_none_is_no_strength() -> None:
    upset_none = AgentWeek(n=2, evidence={"acknowledges_feeling": Evidence(2, ("c1", "c2"))})
    (point,) = went_well(upset_none, {})
    assert point.detail == "Seen 2 times in 2 contacts."
    owned_none = AgentWeek(
        n=2,
        problems=2,
        flagged={"lack_own": ("c1", "c2")},
        evidence={"takes_ownership": Evidence(1, ("c1",))},
    )
    assert went_well(owned_none, {}) == []


def test_excluded_strengths_and_at_most_three() -> None:
    every = {k: Evidence(2, ("c1", "c2", "c3")) for k in ("reflects_problem", "explores")}
    every |= {k: Evidence(2, ("c1", "c2", "c3")) for k in ("next_step", "warmth")}
    wk = AgentWeek(n=3, problems=3, evidence=every)
    assert len(went_well(wk, {})) == 3
    kept = {p.key for p in went_well(wk, {}, exclude=frozenset({"explores", "warmth"}))}
    assert kept == {"reflects_problem", "next_step"}
