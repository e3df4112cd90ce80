"""Reproducible samples per agent: random, and stratified with upset customers guaranteed."""

from __future__ import annotations

import random
import statistics

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.select.sampling import (
    BECAUSE_ALL,
    BECAUSE_DISTRESS,
    BECAUSE_RANDOM,
    BECAUSE_REST,
    distress_quota,
    sample_per_agent,
)


def _index(counts: dict[str, int]) -> pl.DataFrame:
    rows = [(f"{a}-c{i}", a) for a, n in counts.items() for i in range(n)]
    return pl.DataFrame(rows, schema=["contact_id", "agent_id"], orient="row")


def _picked(frame: pl.DataFrame, agent: str) -> set[str]:
    return set(frame.filter(pl.col("agent_id") == agent)["contact_id"].to_list())


def test_takes_n_per_agent_and_all_of_a_small_agent() -> None:
    picked = sample_per_agent(_index({"a1": 20, "a2": 3}), "2026-W47", 5)
    assert picked.group_by("agent_id").len().sort("agent_id")["len"].to_list() == [5, 3]


def test_none_means_every_contact() -> None:
    index = _index({"a1": 9})
    assert sample_per_agent(index, "2026-W47", None).height == 9


def test_week_changes_the_draw() -> None:
    index = _index({"a1": 40})
    draws = {
        frozenset(_picked(sample_per_agent(index, f"2026-W{w}", 5), "a1")) for w in range(40, 48)
    }
    assert len(draws) > 1


@settings(max_examples=40, deadline=None)
@given(
    own=st.integers(min_value=1, max_value=30),
    others=st.dictionaries(st.sampled_from(["b", "c", "d"]), st.integers(1, 15)),
    seed=st.randoms(use_true_random=False),
)
def test_sample_is_stable_under_reordering_and_other_agents(
    own: int, others: dict[str, int], seed: object
) -> None:
    alone = sample_per_agent(_index({"a": own}), "2026-W47", 5)
    crowd = _index({"a": own, **others})
    shuffled = crowd.sample(fraction=1.0, shuffle=True, seed=hash(seed) % 2**32)
    together = sample_per_agent(shuffled, "2026-W47", 5)
    assert _picked(together, "a") == _picked(alone, "a")
    assert len(_picked(alone, "a")) == min(own, 5)


def _upset_index(upset: dict[str, int], calm: dict[str, int]) -> pl.DataFrame:
    rows = [(f"{a}-u{i}", a) for a, n in upset.items() for i in range(n)]
    rows += [(f"{a}-c{i}", a) for a, n in calm.items() for i in range(n)]
    return pl.DataFrame(rows, schema=["contact_id", "agent_id"], orient="row")


def _upset_ids(frame: pl.DataFrame) -> pl.Series:
    return frame.filter(pl.col("contact_id").str.contains("-u"))["contact_id"]


def test_stratified_guarantees_upset_customers_a_share_and_says_why() -> None:
    index = _upset_index({"a": 2, "b": 1, "c": 0}, {"a": 40, "b": 40, "c": 40})
    picked = sample_per_agent(index, "2026-W47", 5, policy="stratified", distressed=_upset_ids)
    for agent, wanted in (("a", 2), ("b", 1), ("c", 0)):
        mine = picked.filter(pl.col("agent_id") == agent)
        assert mine.height == 5
        upset = mine.filter(pl.col("contact_id").str.contains("-u"))
        assert upset.height == wanted
        assert set(upset["sampled_because"]) <= {BECAUSE_DISTRESS}
    a = picked.filter(pl.col("agent_id") == "a").sort("contact_id")
    # 2 of 2 upset contacts drawn (weight 1), 3 of 40 calm ones (weight 40/3)
    assert a["weight"].to_list() == pytest.approx([40 / 3] * 3 + [1.0, 1.0])
    assert set(a.filter(pl.col("weight") > 1)["sampled_because"]) == {BECAUSE_REST}
    assert set(picked.filter(pl.col("agent_id") == "c")["sampled_because"]) == {BECAUSE_RANDOM}
    # weights of each agent add up to their contacts in the week
    totals = picked.group_by("agent_id").agg(pl.col("weight").sum()).sort("agent_id")
    assert totals["weight"].to_list() == pytest.approx([42.0, 41.0, 40.0])


def test_random_policy_keeps_todays_draw_with_equal_weights() -> None:
    index = _upset_index({"a": 8}, {"a": 30})
    plain = sample_per_agent(index, "2026-W47", 5)
    assert set(plain["weight"]) == {1.0}
    assert set(plain["sampled_because"]) == {BECAUSE_RANDOM}
    everyone = sample_per_agent(_index({"a": 3}), "2026-W47", 5, policy="stratified")
    assert set(everyone["sampled_because"]) == {BECAUSE_ALL}
    assert set(everyone["weight"]) == {1.0}


@pytest.mark.parametrize(("size", "contacts", "upset"), [(5, 40, 2), (5, 12, 9), (5, 6, 5)])
def test_quota_fits_the_strata(size: int, contacts: int, upset: int) -> None:
    k = distress_quota(size, contacts, upset)
    assert 0 <= k <= upset
    assert size - k <= contacts - upset
    assert k >= min(upset, 2)


@pytest.mark.parametrize("screen", [None, 10])
def test_stratified_weighted_mean_is_unbiased(screen: int | None) -> None:
    # One agent's week: 6 upset contacts scoring low, 34 calm ones scoring high; the stratified
    # sample over-draws the upset ones, the weights put them back in proportion (also when only
    # the first 10 in rank order are screened: a random tenth of the week, two-phase).
    rng = random.Random(11)
    upset = {f"a-u{i}": rng.uniform(10, 60) for i in range(6)}
    calm = {f"a-c{i}": rng.uniform(50, 100) for i in range(34)}
    score = {**upset, **calm}
    truth = sum(score.values()) / len(score)
    index = _upset_index({"a": 6}, {"a": 34})
    weighted, plain = [], []
    for w in range(2000):
        s = sample_per_agent(
            index, f"sim-{w}", 5, policy="stratified", distressed=_upset_ids, screen=screen
        )
        values = [score[c] for c in s["contact_id"]]
        weights = s["weight"].to_list()
        weighted.append(sum(v * x for v, x in zip(values, weights, strict=True)) / sum(weights))
        plain.append(sum(values) / len(values))
    assert statistics.mean(weighted) == pytest.approx(truth, abs=0.6)
    # the unweighted mean of the same samples would be biased low: the weights matter
    assert statistics.mean(plain) < truth - (3 if screen is None else 1)


@settings(max_examples=25, deadline=None)
@given(
    upset=st.integers(min_value=0, max_value=10),
    calm=st.integers(min_value=1, max_value=30),
    others=st.dictionaries(st.sampled_from(["b", "c"]), st.integers(1, 15)),
    seed=st.integers(0, 2**32 - 1),
)
def test_stratified_sample_is_reproducible(
    upset: int, calm: int, others: dict[str, int], seed: int
) -> None:
    alone = _upset_index({"a": upset}, {"a": calm})
    crowd = _upset_index({"a": upset, **others}, {"a": calm, **others})
    shuffled = crowd.sample(fraction=1.0, shuffle=True, seed=seed)
    first = sample_per_agent(alone, "2026-W47", 5, policy="stratified", distressed=_upset_ids)
    again = sample_per_agent(shuffled, "2026-W47", 5, policy="stratified", distressed=_upset_ids)
    assert _picked(first, "a") == _picked(again, "a")
    assert first.sort("contact_id").equals(
        again.filter(pl.col("agent_id") == "a").sort("contact_id")
    )
