"""A published week of placeholder PDFs, its agents and delivery settings for the delivery tests."""

from __future__ import annotations

import io
from dataclasses import replace
from email.message import EmailMessage
from typing import Any

from pypdf import PdfWriter

from flows.config.settings import Settings
from flows.deliver.recipients import AgentLine, WeekDigest
from flows.publish.publish import week_prefix
from flows.stores.s3 import S3Store

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
