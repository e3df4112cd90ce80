"""Two teams, two managers: each gets their own team's summary (parsed back: only their agents),
their agents' cards, and a body about their team only; a manager of both gets the week's."""

from __future__ import annotations

import hashlib
import io
import re
import urllib.request
from dataclasses import replace
from email.message import EmailMessage

import pytest
from pydantic import SecretStr
from pypdf import PdfReader

from flows.config.settings import Settings
from flows.deliver.recipients import WeekDigest, digest_of
from flows.deliver.sink import free_port
from flows.deliver.week import deliver_week
from flows.publish.publish import week_prefix
from flows.render.pdf import render_week_pdfs
from flows.report.file_names import TEAM_SUMMARY_FILE, team_summary_file_name
from flows.report.model import WeekReport
from flows.stores.s3 import S3Store
from tests.flows.report.fixtures import WEEK, build, history_table, two_team_agents
from tests.support.smtp import smtp_server, webhook_server

PREFIX = week_prefix("scorecards", WEEK)
PEOPLE = {
    "Billing": ["Dana Cole", "a-001", "Sam Reed", "a-002"],
    "Travel & Stays": ["Ravi Tran", "t-101", "Lena Ortiz", "t-102"],
}
MANAGERS = {"Billing": "lead.billing@acme.test", "Travel & Stays": "lead.travel@acme.test"}


@pytest.fixture(scope="module")
def report() -> WeekReport:
    names = {"a-001": ("Dana Cole", "Billing"), "t-102": ("Lena Ortiz", "Travel & Stays")}
    # a-001 was far lower last week (up now), t-102 far higher (down now): one mover per team,
    # each week on five contacts so that the change stands out from the sampling noise
    history = history_table(WEEK, names, {"a-001": [30.0], "t-102": [99.0]}, contacts=5)
    return build(history, two_team_agents())


@pytest.fixture(scope="module")
def pdfs(report: WeekReport) -> dict[str, bytes]:
    return render_week_pdfs(report, workers=1)


def publish(store: S3Store, report: WeekReport, pdfs: dict[str, bytes]) -> WeekDigest:
    files: dict[str, dict[str, object]] = {"scores.csv": {"sha256": "scores-v1", "bytes": 1}}
    for name, data in pdfs.items():
        store.put(PREFIX + name, data, "application/pdf")
        files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    return digest_of(report, files)


def settings(port: int, recipients: dict[str, str]) -> Settings:
    return Settings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        mail_from="rapport@acme.test",
        qa_contact="qa@acme.test",
        recipients=recipients,
        out_dir=None,
    )


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def plain(msg: EmailMessage) -> str:
    body = msg.get_body(("plain",))
    assert body is not None
    text: str = body.get_content()
    return text


def test_each_manager_gets_their_teams_summary_and_lines_only(
    s3_store: S3Store, report: WeekReport, pdfs: dict[str, bytes]
) -> None:
    digest = publish(s3_store, report, pdfs)
    assert set(digest.team_summaries) == set(MANAGERS)
    with smtp_server() as inbox:
        conf = settings(inbox.port, MANAGERS)
        summary = deliver_week(conf, digest, s3_store, PREFIX, backoff=0)
        assert sorted(summary["sent"]) == sorted(MANAGERS.values())
        assert not summary["failed"]
        for team, address in MANAGERS.items():
            (msg,) = inbox.to(address)
            other = next(t for t in PEOPLE if t != team)
            files = {str(a.get_filename()): a.get_content() for a in msg.iter_attachments()}
            own_summary = team_summary_file_name(team)
            assert TEAM_SUMMARY_FILE not in files
            cards = {f"{aid}.pdf" for aid in PEOPLE[team][1::2]}
            assert set(files) == {own_summary, *cards}
            text = pdf_text(files[own_summary])
            assert f"{team} only" in text
            assert all(who in text for who in PEOPLE[team])
            assert not any(who in text for who in PEOPLE[other]), (team, text)
            body = plain(msg)
            assert f"Summary of team {team} ({own_summary}): attached" in body
            assert not any(who in body for who in PEOPLE[other]), body
            moved = body.split("Who moved:")[1].split("Flagged")[0]
            flagged = body.split("Flagged:")[1].split("Files")[0]
            mover, loser = ("a-001", "up") if team == "Billing" else ("t-102", "down")
            assert mover in moved
            assert f"vs last week: {loser} " in moved
            assert "more than the noise" in moved
            assert PEOPLE[team][3] in flagged  # the weak agent of the team

        # One week later nothing changed for Billing, but a Travel agent's line did: only
        # Travel's manager hears again (Billing's summary does not show Travel).
        changed = replace(
            digest,
            agents=tuple(
                replace(a, overall=40.0) if a.agent_id == "t-101" else a for a in digest.agents
            ),
        )
        again = deliver_week(conf, changed, s3_store, PREFIX, backoff=0)
        assert again["sent"] == ["lead.travel@acme.test"]
        assert again["unchanged"] == ["lead.billing@acme.test"]


def test_the_chat_post_links_each_teams_own_summary(
    s3_store: S3Store, report: WeekReport, pdfs: dict[str, bytes]
) -> None:
    digest = publish(s3_store, report, pdfs)
    with webhook_server() as hook:
        no_mail = {"smtp_host": None, "webhook_url": SecretStr(hook.url)}
        conf = settings(free_port(), {}).model_copy(update=no_mail)
        assert deliver_week(conf, digest, s3_store, PREFIX, backoff=0)["sent"] == ["webhook"]
    (post,) = hook.posts
    for team in MANAGERS:
        found = re.search(rf"^{re.escape(team)}: 2 agents.*<(http[^|>]+)\|team summary>$",
                          post["text"], re.MULTILINE)  # fmt: skip
        assert found is not None, post["text"]
        with urllib.request.urlopen(found.group(1)) as resp:
            text = pdf_text(resp.read())
        assert f"{team} only" in text


def test_a_manager_of_every_team_gets_the_weeks_summary(
    s3_store: S3Store, report: WeekReport, pdfs: dict[str, bytes]
) -> None:
    digest = publish(s3_store, report, pdfs)
    boss = "head.of.service@acme.test"
    with smtp_server() as inbox:
        deliver_week(settings(inbox.port, dict.fromkeys(MANAGERS, boss)), digest, s3_store,
                     PREFIX, backoff=0)  # fmt: skip
    (msg,) = inbox.to(boss)
    files = {str(a.get_filename()): a.get_content() for a in msg.iter_attachments()}
    assert len(files) == 5
    assert TEAM_SUMMARY_FILE in files
    text = pdf_text(files[TEAM_SUMMARY_FILE])
    assert all(who in text for names in PEOPLE.values() for who in names)
