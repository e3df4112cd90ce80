"""Team summaries rendered in a few tasks of about equal work."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.pipeline.execution import SUMMARY_BASE_ROWS, summary_groups
from flows.report.model import TeamAgentRow, TeamSummary
from tests.flows.report.fixtures import build, two_team_agents

WEEK_SUMMARY = build(agents=two_team_agents()).team
ROW: TeamAgentRow = WEEK_SUMMARY.agents[0]


def summaries_of(sizes: list[int]) -> dict[str, TeamSummary]:
    return {f"team-{i}.pdf": replace(WEEK_SUMMARY, agents=(ROW,) * n) for i, n in enumerate(sizes)}


def work(summaries: dict[str, TeamSummary], names: list[str]) -> int:
    return sum(SUMMARY_BASE_ROWS + len(summaries[n].agents) for n in names)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 1200), min_size=1, max_size=90), st.integers(1, 8))
def test_every_summary_is_in_one_group_and_no_group_is_far_above_an_even_share(
    sizes: list[int], groups: int
) -> None:
    summaries = summaries_of(sizes)
    made = summary_groups(summaries, groups)
    names = [n for group in made for n in group]
    assert sorted(names) == sorted(summaries)  # each exactly once
    assert 1 <= len(made) <= groups
    assert all(made)
    even = work(summaries, names) / groups
    largest = max(work(summaries, [n]) for n in summaries)
    # the longest-first greedy bound: an even share plus at most one summary more
    assert max(work(summaries, g) for g in made) <= even + largest


def test_the_week_summary_of_1000_agents_has_a_group_and_80_teams_share_the_rest() -> None:
    summaries = summaries_of([1000] + [12] * 80)
    made = summary_groups(summaries, 4)
    assert made[0] == ["team-0.pdf"]  # the longest alone: it is as much work as the teams
    assert [len(g) for g in made[1:]] == [27, 27, 26]
