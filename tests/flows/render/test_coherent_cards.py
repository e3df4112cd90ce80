"""Every card of the generated example week, rendered and read back, is coherent: no strength
beside a tip on the same behaviour or quote, counts over the same contacts, agent behaviour
quoted from agent turns, whole-word highlights, and the week's basis and bands stated."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from checks.coaching.coaching import CoachingPoint, Quote, strength_criterion, twin_strength
from checks.criteria.intervals import TOO_FEW
from flows.render.pdf import render_scorecard_pdf, render_team_summary_pdf
from flows.report.model import AgentCard, WeekReport
from tests.flows.report.example_report import example_report


@pytest.fixture(scope="module")
def report() -> WeekReport:
    return example_report()


@pytest.fixture(scope="module")
def texts(report: WeekReport) -> dict[str, str]:
    out = {}
    for card in report.agents:
        pages = PdfReader(io.BytesIO(render_scorecard_pdf(card))).pages
        out[card.agent_id] = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pages))
    return out


def _quotes(p: CoachingPoint) -> list[Quote]:
    return [q for q in (p.quote, p.context) if q is not None]


def _cards(report: WeekReport) -> list[AgentCard]:
    assert len(report.agents) == 8
    return report.agents


def test_no_strength_rests_on_the_behaviour_or_the_quote_of_a_tip(report: WeekReport) -> None:
    for card in _cards(report):
        strengths, tips = card.coaching.went_well, card.coaching.focus
        twins = {twin_strength(t.key) for t in tips}
        assert not twins & {s.key for s in strengths}, card.agent_id
        tip_turns = {(q.contact_id, q.turn) for t in tips for q in _quotes(t)}
        for s in strengths:
            assert not {(q.contact_id, q.turn) for q in _quotes(s)} & tip_turns, card.agent_id
        shown = [q for p in (*strengths, *tips) for q in _quotes(p)]
        assert len(shown) == len(set(shown)), card.agent_id


def test_strengths_never_sit_on_a_criterion_that_needs_improvement(report: WeekReport) -> None:
    for card in _cards(report):
        bands = {c.key: c.band for c in card.criteria}
        for s in card.coaching.went_well:
            assert bands[strength_criterion(s.key)] != "needs improvement", (card.agent_id, s)


def test_counts_take_numerator_and_denominator_from_the_same_contacts(
    report: WeekReport,
) -> None:
    for card in _cards(report):
        upset = card.opportunities.needed_shown + card.opportunities.needed_missed
        problems = next(c.applied for c in card.criteria if c.key == "compassion")
        for p in (*card.coaching.went_well, *card.coaching.focus):
            for n, m in re.findall(r"(\d+) of (\d+)", p.detail):
                assert int(n) <= int(m), (card.agent_id, p.detail)
                if p in card.coaching.went_well:
                    assert int(n) > 0, (card.agent_id, p.detail)
            if "upset" in p.detail and " of " in p.detail:
                assert re.search(rf"\d+ of {upset} ", p.detail), (card.agent_id, p.detail)
            if "with a problem" in p.detail:
                assert re.search(rf"\d+ of {problems} ", p.detail), (card.agent_id, p.detail)


def test_agent_behaviour_is_quoted_from_agent_turns_with_whole_words(report: WeekReport) -> None:
    contexts = 0
    for card in _cards(report):
        for p in (*card.coaching.went_well, *card.coaching.focus):
            if p.quote is not None:
                assert p.quote.speaker == "agent", (card.agent_id, p.key, p.quote)
            if p.context is not None:
                contexts += 1
                assert p.context.speaker == "customer"
                assert p.quote is None or p.quote.turn > p.context.turn
            for q in _quotes(p):
                if not q.match:
                    continue
                assert q.match == q.match.strip(), q
                assert q.match[0].isalnum(), q
                assert not (q.before[-1:].isalnum() and q.match[:1].isalnum()), q
                assert not (q.match[-1:].isalnum() and q.after[:1].isalnum()), q
                assert not (q.match[-1:].isalnum() and q.after[:1] in "'’" and q.after[1:2]), q
    assert contexts  # the example week has missed empathy, shown with the customer beside it


def test_every_rendered_card_states_its_basis_bands_and_how_sure(
    report: WeekReport, texts: dict[str, str]
) -> None:
    for card in _cards(report):
        text = texts[card.agent_id]
        assert card.rests_on in text
        assert re.match(r"5 contacts, \d+ with an upset customer", card.rests_on)
        assert card.band is not None
        assert card.band.upper() in text.upper()
        assert card.overall_interval is not None
        assert f"90% range {card.overall_interval.label()}" in text
        few = [c for c in card.criteria if c.too_few]
        assert text.count(TOO_FEW) == len(few), card.agent_id
        for c in card.criteria:
            if not c.too_few:
                assert c.interval is not None
                assert c.interval.label() in text
        if any(p.context for p in card.coaching.focus):
            assert "customer, for context" in text
            assert "agent's reply" in text


def test_team_summary_agrees_with_the_cards(report: WeekReport) -> None:
    raw = " ".join(
        p.extract_text() or ""
        for p in PdfReader(io.BytesIO(render_team_summary_pdf(report.team))).pages
    )
    text = re.sub(r"\s+", " ", raw)
    cards = {c.agent_id: c for c in report.agents}
    assert report.team.width_line in text
    for row in report.team.agents:
        card = cards[row.agent_id]
        assert row.interval == card.overall_interval
        assert row.change_verdict == card.change_verdict
        assert set(row.too_few) == {
            c.key for c in card.criteria if c.too_few and c.score is not None
        }
        if "missed empathy" in row.flags:
            assert card.opportunities.needed_missed >= 2
