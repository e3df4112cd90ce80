"""Template and data agree: the trend title follows the report policy, table columns follow
the criteria list."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from checks.rubric.rubric import ReportPolicy
from checks.transcripts.transcript import CRITERIA
from flows.render import pdf
from flows.render.pdf import (
    CRITERION_SHORT_LABELS,
    render_scorecard_html,
    render_scorecard_pdf,
    render_team_summary_html,
)
from flows.report.model import CRITERION_LABELS, WeekReport
from tests.flows.report.fixtures import build_with_policy

XHTML = ""  # our templates write XHTML without a namespace


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _text(el: ET.Element) -> str:
    return "".join(el.itertext()).strip()


@pytest.fixture(scope="module")
def four_weeks() -> WeekReport:
    """A week whose rubric keeps four weeks of trend (Dana has nine earlier weeks on file)."""
    return build_with_policy(ReportPolicy(trend_weeks=4))


def test_the_trend_title_follows_the_policys_trend_length(four_weeks: WeekReport) -> None:
    dana = four_weeks.agents[0]
    assert len(dana.trend) == 4
    root = ET.fromstring(render_scorecard_html(dana))
    headings = [_text(h) for h in root.iter(f"{XHTML}h2")]
    assert "Trend, last 4 weeks" in headings
    text = _pdf_text(render_scorecard_pdf(dana))
    assert "trend, last 4 weeks" in text.lower()  # the heading is set in capitals
    assert "last 8 weeks" not in text.lower()


def test_criterion_labels_follow_the_criteria_list() -> None:
    assert tuple(CRITERION_LABELS) == CRITERIA
    assert set(CRITERION_SHORT_LABELS) == set(CRITERIA)
    assert [key for key, _ in pdf.criterion_columns()] == list(CRITERIA)


@pytest.fixture
def reversed_criteria(monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    """The criteria list in another order than the cards' dicts: columns must follow the list."""
    order = tuple(reversed(CRITERIA))
    monkeypatch.setattr(pdf, "CRITERIA", order)
    return order


def test_team_summary_columns_come_from_the_criteria_list(
    four_weeks: WeekReport, reversed_criteria: tuple[str, ...]
) -> None:
    root = ET.fromstring(render_team_summary_html(four_weeks.team))
    table = next(t for t in root.iter(f"{XHTML}table") if t.find(f".//{XHTML}thead") is not None)
    head = [_text(th) for th in table.iter(f"{XHTML}th")]
    shorts = [CRITERION_SHORT_LABELS[k] for k in reversed_criteria]
    assert head == ["Agent", "Team", "Cont.", "Overall (range)", "Change", *shorts, "Flags"]
    assert len(table.findall(f"{XHTML}colgroup/{XHTML}col")) == len(head)
    rows = table.findall(f"{XHTML}tbody/{XHTML}tr")
    assert len(rows) == len(four_weeks.team.agents)
    for row, agent in zip(rows, four_weeks.team.agents, strict=True):
        cells = [_text(td) for td in row][5:-1]
        expected = [
            "–" if k in agent.too_few else pdf._fmt_score(agent.criteria[k])
            for k in reversed_criteria
        ]
        assert cells == expected


def test_scorecard_columns_come_from_the_criteria_list(
    four_weeks: WeekReport, reversed_criteria: tuple[str, ...]
) -> None:
    card = four_weeks.agents[0]
    root = ET.fromstring(render_scorecard_html(card))
    header = next(th for th in root.iter(f"{XHTML}th") if th.get("class") == "nums")
    shorts = [CRITERION_SHORT_LABELS[k] for k in reversed_criteria]
    assert _text(header).split() == [*shorts, "Overall"]  # labels on the header's tab stops
    first = card.contacts[0]
    cell = next(td for td in root.iter(f"{XHTML}td") if td.get("class") == "nums")
    scores = (cell.text or "").split()
    assert scores == [pdf._fmt_score(first.criteria[k]) for k in reversed_criteria]
