"""Delivery: who gets what, the messages (parsed back), sending once per week and recipient
through a real SMTP server, presigned links against moto's S3 server, the chat webhook."""

from __future__ import annotations

import io
import json
import re
import smtplib
import urllib.request
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from flows.config.settings import Settings
from flows.deliver.message import build_email, chat_post, failure_email
from flows.deliver.recipients import AgentLine, WeekDigest, plan, table_from_csv
from flows.deliver.sink import free_port, smtp_outbox
from flows.deliver.week import deliver_week, notify_failure, record_key
from flows.publish.publish import week_prefix
from flows.stores.s3 import S3Store
from tests.support.smtp import Inbox, smtp_server, webhook_server

WEEK = "2026-W47"
PREFIX = week_prefix("scorecards", WEEK)


def agent(
    agent_id: str, team: str, change: float | None = 1.0, flags: tuple[str, ...] = ()
) -> AgentLine:
    return AgentLine(agent_id, f"Name {agent_id}", team, 70.0, change, flags, f"{agent_id}.pdf")


AGENTS = (
    agent("a-1", "Billing", change=-12.0, flags=("missed 2 of 3 empathy opportunities",)),
    agent("a-2", "Billing"),
    agent("a-3", "Travel", change=8.0),
    agent("a-4", "Nowhere"),
)


def pdf(label: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": label})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def publish_week(store: S3Store, version: str = "v1") -> WeekDigest:
    """The week's PDFs in the store; version v2 changes agent a-3's score."""
    files: dict[str, dict[str, object]] = {"scores.csv": {"sha256": f"scores-{version}"}}
    for name in ["team-summary.pdf", *(a.file for a in AGENTS)]:
        data = pdf(f"{name} {version}")  # PDFs differ on every run (they carry the time)
        store.put(PREFIX + name, data, "application/pdf")
        files[name] = {"sha256": f"{name}-{version}", "bytes": len(data)}
    agents = tuple(
        replace(a, overall=55.0) if version == "v2" and a.agent_id == "a-3" else a for a in AGENTS
    )
    return WeekDigest(WEEK, "Mon 16 – Sun 22 Nov 2026", agents, files)


def settings(port: int, **kw: Any) -> Settings:
    base: dict[str, Any] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
        "mail_from": "rapport@acme.test",
        "qa_contact": "qa@acme.test",
        "recipients": {"Billing": "lead.billing@acme.test", "a-3": "lead.travel@acme.test"},
        "agent_emails": {"a-2": "a2@acme.test"},
        "out_dir": None,
    }
    return Settings(**{**base, **kw})


def attachments(msg: EmailMessage) -> dict[str, bytes]:
    return {str(a.get_filename()): a.get_content() for a in msg.iter_attachments()}


def texts(msg: EmailMessage) -> tuple[str, str]:
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None
    assert html is not None
    return plain.get_content(), html.get_content()


def test_plan_managers_by_agent_or_team_agents_own_cards_and_nobody_listed() -> None:
    packets, nobody = plan(
        AGENTS,
        {"Billing": "lead.billing@x", "a-3": "lead.travel@x", "Travel": "other@x"},
        {"a-2": "a2@x"},
    )
    by = {p.recipient: p for p in packets}
    assert [a.agent_id for a in by["lead.billing@x"].agents] == ["a-1", "a-2"]
    assert [a.agent_id for a in by["lead.travel@x"].agents] == ["a-3"]  # the agent id wins
    assert "other@x" not in by
    assert by["a2@x"].role == "agent"
    assert not by["a2@x"].team_summary
    assert by["a2@x"].files() == ["a-2.pdf"]
    assert [a.agent_id for a in nobody] == ["a-4"]


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


