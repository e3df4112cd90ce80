"""Message bodies: the wording of a change, who moved, who is flagged, no raw PII."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.deliver import message
from flows.deliver.message import body_lines, build_email, change_phrase, chat_post, failure_email
from flows.deliver.recipients import AgentLine, Packet, WeekDigest, movers, plan
from tests.flows.deliver.fixtures import AGENTS, WEEK, attachments, pdf, texts


def line(overall: float | None, change: float | None, agent_id: str = "a-1") -> AgentLine:
    return AgentLine(agent_id, "Name", "Billing", overall, change, (), f"{agent_id}.pdf")


@pytest.mark.parametrize(
    ("overall", "change", "phrase"),
    [
        (72.4, 12.2, "72 (up 12 points on last week)"),
        (58.0, -6.6, "58 (down 7 points on last week)"),
        (61.0, 1.2, "61 (up 1 point on last week)"),
        (61.0, 0.3, "61 (unchanged on last week)"),
        (64.0, None, "64 (no score last week to compare)"),
        (None, None, "n/a (no score last week to compare)"),
    ],
)
def test_change_phrase(overall: float | None, change: float | None, phrase: str) -> None:
    assert change_phrase(line(overall, change)) == phrase


def test_every_moved_line_and_an_agents_own_line_go_through_change_phrase(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(message, "change_phrase", lambda a: f"<{a.agent_id} worded elsewhere>")
    agents = (line(80.0, 9.0, "a-1"), line(50.0, -20.0, "a-2"), line(70.0, 1.0, "a-3"))
    digest = WeekDigest("2026-W47", "Mon 16 – Sun 22 Nov 2026", agents, {})
    manager = body_lines(Packet("lead@x", "manager", agents, team_summary=True), digest)
    moved = [x for x in manager if x.startswith("- ")]
    assert moved == ["- Name (a-2): <a-2 worded elsewhere>", "- Name (a-1): <a-1 worded elsewhere>"]
    own = body_lines(Packet("a3@x", "agent", agents[2:], team_summary=False), digest)
    assert "Your overall score: <a-3 worded elsewhere>." in own


@pytest.mark.parametrize(
    ("change", "verdict", "text", "phrase", "moved"),
    [
        (
            4.0,
            "within_noise",
            "up 4 points: within noise",
            "vs last week: up 4 points, within noise",
            False,
        ),
        (
            -9.0,
            "down",
            "down 9 points: more than the noise",
            "vs last week: down 9 points, more than the noise",
            True,
        ),
        (
            6.0,
            "too_few",
            "change: too few contacts to tell",
            "vs last week: too few contacts to tell",
            False,
        ),
    ],
)
def test_a_change_reads_as_the_scorecard_says_and_only_real_moves_are_news(
    change: float, verdict: str, text: str, phrase: str, moved: bool
) -> None:
    agent = replace(line(70.0, change), change_verdict=verdict, change_text=text)
    assert change_phrase(agent) == f"70 ({phrase})"
    assert (movers([agent]) == [agent]) is moved


def test_message_bodies_say_who_moved_and_who_is_flagged_without_raw_pii() -> None:
    leaky = AgentLine(
        "a-9", "Jo jo@customer.example", "Billing", 50.0, -20.0,
        ("quoted +44 7700 900123 at a customer",), "a-9.pdf",
    )  # fmt: skip
    (packet,), _ = plan([leaky, *AGENTS[:2]], {"Billing": "lead@x"}, {})
    digest = WeekDigest(WEEK, "Mon 16 – Sun 22 Nov 2026", (leaky, *AGENTS[:2]), {})
    data = {n: pdf(n) for n in packet.files()}
    msg = build_email(packet, digest, sender="r@x", qa_contact="qa@x", attachments=data, links={})
    plain, html = texts(msg)
    for body in (plain, html):
        assert "jo@customer.example" not in body
        assert "7700" not in body
        assert "Who moved" in body
        assert "Flagged" in body
        assert "qa@x" in body
    assert "a-1" in plain.split("Who moved:")[1].split("Flagged")[0]  # -12 points
    assert "a-2" not in plain.split("Who moved:")[1].split("Flagged")[0]  # +1 point
    assert "missed 2 of 3 empathy opportunities" in plain
    assert msg["List-Unsubscribe"].startswith("<mailto:qa@x?")
    assert set(attachments(msg)) == {"team-summary.pdf", "a-9.pdf", "a-1.pdf", "a-2.pdf"}
    failure = failure_email(WEEK, "reading s3://b/k from jo@customer.example", sender="r@x",
                            recipient="ops@x")  # fmt: skip
    assert "jo@customer.example" not in failure.get_content()
    assert "rapport run --week 2026-W47" in failure.get_content()
    post = chat_post(digest, {"a-1.pdf": "http://x/a-1"})
    assert "Billing: 3 agents, 2 moved, 2 flagged" in str(post["text"])
    assert "<http://x/a-1|Name a-1>" in str(post["text"])
