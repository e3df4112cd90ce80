"""One team's summary: only its agents and numbers, rendered only in a week of several teams."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from flows.render.pdf import pdf_file_names, render_team_summary_pdf
from flows.report.file_names import TEAM_SUMMARY_FILE, team_summary_file_name
from flows.report.model import WeekReport
from flows.report.team_scope import team_summaries, team_summary, team_summary_files
from tests.flows.report.fixtures import build, two_team_agents


@pytest.fixture(scope="module")
def report() -> WeekReport:
    return build(agents=two_team_agents())


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


def test_a_team_summary_has_only_its_agents_and_their_numbers(report: WeekReport) -> None:
    week = report.team
    billing = team_summary(report, "Billing")
    assert billing.scope == "Billing"
    assert week.scope is None
    assert {r.agent_id for r in billing.agents} == {"a-001", "a-002"}
    assert billing.n_agents == 2
    assert billing.n_contacts == week.n_contacts // 2
    assert {f.agent_id for f in billing.overload_flags + billing.empathy_flags} == {"a-002"}
    assert {f.agent_id for f in week.overload_flags + week.empathy_flags} == {"a-002", "t-102"}
    assert billing.team_medians == ()
    assert len(week.team_medians) == 2
    overall = sorted(r.overall for r in billing.agents if r.overall is not None)
    assert billing.median_overall == pytest.approx(sum(overall) / 2)
    for dist in billing.distributions:
        assert len(dist.values) <= 2
    with pytest.raises(ValueError, match="no agent of team 'Nowhere'"):
        team_summary(report, "Nowhere")


def test_each_team_summary_pdf_names_only_its_team(report: WeekReport) -> None:
    summaries = team_summaries(report)
    assert set(summaries) == {
        team_summary_file_name("Billing"),
        team_summary_file_name("Travel & Stays"),
    }
    assert team_summary_files(report) == {
        "Billing": team_summary_file_name("Billing"),
        "Travel & Stays": team_summary_file_name("Travel & Stays"),
    }
    people = {
        "Billing": ["Dana Cole", "a-001", "Sam Reed", "a-002"],
        "Travel & Stays": ["Ravi Tran", "t-101", "Lena Ortiz", "t-102"],
    }
    for name, summary in summaries.items():
        assert summary.scope is not None
        text = pdf_text(render_team_summary_pdf(summary))
        other = next(t for t in people if t != summary.scope)
        assert f"{summary.scope} only" in text
        assert all(who in text for who in people[summary.scope]), name
        assert not any(who in text for who in people[other]), name
        # The quarantined file is the week's, not a team's: counted, not listed.
        assert "1 of the week's files was quarantined this week" in text
        assert "bad.json" not in text
    whole = pdf_text(render_team_summary_pdf(report.team))
    assert all(who in whole for names in people.values() for who in names)
    assert "bad.json" in whole


def test_the_week_renders_team_summaries_only_with_several_teams(report: WeekReport) -> None:
    names = pdf_file_names(report)
    assert set(team_summaries(report)) < set(names)
    assert TEAM_SUMMARY_FILE in names
    assert len(names) == len(set(names)) == 1 + 2 + 4
    one_team = build()  # Billing only: the week's summary is that team's
    assert team_summaries(one_team) == {}
    assert team_summary_files(one_team) == {}
    assert sorted(pdf_file_names(one_team)) == ["a-001.pdf", "a-002.pdf", TEAM_SUMMARY_FILE]