def test_demo_sink_writes_one_eml_per_recipient(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "r@x", "lead@x", "s"
    msg["X-Rapport-Week"] = WEEK
    msg.set_content("hello")
    with smtp_outbox(tmp_path) as (port, handler), smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(msg)
    (path,) = handler.written
    assert path == tmp_path / WEEK / "outbox" / "lead@x.eml"
    assert b"hello" in path.read_bytes()


def test_settings_read_smtp_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_SMTP_HOST", "smtp.acme.test")
    monkeypatch.setenv("RAPPORT_SMTP_PASSWORD", "s3cret")
    monkeypatch.setenv("RAPPORT_RECIPIENTS", '{"Billing": "lead@acme.test"}')
    conf = Settings()
    assert conf.smtp_host == "smtp.acme.test"
    assert conf.recipients == {"Billing": "lead@acme.test"}
    assert conf.smtp_password is not None
    assert "s3cret" not in repr(conf)
    assert conf.smtp_password.get_secret_value() == "s3cret"
    # What Prefect stores as a flow run's parameters (JSON) keeps the secret out.
    assert "s3cret" not in json.dumps(conf.model_dump(mode="json"))


def test_recipients_from_a_roster_csv_with_manager_and_agent_emails() -> None:
    roster = (
        "\ufeffcontact_id,Agent_ID,team,Team_Lead_Email,agent_email\n"
        "c-1,a-1,Billing,lead.billing@x,a1@x\n"
        "c-2,a-2,Billing,,\n"
        ",,Travel,lead.travel@x,\n"
        "c-3,a-9,Travel,special@x,\n"
    ).encode()
    managers, agents = table_from_csv(roster)
    assert managers == {"a-1": "lead.billing@x", "Travel": "lead.travel@x", "a-9": "special@x"}
    assert agents == {"a-1": "a1@x"}
    with pytest.raises(ValueError, match=r"roster\.csv: no manager_email"):
        table_from_csv(b"contact_id,agent_id\nc-1,a-1\n", "roster.csv")


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


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login_with_credentials_from_settings(s3_store: S3Store) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: object, session: object, envelope: object, mechanism: str,
                      data: object) -> AuthResult:  # fmt: skip
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret")

    inbox = Inbox(free_port())
    controller = Controller(
        inbox, hostname="127.0.0.1", port=inbox.port, authenticator=authenticator,
        auth_require_tls=False, auth_required=True,
    )  # fmt: skip
    controller.start()
    try:
        digest = publish_week(s3_store)
        good = settings(inbox.port, smtp_user="rapport", smtp_password="s3cret", agent_emails={})
        assert len(deliver_week(good, digest, s3_store, PREFIX, backoff=0)["sent"]) == 2
    finally:
        controller.stop()
    assert logins[0] == (b"rapport", b"s3cret")
    assert len(inbox.received) == 2


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (the certificate is its own CA)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.pem", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_starttls_then_login_and_the_server_certificate_is_verified(
    s3_store: S3Store, tmp_path: Path
) -> None:
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    cert, key = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins: list[bytes] = []

    def authenticator(server: object, session: object, envelope: object, mechanism: str,
                      data: object) -> AuthResult:  # fmt: skip
        assert isinstance(data, LoginPassword)
        logins.append(data.login)
        return AuthResult(success=data.password == b"s3cret")

    inbox = Inbox(free_port())
    controller = Controller(
        inbox, hostname="127.0.0.1", port=inbox.port, authenticator=authenticator,
        tls_context=server_tls, require_starttls=True, auth_required=True,
    )  # fmt: skip
    controller.start()
    try:
        digest = publish_week(s3_store)
        conf = settings(
            inbox.port, smtp_security="starttls", smtp_ca_file=cert, smtp_user="rapport",
            smtp_password="s3cret", agent_emails={}, send_attempts=1,
        )  # fmt: skip
        assert len(deliver_week(conf, digest, s3_store, PREFIX, backoff=0)["sent"]) == 2
        # Without the CA the server is not trusted: nothing is sent, the reason is reported.
        untrusted = conf.model_copy(update={"smtp_ca_file": None, "resend": True})
        failed = deliver_week(untrusted, digest, s3_store, PREFIX, backoff=0)["failed"]
    finally:
        controller.stop()
    assert logins == [b"rapport", b"rapport"]
    assert len(inbox.received) == 2
    assert len(failed) == 2
    assert all("SSLCertVerificationError" in f["error"] for f in failed)
