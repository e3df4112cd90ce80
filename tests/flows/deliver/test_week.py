"""Delivering a week through a real SMTP server: once per recipient, per team, links, failures."""

from __future__ import annotations

import hashlib
import io
import json
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
from flows.deliver.week import deliver_week, notify_failure, record_key
from flows.render.pdf import render_week_pdfs
from flows.report.file_names import TEAM_SUMMARY_FILE, team_summary_file_name
from flows.report.model import WeekReport
from flows.stores.s3 import S3Store
from tests.flows.deliver.fixtures import PREFIX, WEEK, attachments, publish_week, settings, texts
from tests.flows.report.fixtures import build, history_table, two_team_agents
from tests.support.smtp import smtp_server, webhook_server


def test_delivery_sends_once_per_recipient_links_resolve_and_a_rerun_sends_nothing(
    s3_store: S3Store,
) -> None:
    digest = publish_week(s3_store)
    with smtp_server() as inbox, webhook_server() as hook:
        conf = settings(inbox.port, card_links=True, webhook_url=hook.url)
        summary = deliver_week(conf, digest, s3_store, PREFIX, backoff=0)
        assert sorted(summary["sent"]) == sorted(
            ["lead.billing@acme.test", "lead.travel@acme.test", "a2@acme.test", "webhook"]
        )
        assert summary["no_recipient"] == ["a-4"]
        assert not summary["failed"]
        billing = inbox.to("lead.billing@acme.test")
        assert len(billing) == 1
        assert len(inbox.received) == 3
        msg = billing[0]
        # The team summary is attached (a valid PDF); the cards are links that resolve.
        ((name, data),) = attachments(msg).items()
        assert name == "team-summary.pdf"
        assert len(PdfReader(io.BytesIO(data)).pages) == 1
        plain, html = texts(msg)
        urls = re.findall(r"https?://\S+", plain)
        assert len(urls) == 2
        assert "links valid until" in plain
        for url in urls:
            assert url.startswith(s3_store.endpoint_url or "")
            assert "Signature" in url
            assert f'href="{url.replace("&", "&amp;")}"' in html
            with urllib.request.urlopen(url) as resp:
                assert PdfReader(io.BytesIO(resp.read())).pages
        # The agent gets their own card only.
        (own,) = inbox.to("a2@acme.test")
        assert "a-2.pdf" in texts(own)[0]
        assert "a-1" not in texts(own)[0]
        # The webhook got the team lines and links that resolve.
        (post,) = hook.posts
        assert "Billing: 2 agents" in post["text"]
        link = re.search(r"<(http[^|>]+)\|Team summary>", post["text"])
        assert link is not None
        with urllib.request.urlopen(link.group(1)) as resp:
            assert resp.read().startswith(b"%PDF")
        # The record beside the week says what went where.
        record = json.loads(s3_store.get(record_key("scorecards", WEEK)))
        assert record["recipients"]["lead.billing@acme.test"]["status"] == "sent"
        assert record["recipients"]["lead.billing@acme.test"]["agents"] == ["a-1", "a-2"]
        assert record["no_recipient"] == ["a-4"]

        # A rerun that changes nothing sends nothing (new PDF bytes, the same scores).
        again = deliver_week(conf, publish_week(s3_store), s3_store, PREFIX, backoff=0)
        assert again["sent"] == []
        assert len(inbox.received) == 3
        assert len(hook.posts) == 1
        assert len(again["unchanged"]) == 4
        # Changed scores go again to the managers (the team summary shows everyone) and to the
        # webhook, not to an agent whose own line did not change.
        changed = publish_week(s3_store, version="v2")
        third = deliver_week(conf, changed, s3_store, PREFIX, backoff=0)
        assert sorted(third["sent"]) == [
            "lead.billing@acme.test",
            "lead.travel@acme.test",
            "webhook",
        ]
        assert third["unchanged"] == ["a2@acme.test"]
        # --resend sends everything again.
        forced = deliver_week(conf.model_copy(update={"resend": True}), changed, s3_store, PREFIX,
                              backoff=0)  # fmt: skip
        assert len(forced["sent"]) == 4
        assert len(inbox.received) == 8


