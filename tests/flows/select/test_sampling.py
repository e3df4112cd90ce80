from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.select.sampling import sample_per_agent


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
