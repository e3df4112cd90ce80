"""Delivering a week through a real SMTP server: once per recipient, links, webhook, failures."""

from __future__ import annotations

import io
import json
import re
import urllib.request

from pypdf import PdfReader

from flows.deliver.sink import free_port
from flows.deliver.week import deliver_week, notify_failure, record_key
from flows.stores.s3 import S3Store
from tests.flows.deliver.fixtures import PREFIX, WEEK, attachments, publish_week, settings, texts
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