def test_a_failed_send_is_retried_then_reported_never_raised(s3_store: S3Store) -> None:
    digest = publish_week(s3_store)
    dead = free_port()  # nothing listens there
    with webhook_server(fail_first=1) as hook:
        conf = settings(dead, send_attempts=2, webhook_url=hook.url)
        summary = deliver_week(conf, digest, s3_store, PREFIX, backoff=0)
        assert summary["sent"] == ["webhook"]  # its first attempt got a 503
    failed = {f["recipient"]: f["error"] for f in summary["failed"]}
    assert set(failed) == {"lead.billing@acme.test", "lead.travel@acme.test", "a2@acme.test"}
    assert all("after 2 attempt(s)" in e for e in failed.values())
    record = json.loads(s3_store.get(record_key("scorecards", WEEK)))
    assert record["recipients"]["a2@acme.test"]["status"] == "failed"
    # Once the server is back, the failed ones are sent (the webhook is not posted again).
    with smtp_server() as inbox:
        conf = settings(inbox.port, webhook_url=hook.url)
        retry = deliver_week(conf, digest, s3_store, PREFIX, backoff=0)
    assert len(retry["sent"]) == 3
    assert retry["unchanged"] == ["webhook"]
    assert len(inbox.received) == 3


def test_credentials_are_used_and_never_in_errors(s3_store: S3Store) -> None:
    digest = publish_week(s3_store)
    with smtp_server() as inbox:  # offers no AUTH: login fails
        conf = settings(
            inbox.port, smtp_user="rapport", smtp_password="hunter2-secret", send_attempts=1
        )
        summary = deliver_week(conf, digest, s3_store, PREFIX, backoff=0)
    assert summary["failed"]
    assert not inbox.received
    blob = json.dumps(summary) + s3_store.get(record_key("scorecards", WEEK)).decode()
    assert "hunter2" not in blob
    assert "hunter2" not in repr(conf)


def test_failed_week_notifies_operations(s3_store: S3Store) -> None:
    with smtp_server() as inbox:
        conf = settings(inbox.port, ops_email="ops@acme.test")
        assert notify_failure(conf, WEEK, RuntimeError("listing s3://b: bucket does not exist"))
    (msg,) = inbox.to("ops@acme.test")
    assert WEEK in msg["Subject"]
    assert "bucket does not exist" in msg.get_content()
    assert not notify_failure(settings(free_port()), WEEK, RuntimeError("x"))  # no ops address


def test_the_settings_table_wins_over_the_file(s3_store: S3Store) -> None:
    digest = publish_week(s3_store)
    with smtp_server() as inbox:
        conf = settings(inbox.port, agent_emails={})
        table: tuple[dict[str, str], dict[str, str]] = (
            {"Billing": "from-file@acme.test", "Nowhere": "lead.nowhere@acme.test"},
            {},
        )
        summary = deliver_week(conf, digest, s3_store, PREFIX, table=table, backoff=0)
    assert sorted(summary["sent"]) == [
        "lead.billing@acme.test", "lead.nowhere@acme.test", "lead.travel@acme.test"
    ]  # fmt: skip
    assert summary["no_recipient"] == []


# Two teams, two managers: each gets their own team's summary (parsed back: only their agents),
# their agents' cards, and a body about their team only; a manager of both gets the week's.
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


def publish_teams(store: S3Store, report: WeekReport, pdfs: dict[str, bytes]) -> WeekDigest:
    files: dict[str, dict[str, object]] = {"scores.csv": {"sha256": "scores-v1", "bytes": 1}}
    for name, data in pdfs.items():
        store.put(PREFIX + name, data, "application/pdf")
        files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    return digest_of(report, files)


def team_settings(port: int, recipients: dict[str, str]) -> Settings:
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


def plain_body(msg: EmailMessage) -> str:
    body = msg.get_body(("plain",))
    assert body is not None
    text: str = body.get_content()
    return text


def test_each_manager_gets_their_teams_summary_and_lines_only(
    s3_store: S3Store, report: WeekReport, pdfs: dict[str, bytes]
) -> None:
    digest = publish_teams(s3_store, report, pdfs)
    assert set(digest.team_summaries) == set(MANAGERS)
    with smtp_server() as inbox:
        conf = team_settings(inbox.port, MANAGERS)
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
            body = plain_body(msg)
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
    digest = publish_teams(s3_store, report, pdfs)
    with webhook_server() as hook:
        no_mail = {"smtp_host": None, "webhook_url": SecretStr(hook.url)}
        conf = team_settings(free_port(), {}).model_copy(update=no_mail)
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
    digest = publish_teams(s3_store, report, pdfs)
    boss = "head.of.service@acme.test"
    with smtp_server() as inbox:
        deliver_week(team_settings(inbox.port, dict.fromkeys(MANAGERS, boss)), digest, s3_store,
                     PREFIX, backoff=0)  # fmt: skip
    (msg,) = inbox.to(boss)
    files = {str(a.get_filename()): a.get_content() for a in msg.iter_attachments()}
    assert len(files) == 5
    assert TEAM_SUMMARY_FILE in files
    text = pdf_text(files[TEAM_SUMMARY_FILE])
    assert all(who in text for names in PEOPLE.values() for who in names)
