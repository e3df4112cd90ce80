"""Report policy read from the rubric: trend weeks, contact rows and flag thresholds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from checks.rubric.rubric import ReportPolicy, RubricError, load_rubric, parse_rubric
from flows.report.build import build_week_report
from flows.report.model import WeekReport
from flows.report.scores_table import PUBLISHED_SCORES_SCHEMA, published_scores_table
from tests.flows.report.fixtures import frames, history_table, strong_agent, weak_agent

WEEK = "2026-W47"
NAMES = {"a-001": ("Dana Cole", "Billing"), "a-002": ("Sam Reed", "Billing")}
DEFAULT = Path(__file__).resolve().parents[3] / "checks" / "rubric" / "rubric.yaml"


def build(policy: ReportPolicy | None) -> WeekReport:
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


def test_the_default_rubric_keeps_todays_report() -> None:
    assert load_rubric().report == ReportPolicy()
    default, none = build(load_rubric().report), build(None)
    assert default == none
    assert len(default.agents[0].trend) == 8
    assert [f.agent_id for f in default.team.overload_flags] == ["a-002"]


def test_a_rubric_sets_trend_weeks_card_rows_and_flag_thresholds() -> None:
    text = DEFAULT.read_text(encoding="utf-8") + (
        "\nreport:\n  trend_weeks: 4\n  card_contact_rows: 1\n"
        "  overload_flag_control_below: 0\n  overload_flag_incidents: 50\n"
    )
    policy = parse_rubric(text, "team.yaml").report
    report = build(policy)
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
