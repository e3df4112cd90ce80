"""The team summary's page budget (issue 18, hole 8): up to BUDGET_AGENTS agents fit two A4
pages however long their names, ids and teams, with every flag and a long list of quarantined
and failed attribution files; what is cut says so, and attribution failures have their block."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from flows.render.pdf import render_team_summary_pdf
from flows.render.summary_budget import BUDGET_AGENTS, FILES_LISTED, clip, clip_middle
from flows.report.model import AgentFlag, TeamAgentRow, TeamSummary
from tests.flows.report.fixtures import build

LONG_NAME = "Maximiliana Alexandrovna Konstantinopoulou-Vanderbilt de la Fuente y Ortega " * 3
LONG_TEAM = "Accounts Receivable & Collections, EMEA North and Nordics (second line)"
LONG_REASON = "control 38 over 5 contacts: apology piles in 3, pity in 2, co-blaming in 2 " * 2


def _summary(agents: int, files: int, failures: int) -> TeamSummary:
    base = build().team
    rows = tuple(
        TeamAgentRow(
            f"agent-{i:03d}-" + "x" * 240,
            f"{LONG_NAME}{i}",
            LONG_TEAM,
            5,
            70.0 - i,
            1.5,
            {"empathy": 70.0, "compassion": 60.0, "sympathy_overload": 90.0, "hospitality": 80.0},
            ("sympathy overload", "missed empathy 3 of 5", "scripted lines in 4"),
        )
        for i in range(agents)
    )
    flags = tuple(AgentFlag(r.agent_id, r.agent_name, LONG_REASON, 1.0) for r in rows)
    return replace(
        base,
        agents=rows,
        n_agents=agents,
        overload_flags=flags,
        empathy_flags=flags,
        quarantined=tuple(
            (f"transcripts/2026/11/17/{'deep/' * 40}broken-{i}.json", LONG_REASON)
            for i in range(files)
        ),
        attribution_failures=tuple(
            (f"ctr/2026/11/17/stream-{i}.jsonl.gz", "contact records unreadable: too big")
            for i in range(failures)
        ),
    )


def _pdf(team: TeamSummary) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(render_team_summary_pdf(team)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def test_the_budget_holds_at_its_worst() -> None:
    pages, text = _pdf(_summary(BUDGET_AGENTS, files=FILES_LISTED + 7, failures=3))
    assert pages <= 2
    # every agent is on the page, by a readable start of their name and id
    assert text.count("Maximiliana Alexandrovna") >= BUDGET_AGENTS
    for i in (0, BUDGET_AGENTS - 1):
        assert f"agent-{i:03d}-xx" in text
    assert LONG_NAME[:40] not in text  # cut, with an ellipsis
    assert "… and 7 more" in text
    assert "ledger.csv and manifest.json" in text
    assert "broken-0.json" in text  # a cut key keeps its file name
    assert "ATTRIBUTION FILES THAT FAILED" in text.upper()
    assert "stream-2.jsonl.gz" in text


def test_before_the_budget_long_names_took_more_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same week with its texts uncut overflows (what the budget prevents)."""
    team = _summary(BUDGET_AGENTS, files=FILES_LISTED + 7, failures=3)
    monkeypatch.setattr("flows.render.pdf.fit_team_summary", lambda t: t)
    pages_uncut, _ = _pdf(team)
    assert pages_uncut > 2


def test_no_failure_block_without_failures() -> None:
    _, text = _pdf(_summary(2, files=0, failures=0))
    assert "ATTRIBUTION FILES THAT FAILED" not in text.upper()
    assert "No file was quarantined this week." in text


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("short", 10, "short"), ("abcdefghij", 5, "abcd…"), ("a b c d e f", 6, "a b c…")],
)
def test_clip(text: str, limit: int, expected: str) -> None:
    assert clip(text, limit) == expected


def test_clip_middle_keeps_the_file_name() -> None:
    key = "transcripts/" + "deep/" * 30 + "broken-1.json"
    cut = clip_middle(key, 40)
    assert len(cut) == 40
    assert cut.endswith("broken-1.json")
    assert cut.startswith("tran")
    assert clip_middle("short/key.json", 40) == "short/key.json"
